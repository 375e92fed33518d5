"""Checks ffsum.py's numpy pair sum against the project's CLI (`zscan --backend cpu`) for uff and d2 on a few
systems, so the fitting script and the shipped force field cannot drift apart. (The `fit` table itself is
checked the other way round by src/compute/ff/fit-params.test.ts.) Exit 1 on a mismatch.

    /work/main/.venv/bin/python models/ff-fit/check_ffsum.py     # after fit.py has run once (uses its build/)
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ffsum import D2, UFF, basis, base_element, canonical, energies, read_extxyz, write_extxyz  # noqa: E402
from systems import BUILD, CLI  # noqa: E402


def cli_energies(path: Path, model: str, zs: np.ndarray) -> np.ndarray:
    step = zs[1] - zs[0]
    r = subprocess.run(["node", str(CLI), "zscan", str(path), "--model", model, "--backend", "cpu", "--from", f"{zs[0]}",
                        "--to", f"{zs[-1]}", "--step", f"{step}", "--json"], capture_output=True, text=True, check=True)
    return np.array(json.loads(r.stdout)["energy"])


def main() -> int:
    systems = [canonical(s) for s in read_extxyz(BUILD / "records.extxyz")[8:11:2]] + read_extxyz(BUILD / "graphene_Cu111.extxyz")
    r0 = {z: D2[z][1] for z in D2}
    zs = np.arange(2.0, 4.51, 0.5)
    worst = 0.0
    for n, s in enumerate(systems):
        f = BUILD / f"check_ffsum_{n}.extxyz"
        write_extxyz(s, f)
        for model in ("uff", "d2"):
            if model == "uff":
                b = basis(s, zs, r0, damp=None)
                A = {z: UFF[z][1] * UFF[z][0] ** 12 for z in UFF}
                C = {z: 2 * UFF[z][1] * UFF[z][0] ** 6 for z in UFF}
            else:
                b = basis(s, zs, r0)
                A = {z: base_element(z)[0] for z in D2}
                C = {z: base_element(z)[1] for z in D2}
            mine, theirs = energies(b, A, C), cli_energies(f, model, zs)
            # The CLI prints energies to 1e-6 eV.
            err = np.max(np.abs(mine - theirs) - 1e-6 * np.maximum(1, np.abs(theirs)))
            worst = max(worst, err)
            print(f"{s.name} {model}: max |numpy − CLI| = {np.max(np.abs(mine - theirs)):.2e} eV over {len(zs)} z")
    print("OK" if worst <= 1e-6 else "MISMATCH")
    return 0 if worst <= 1e-6 else 1


if __name__ == "__main__":
    sys.exit(main())
