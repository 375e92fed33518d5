"""Model families, splits and nested cross-validation for heterolab's predictors (used by models/train.py).

Nested CV: for every outer fold, the family (and its hyper-parameters) is chosen by inner CV on the outer-training
rows only, σ's scale k and floor σ₀ are calibrated on the inner folds' held-out rows only, and the chosen ensemble is then fit on the outer
training rows and scored on the outer test rows. No number reported from here has seen its test rows.
"""
import itertools
import math

import numpy as np
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, RidgeCV
from sklearn.model_selection import GroupKFold, KFold, LeaveOneGroupOut

SEED = 20261125
# A handful of physics features per target, fixed before looking at any fold (so choosing them cannot leak).
# Names absent from a table are dropped; a subset left with fewer than two features drops its families.
PHYSICS = {
    "ebind": ["face_minus_sub_en", "sub_work_function_eV", "sub_cohesive_eV_per_bond", "sub_d_band_filling", "film_en_range", "ff_ebind_eV_per_atom"],
    "zsep": ["ff_z_A", "face_atomic_radius_pm", "face_minus_sub_en", "sub_work_function_eV", "sub_top_density_per_A2", "sub_cohesive_eV_per_bond"],
}
# The force-field prior feature per target: a family of its own (a calibrated force field) and the baseline
# the residual families correct.
PRIOR = {"ebind": "ff_ebind_eV_per_atom", "zsep": "ff_z_A"}
# Outer schemes. The study's published scripts use shuffled 20-fold (binding energy) and 5-fold (z-separation).
LOFO, LOSO, RANDOM = "leave one film out", "leave one substrate out", "random 5-fold"
STUDY = {"ebind": "study: shuffled 20-fold", "zsep": "study: shuffled 5-fold"}
# The folds the shipped model's k for known films is calibrated on (inner_splits(LOSO) over all rows).
SHIP_LOSO = "leave one substrate out, all rows (shipped k)"
# Inner folds of leave one substrate out with a prior refitted without the outer and the inner test rows
# (so k for new substrates is calibrated held out too); keyed like the outer folds, by their held-out rows.
LOSO_INNER = "leave one substrate out, inner folds"
# The same for the shuffled schemes: each inner fold's prior refitted without the outer and the inner test rows,
# so k (and the family) are calibrated on rows the prior never saw, as the outer rows are scored.
INNER = {LOSO: LOSO_INNER, RANDOM: "random 5-fold, inner folds", STUDY["ebind"]: "study: shuffled 20-fold, inner folds"}
# σ = sqrt((k · std of the ensemble members)² + σ₀²); (k, σ₀) make ±1σ and ±2σ cover 68.3% and 95.4% of the
# inner-fold rows' errors as nearly as they can (calibrate()).
COVER_Q, COVER_Q2 = 0.683, 0.954


class Family:
    """A candidate: an scikit-learn pipeline, optionally on the force-field residual (y − prior)."""

    def __init__(self, name, make, residual=False):
        self.name, self.make, self.residual = name, make, residual

    def fit_predict(self, Xtr, ytr, Xte, prior_idx, seed=SEED):
        base_tr = Xtr[:, prior_idx] if self.residual else 0.0
        base_te = Xte[:, prior_idx] if self.residual else 0.0
        return base_te + self.make(seed).fit(Xtr, ytr - base_tr).predict(Xte)


def _pipe(steps):
    from sklearn.pipeline import Pipeline
    return Pipeline(steps)


def families(feats, target, fast):
    """The candidates chosen among inside every outer fold: small regularised models next to tree ensembles."""
    trees = 25 if fast else 60
    # Steps are made afresh for every pipeline: scikit-learn's Pipeline fits its steps in place, so one shared
    # imputer or scaler would be refitted by every later fit, and a fitted member would then predict with another
    # fit's medians and scales (the shipped ensembles did, until the members were checked against refits).
    imp = lambda: ("impute", SimpleImputer(strategy="median", keep_empty_features=True))
    sub = [feats.index(f) for f in PHYSICS[target] if f in feats]
    pick = lambda: ("pick", ColumnTransformer([("physics", "passthrough", sub)], remainder="drop"))
    from sklearn.preprocessing import StandardScaler
    scale = lambda: ("scale", StandardScaler())
    ridge = lambda s: RidgeCV(alphas=np.logspace(-3, 3, 13))
    # Fixed kernel (no marginal-likelihood search: 0.4 s per fit, and 109 rows cannot pin four hyper-parameters):
    # RBF length 2.5 on standardised features, noise 0.1 of the normalised target variance.
    gp = lambda s: GaussianProcessRegressor(ConstantKernel(1.0, "fixed") * RBF(2.5, "fixed") + WhiteKernel(0.1, "fixed"), normalize_y=True, optimizer=None, random_state=s)
    rf = lambda leaf: (lambda s: _pipe([imp(), ("model", RandomForestRegressor(n_estimators=trees, min_samples_leaf=leaf, random_state=s, n_jobs=1))]))
    gb = lambda depth: (lambda s: _pipe([imp(), ("model", GradientBoostingRegressor(n_estimators=trees, max_depth=depth, learning_rate=0.1, subsample=0.8, random_state=s))]))
    out = []
    prior = PRIOR[target]
    # The training mean as a candidate: where no feature carries skill (a new substrate, say), inner CV can pick
    # it rather than the least bad model. A ridge whose weight is shrunk to zero (alpha 1e12), so it exports as any ridge.
    from sklearn.linear_model import Ridge
    col = [feats.index(prior) if prior in feats else 0]
    pick0 = lambda: ("pick", ColumnTransformer([("one", "passthrough", col)], remainder="drop"))
    out.append(Family("training mean", lambda s: _pipe([pick0(), imp(), scale(), ("model", Ridge(alpha=1e12))])))
    if prior in feats:
        one = [feats.index(prior)]
        pick1 = lambda: ("pick", ColumnTransformer([("prior", "passthrough", one)], remainder="drop"))
        out.append(Family("ridge on the force-field value alone", lambda s: _pipe([pick1(), imp(), scale(), ("model", ridge(s))])))
    if len(sub) >= 2:
        out.append(Family("ridge, physics subset", lambda s: _pipe([pick(), imp(), scale(), ("model", ridge(s))])))
        out.append(Family("ridge, physics subset, on the force-field residual", lambda s: _pipe([pick(), imp(), scale(), ("model", ridge(s))]), True))
        out.append(Family("GP (fixed RBF kernel), physics subset", lambda s: _pipe([pick(), imp(), scale(), ("model", gp(s))])))
    out.append(Family("ridge, all features", lambda s: _pipe([imp(), scale(), ("model", ridge(s))])))
    out.append(Family("random forest (leaf 2)", rf(2)))
    out.append(Family("gradient boosting (depth 2)", gb(2)))
    out.append(Family("random forest (leaf 2) on the force-field residual", rf(2), True))
    out.append(Family("gradient boosting (depth 2) on the force-field residual", gb(2), True))
    if not fast:
        out.append(Family("random forest (leaf 5)", rf(5)))
        out.append(Family("gradient boosting (depth 3)", gb(3)))
    return out


def usable(fams, has_prior):
    return [f for f in fams if has_prior or not f.residual]


def baselines(X, y, tr, te, prior_idx):
    """Reference predictions with nothing to choose: the training mean and a linear map of the force field."""
    out = {"mean": np.full(len(te), y[tr].mean())}
    if prior_idx is not None:
        ok = ~np.isnan(X[tr, prior_idx])
        lr = LinearRegression().fit(X[tr][ok][:, [prior_idx]], y[tr][ok])
        xp = np.where(np.isnan(X[te, prior_idx]), np.nanmedian(X[tr, prior_idx]), X[te, prior_idx])
        out["force field only"] = lr.predict(xp[:, None])
    return out


def outer_splits(scheme, n, film, sub):
    idx = np.arange(n)
    if scheme == LOFO:
        return list(LeaveOneGroupOut().split(idx, groups=film))
    if scheme == LOSO:
        return list(LeaveOneGroupOut().split(idx, groups=sub))
    k = 20 if scheme == STUDY["ebind"] else 5
    return list(KFold(min(k, n), shuffle=True, random_state=SEED + (1 if scheme.startswith("study") else 0)).split(idx))


def inner_splits(scheme, tr, film, sub):
    """Folds inside the outer-training rows `tr`, of the same kind as the outer scheme (indices into tr)."""
    local = np.arange(len(tr))
    groups = film[tr] if scheme == LOFO else sub[tr] if scheme == LOSO else None
    if groups is not None and len(set(groups)) >= 2:
        g = len(set(groups))
        return list(LeaveOneGroupOut().split(local, groups=groups)) if g <= 4 else list(GroupKFold(3).split(local, groups=groups))
    return list(KFold(3, shuffle=True, random_state=SEED).split(local))


def metrics(y, p):
    r = p - y
    ss = ((y - y.mean()) ** 2).sum()
    return {"rmse": float(np.sqrt((r ** 2).mean())), "mae": float(np.abs(r).mean()), "r2": float(1 - (r ** 2).sum() / ss) if ss > 0 else float("nan"), "n": int(len(y))}


def ensemble_predict(fam, Xtr, ytr, Xte, prior_idx, members, seed):
    """Members fit on bootstrap resamples; returns the members' predictions, [len(Xte), members]."""
    rng = np.random.default_rng(seed)
    cols = []
    for m in range(members):
        b = rng.integers(0, len(ytr), len(ytr))
        cols.append(fam.fit_predict(Xtr[b], ytr[b], Xte, prior_idx, seed + m))
    return np.stack(cols, axis=1)


def inner_predictions(fam, X, y, folds, prior_idx, members, seed, Xs=None):
    """Members' mean and std of every inner-fold held-out row (each predicted by an ensemble fit without its
    fold), and the rows' indices into X: the calibration set of σ (and of P(stable)'s scale), drawn from the
    outer fold's training rows only. Xs: one feature matrix per fold (a prior held out with the fold's test
    rows), else X for all."""
    means, sds, rows = [], [], []
    for j, (a, b) in enumerate(folds):
        Xj = Xs[j] if Xs is not None else X
        mp = ensemble_predict(fam, Xj[a], y[a], Xj[b], prior_idx, members, seed + 31 * j)
        means.append(mp.mean(axis=1))
        sds.append(mp.std(axis=1))
        rows.append(np.asarray(b))
    return np.concatenate(means), np.concatenate(sds), np.concatenate(rows)


def inner_errors(fam, X, y, folds, prior_idx, members, seed, Xs=None):
    """|error| and members' std of every inner-fold held-out row (inner_predictions)."""
    m, sd, rows = inner_predictions(fam, X, y, folds, prior_idx, members, seed, Xs)
    return np.abs(m - y[rows]), sd


def sigma_of(sd, k, floor):
    """σ = sqrt((k · members' std)² + σ₀²): the ensemble spread scaled, with a floor σ₀ (target units)."""
    return np.sqrt((k * np.asarray(sd)) ** 2 + floor ** 2)


def calibrate(err, sd):
    """(k, σ₀) so that, on the calibration rows, ±1σ covers 68.3% and ±2σ 95.4% of the errors as nearly as two
    numbers allow (at split-conformal's finite-sample levels, ⌈(n + 1)·q⌉ / n): minimises
    max(|cover(1σ) − q₁| / 0.10, |cover(2σ) − q₂| / 0.05) (the deviations in
    units of the targets' tolerances, 68 ± 10% and 95 ± 5%), then the mean σ (the sharper of equally honest
    choices). The errors are heavy-tailed against the spread, so k alone (σ₀ = 0), fitted to 68.3%, leaves ±2σ
    short; the floor lets rows the members agree on still get an honest width. σ₀ runs over 0 and quantiles of
    the errors; for each, k over every value at which a row enters ±1σ or ±2σ (the coverage changes only there)."""
    err, sd = np.asarray(err, float), np.asarray(sd, float) + 1e-12
    # Split-conformal's finite-sample levels: the ⌈(n + 1)·q⌉-th smallest of n calibration errors, so that a new
    # row exchangeable with them is covered with probability ≥ q.
    n = len(err)
    q1, q2 = (min(1.0, math.ceil((n + 1) * q) / n) for q in (COVER_Q, COVER_Q2))
    best = None
    for floor in [0.0] + [float(v) for v in np.quantile(err, np.linspace(0.05, 0.9, 18))]:
        ks = [0.0]
        for t in (1.0, 2.0):
            ks.extend((np.sqrt(np.maximum((err / t) ** 2 - floor ** 2, 0.0)) / sd * (1 + 1e-9)).tolist())
        for k in sorted(set(ks)):
            sig = sigma_of(sd, k, floor)
            if not (sig > 0).all():
                continue
            c1, c2 = (err <= sig).mean(), (err <= 2 * sig).mean()
            score = (max(abs(c1 - q1) / 0.10, abs(c2 - q2) / 0.05), float(sig.mean()))
            if best is None or score < best[0]:
                best = (score, float(k), floor)
    return {"k": best[1], "floor": best[2]}


def p_stable(pred, sigma, eform, scale=1.0):
    """P(E_bind > E_form) = Φ(scale · (Ê − E_form) / σ); scale 1 is the raw normal model, a smaller one widens it."""
    z = scale * (np.asarray(pred) - eform) / np.maximum(np.asarray(sigma), 1e-9)
    return 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))


# The scales P(stable)'s z-score is multiplied by (calibrate_p_scale): 0 says the base rate of 50%, 1 the raw model.
P_SCALES = np.round(np.linspace(0.0, 4.0, 81), 3)


def calibrate_p_scale(pred, sigma, eform, truth):
    """The scale s of P = Φ(s · (Ê − E_form)/σ) with the smallest Brier score on the calibration rows (a one-
    parameter probit recalibration; no shift, so Ê = E_form still means 50%). σ is calibrated on |errors|, but
    the errors of one substrate or film go together, and on such rows the raw P is over-confident: s < 1 says so."""
    ok = ~np.isnan(eform)
    if ok.sum() < 5:
        return 1.0
    briers = [float(((p_stable(pred[ok], sigma[ok], eform[ok], a) - truth[ok]) ** 2).mean()) for a in P_SCALES]
    return float(P_SCALES[int(np.argmin(briers))])


def sigma_calibration(fam, X, y, folds, prior_idx, members, seed, Xs=None, eform=None):
    """σ's (k, σ₀), calibrated on the inner folds' held-out rows only (split-conformal inside the outer fold);
    with `eform` (the rows' formation energies, binding energy only) also P(stable)'s scale on the same rows."""
    m, sd, rows = inner_predictions(fam, X, y, folds, prior_idx, members, seed, Xs)
    cal = calibrate(np.abs(m - y[rows]), sd)
    if eform is not None:
        ef = np.asarray(eform, float)[rows]
        cal["pScale"] = calibrate_p_scale(m, sigma_of(sd, cal["k"], cal["floor"]), ef, (y[rows] > ef).astype(float))
    return cal


def choose(fams, X, y, folds, prior_idx, Xs=None):
    """Inner-CV RMSE of every family; returns (best family, {name: rmse}). Xs as in inner_errors."""
    scores = {}
    for fam in fams:
        p = np.zeros(len(y))
        for j, (a, b) in enumerate(folds):
            Xj = Xs[j] if Xs is not None else X
            p[b] = fam.fit_predict(Xj[a], y[a], Xj[b], prior_idx)
        scores[fam.name] = float(np.sqrt(((p - y) ** 2).mean()))
    best = min(fams, key=lambda f: scores[f.name])
    return best, scores


def fold_matrix(X, film, te, fold_X):
    """The feature matrix for a fold whose test rows are `te`: the one whose prior was fitted without the test
    film (fold_X[frozenset({film})], leave one film out), else X."""
    if fold_X is None:
        return X
    return fold_X.get(frozenset(film[te].tolist()), X)


def scheme_matrix(X0, scheme, te, scheme_X):
    """The feature matrix for an outer fold of a scheme other than leave one film out whose prior was refitted
    without the fold's test rows (scheme_X[scheme][frozenset(te)], models/prior_folds.py --schemes), else X0.
    Once a scheme has refits, every one of its folds must have one: a missing fold would silently leak."""
    if not scheme_X or scheme not in scheme_X:
        return X0
    key = frozenset(np.asarray(te).tolist())
    if key not in scheme_X[scheme]:
        raise SystemExit(f"nested: no refitted prior for a {scheme} fold of {len(te)} rows (fold tables out of date: rerun npm run train)")
    return scheme_X[scheme][key]


def nested(scheme, fams, X0, y, film, sub, prior_idx, members, fold_X=None, scheme_X=None, eform=None):
    """One outer scheme, nested: per outer fold choose, calibrate, fit, score. Returns a report dict.
    fold_X (leave one film out only): {film: feature matrix whose prior was fitted without that film}.
    scheme_X (the other schemes): {scheme: {test rows: matrix whose prior was fitted without them}}; the inner
    folds of such a fold use the same matrix (its prior saw the inner test rows, never the outer ones), except
    leave one substrate out with LOSO_INNER refits (a prior without the outer and the inner test rows).
    eform (binding energy): the rows' formation energies; each outer fold then also calibrates P(stable)'s scale
    on its inner rows (returned per row as _pscale)."""
    n = len(y)
    pred, sig, pscale = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    fam_pred = {f.name: np.full(n, np.nan) for f in fams}
    base_pred = {}
    chosen, ks, floors = [], [], []
    for i, (tr, te) in enumerate(outer_splits(scheme, n, film, sub)):
        X = fold_matrix(X0, film, te, fold_X) if scheme == LOFO else scheme_matrix(X0, scheme, te, scheme_X)
        folds = inner_splits(scheme, tr, film, sub)
        # Inner folds of leave one film out: a prior held out with the outer and the inner test film.
        Xs = [fold_X.get(frozenset(set(film[tr[b]].tolist()) | set(film[te].tolist())), X)[tr] for _, b in folds] if scheme == LOFO and fold_X else None
        if scheme in INNER and scheme_X and INNER[scheme] in scheme_X:  # the same for the other schemes
            Xs = [scheme_matrix(X0, INNER[scheme], np.concatenate([te, tr[b]]), scheme_X)[tr] for _, b in folds]
        best, _ = choose(fams, X[tr], y[tr], folds, prior_idx, Xs)
        cal = sigma_calibration(best, X[tr], y[tr], folds, prior_idx, members, SEED + 1000 * i, Xs, None if eform is None else eform[tr])
        mp = ensemble_predict(best, X[tr], y[tr], X[te], prior_idx, members, SEED + 1000 * i + 7)
        pred[te], sig[te] = mp.mean(axis=1), sigma_of(mp.std(axis=1), cal["k"], cal["floor"])
        pscale[te] = cal.get("pScale", np.nan)
        chosen.append(best.name)
        ks.append(cal["k"])
        floors.append(cal["floor"])
        for f in fams:  # each family on its own (fixed), for the comparison table
            fam_pred[f.name][te] = f.fit_predict(X[tr], y[tr], X[te], prior_idx)
        for name, p in baselines(X, y, tr, te, prior_idx).items():
            base_pred.setdefault(name, np.full(n, np.nan))[te] = p
    err = np.abs(pred - y)
    return {
        "selected": metrics(y, pred),
        "coverage": {"within_1_sigma": float((err <= sig).mean()), "within_2_sigma": float((err <= 2 * sig).mean()), "n": int(n), "median_sigma": float(np.median(sig))},
        "chosen": {c: chosen.count(c) for c in sorted(set(chosen))},
        "k": {"min": float(min(ks)), "median": float(np.median(ks)), "max": float(max(ks))},
        "sigmaFloor": {"min": float(min(floors)), "median": float(np.median(floors)), "max": float(max(floors))},
        "families": {name: metrics(y, p) for name, p in fam_pred.items()},
        "baselines": {name: metrics(y, p) for name, p in base_pred.items()},
        "folds": len(ks),
        "_pred": pred, "_sigma": sig, "_pscale": pscale,
    }


def power_law(ns, rmses, goal):
    """Least-squares fit of log RMSE = log a − b log n; the n at which RMSE would reach `goal`, if it falls."""
    ns, rm = np.asarray(ns, float), np.asarray(rmses, float)
    if len(ns) < 2:
        return {"a": None, "b": None, "nAtGoal": None, "note": "fewer than two points: no extrapolation"}
    b, loga = np.polyfit(np.log(ns), np.log(rm), 1)
    b = -b
    if b <= 0.02:
        return {"a": float(math.exp(loga)), "b": float(b), "nAtGoal": None, "note": "the error does not fall with more data here: no extrapolation"}
    return {"a": float(math.exp(loga)), "b": float(b), "nAtGoal": float((math.exp(loga) / goal) ** (1 / b)), "note": "power law through the points; a guess, not a promise"}


def _chosen_fit_predict(fams, X, y, film, tr, te, prior_idx, fold_X, held):
    """The shipped procedure on training rows `tr`: the family chosen by inner CV on `tr` only (leave one film
    out among its films, each inner fold on a prior refitted without the held-out film(s) `held` and the inner
    test film where that refit exists; 3-fold when `tr` holds one film), then fit on `tr` and predict `te`."""
    folds = inner_splits(LOFO, tr, film, None)
    Xs = None
    if fold_X and len(set(film[tr])) >= 2:
        Xs = [fold_X.get(frozenset(set(film[tr[b]].tolist()) | set(held)), X)[tr] for _, b in folds]
    best, _ = choose(fams, X[tr], y[tr], folds, prior_idx, Xs)
    return best.fit_predict(X[tr], y[tr], X[te], prior_idx), best.name


def learning_curve(fams, X0, y, film, prior_idx, goal, repeats, fold_X=None):
    """Held-out (leave one film out) RMSE of the shipped procedure (family chosen by inner CV inside every
    training set, never on the held-out film) against the number of training films and records."""
    films = sorted(set(film))
    by_films, picks = {}, {}
    for test in films:
        others = [f for f in films if f != test]
        te = np.where(film == test)[0]
        X = fold_matrix(X0, film, te, fold_X)
        for m in range(1, len(others) + 1):
            for combo in itertools.combinations(others, m):
                tr = np.where(np.isin(film, combo))[0]
                p, name = _chosen_fit_predict(fams, X, y, film, tr, te, prior_idx, fold_X, [test])
                by_films.setdefault(m, []).append(((p - y[te]) ** 2).tolist())
                picks[name] = picks.get(name, 0) + 1
    films_rows = [{"films": m, "rmse": float(np.sqrt(np.mean(sum(v, [])))), "fits": len(v)} for m, v in sorted(by_films.items())]
    rng = np.random.default_rng(SEED)
    by_rec = {}
    for tr, te in outer_splits(LOFO, len(y), film, None):
        X = fold_matrix(X0, film, te, fold_X)
        for frac in (0.25, 0.5, 0.75, 1.0):
            for _ in range(1 if frac == 1.0 else repeats):
                part = rng.choice(tr, max(4, int(round(frac * len(tr)))), replace=False)
                p, name = _chosen_fit_predict(fams, X, y, film, part, te, prior_idx, fold_X, film[te][:1].tolist())
                by_rec.setdefault(frac, []).append((len(part), ((p - y[te]) ** 2).tolist()))
                picks[name] = picks.get(name, 0) + 1
    rec_rows = [{"fraction": f, "records": float(np.mean([n for n, _ in v])), "rmse": float(np.sqrt(np.mean(sum((e for _, e in v), []))))} for f, v in sorted(by_rec.items())]
    return {
        "family": "the shipped procedure (family chosen by inner CV in each training set)", "chosen": dict(sorted(picks.items())),
        "goal": goal, "byFilms": films_rows, "byRecords": rec_rows,
        "extrapolationFilms": power_law([r["films"] for r in films_rows], [r["rmse"] for r in films_rows], goal),
        "extrapolationRecords": power_law([r["records"] for r in rec_rows], [r["rmse"] for r in rec_rows], goal),
    }
