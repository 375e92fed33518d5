"""Reads structure files with ASE, for test/io/roundtrip.test.ts: an independent reader of heterolab's output.

Usage: python ase_read.py FILE FORMAT [FILE FORMAT ...]
Prints one JSON list, per file: numbers, positions (Cartesian Å), cell (rows a, b, c in Å), pbc, and `fixed`,
the indices of atoms ASE's constraints fix along every direction (FixAtoms, or FixCartesian/FixScaled with a
full mask), and `cartesianFixed`, per atom the x, y, z axes FixAtoms/FixCartesian fix; or {"error": ...} when
ASE cannot read the file.
"""
import json
import sys

import numpy as np
from ase.constraints import FixAtoms, FixCartesian, FixScaled
from ase.io import read


def fully_fixed(atoms):
    fixed = set()
    for c in atoms.constraints:
        if isinstance(c, FixAtoms):
            fixed.update(int(i) for i in c.index)
        elif isinstance(c, (FixCartesian, FixScaled)):
            masks = np.asarray(c.mask, bool).reshape(-1, 3)
            if len(masks) == 1:
                masks = np.repeat(masks, len(c.index), axis=0)
            fixed.update(int(i) for i, m in zip(c.index, masks) if m.all())
    return sorted(fixed)


def cartesian_fixed(atoms):
    """Per atom, the Cartesian axes (x, y, z) FixAtoms or FixCartesian fix: 1 = fixed."""
    out = np.zeros((len(atoms), 3), int)
    for c in atoms.constraints:
        if isinstance(c, FixAtoms):
            out[c.index] = 1
        elif isinstance(c, FixCartesian):
            masks = np.asarray(c.mask, bool).reshape(-1, 3)
            if len(masks) == 1:
                masks = np.repeat(masks, len(c.index), axis=0)
            for i, m in zip(c.index, masks):
                out[i] |= m
    return out.tolist()


def main(args):
    out = []
    for path, fmt in zip(args[::2], args[1::2]):
        try:
            atoms = read(path, format=fmt)
        except Exception as e:  # reported to the test, which fails with the message
            out.append({"file": path, "error": f"{type(e).__name__}: {e}"})
            continue
        out.append({
            "file": path,
            "numbers": atoms.numbers.tolist(),
            "positions": atoms.positions.ravel().tolist(),
            "cell": atoms.cell.array.ravel().tolist(),
            "pbc": atoms.pbc.tolist(),
            "fixed": fully_fixed(atoms),
            "cartesianFixed": cartesian_fixed(atoms),
        })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
