import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Held-out priors beyond leave one film out (models/nested.py scheme_X, models/prior_folds.py --schemes): each
 * outer fold of leave one substrate out and of the shuffled K-folds reads the feature matrix whose prior was
 * refitted without that fold's test rows. On a synthetic table whose shipped "prior" column equals the target
 * (a prior that has seen every answer) and whose per-fold matrices hold noise in that column for the fold's
 * test rows, the nested error must be large with the per-fold matrices and ~0 without; a scheme with refits
 * but a fold without one must stop rather than leak. With leave-one-substrate-out inner refits (LOSO_INNER) σ
 * is calibrated on inner folds whose prior did not know their rows: larger, and outer coverage higher.
 */
const PY = '.venv/bin/python';
const SCRIPT = String.raw`
import sys, json
sys.path.insert(0, "models")
import numpy as np, nested
rng = np.random.default_rng(1)
n = 48
film = np.array(["F%d" % (i % 4) for i in range(n)]); sub = np.array(["S%d" % (i % 8) for i in range(n)])
y = rng.normal(size=n)
X0 = np.column_stack([rng.normal(size=n), rng.normal(size=n), y])  # column 2: a prior that knows y
fams = [f for f in nested.families(["a", "b", "ff_ebind_eV_per_atom"], "ebind", True) if f.name == "ridge on the force-field value alone"]
out = {}
for sch in (nested.LOSO, nested.RANDOM):
    sx = {sch: {}}
    for tr, te in nested.outer_splits(sch, n, film, sub):
        X = X0.copy(); X[te, 2] = rng.normal(size=len(te))  # refit without the test rows: no longer knows them
        sx[sch][frozenset(te.tolist())] = X
    leaky = nested.nested(sch, fams, X0, y, film, sub, 2, 3)["selected"]["rmse"]
    held = nested.nested(sch, fams, X0, y, film, sub, 2, 3, None, sx)["selected"]["rmse"]
    sx[sch].pop(next(iter(sx[sch])))
    try:
        nested.nested(sch, fams, X0, y, film, sub, 2, 3, None, sx); missing = "ran"
    except SystemExit as e:
        missing = str(e)
    out[sch] = {"leaky": leaky, "held": held, "missing": missing}
# Leave one substrate out with inner refits: k is calibrated on inner folds whose prior does not know their rows.
sx = {nested.LOSO: {}, nested.LOSO_INNER: {}}
for tr, te in nested.outer_splits(nested.LOSO, n, film, sub):
    X = X0.copy(); X[te, 2] = rng.normal(size=len(te)); sx[nested.LOSO][frozenset(te.tolist())] = X
    for _, b in nested.inner_splits(nested.LOSO, tr, film, sub):
        rows = np.concatenate([te, tr[b]]); Xi = X0.copy(); Xi[rows, 2] = rng.normal(size=len(rows))
        sx[nested.LOSO_INNER][frozenset(rows.tolist())] = Xi
inner = nested.nested(nested.LOSO, fams, X0, y, film, sub, 2, 3, None, sx)
sx.pop(nested.LOSO_INNER)
outer_only = nested.nested(nested.LOSO, fams, X0, y, film, sub, 2, 3, None, sx)
out["inner"] = {"sigma": inner["coverage"]["median_sigma"], "sigmaOuterOnly": outer_only["coverage"]["median_sigma"], "cov": inner["coverage"]["within_1_sigma"], "covOuterOnly": outer_only["coverage"]["within_1_sigma"]}
print(json.dumps(out))
`;

describe.skipIf(!existsSync(PY))('held-out priors for leave one substrate out and K-fold', () => {
  it('each outer fold reads its own refitted prior; a missing fold stops', () => {
    const r = spawnSync(PY, ['-c', SCRIPT], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, { leaky: number; held: number; missing: string }>;
    for (const sch of ['leave one substrate out', 'random 5-fold']) {
      expect(out[sch].leaky).toBeLessThan(0.05); // the shipped prior column is the answer
      expect(out[sch].held).toBeGreaterThan(0.5); // the refitted priors are not (y has unit variance)
      expect(out[sch].missing).toMatch(/no refitted prior for a .* fold/);
    }
    // Inner refits: σ (k and floor) sized on errors the prior did not know, so outer coverage rises toward its target.
    const inner = (out as unknown as { inner: { sigma: number; sigmaOuterOnly: number; cov: number; covOuterOnly: number } }).inner;
    expect(inner.sigma).toBeGreaterThan(5 * inner.sigmaOuterOnly);
    expect(inner.cov).toBeGreaterThan(inner.covOuterOnly);
  });
});
