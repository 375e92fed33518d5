"""Times LAMMPS (one MPI rank, one thread) on the interlayer UFF energy+forces of heterolab interfaces, with the
same force-shifted Lennard-Jones (pair_style lj/smooth/linear), UFF parameters (read from
src/compute/ff/uff-params.ts) and cutoff as heterolab's wasm backend. Same-layer pairs are excluded from the
neighbour list, so LAMMPS does the same pair work. Prints JSON: per file, ms per force evaluation (pair + neighbour
+ communication time of a `run` without time integration, divided by the steps) with the neighbour list built
once (`ms`) and rebuilt at every evaluation (`msRebuild`, what a single-point energy+forces costs), and the energy.

With --skin=S (Å) also `msSkin`: the list built once with that skin (pairs out to cutoff + S listed, as a
Verlet list that is reused needs), the like-for-like reference for a neighbour list with the same skin.

--reused-only skips the rebuilt-list run (slow; for repeated rounds).

Usage: python scripts/bench/lammps_time.py [--skin=S] [--reused-only] STEPS FILE.extxyz...
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


def time_one(path, steps, rebuild, skin=0.0):
    iface = Interface(path)
    with tempfile.TemporaryDirectory() as tmp:
        iface.write_data(os.path.join(tmp, "data.lmp"))
        lines = header() + iface.pair_coeffs(table, zero_within_layer=False)
        excl = " ".join("exclude type %d %d" % p for p in iface.same_layer_type_pairs())
        lines += ["neighbor %g bin" % skin, ("neigh_modify every 1 delay 0 check no " if rebuild else "neigh_modify every 1000000 delay 0 check no ") + excl,
                  "thermo_style custom step pe", "thermo_modify format float %.15g", "run 0", "run %d" % steps]
        log = run_lammps(tmp, lines, env=dict(os.environ, OMP_NUM_THREADS="1"))
        loop = [float(x) for x in re.findall(r"Loop time of ([\d.eE+-]+) on", log)][-1]
        # "NN.N% CPU use": CPU time of the loop over its wall time; on a loaded machine CPU time is the fairer clock.
        cpu = [float(x) for x in re.findall(r"([\d.]+)% CPU use", log)][-1] / 100
        pe = float(re.findall(r"^\s*0\s+([-\d.eE+]+)\s*$", log, re.M)[0])
    return {"file": path, "natoms": iface.natoms, "ms": loop / steps * 1000, "cpuMs": loop * cpu / steps * 1000, "energy": pe, "lammps": lammps_version(log)}


def main():
    if not shutil.which("lmp"):
        print(json.dumps({"unavailable": "LAMMPS (`lmp`) is not installed: apt-get install lammps"}))
        return
    args = sys.argv[1:]
    skin, rebuild = 0.0, True
    while args and args[0].startswith("--"):
        a = args.pop(0)
        if a.startswith("--skin="):
            skin = float(a.split("=", 1)[1])
        elif a == "--reused-only":
            rebuild = False
    steps = int(args[0])
    out = []
    for p in args[1:]:
        r = time_one(p, steps, False)
        if rebuild:
            r["msRebuild"] = time_one(p, steps, True)["ms"]
        if skin > 0:
            k = time_one(p, steps, False, skin)
            r["msSkin"], r["cpuMsSkin"] = k["ms"], k["cpuMs"]
            r["skin"] = skin
        out.append(r)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
