"""Times LAMMPS (one MPI rank, one thread) on the interlayer UFF energy+forces of heterolab interfaces, with the
same force-shifted Lennard-Jones (pair_style lj/smooth/linear), UFF parameters (read from
src/compute/ff/uff-params.ts) and cutoff as heterolab's wasm backend. Same-layer pairs are excluded from the
neighbour list, so LAMMPS does the same pair work. Prints JSON: per file, ms per force evaluation (pair + neighbour
+ communication time of a `run` without time integration, divided by the steps) with the neighbour list built
once (`ms`) and rebuilt at every evaluation (`msRebuild`, what a single-point energy+forces costs), and the energy.

Usage: python scripts/bench/lammps_time.py STEPS FILE.extxyz...
"""
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from ase.io import read

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KCAL = 4.184 / 96.485332
CUTOFF = 12.0
table = {}
for m in re.finditer(r"\[(\d+), '([^']+)', ([\d.]+), ([\d.]+)\]", open(os.path.join(ROOT, "src/compute/ff/uff-params.ts")).read()):
    table[int(m.group(1))] = (float(m.group(3)), float(m.group(4)) * KCAL)


def time_one(path, steps, rebuild):
    atoms = read(path, format="extxyz")
    role = atoms.arrays["role"]
    zs = atoms.get_atomic_numbers()
    kinds = sorted(set(zip(zs.tolist(), role.tolist())))
    tid = {k: i + 1 for i, k in enumerate(kinds)}
    cell0 = atoms.cell.array.copy()
    ang = math.atan2(cell0[0][1], cell0[0][0])
    c, s_ = math.cos(-ang), math.sin(-ang)
    R = np.array([[c, -s_, 0], [s_, c, 0], [0, 0, 1.0]])
    if (R @ cell0[1])[1] < 0:
        R = np.diag([1.0, -1.0, 1.0]) @ R
    cell = (R @ cell0.T).T
    pos = (R @ atoms.positions.T).T
    zlo, zhi = pos[:, 2].min() - 1.0, pos[:, 2].max() + 1.0
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "data.lmp"), "w") as f:
            f.write("heterolab interface\n\n%d atoms\n%d atom types\n\n" % (len(atoms), len(kinds)))
            f.write("0 %.15f xlo xhi\n0 %.15f ylo yhi\n%.15f %.15f zlo zhi\n%.15f 0 0 xy xz yz\n\n" % (cell[0][0], cell[1][1], zlo, zhi, cell[1][0]))
            f.write("Masses\n\n" + "".join("%d 1.0\n" % (i + 1) for i in range(len(kinds))) + "\nAtoms # atomic\n\n")
            for i, p in enumerate(pos):
                f.write("%d %d %.15f %.15f %.15f\n" % (i + 1, tid[(int(zs[i]), int(role[i]))], p[0], p[1], p[2]))
        lines = ["units metal", "atom_style atomic", "boundary p p f", "box tilt large", "read_data data.lmp", "pair_style lj/smooth/linear %.1f" % CUTOFF]
        for a in kinds:
            for b in kinds:
                if tid[a] > tid[b]:
                    continue
                xa, da = table[a[0]]
                xb, db = table[b[0]]
                lines.append("pair_coeff %d %d %.15g %.15g" % (tid[a], tid[b], math.sqrt(da * db), math.sqrt(xa * xb) / 2 ** (1 / 6)))
        same = [(tid[a], tid[b]) for a in kinds for b in kinds if a[1] == b[1] and tid[a] <= tid[b]]
        lines += ["neighbor 0.0 bin", ("neigh_modify every 1 delay 0 check no " if rebuild else "neigh_modify every 1000000 delay 0 check no ") + " ".join("exclude type %d %d" % p for p in same),
                  "thermo_style custom step pe", "thermo_modify format float %.15g", "run 0",
                  "run %d" % steps]
        with open(os.path.join(tmp, "in.lmp"), "w") as f:
            f.write("\n".join(lines) + "\n")
        env = dict(os.environ, OMP_NUM_THREADS="1")
        run = subprocess.run(["lmp", "-in", "in.lmp", "-log", "none", "-screen", "log.txt"], cwd=tmp, capture_output=True, text=True, env=env)
        log = open(os.path.join(tmp, "log.txt")).read()
        if run.returncode != 0:
            raise RuntimeError("LAMMPS failed:\n" + log[-2000:])
        loop = [float(x) for x in re.findall(r"Loop time of ([\d.eE+-]+) on", log)][-1]
        pe = float(re.findall(r"^\s*0\s+([-\d.eE+]+)\s*$", log, re.M)[0])
        version = re.search(r"LAMMPS \(([^)]+)\)", log).group(1)
    return {"file": path, "natoms": len(atoms), "ms": loop / steps * 1000, "energy": pe, "lammps": version}


def main():
    if not shutil.which("lmp"):
        print(json.dumps({"unavailable": "LAMMPS (`lmp`) is not installed: apt-get install lammps"}))
        return
    steps = int(sys.argv[1])
    out = []
    for p in sys.argv[2:]:
        r = time_one(p, steps, False)
        r["msRebuild"] = time_one(p, steps, True)["ms"]
        out.append(r)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
