"""Which force-field prior, used how: nested leave-one-film-out CV of the variants, written into metrics.json.

    .venv/bin/python models/prior_variants.py OUT FIT_TABLE D2_TABLE FOLD_DIR     # (npm run train runs it)

For each target and each prior (`fit`, with its leave-one-film-out folds on a prior refitted without the
held-out film(s) from FOLD_DIR; `d2`, no fitting): every family, the prior as a feature only (families that do
not subtract it) and as the residual baseline only (families on y − prior). Family, hyper-parameters and σ's k
are chosen inside each outer fold as for the shipped models (models/nested.py), on the --fast candidate set (the
full set on every variant does not fit in a training run on two shared cores). The card (rewritten here from
metrics.json) shows the table; the shipped prior is the default force field if it is not worse by this table.
"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data_io  # noqa: E402
import nested  # noqa: E402
import train  # noqa: E402


def main(out, fit_table, d2_table, fold_dir):
    fit = data_io.load_features_csv(fit_table)
    d2 = data_io.load_features_csv(d2_table)
    pairs = [(j, j[:-5] + ".csv") for j in sorted(glob.glob(os.path.join(fold_dir, "*.json")))]
    fit.fold_X = train.load_fold_features(pairs, fit)
    d2.fold_X = None
    path = os.path.join(out, "metrics.json")
    rep = json.load(open(path))
    for key, tt in train.TARGETS.items():
        rows = {}
        for name, tab in (("fit", fit), ("d2", d2)):
            pi = tab.feats.index(tt["prior"])
            fams = nested.usable(nested.families(tab.feats, key, True), True)
            for how, keep in (("every family", lambda f: True), ("as a feature", lambda f: not f.residual), ("as a residual baseline", lambda f: f.residual)):
                fs = [f for f in fams if keep(f)]
                r = nested.nested(nested.LOFO, fs, tab.X, tab.ys[key], tab.film, tab.sub, pi, 3, tab.fold_X)
                rows[f"force field {name}: {how}"] = {nested.LOFO: {"selected": r["selected"], "chosen": r["chosen"], "coverage": r["coverage"]}}
                print(f"  {key} {name} {how}: LOFO RMSE {r['selected']['rmse']:.3f}", file=sys.stderr, flush=True)
        rep["targets"][key]["priorVariants"] = rows
    rep["priorVariantsNote"] = "leave one film out, nested, --fast candidate families, 3 members (models/prior_variants.py)"
    json.dump(rep, open(path, "w"), indent=1)
    train.rewrite_card(out)


if __name__ == "__main__":
    main(*sys.argv[1:5])
