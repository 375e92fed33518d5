import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * σ's calibration (models/nested.py calibrate, issue 16): errors heavy-tailed against the ensemble spread (a
 * noise floor the members do not see, as on the Hetero2d records) make σ = k·spread with k at the 68.3%
 * quantile undercover at ±2σ. Calibrated on one sample and counted on a fresh one from the same distribution,
 * (k, σ₀) must cover 68 ± 10% at ±1σ and 95 ± 5% at ±2σ; the k-only rule on the same rows must fall short at
 * ±2σ (else the data would not show the problem). And nested CV reports coverage on outer rows with σ built
 * from the inner folds' (k, σ₀).
 */
const PY = '.venv/bin/python';
const SCRIPT = String.raw`
import sys, json
sys.path.insert(0, "models")
import numpy as np, nested
rng = np.random.default_rng(7)
def draw(n):
    sd = rng.uniform(0.002, 0.08, n)
    return np.abs(rng.normal(size=n) * np.sqrt((2 * sd) ** 2 + 0.1 ** 2)), sd
e_cal, s_cal = draw(300)
e_new, s_new = draw(4000)
cal = nested.calibrate(e_cal, s_cal)
sig = nested.sigma_of(s_new, cal["k"], cal["floor"])
k_only = float(np.quantile(e_cal / s_cal, 0.683))
out = {"cal": cal, "c1": float((e_new <= sig).mean()), "c2": float((e_new <= 2 * sig).mean()),
       "kOnly2": float((e_new <= 2 * k_only * s_new).mean())}
# Nested: the outer rows' σ is sqrt((k·std)² + σ₀²) with each fold's inner (k, σ₀).
n = 60
film = np.array(["F%d" % (i % 4) for i in range(n)]); sub = np.array(["S%d" % (i % 6) for i in range(n)])
x = rng.normal(size=n); y = x + 0.2 * rng.standard_t(3, size=n)
X = np.column_stack([rng.normal(size=n), x])
fams = [f for f in nested.families(["a", "ff_ebind_eV_per_atom"], "ebind", True) if f.name == "ridge on the force-field value alone"]
r = nested.nested(nested.RANDOM, fams, X, y, film, sub, 1, 3)
out["nested"] = {"floor": r["sigmaFloor"]["median"], "c1": r["coverage"]["within_1_sigma"], "c2": r["coverage"]["within_2_sigma"], "minSigma": float(np.min(r["_sigma"]))}
print(json.dumps(out))
`;

describe.skipIf(!existsSync(PY))('σ calibration: ±1σ and ±2σ honest on errors heavy-tailed against the spread', () => {
  it('(k, σ₀) from one sample cover 68% and 95% of a fresh one; k alone falls short at ±2σ', () => {
    const r = spawnSync(PY, ['-c', SCRIPT], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.kOnly2).toBeLessThan(0.9); // the problem: σ = k·spread with k at the 68.3% quantile
    expect(o.cal.floor).toBeGreaterThan(0);
    expect(Math.abs(o.c1 - 0.683)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(o.c2 - 0.954)).toBeLessThanOrEqual(0.05);
    // Nested: coverage counted on outer rows, σ never below the fold's floor (> 0 here: the spread is tiny).
    expect(o.nested.floor).toBeGreaterThan(0);
    expect(o.nested.minSigma).toBeGreaterThan(0.5 * o.nested.floor);
    expect(o.nested.c2).toBeGreaterThanOrEqual(o.nested.c1);
  });
});
