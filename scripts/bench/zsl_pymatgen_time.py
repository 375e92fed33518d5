"""Times pymatgen's ZSLGenerator on the pairs in test/fixtures/geometry/zsl_pymatgen.json (median of N runs)
and prints JSON. Used by npm run bench (scripts/bench/geometry-bench.ts)."""
import json
import statistics
import sys
import time

from pymatgen.analysis.interfaces.zsl import ZSLGenerator

ref = json.load(open(sys.argv[1]))
runs = int(sys.argv[2])
gen = ZSLGenerator(**ref["params"])
out = []
for p in ref["pairs"]:
    fv = [v + [0.0] for v in p["filmVectors"]]
    sv = [v + [0.0] for v in p["substrateVectors"]]
    ts = []
    n = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        n = len(list(gen(fv, sv)))
        ts.append(time.perf_counter() - t0)
    out.append({"film": p["film"], "substrate": p["substrate"], "seconds": statistics.median(ts), "matches": n})
print(json.dumps(out))
