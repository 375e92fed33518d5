"""Times ase.io.read on one file (median of N runs after one warm-up) and prints JSON. Used by npm run bench."""
import json
import statistics
import sys
import time

import ase
from ase.io import read

path, fmt, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = []
atoms = None
for i in range(n + 1):
    t0 = time.perf_counter()
    atoms = read(path, format=fmt)
    t = time.perf_counter() - t0
    if i > 0:
        times.append(t)
print(json.dumps({"seconds": statistics.median(times), "min": min(times), "natoms": len(atoms), "ase": ase.__version__}))
