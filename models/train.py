"""heterolab's predictors of binding energy (eV per film atom) and z-separation (Å).

Reads the feature table that `heterolab features` writes (one TypeScript implementation of the features, shared
with the app) or a table the user brings (models/data_io.py), evaluates the whole procedure by nested
cross-validation (models/nested.py: family, hyper-parameters and σ chosen inside each outer fold), trains the
shipped ensembles, exports them to ONNX, checks ONNX against scikit-learn, and writes the manifest the app reads,
metrics.json, the learning-curve plot and MODEL_CARD.md (models/card.py).

Run through `npm run train` (which builds the feature table first). Deterministic: every random state is seeded.
"""
import argparse
import datetime
import hashlib
import json
import math
import os
import re
import sys

import numpy as np
import onnx
import onnxruntime as ort
import sklearn
import skl2onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import card  # noqa: E402
import data_io  # noqa: E402
import nested  # noqa: E402
from export import check_onnx, fit_members, refit_max_abs_diff, to_onnx  # noqa: E402
from domain import domain_report  # noqa: E402

TARGETS = {
    "ebind": {"unit": "eV/atom", "title": "binding energy", "prior": "ff_ebind_eV_per_atom", "goal": 0.15, "studyGoal": 0.05},
    "zsep": {"unit": "Å", "title": "z-separation", "prior": "ff_z_A", "goal": 0.30, "studyGoal": 0.30},
}


def schemes_for(t, key):
    out = []
    if len(set(t.film)) >= 2:
        out.append(nested.LOFO)
    if len(set(t.sub)) >= 2:
        out.append(nested.LOSO)
    out.append(nested.RANDOM)
    if key == "ebind":
        out.append(nested.STUDY["ebind"])  # the z study protocol (shuffled 5-fold) is our random 5-fold
    return out


def evaluate(t, key, fams, prior_idx, members):
    """Nested CV under every scheme, for one target. Returns ({scheme: report}, {scheme: (pred, sigma, P(stable)'s
    scale per row, calibrated in its outer fold)})."""
    y = t.ys[key]
    out, held = {}, {}
    for sch in schemes_for(t, key):
        r = nested.nested(sch, fams, t.X, y, t.film, t.sub, prior_idx, members, t.fold_X, getattr(t, "scheme_X", None), t.eform if key == "ebind" else None)
        held[sch] = (r.pop("_pred"), r.pop("_sigma"), r.pop("_pscale"))
        out[sch] = r
        print(f"  {key} {sch}: RMSE {r['selected']['rmse']:.3f}, ±1σ {r['coverage']['within_1_sigma']:.2f}, ±2σ {r['coverage']['within_2_sigma']:.2f}, chosen {r['chosen']}", file=sys.stderr)
    if key == "zsep":
        out[nested.STUDY["zsep"]] = out[nested.RANDOM]
    return out, held


def ship(t, key, fams, prior_idx, members):
    """The shipped model: family chosen by leave-one-film-out CV on all rows; k from LOSO and LOFO folds."""
    y, n = t.ys[key], len(t.ys[key])
    all_rows = np.arange(n)
    sch = nested.LOFO if len(set(t.film)) >= 2 else nested.RANDOM
    splits = nested.inner_splits(sch, all_rows, t.film, t.sub)
    sx = getattr(t, "scheme_X", None) or {}

    def per_fold(folds, s):
        if s == nested.LOFO and t.fold_X:
            return [nested.fold_matrix(t.X, t.film, b, t.fold_X) for _, b in folds]
        # k for known films: on leave-one-substrate-out folds of all rows, each with its own refitted prior.
        if s == nested.LOSO and nested.SHIP_LOSO in sx:
            return [nested.scheme_matrix(t.X, nested.SHIP_LOSO, b, sx) for _, b in folds]
        return None
    best, scores = nested.choose(fams, t.X, y, splits, prior_idx, per_fold(splits, sch))
    k, floor, pscale = {}, {}, {}
    for name, s in (("knownFilm", nested.LOSO if len(set(t.sub)) >= 2 else nested.RANDOM), ("newFilm", sch)):
        folds = nested.inner_splits(s, all_rows, t.film, t.sub)
        cal = nested.sigma_calibration(best, t.X, y, folds, prior_idx, members, nested.SEED + 5, per_fold(folds, s), t.eform if key == "ebind" else None)
        k[name], floor[name] = cal["k"], cal["floor"]
        if "pScale" in cal:
            pscale[name] = cal["pScale"]
    fitted = fit_members(best, t.X, y, prior_idx, members, nested.SEED)
    return best, scores, (k, floor, pscale), fitted


def reliability(p, truth):
    """Reliability bins, Brier score and the accuracy of the call P > 0.5, for probabilities p against truth."""
    bins = []
    edges = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0001]
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (p >= lo) & (p < hi)
        bins.append({"from": lo, "to": min(hi, 1.0), "n": int(m.sum()), "meanP": float(p[m].mean()) if m.any() else None, "observed": float(truth[m].mean()) if m.any() else None})
    return {"bins": bins, "brier": float(((p - truth) ** 2).mean()), "accuracyOfStableCall": float(((p > 0.5) == (truth > 0.5)).mean()),
            "ece": float(sum(b["n"] * abs(b["meanP"] - b["observed"]) for b in bins if b["n"]) / len(p))}


def stability_reliability(t, pred, sigma, pscale):
    """P(E_bind > E_form) from held-out predictions and σ against what the DFT records say: as shipped (the plain
    normal model, Φ((Ê − E_form)/σ)) and, beside it, recalibrated (the z-score scaled by the factor each outer
    fold calibrated on its inner rows, nested.calibrate_p_scale); both on outer rows only."""
    ok = ~np.isnan(t.eform)
    if ok.sum() == 0:
        return None
    truth = (t.ys["ebind"][ok] > t.eform[ok]).astype(float)
    out = reliability(nested.p_stable(pred[ok], sigma[ok], t.eform[ok]), truth)
    out.update({"brierBaseRate": float(((truth.mean() - truth) ** 2).mean()), "stableFraction": float(truth.mean()), "n": int(ok.sum())})
    if not np.isnan(pscale[ok]).all():
        scale = np.where(np.isnan(pscale[ok]), 1.0, pscale[ok])
        out["recalibrated"] = {**reliability(nested.p_stable(pred[ok], sigma[ok], t.eform[ok], scale), truth),
                               "pScale": {"min": float(scale.min()), "median": float(np.median(scale)), "max": float(scale.max())}}
    return out


def prior_variants(t, key, fams, prior_idx, members, cmp):
    """Nested CV of the ways to use a force-field prior, per scheme (LOFO, LOSO, random): for this table's prior
    and the other one (`cmp`, the same rows with another force-field model), the prior as a feature only
    (families that do not subtract it) and as the residual baseline only (families on y − prior), and the other
    prior with every family (the shipped procedure on this prior is `nested` itself). The pick among them is by
    the same nested CV (leave one film out)."""
    out = {}
    runs = []
    if cmp:
        runs.append((f"{cmp['prior']}: every family", cmp["t"], cmp["fams"][key], cmp["prior_idx"][key]))
    for name, tab, fs0, pi in [(t.prior_model, t, fams, prior_idx)] + ([(cmp["prior"], cmp["t"], cmp["fams"][key], cmp["prior_idx"][key])] if cmp else []):
        for how, keep in (("as a feature", lambda f: not f.residual), ("as a residual baseline", lambda f: f.residual)):
            fs = [f for f in fs0 if keep(f)]
            if fs:
                runs.append((f"{name}: {how}", tab, fs, pi))
    for label, tab, fs, pi in runs:
        out[label] = {}
        for sch in [s for s in schemes_for(tab, key) if not s.startswith("study")]:
            r = nested.nested(sch, fs, tab.X, tab.ys[key], tab.film, tab.sub, pi, members, getattr(tab, "fold_X", None))
            out[label][sch] = {"selected": r["selected"], "chosen": r["chosen"], "coverage": r["coverage"]}
        print(f"  {key} prior variant {label}: LOFO {out[label].get(nested.LOFO, {}).get('selected', {}).get('rmse', float('nan')):.3f}", file=sys.stderr)
    return out


def train_target(t, key, a, report, manifest, held_all):
    tt = TARGETS[key]
    prior_idx = t.feats.index(tt["prior"]) if tt["prior"] in t.feats else None
    members = 3 if a.fast else 5
    fams = nested.usable(nested.families(t.feats, key, a.fast), prior_idx is not None)
    if a.families:
        fams = [f for f in fams if any(w in f.name for w in a.families.split(","))]
        if not fams:
            sys.exit(f"train: --families {a.families} matches no candidate family")
    evals, held = evaluate(t, key, fams, prior_idx, members)
    held_all[key] = held
    variants = prior_variants(t, key, fams, prior_idx, members, a.cmp) if a.variants else None
    best, scores, (k, floor, pscale), fitted = ship(t, key, fams, prior_idx, members)
    lc = nested.learning_curve(fams, t.X, t.ys[key], t.film, prior_idx, tt["studyGoal"], 2 if a.fast else 3, t.fold_X) if len(set(t.film)) >= 2 else None
    rep = {"unit": tt["unit"], "title": tt["title"], "goal": tt["goal"], "shipped": best.name, "shippedInnerRmse": scores, "sigmaScale": k, "sigmaFloor": floor,
           # What a recalibrated P(stable) would use (calibrate_p_scale on the shipped k's folds); measured, not shipped.
           "pStableScaleNotShipped": pscale or None,
           "nested": evals, "learningCurve": lc, "members": members, "families": [f.name for f in fams], "priorVariants": variants}
    # After everything else has been fitted: the members about to be exported must be exactly their own fits.
    rep["membersRefitMaxAbsDiff"] = refit_max_abs_diff(best, fitted, t.X, t.ys[key], prior_idx, nested.SEED)
    if rep["membersRefitMaxAbsDiff"] > 1e-9:
        sys.exit(f"train: {key}: the fitted members changed after their fit (max {rep['membersRefitMaxAbsDiff']:.3g} {tt['unit']} from a refit); not exporting")
    if t.exportable and a.out_models:
        path = os.path.join(a.out, f"{key}.onnx")
        onnx.save(to_onnx([m for m, _ in fitted], len(t.feats), f"heterolab_{key}"), path)
        err, want = check_onnx(path, fitted, t.X, prior_idx)
        rep["onnxMaxAbsDiff"] = err
        rows = list(range(0, len(t.X), max(1, len(t.X) // 8)))[:8]
        fixtures = {"features": [[None if math.isnan(v) else v for v in r] for r in t.X[rows].tolist()], "members": want[rows].tolist()}
        ho = lambda s: evals[s]["selected"] if s in evals else None
        manifest["targets"][key] = {
            "file": f"{key}.onnx", "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest(), "bytes": os.path.getsize(path),
            "unit": tt["unit"], "title": tt["title"], "model": best.name, "members": len(fitted), "sigmaScale": k,
            # σ = sqrt((sigmaScale · members' std)² + sigmaFloor²), in the target's unit (models/nested.py calibrate).
            "sigmaFloor": floor,
            # Residual models predict a correction: value = members' mean + the named feature.
            "addFeature": tt["prior"] if best.residual else None,
            "heldOut": {"leaveOneFilmOut": ho(nested.LOFO), "leaveOneSubstrateOut": ho(nested.LOSO), "random5Fold": ho(nested.RANDOM)},
            "fixtures": fixtures,
        }
    report["targets"][key] = rep


def load_fold_features(pairs, t):
    """{film group: feature matrix} from --fold-features pairs (fold JSON, table): each film's rows must all be
    held out of that fold's prior (or excluded from the force-field fit altogether). Fold files of the other
    schemes (models/prior_folds.py --schemes: "scheme", "testIds") go to t.scheme_X {scheme: {test rows: matrix}}."""
    out, fitted = {}, set()
    t.scheme_X = {}
    for fold_json, table in pairs:
        doc = json.load(open(fold_json))
        ft = data_io.load_features_csv(table)
        if ft.feats != t.feats or list(ft.ids) != list(t.ids):
            sys.exit(f"train: {table} must have the same rows and features as --features")
        if "scheme" in doc:
            rows = np.where(np.isin(t.ids, doc["testIds"]))[0]
            if len(rows) != len(doc["testIds"]):
                sys.exit(f"train: {fold_json} names records that are not in --features")
            t.scheme_X.setdefault(doc["scheme"], {})[frozenset(rows.tolist())] = ft.X
            continue
        held, excl = set(doc["heldOutIds"]), set(doc["excludedIds"])
        fitted |= held
        # The predictor's film groups this table's prior is held out for (one film, or a pair for inner folds).
        groups = [g for g in sorted(set(t.film)) if {i[:8] for i in t.ids[t.film == g]} & held]
        if all({i[:8] for i in t.ids[t.film == g]} <= held | excl for g in groups) and groups:
            out[frozenset(groups)] = ft.X
    # A film the force field never saw (e.g. records added with --data) needs no refit: the shipped prior is held out.
    missing = sorted(g for g in set(t.film) if frozenset([g]) not in out and {i[:8] for i in t.ids[t.film == g]} & fitted)
    if missing:
        sys.exit(f"train: no --fold-features table holds out {', '.join(missing)}")
    print(f"leave one film out: each film's folds use a prior refitted without it ({len(pairs) - sum(map(len, t.scheme_X.values()))} fold tables)", file=sys.stderr)
    for sch, m in sorted(t.scheme_X.items()):
        print(f"{sch}: each outer fold uses a prior refitted without its test rows ({len(m)} fold tables)", file=sys.stderr)
    return out


def load(a):
    if a.table:
        names = open(a.features_names).read().split() if a.features_names else []
        return data_io.load_table(a.table, a.allow_pickle, names)
    return data_io.load_features_csv(a.features)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--features", help="feature table written by `heterolab features`")
    ap.add_argument("--table", help="a table you bring: CSV/JSON with name, e_bind, z_sep (+ features), or a pandas pickle")
    ap.add_argument("--features-names", help="file listing the app's feature names (one a line), to tell whether a table can ship to the app")
    ap.add_argument("--allow-pickle", action="store_true", help="allow loading a pickle (pickles execute code when loaded)")
    ap.add_argument("--out", required=True, help="directory for the ONNX models, manifest, metrics and model card")
    ap.add_argument("--fast", action="store_true", help="fewer trees, members and candidates (CI)")
    ap.add_argument("--data-note", default="")
    ap.add_argument("--prior-note", default="", help="the force-field prior behind the ff_* features (heterolab features --prior)")
    ap.add_argument("--compare-features", help="the same table with another force-field prior (heterolab features --model M): nested CV of both priors side by side")
    ap.add_argument("--compare-note", default="", help="that table's prior (heterolab features --prior --model M)")
    ap.add_argument("--fold-features", nargs=2, action="append", default=[], metavar=("FOLD.json", "TABLE.csv"), help="(repeatable) the same table with the prior refitted without one film (models/prior_folds.py), used for that film's leave-one-film-out folds")
    ap.add_argument("--compare-fold-features", nargs=2, action="append", default=[], metavar=("FOLD.json", "TABLE.csv"), help="as --fold-features, for the --compare-features table")
    ap.add_argument("--variants", action="store_true", help="also run the prior variants (every scheme, slow; models/prior_variants.py does leave one film out only)")
    ap.add_argument("--families", help="comma-separated name parts: keep only the candidate families that contain one (quick runs, tests)")
    ap.add_argument("--card-only", action="store_true", help="rewrite MODEL_CARD.md and the plot from the metrics.json and manifest.json in --out")
    a = ap.parse_args()
    if a.card_only:
        return rewrite_card(a.out)
    if not (a.features or a.table):
        ap.error("give --features or --table")
    os.makedirs(a.out, exist_ok=True)
    try:
        t = load(a)
    except data_io.DataError as e:
        sys.exit(f"train: {e}")
    a.out_models = t.exportable
    t.prior_model = a.prior_note.split(",")[0] if a.prior_note else "this table's prior"
    t.fold_X = load_fold_features(a.fold_features, t) if a.fold_features else None

    a.cmp = None
    if a.compare_features:
        ct = data_io.load_features_csv(a.compare_features)
        if ct.feats != t.feats or len(ct.X) != len(t.X):
            sys.exit("train: --compare-features must have the same rows and features as --features")
        pi = {k: ct.feats.index(v["prior"]) for k, v in TARGETS.items()}
        ct.fold_X = load_fold_features(a.compare_fold_features, ct) if a.compare_fold_features else None
        a.cmp = {"t": ct, "prior": a.compare_note.split(",")[0] or "the other prior", "prior_idx": pi,
                 "fams": {k: nested.usable(nested.families(ct.feats, k, a.fast), True) for k in TARGETS}}
    if not t.exportable:
        print("note: the table lacks some of the app's features: evaluating only; no ONNX models or manifest are written", file=sys.stderr)
        if os.path.abspath(a.out) == os.path.abspath(os.path.join(os.path.dirname(__file__))):
            sys.exit("train: a table without the app's features cannot replace the shipped models; pass --out DIR")
    report = {"generated": "models/train.py", "fast": a.fast, "rows": int(len(t.X)), "films": sorted(set(t.film.tolist())), "substrates": sorted(set(t.sub.tolist())),
              "source": t.source, "dataNote": a.data_note, "exportable": t.exportable, "features": t.feats, "prior": a.prior_note,
              "versions": {"scikit-learn": sklearn.__version__, "skl2onnx": skl2onnx.__version__, "onnx": onnx.__version__, "onnxruntime": ort.__version__, "numpy": np.__version__},
              "seed": nested.SEED, "targets": {},
              # The fitted force field (models/ff-fit) was fitted to the Hetero2d records: its prior is not held out.
              "priorFittedToData": a.prior_note.startswith("force field fit,"),
              # ...except in the leave-one-film-out folds when each film has a prior refitted without it.
              "priorHeldOutInLofo": t.fold_X is not None,
              # ...and in the other schemes' outer folds (and the shipped k for known films) when refitted per fold.
              "priorHeldOutIn": sorted(([nested.LOFO] if t.fold_X is not None else []) + list(getattr(t, "scheme_X", None) or {})),
              "comparePrior": a.compare_note, "comparePriorHeldOutInLofo": bool(a.compare_fold_features)}
    manifest = {"name": "heterolab-hetero2d", "version": "", "featuresVersion": None, "features": t.feats, "targets": {}}
    if a.features:
        with open(a.features) as f:
            first = f.readline()
        manifest["featuresVersion"] = int(first.split("v")[-1]) if first.startswith("# heterolab features v") else None
    held = {}
    for key in TARGETS:
        train_target(t, key, a, report, manifest, held)
    if nested.LOFO in held["ebind"]:
        report["stability"] = {s: stability_reliability(t, *held["ebind"][s]) for s in (nested.LOFO, nested.LOSO) if s in held["ebind"]}
    dom = domain_report(t, held, {k: report["targets"][k]["goal"] for k in TARGETS})
    report["domain"] = dom["report"]
    card.plot_learning_curves(report, os.path.join(a.out, "learning-curve.png"))
    if t.exportable:
        write_manifest(a, t, manifest, dom["manifest"])
    with open(os.path.join(a.out, "metrics.json"), "w") as f:
        json.dump(report, f, indent=1)
    with open(os.path.join(a.out, "MODEL_CARD.md"), "w") as f:
        f.write(card.model_card(report, manifest, a.data_note))
    for key in TARGETS:
        r = report["targets"][key]
        h = r["nested"].get(nested.LOFO, r["nested"][nested.RANDOM])["selected"]
        print(f"{key}: shipped {r['shipped']}, nested outer-fold RMSE (leave one film out) {h['rmse']:.3f} {TARGETS[key]['unit']}, R2 {h['r2']:.2f}")


def rewrite_card(out):
    """The card and plot from a finished run's metrics.json and manifest.json (no retraining)."""
    rep = json.load(open(os.path.join(out, "metrics.json")))
    path = os.path.join(out, "manifest.json")
    man = json.load(open(path)) if os.path.exists(path) else {"name": None, "version": None, "featuresVersion": None}
    card.plot_learning_curves(rep, os.path.join(out, "learning-curve.png"))
    with open(os.path.join(out, "MODEL_CARD.md"), "w") as f:
        f.write(card.model_card(rep, man, rep.get("dataNote", man.get("dataNote", ""))))


def write_manifest(a, t, manifest, dom):
    films = {}
    for f, e in zip(t.film.tolist(), t.eform.tolist()):
        films.setdefault(f.split("@")[0], set()).add(round(e, 4))
    manifest["training"] = {
        "rows": int(len(t.X)), "substrates": sorted(set(t.sub.tolist())),
        "filmElements": sorted({e for f in t.film for e in re.findall(r"[A-Z][a-z]?", f.split("@")[0])}),
        "featureMin": [None if math.isnan(v) else float(v) for v in np.nanmin(t.X, axis=0)],
        "featureMax": [None if math.isnan(v) else float(v) for v in np.nanmax(t.X, axis=0)],
        # Formation energies (eV/atom) of the training films, by formula: P(stable) uses one when it is unambiguous.
        "filmFormationEnergies": {k: sorted(v) for k, v in sorted(films.items())},
    }
    manifest["domain"] = dom
    manifest["prior"] = a.prior_note
    stamp = hashlib.sha256(json.dumps(manifest["targets"], sort_keys=True).encode()).hexdigest()[:8]
    manifest["version"] = f"{datetime.date.today().isoformat() if not a.fast else 'fast'}-{stamp}"
    manifest["dataNote"] = a.data_note
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, allow_nan=False)


if __name__ == "__main__":
    main()
