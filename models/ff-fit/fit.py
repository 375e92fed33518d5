"""Fit the `fit` force-field model to DFT and published physisorption data; evaluate held out; write
src/compute/ff/fit-params.ts and models/ff-fit/FIT_CARD.md.

    /work/main/.venv/bin/python models/ff-fit/fit.py          # (needs `npm run build:cli` first)

Model (the pair form every backend runs, src/compute/ff/model.ts): E(r) = A_ij/r^12 − C_ij/r^6 · f(r), D2's
damping f with R0_ij = R0_i + R0_j and d = 20, geometric mixing A_ij = √(A_i A_j), C_ij = √(C_i C_j). Two numbers
per element, written as factors on the `d2` model's own (UFF wall A, D2 s6·C6):
A_i = A_i^d2 · exp(g_A + a_i), C_i = C_i^d2 · exp(g_C + c_i). The global g_A, g_C apply to every element
(also those not in the data: the stated fallback); a_i, c_i are per element, shrunk toward 0 by a Gaussian
prior (width TAU) so an element seen in few records moves little. One pair class gets its own two factors:
carbon with a metal (ffsum.METALS): graphene physisorbs on metals (~3.3 Å) where the S-, O- and Te-terminated
Hetero2d films bond at 1.5–2.7 Å, which one set of per-element numbers with geometric mixing cannot hold
together with graphite's own spacing.

Targets: z-separation of the rigid film's z-scan minimum at the reference registry (Å) and its binding energy
(eV/film atom, Hetero2d), exfoliation energies (meV/Å², layered crystals).
"""
from __future__ import annotations

import math
import pickle
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ffsum import D2, UFF, basis, base_element, energies, minimum  # noqa: E402
from systems import all_targets  # noqa: E402

ZGRID = np.arange(0.3, 7.0001, 0.02)  # Å
TAU = 0.7  # prior width of per-element log factors
SIGMA_E = 0.10  # eV/film atom, Hetero2d binding energies
SIGMA_EXF = 4.0  # meV/Å², exfoliation energies
HERE = Path(__file__).resolve().parent


def make_bases(targets):
    r0 = {z: D2[z][1] for z in D2}
    damped = [basis(t.system, ZGRID, r0) for t in targets]
    undamped = [basis(t.system, ZGRID, r0, damp=None) for t in targets]
    return damped, undamped


def area(s) -> float:
    return abs(s.cell[0, 0] * s.cell[1, 1] - s.cell[0, 1] * s.cell[1, 0])


def predict(b, t, A, C, cm=(1.0, 1.0)):
    """(z at the minimum Å, E_bind eV/film atom, exfoliation meV/Å²) of target t with per-element A, C and the
    carbon–metal pair factors cm."""
    z, e = minimum(b.z, energies(b, A, C, cm))
    eb = -e / b.n_film
    return z, eb, 1000 * (-e) / area(t.system)


def uff_params(elements):
    A = {z: UFF[z][1] * UFF[z][0] ** 12 for z in elements}
    C = {z: 2 * UFF[z][1] * UFF[z][0] ** 6 for z in elements}
    return A, C


def fit_params(theta, elements):
    """Per-element A, C and the carbon–metal pair factors (wall, dispersion) from the parameter vector."""
    gA, gC = theta[0], theta[1]
    A, C = {}, {}
    for k, z in enumerate(elements):
        a0, c0, _ = base_element(z)
        A[z] = a0 * math.exp(gA + theta[4 + 2 * k])
        C[z] = c0 * math.exp(gC + theta[5 + 2 * k])
    return A, C, (math.exp(theta[2]), math.exp(theta[3]))


def residuals(theta, elements, targets, bases):
    A, C, cm = fit_params(theta, elements)
    out = []
    for t, b in zip(targets, bases):
        z, eb, exf = predict(b, t, A, C, cm)
        out.append((z - t.z) / t.sigma_z)
        if t.ebind is not None:
            out.append((eb - t.ebind) / SIGMA_E)
        if t.exfoliation is not None:
            out.append((exf - t.exfoliation) / SIGMA_EXF)
    out.extend(np.asarray(theta[2:]) / TAU)
    return np.array(out)


def fit(targets, bases, elements):
    theta0 = np.zeros(4 + 2 * len(elements))
    r = least_squares(residuals, theta0, args=(elements, targets, bases), loss="soft_l1", f_scale=2.0, diff_step=1e-3, max_nfev=400)
    return r.x


def elements_of(targets):
    return sorted({int(z) for t in targets for z in t.system.numbers})


def _elements(t, group: int) -> set[int]:
    return {int(z) for z, g in zip(t.system.numbers, t.system.group) if g == group}


def held_out(targets, bases, elements, key, strict: bool):
    """Predictions for every Hetero2d target with its group (film or substrate) left out of the fit. strict: also
    leave out (and predict) the published values whose film (key = film) or substrate (key = substrate) shares an
    element with the held-out records' film or substrate."""
    pred = {}
    side = 1 if key(targets[0]) == targets[0].film else 0
    groups = sorted({key(t) for t in targets if t.kind == "hetero2d"})
    for g in groups:
        held = [k for k, t in enumerate(targets) if t.kind == "hetero2d" and key(t) == g]
        els = set().union(*(_elements(targets[k], side) for k in held))
        if strict:
            held += [k for k, t in enumerate(targets) if t.kind != "hetero2d" and _elements(t, side) & els]
        train = [k for k in range(len(targets)) if k not in held]
        theta = fit([targets[k] for k in train], [bases[k] for k in train], elements)
        A, C, cm = fit_params(theta, elements)
        for k in held:
            pred[k] = predict(bases[k], targets[k], A, C, cm)
        print(f"  held out {g}{' (strict)' if strict else ''}: {len(held)} targets", file=sys.stderr)
    return pred


def rmse(xs):
    return float(np.sqrt(np.mean(np.square(xs)))) if len(xs) else float("nan")


def baseline_preds(targets, damped, undamped, elements):
    Ad2 = {z: base_element(z)[0] for z in elements}
    Cd2 = {z: base_element(z)[1] for z in elements}
    Au, Cu = uff_params(elements)
    return ({k: predict(undamped[k], t, Au, Cu) for k, t in enumerate(targets)},
            {k: predict(damped[k], t, Ad2, Cd2) for k, t in enumerate(targets)})


def main():
    targets, excluded = all_targets()
    print(f"{len(targets)} targets ({sum(t.kind == 'hetero2d' for t in targets)} Hetero2d), {len(excluded)} records excluded", file=sys.stderr)
    damped, undamped = make_bases(targets)
    elements = elements_of(targets)
    theta = fit(targets, damped, elements)
    A, C, cm = fit_params(theta, elements)
    uff, d2 = baseline_preds(targets, damped, undamped, elements)
    full = {k: predict(damped[k], t, A, C, cm) for k, t in enumerate(targets)}
    print("leave one film out", file=sys.stderr)
    lofo = held_out(targets, damped, elements, lambda t: t.film, strict=False)
    lofo_strict = held_out(targets, damped, elements, lambda t: t.film, strict=True)
    print("leave one substrate out (strict)", file=sys.stderr)
    loso = held_out(targets, damped, elements, lambda t: t.substrate, strict=True)
    res = {"targets": targets, "excluded": excluded, "elements": elements, "theta": theta, "A": A, "C": C, "cm": cm,
           "uff": uff, "d2": d2, "fit": full, "lofo": lofo, "lofo_strict": lofo_strict, "loso": loso}
    from report import write_card, write_checks, write_ts

    # Kept so the card can be re-rendered without refitting: python models/ff-fit/report.py
    (HERE / "build" / "result.pkl").write_bytes(pickle.dumps({k: v for k, v in res.items()}))
    write_ts(res)
    write_checks(res, damped)
    write_card(res)


if __name__ == "__main__":
    main()
