"""heterolab's predictors of binding energy (eV per film atom) and z-separation (Å).

Reads the feature table that `heterolab features` writes (one TypeScript implementation of the features, shared
with the app), evaluates candidate models on held-out rows only (random 5-fold, leave-one-film-out,
leave-one-substrate-out), trains the shipped ensembles, exports them to ONNX, checks ONNX against scikit-learn,
and writes the manifest the app reads, metrics.json and MODEL_CARD.md.

Run through `npm run train` (which builds the feature table first). Deterministic: every random state is seeded.
"""
import argparse
import csv
import datetime
import hashlib
import json
import math
import re
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
import sklearn
import skl2onnx
from onnx import helper
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.base import clone
from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, RidgeCV
from sklearn.model_selection import GroupKFold, KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

SEED = 20261125
TARGETS = {
    "ebind": {"column": "E_bind_eV_per_atom", "unit": "eV/atom", "title": "binding energy", "prior": "ff_ebind_eV_per_atom"},
    "zsep": {"column": "z_sep_A", "unit": "Å", "title": "z-separation", "prior": "ff_z_A"},
}
FAMILIES = {"substrate": "sub_", "film": ("film_", "face_", "janus_"), "match": ("strain_", "area_"), "force field": "ff_"}


def family(name):
    if name.startswith("face_minus"):
        return "film–substrate contrast"
    for fam, pre in FAMILIES.items():
        if name.startswith(pre):
            return fam
    return "other"


def load(path):
    with open(path) as f:
        lines = [l for l in f if not l.startswith("#")]
    rows = list(csv.DictReader(lines))
    head = list(rows[0].keys())
    feats = head[head.index("ff_converged") + 1:]
    X = np.array([[float(r[k]) if r[k] != "" else np.nan for k in feats] for r in rows], dtype=np.float64)
    # The two NbO2 phases share a formula; the data README tells them apart by the film's formation energy.
    film = np.array([f'{r["film"]}@{float(r["E_form_eV_per_atom"]):.3f}' for r in rows])
    sub = np.array([r["substrate"] for r in rows])
    ys = {k: np.array([float(r[t["column"]]) for r in rows]) for k, t in TARGETS.items()}
    return rows, feats, X, ys, film, sub


def candidates(fast):
    # Sizes keep 1,000 predictions under ~20 ms on onnxruntime-web (wasm, one thread): members × trees is the cost.
    n = 40 if fast else 80
    return {
        "mean": None,
        "force field only": "prior",
        "ridge": Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler()), ("model", RidgeCV(alphas=np.logspace(-3, 3, 13)))]),
        "random forest": Pipeline([("impute", SimpleImputer(strategy="median")), ("model", RandomForestRegressor(n_estimators=n, min_samples_leaf=2, random_state=SEED, n_jobs=1))]),
        "gradient boosting": Pipeline([("impute", SimpleImputer(strategy="median")), ("model", GradientBoostingRegressor(n_estimators=n, max_depth=3, learning_rate=0.1, subsample=0.8, random_state=SEED))]),
    }


ENSEMBLES = ["random forest", "gradient boosting", "random forest on the force-field residual", "gradient boosting on the force-field residual"]


def with_residuals(c):
    c["random forest on the force-field residual"] = ("residual", c["random forest"])
    c["gradient boosting on the force-field residual"] = ("residual", c["gradient boosting"])
    return c


def fit_predict(model, Xtr, ytr, Xte, prior_idx):
    if isinstance(model, tuple):  # ("residual", inner): learn the correction to the force field's value
        inner = model[1]
        return Xte[:, prior_idx] + clone(inner).fit(Xtr, ytr - Xtr[:, prior_idx]).predict(Xte)
    if model is None:
        return np.full(len(Xte), ytr.mean())
    if model == "prior":
        # A calibrated force-field baseline: linear map of the force field's own value.
        lr = LinearRegression().fit(Xtr[:, [prior_idx]], ytr)
        return lr.predict(Xte[:, [prior_idx]])
    return clone(model).fit(Xtr, ytr).predict(Xte)


def splits(kind, n, film, sub):
    idx = np.arange(n)
    if kind == "random 5-fold":
        return list(KFold(5, shuffle=True, random_state=SEED).split(idx))
    groups = film if kind == "leave one film out" else sub
    return list(GroupKFold(len(set(groups))).split(idx, groups=groups))


def metrics(y, p):
    r = p - y
    ss = ((y - y.mean()) ** 2).sum()
    return {"rmse": float(np.sqrt((r ** 2).mean())), "mae": float(np.abs(r).mean()), "r2": float(1 - (r ** 2).sum() / ss) if ss > 0 else float("nan"), "n": int(len(y))}


def ensemble(kind, fast):
    """Members of the shipped ensemble: the chosen model type, each fit on a bootstrap resample."""
    m = candidates(fast)[kind.replace(" on the force-field residual", "")]
    return [clone(m).set_params(model__random_state=SEED + k) for k in range(5 if fast else 6)]


def fit_members(members, X, y, seed):
    """Fits members on bootstrap resamples of (X, y); y is already the residual for residual models."""
    rng = np.random.default_rng(seed)
    fitted = []
    for m in members:
        b = rng.integers(0, len(y), len(y))
        fitted.append(m.fit(X[b], y[b]))
    return fitted


def member_predictions(fitted, X):
    return np.stack([m.predict(X) for m in fitted], axis=1)


def to_onnx(fitted, nfeat, name):
    """One ONNX graph: every member reads the same input; a Concat gives the members' predictions, [N, M]."""
    graphs = []
    for k, m in enumerate(fitted):
        o = convert_sklearn(m, initial_types=[("features", FloatTensorType([None, nfeat]))], target_opset={"": 15, "ai.onnx.ml": 3})
        g = o.graph
        rename = {}
        for node in g.node:
            node.name = f"m{k}_{node.name}"
            for i, x in enumerate(node.output):
                rename[x] = f"m{k}_{x}"
                node.output[i] = rename[x]
        for node in g.node:
            for i, x in enumerate(node.input):
                if x in rename:
                    node.input[i] = rename[x]
        for init in g.initializer:
            old = init.name
            init.name = f"m{k}_{old}"
            for node in g.node:
                for i, x in enumerate(node.input):
                    if x == old:
                        node.input[i] = init.name
        graphs.append((g, rename[g.output[0].name]))
    nodes = [n for g, _ in graphs for n in g.node]
    inits = [i for g, _ in graphs for i in g.initializer]
    nodes.append(helper.make_node("Concat", [out for _, out in graphs], ["members"], axis=1, name="concat_members"))
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("features", onnx.TensorProto.FLOAT, [None, nfeat])], [helper.make_tensor_value_info("members", onnx.TensorProto.FLOAT, [None, len(graphs)])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15), helper.make_opsetid("ai.onnx.ml", 3)], producer_name="heterolab models/train.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def permutation_importance(model, X, y, film, sub, rng, repeats):
    """Increase of held-out RMSE when one feature's column is shuffled, averaged over random 5-fold splits."""
    base_sum = np.zeros(X.shape[1])
    count = 0
    for tr, te in splits("random 5-fold", len(y), film, sub):
        m = clone(model).fit(X[tr], y[tr])
        base = np.sqrt(((m.predict(X[te]) - y[te]) ** 2).mean())
        for j in range(X.shape[1]):
            inc = 0
            for _ in range(repeats):
                Xp = X[te].copy()
                Xp[:, j] = rng.permutation(Xp[:, j])
                inc += np.sqrt(((m.predict(Xp) - y[te]) ** 2).mean()) - base
            base_sum[j] += inc / repeats
        count += 1
    return base_sum / count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--features", required=True)
    ap.add_argument("--out", required=True, help="directory for the ONNX models, manifest, metrics and model card")
    ap.add_argument("--fast", action="store_true", help="fewer trees and members (CI)")
    ap.add_argument("--data-note", default="")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rows, feats, X, ys, film, sub = load(a.features)
    n = len(rows)
    rng = np.random.default_rng(SEED)
    cands = with_residuals(candidates(a.fast))
    schemes = ["leave one film out", "leave one substrate out", "random 5-fold"]
    report = {"generated": "models/train.py", "fast": a.fast, "rows": n, "films": sorted(set(film)), "substrates": sorted(set(sub)),
              "versions": {"scikit-learn": sklearn.__version__, "skl2onnx": skl2onnx.__version__, "onnx": onnx.__version__, "onnxruntime": ort.__version__, "numpy": np.__version__},
              "seed": SEED, "targets": {}}
    manifest = {"name": "heterolab-hetero2d", "version": "", "featuresVersion": None, "features": feats, "targets": {}}
    with open(a.features) as f:
        first = f.readline()
    manifest["featuresVersion"] = int(first.split("v")[-1]) if first.startswith("# heterolab features v") else None

    for key, t in TARGETS.items():
        y = ys[key]
        prior_idx = feats.index(t["prior"])
        table = {}
        held = {}
        for name, model in cands.items():
            table[name] = {}
            for sch in schemes:
                p = np.zeros(n)
                for tr, te in splits(sch, n, film, sub):
                    p[te] = fit_predict(model, X[tr], y[tr], X[te], prior_idx)
                table[name][sch] = metrics(y, p)
                held[(name, sch)] = p
        # Shipped model type: the lowest leave-one-film-out RMSE among the tree ensembles (they carry a spread).
        kind = min(ENSEMBLES, key=lambda k: table[k]["leave one film out"]["rmse"])
        resid = kind.endswith("residual")
        base = X[:, prior_idx] if resid else np.zeros(n)
        yfit = y - base
        # Calibrate the ensemble spread on held-out rows: sigma = k * std(members), with k chosen so that 68.3% of
        # random-5-fold held-out errors fall within one sigma; coverage under the other schemes is reported.
        ratio, cover = {}, {}
        for sch in schemes:
            r, s = np.zeros(n), np.zeros(n)
            for f, (tr, te) in enumerate(splits(sch, n, film, sub)):
                fitted = fit_members(ensemble(kind, a.fast), X[tr], yfit[tr], SEED + 100 * f)
                mp = member_predictions(fitted, X[te]) + base[te, None]
                r[te] = mp.mean(axis=1) - y[te]
                s[te] = mp.std(axis=1) + 1e-9
            ratio[sch] = (r, s)
        # Two calibrations: for films like the training films (leave-one-substrate-out rows: new metal, known
        # film) and for new films (leave-one-film-out rows). The app uses the second whenever the film has
        # elements the training films lack, so σ stays honest for the case users care about most.
        kscale = {}
        for name, sch in (("knownFilm", "leave one substrate out"), ("newFilm", "leave one film out")):
            rr, ss = ratio[sch]
            kscale[name] = float(np.quantile(np.abs(rr) / ss, 0.683))
        for sch in schemes:
            r, s = ratio[sch]
            k = kscale["newFilm"] if sch == "leave one film out" else kscale["knownFilm"]
            cover[sch] = {"within_1_sigma": float((np.abs(r) <= k * s).mean()), "within_2_sigma": float((np.abs(r) <= 2 * k * s).mean()), "ensemble": metrics(y, r + y), "scale": k}
        kcal = kscale
        imp = permutation_importance(cands[kind.replace(" on the force-field residual", "")], X, y, film, sub, rng, 2 if a.fast else 5)
        fam = {}
        for nm, v in zip(feats, imp):
            fam[family(nm)] = fam.get(family(nm), 0.0) + float(max(v, 0.0))
        total = sum(fam.values()) or 1.0
        # Final members on all rows, exported.
        fitted = fit_members(ensemble(kind, a.fast), X, yfit, SEED)
        onx = to_onnx(fitted, len(feats), f"heterolab_{key}")
        path = os.path.join(a.out, f"{key}.onnx")
        onnx.save(onx, path)
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        got = sess.run(None, {"features": X.astype(np.float32)})[0]
        want = member_predictions(fitted, X)
        err = float(np.abs(got - want).max())
        if err > 1e-5:
            sys.exit(f"ONNX and scikit-learn disagree for {key}: max |diff| {err}")
        fixture_rows = list(range(0, n, max(1, n // 8)))[:8]
        # JSON has no NaN: a missing feature is null in the fixtures (the TS test reads null as NaN).
        fixtures = {"features": [[None if math.isnan(v) else v for v in row] for row in X[fixture_rows].tolist()], "members": want[fixture_rows].tolist()}
        lo = np.nanmin(X, axis=0)
        hi = np.nanmax(X, axis=0)
        manifest["targets"][key] = {
            "file": f"{key}.onnx", "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest(), "bytes": os.path.getsize(path),
            "unit": t["unit"], "title": t["title"], "model": kind, "members": len(fitted), "sigmaScale": kcal,
            # Residual models predict a correction: value = members' mean + the named feature.
            "addFeature": t["prior"] if resid else None,
            "heldOut": {"leaveOneFilmOut": table[kind]["leave one film out"], "leaveOneSubstrateOut": table[kind]["leave one substrate out"], "random5Fold": table[kind]["random 5-fold"]},
            "fixtures": fixtures,
        }
        manifest["training"] = {"rows": n, "substrates": sorted(set(sub)), "filmElements": sorted({e for r in rows for e in re.findall(r"[A-Z][a-z]?", r["film"])}),
                                "featureMin": [None if math.isnan(v) else float(v) for v in lo], "featureMax": [None if math.isnan(v) else float(v) for v in hi]}
        report["targets"][key] = {"unit": t["unit"], "candidates": table, "shipped": kind, "onnxMaxAbsDiff": err, "sigmaScale": kcal, "coverage": cover,
                                  "importance": {nm: float(v) for nm, v in zip(feats, imp)}, "importanceByFamily": {k: v / total for k, v in fam.items()}}
    stamp = hashlib.sha256(json.dumps(manifest["targets"], sort_keys=True).encode()).hexdigest()[:8]
    manifest["version"] = f"{datetime.date.today().isoformat() if not a.fast else 'fast'}-{stamp}"
    manifest["dataNote"] = a.data_note
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, allow_nan=False)
    with open(os.path.join(a.out, "metrics.json"), "w") as f:
        json.dump(report, f, indent=1)
    with open(os.path.join(a.out, "MODEL_CARD.md"), "w") as f:
        f.write(model_card(report, manifest))
    for key in TARGETS:
        h = report["targets"][key]["candidates"][report["targets"][key]["shipped"]]["leave one film out"]
        print(f"{key}: shipped {report['targets'][key]['shipped']}, leave-one-film-out RMSE {h['rmse']:.3f} {TARGETS[key]['unit']}, R2 {h['r2']:.2f}")


def model_card(rep, man):
    L = []
    L.append(f"# heterolab predictors: model card\n\nModels `{man['name']}` version `{man['version']}` (features v{man['featuresVersion']}). Generated by `models/train.py` (`npm run train`); do not edit by hand.\n")
    L.append("## What they predict\n\n- **Binding energy** E_bind (eV per film atom, positive = bound), as Hetero2d defines it: (n_2d·E_2d + n_sub·E_sub − E_interface)/(n_2d·N_2d).\n- **z-separation** (Å): mean z of the film's lowest atomic plane minus mean z of the substrate's top plane, measured by heterolab on each record's relaxed (final) structure.\n\nEach prediction is the mean of an ensemble of tree models fit on bootstrap resamples; its σ is the members' spread times a factor calibrated on held-out rows (see Uncertainty).\n")
    L.append(f"## Data\n\n{rep['rows']} vdW-corrected DFT relaxations of 2D films on elemental metal surfaces: the example data of Hetero2d (github.com/cmdlab/Hetero2d, GPL-3.0; T. M. Boland, A. K. Singh et al., Comput. Mater. Sci. 207 (2022) 111238). Films (the two NbO2 phases told apart by formation energy): {', '.join(rep['films'])}. Substrates ({len(rep['substrates'])}): {', '.join(rep['substrates'])}. {man.get('dataNote','')}\n\nThis is a small, narrow set: four films, none Janus, (111) and (011) facets only. The study heterolab follows used ~1,150 Janus-film/metal heterostructures, whose database is not reachable from here; `npm run train -- --data FILE.json` retrains on any Hetero2d/aiHD-format records you have.\n")
    L.append("## Features\n\nComputed by `src/compute/ml/features.ts` (the same code in the app and for this table) from the *unrelaxed* interface: substrate elemental properties (Pauling electronegativity, Miedema φ*, cohesive energy, metallic radius, polarizability, valence and d-electron counts), the substrate's nearest-neighbour distance and top-plane atom density, film composition statistics, the species of the film face touching the metal and the Janus asymmetry, film thickness, area per film atom, the match's largest strain, and the force field's own z-separation and binding energy (model D2, rigid-body relaxation from the unrelaxed geometry).\n")
    for key, t in rep["targets"].items():
        L.append(f"## {TARGETS[key]['title'].capitalize()} ({t['unit']}): held-out results\n\nShipped: **{t['shipped']}** ensemble. Every number below is on rows the model did not see. Headline: **leave one film out**, because users bring new 2D materials.\n")
        L.append("| model | LOFO RMSE | LOFO MAE | LOFO R² | LOSO RMSE | LOSO R² | 5-fold RMSE | 5-fold R² |\n|---|---|---|---|---|---|---|---|")
        for name, m in t["candidates"].items():
            a, b, c = m["leave one film out"], m["leave one substrate out"], m["random 5-fold"]
            mark = " (shipped)" if name == t["shipped"] else ""
            L.append(f"| {name}{mark} | {a['rmse']:.3f} | {a['mae']:.3f} | {a['r2']:.2f} | {b['rmse']:.3f} | {b['r2']:.2f} | {c['rmse']:.3f} | {c['r2']:.2f} |")
        cv = t["coverage"]
        L.append(f"\nUncertainty: σ = k × (std of the ensemble members), with k calibrated so that 68.3% of held-out errors fall within ±σ: k = {t['sigmaScale']['knownFilm']:.2f} on leave-one-substrate-out rows (used when the film's elements all occur in the training films) and k = {t['sigmaScale']['newFilm']:.2f} on leave-one-film-out rows (used for any other film). Fraction of held-out errors within ±σ / ±2σ with those k: leave one substrate out {cv['leave one substrate out']['within_1_sigma']:.2f} / {cv['leave one substrate out']['within_2_sigma']:.2f}; leave one film out {cv['leave one film out']['within_1_sigma']:.2f} / {cv['leave one film out']['within_2_sigma']:.2f}; random 5-fold (known-film k) {cv['random 5-fold']['within_1_sigma']:.2f} / {cv['random 5-fold']['within_2_sigma']:.2f}.\n")
        fam = sorted(t["importanceByFamily"].items(), key=lambda x: -x[1])
        top = sorted(t["importance"].items(), key=lambda x: -x[1])[:6]
        L.append("Permutation importance (rise of held-out RMSE when a feature is shuffled, random 5-fold), share by family: " + ", ".join(f"{k} {v:.0%}" for k, v in fam) + ". Top features: " + ", ".join(f"`{k}` {v:.3f}" for k, v in top) + ".\n")
    L.append("## Does the substrate dominate?\n\n" + " ".join(f"For the {TARGETS[k]['title']}, substrate features carry {t['importanceByFamily'].get('substrate', 0):.0%} of the permutation importance." for k, t in rep["targets"].items()) + " The study heterolab follows found the bulk metal's properties dominate; with only four films here, film features cannot be learned well, so this comparison is weak evidence either way.\n")
    L.append("## Where the models are weak\n\n- New films: leave-one-film-out errors are far larger than random-split errors (table above); with four training films, predictions for a film unlike MoS2, NbO2 or ZnTe are extrapolations, and the app flags them as out of domain.\n- Elements and feature values outside the training set (the manifest stores the training ranges) are flagged, not silently trusted.\n- Chemisorbed, reconstructed or intermixed interfaces (z-separations below ~1.5 Å in the data) are learned only as far as these records show them.\n- Labels are one DFT setup (vdW-corrected, Hetero2d workflow); they inherit its errors.\n")
    L.append(f"## Reproduce\n\n`npm run train` (writes models/ from the data beside the project); versions: " + ", ".join(f"{k} {v}" for k, v in rep["versions"].items()) + f"; seed {rep['seed']}.\n")
    return "\n".join(L)


if __name__ == "__main__":
    main()
