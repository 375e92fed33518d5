"""Times LAMMPS (one MPI rank, one thread) on the interlayer UFF energy+forces of heterolab interfaces, with the
same force-shifted Lennard-Jones (pair_style lj/smooth/linear), UFF parameters (read from
src/compute/ff/uff-params.ts) and cutoff as heterolab's wasm backend. Same-layer pairs are excluded from the
neighbour list, so LAMMPS does the same pair work. Prints JSON: per file, ms per force evaluation (pair + neighbour
+ communication time of a `run` without time integration, divided by the steps) with the neighbour list built
once (`ms`) and rebuilt at every evaluation (`msRebuild`, what a single-point energy+forces costs), and the energy.

Usage: python scripts/bench/lammps_time.py STEPS FILE.extxyz...
"""
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "ff"))
from lammps_setup import Interface, header, lammps_version, run_lammps, uff_table  # noqa: E402

table = uff_table()


def time_one(path, steps, rebuild):
    iface = Interface(path)
    with tempfile.TemporaryDirectory() as tmp:
        iface.write_data(os.path.join(tmp, "data.lmp"))
        lines = header() + iface.pair_coeffs(table, zero_within_layer=False)
        excl = " ".join("exclude type %d %d" % p for p in iface.same_layer_type_pairs())
        lines += ["neighbor 0.0 bin", ("neigh_modify every 1 delay 0 check no " if rebuild else "neigh_modify every 1000000 delay 0 check no ") + excl,
                  "thermo_style custom step pe", "thermo_modify format float %.15g", "run 0", "run %d" % steps]
        log = run_lammps(tmp, lines, env=dict(os.environ, OMP_NUM_THREADS="1"))
        loop = [float(x) for x in re.findall(r"Loop time of ([\d.eE+-]+) on", log)][-1]
        pe = float(re.findall(r"^\s*0\s+([-\d.eE+]+)\s*$", log, re.M)[0])
    return {"file": path, "natoms": iface.natoms, "ms": loop / steps * 1000, "energy": pe, "lammps": lammps_version(log)}


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
