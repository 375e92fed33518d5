"""The project's interlayer pair sum (src/compute/ff/cpu.ts) in numpy, arranged for fitting.

Pair form (src/compute/ff/model.ts): E(r) = A/r^12 − C/r^6 · f(r), f = 1/(1 + exp(−d (r/R0 − 1))), each term
force-shifted at the cutoff rc: E_sf(r) = E(r) − E(rc) − (r − rc) E'(rc). Only pairs in different groups count
(substrate 0, film 1), periodic in the plane of a and b, open along z. Å, eV.

E is linear in A and C at fixed R0 and d, so for one system we tabulate, per species pair (i, j) and per
rigid z-separation of the film, S12_ij(z) = Σ r^-12 (shifted) and S6_ij(z) = Σ r^-6 f(r) (shifted); then
E(z) = Σ_ij A_ij S12_ij(z) − C_ij S6_ij(z) for any parameters in microseconds. The per-element tables are read
from the TypeScript sources so the two sides cannot hold different numbers; tests/test_ffsum.py checks the sum
against the CLI.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
FF_DIR = ROOT / "src" / "compute" / "ff"
PLANE_TOL = 0.3  # Å, as PLANE_TOL in src/compute/ff/ops.ts
CUTOFF = 12.0  # Å, DEFAULT_CUTOFF in model.ts


def _ts_number(text: str, name: str) -> float:
    m = re.search(rf"export const {name} = ([^;]+);", text)
    if not m:
        raise ValueError(f"{name} not found in the TypeScript source")
    # The constants are simple arithmetic on literals (e.g. 1e6 / 96485.33212).
    return float(eval(m.group(1), {"__builtins__": {}}))  # noqa: S307 - our own source file


def load_tables():
    """UFF (x Å, D eV) and D2 (C6 eV Å^6 with s6 applied, R0 Å) per Z, and D2's damping d, from the TS files."""
    d2 = (FF_DIR / "d2-params.ts").read_text()
    uff = (FF_DIR / "uff-params.ts").read_text()
    kcal = 4.184 / 96.485332
    assert abs(_ts_number(uff, "KCAL_PER_MOL_IN_EV") - kcal) < 1e-12
    uff_rows = {int(z): (float(x), float(d) * kcal) for z, x, d in re.findall(r"\[(\d+), '[^']*', ([\d.]+), ([\d.]+)\]", uff)}
    body = d2.split("export const D2_C6_R0")[1]
    pairs = re.findall(r"\[([\d.]+), ([\d.]+)\]", body)
    s6 = _ts_number(d2, "D2_S6_PBE")
    unit = _ts_number(d2, "JNM6_PER_MOL_IN_EV_A6")
    d2_rows = {k + 1: (s6 * float(c6) * unit, float(r0)) for k, (c6, r0) in enumerate(pairs)}
    assert len(uff_rows) == 103 and len(d2_rows) == 86, (len(uff_rows), len(d2_rows))
    return uff_rows, d2_rows, _ts_number(d2, "D2_DAMPING")


UFF, D2, D2_DAMP = load_tables()


def base_element(z: int) -> tuple[float, float, float]:
    """Per-element A (eV Å^12, UFF wall D x^12), C (eV Å^6, s6·C6 of D2) and R0 (Å) before any fitting."""
    x, dep = UFF[z]
    c6, r0 = D2[z]
    return dep * x**12, c6, r0


@dataclass
class System:
    name: str
    cell: np.ndarray  # 3×3 rows a, b, c (Å)
    pos: np.ndarray  # N×3 (Å)
    numbers: np.ndarray  # N
    group: np.ndarray  # N, 0 substrate, 1 film


def canonical(s: System) -> System:
    """Port of canonicalInterface (src/compute/ff/system.ts): one contiguous slab along c, film above."""
    pos = s.pos.copy()
    c = s.cell
    n = len(pos)
    if abs(c[2, 2]) > 1e-9:
        cz = abs(c[2, 2])
        zs = np.sort(pos[:, 2])
        gap, cut = zs[0] + cz - zs[-1], math.inf
        for k in range(1, n):
            if zs[k] - zs[k - 1] > gap:
                gap, cut = zs[k] - zs[k - 1], (zs[k] + zs[k - 1]) / 2
        if cut != math.inf:
            low = pos[:, 2] < cut
            pos[low] += np.sign(c[2, 2]) * c[2]
    cell = c.copy()
    f, sub = s.group == 1, s.group == 0
    if f.any() and sub.any() and pos[f, 2].mean() < pos[sub, 2].mean():
        pos[:, 2] = -pos[:, 2]
        cell[2, 2] = -cell[2, 2]
    return System(s.name, cell, pos, s.numbers, s.group)


def z_separation(s: System) -> float:
    """Mean z of the film's bottom plane − mean z of the substrate's top plane (Å), as zSeparation in ops.ts."""
    fz, sz = s.pos[s.group == 1, 2], s.pos[s.group == 0, 2]
    bot, top = fz.min(), sz.max()
    return float(fz[fz - bot <= PLANE_TOL].mean() - sz[top - sz <= PLANE_TOL].mean())


def _image_ranges(cell: np.ndarray, rc: float, span: float) -> tuple[int, int]:
    ax, ay, bx, by = cell[0, 0], cell[0, 1], cell[1, 0], cell[1, 1]
    area = abs(ax * by - ay * bx)
    return math.ceil((rc + span) / (area / math.hypot(bx, by))), math.ceil((rc + span) / (area / math.hypot(ax, ay)))


@dataclass
class Basis:
    """S12[z, p] and S6[z, p] over a z grid for species pairs p = (film Z, substrate Z)."""
    z: np.ndarray  # absolute z-separations (Å)
    pairs: list[tuple[int, int]]
    s12: np.ndarray
    s6: np.ndarray
    n_film: int


def basis(s: System, zgrid: np.ndarray, r0: dict[int, float], damp: float | None = D2_DAMP, rc: float = CUTOFF) -> Basis:
    """Tabulate the pair sums of system `s` with the film rigidly at each z-separation of `zgrid`.
    damp=None: no damping (f = 1), the `uff` model's form."""
    z0 = z_separation(s)
    f_idx, s_idx = np.where(s.group == 1)[0], np.where(s.group == 0)[0]
    xy = s.pos[:, :2]
    span = math.hypot(*(xy.max(0) - xy.min(0)))
    na, nb = _image_ranges(s.cell, rc, span)
    ia, ib = np.meshgrid(np.arange(-na, na + 1), np.arange(-nb, nb + 1), indexing="ij")
    shifts = ia.reshape(-1, 1) * s.cell[0, :2] + ib.reshape(-1, 1) * s.cell[1, :2]  # (M, 2)
    # d = r_sub + image − r_film, for every (film, substrate, image); keep in-plane distances below rc.
    d = xy[s_idx][None, :, None, :] + shifts[None, None, :, :] - xy[f_idx][:, None, None, :]
    d2xy = (d**2).sum(-1)
    fi, si, _ = np.nonzero(d2xy < rc * rc)
    d2xy = d2xy[d2xy < rc * rc]
    dz0 = s.pos[s_idx[si], 2] - s.pos[f_idx[fi], 2]  # substrate below film: negative
    zf, zs = s.numbers[f_idx[fi]], s.numbers[s_idx[si]]
    species = sorted(set(zip(zf.tolist(), zs.tolist())))
    pid = {p: k for k, p in enumerate(species)}
    key = np.array([pid[(a, b)] for a, b in zip(zf.tolist(), zs.tolist())], dtype=np.int64)
    r0p = np.array([r0[a] + r0[b] for a, b in species])[key]
    S12 = np.zeros((len(zgrid), len(species)))
    S6 = np.zeros((len(zgrid), len(species)))
    e12c, de12c = rc**-12, -12 * rc**-13

    def h6(r, R):
        if damp is None:
            return r**-6 + 0 * R, -6 * r**-7 + 0 * R
        f = 1 / (1 + np.exp(-damp * (r / R - 1)))
        return r**-6 * f, -6 * r**-7 * f + r**-6 * (damp / R) * f * (1 - f)

    h6c, dh6c = h6(rc, r0p)
    for k, z in enumerate(zgrid):
        dz = dz0 - (z - z0)
        r = np.sqrt(d2xy + dz * dz)
        m = r < rc
        rr = r[m]
        g12 = rr**-12 - e12c - (rr - rc) * de12c
        hv, _ = h6(rr, r0p[m])
        g6 = hv - h6c[m] - (rr - rc) * dh6c[m]
        S12[k] = np.bincount(key[m], weights=g12, minlength=len(species))
        S6[k] = np.bincount(key[m], weights=g6, minlength=len(species))
    return Basis(np.asarray(zgrid, float), species, S12, S6, int(len(f_idx)))


# Elements treated as metals for the carbon–metal pair factors of `fit`: everything but H, the p-block
# non-metals and metalloids (B C N O F Si P S Cl Ge As Se Br Sb Te I At) and the noble gases.
NONMETALS = {1, 2, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 32, 33, 34, 35, 36, 51, 52, 53, 54, 85, 86}
METALS = sorted(set(range(1, 87)) - NONMETALS)


def pair_factor(i: int, j: int, cm: tuple[float, float]) -> tuple[float, float]:
    """(wall, dispersion) factors of pair i–j: cm for carbon with a metal, else 1."""
    if (i == 6 and j in METALS) or (j == 6 and i in METALS):
        return cm
    return 1.0, 1.0


def energies(b: Basis, A: dict[int, float], C: dict[int, float], cm: tuple[float, float] = (1.0, 1.0)) -> np.ndarray:
    """E(z) (eV) with geometric mixing A_ij = √(A_i A_j), C_ij = √(C_i C_j), times the carbon–metal factors."""
    f = [pair_factor(i, j, cm) for i, j in b.pairs]
    a = np.array([math.sqrt(A[i] * A[j]) * fa for (i, j), (fa, _) in zip(b.pairs, f)])
    c = np.array([math.sqrt(C[i] * C[j]) * fc for (i, j), (_, fc) in zip(b.pairs, f)])
    return b.s12 @ a - b.s6 @ c


def minimum(z: np.ndarray, e: np.ndarray) -> tuple[float, float]:
    """Grid minimum refined by the parabola through it and its neighbours: (z Å, E eV)."""
    k = int(np.argmin(e))
    if k == 0 or k == len(e) - 1:
        return float(z[k]), float(e[k])
    y0, y1, y2 = e[k - 1], e[k], e[k + 1]
    h = z[k + 1] - z[k]
    den = y0 - 2 * y1 + y2
    if den <= 0:
        return float(z[k]), float(y1)
    t = 0.5 * (y0 - y2) / den
    return float(z[k] + t * h), float(y1 - 0.25 * (y0 - y2) * t)


def read_extxyz(path: Path) -> list[System]:
    """The extended XYZ heterolab writes (species, pos, optional move_mask, role)."""
    lines = Path(path).read_text().splitlines()
    out, i = [], 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        n = int(lines[i])
        head = lines[i + 1]
        lat = np.array(re.search(r'Lattice="([^"]+)"', head).group(1).split(), float).reshape(3, 3)
        props = re.search(r"Properties=(\S+)", head).group(1).split(":")
        cols, k = {}, 0
        for j in range(0, len(props), 3):
            w = int(props[j + 2])
            cols[props[j]] = (k, w)
            k += w
        rows = [ln.split() for ln in lines[i + 2 : i + 2 + n]]
        from ase.data import atomic_numbers

        numbers = np.array([atomic_numbers[r[cols["species"][0]]] for r in rows])
        p0 = cols["pos"][0]
        pos = np.array([[float(x) for x in r[p0 : p0 + 3]] for r in rows])
        group = np.array([int(r[cols["role"][0]]) for r in rows]) if "role" in cols else np.zeros(n, int)
        out.append(System(f"{path}#{len(out)}", lat, pos, numbers, group))
        i += 2 + n
    return out


def write_extxyz(s: System, path: Path) -> None:
    from ase.data import chemical_symbols

    lat = " ".join(f"{x:.10f}" for x in s.cell.reshape(-1))
    rows = [f'{len(s.numbers)}', f'Lattice="{lat}" Properties=species:S:1:pos:R:3:role:I:1 pbc="T T T"']
    rows += [f"{chemical_symbols[z]} {p[0]:.10f} {p[1]:.10f} {p[2]:.10f} {g}" for z, p, g in zip(s.numbers, s.pos, s.group)]
    Path(path).write_text("\n".join(rows) + "\n")
