"""The `fit` force field refitted once per held-out film, for the predictors' leave-one-film-out folds.

The shipped `fit` model (models/ff-fit) was fitted to the same Hetero2d records the predictors are trained and
evaluated on, so a prior from it knows the held-out film's DFT answers. For each film this refits `fit` the way
models/ff-fit/fit.py does for its own strict leave-one-film-out evaluation (that film's records out, and the
published values of any film sharing its elements), and writes the parameters in fit-params.ts's shape:

    .venv/bin/python models/prior_folds.py OUT_DIR      # OUT_DIR/<film>.json per film and <film>+<film>.json per
                                                        # pair of films (the inner folds), ~15 s each

`npm run train` (full, not --fast) then computes one feature table per film with
`heterolab features --fit-params FILE` and models/train.py uses it for the folds that hold those films out.

With `--schemes FEATURES.csv` it also refits once per outer fold of the other schemes (models/nested.py's
outer_splits on that table, the one definition of the folds): leave one substrate out (that substrate's records
out, strict: and the published values whose substrate shares its element, e.g. graphene on that metal), random
5-fold and the study's shuffled 20-fold (the fold's records out). Those files are named <scheme>-<fold>.json and
carry "scheme", "fold" and "testIds" (the table's record ids of the fold's test rows). Each inner fold of those
outer folds has a refit too, without the outer and the inner test rows (<scheme>in-<fold>-<inner>.json), so the
family choice and σ's k inside an outer fold are made on rows the prior never saw, like the outer rows.

Refits are cached: a fold's JSON records a key (sha256 of the fit's code, its data and the held-out targets)
and is not refitted while the key matches, so a repeated `npm run train` skips them (5–15 s of CPU each).
"""
import hashlib
import itertools
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent / "ff-fit"))
import fit as F  # noqa: E402
from systems import all_targets  # noqa: E402


HERE = Path(__file__).resolve().parent
# What a refit depends on besides the held-out targets: the fit's code and the data it reads.
SOURCES = [HERE / "ff-fit" / f for f in ("fit.py", "ffsum.py", "systems.py", "reference_data.py")]


def cache_key(held_names: list[str]) -> str:
    import systems
    h = hashlib.sha256()
    for f in SOURCES + [systems.HETERO2D]:
        h.update(Path(f).read_bytes())
    h.update("\n".join(held_names).encode())
    return h.hexdigest()[:16]


def cached(path: Path, key: str) -> bool:
    try:
        return json.loads(path.read_text()).get("cacheKey") == key
    except (OSError, ValueError):
        return False


def _write(out, name, key, gs, held, targets, excluded, elements, extra=None):
    t0 = time.time()
    train = [k for k in range(len(targets)) if k not in held]
    theta = F.fit([targets[k] for k in train], [bases_of(targets)[k] for k in train], elements)
    A, C, cm = F.fit_params(theta, elements)
    ids = [targets[k].system.name.split()[0] for k in held if targets[k].kind == "hetero2d"]
    doc = {"cacheKey": key, "films": list(gs), "heldOutIds": ids, "excludedIds": sorted(r[:8] for r in excluded), "heldOutTargets": len(held),
           **(extra or {}),
           "elements": [[z, A[z], C[z]] for z in elements],
           "fallback": {"wall": math.exp(theta[0]), "dispersion": math.exp(theta[1])},
           "carbonMetal": {"wall": cm[0], "dispersion": cm[1]}}
    (out / f"{name}.json").write_text(json.dumps(doc, indent=1))
    print(f"prior fold {name}: {len(ids)} records and {len(held) - len(ids)} published values held out, {time.time() - t0:.0f} s", file=sys.stderr)


_BASES = {}


def bases_of(targets):
    if "b" not in _BASES:
        _BASES["b"] = F.make_bases(targets)[0]
    return _BASES["b"]


def scheme_folds(table: str):
    """[(file name, scheme, fold index, test record ids)] for the outer folds of the schemes other than leave one
    film out, exactly as models/nested.py splits the feature table."""
    import data_io
    import nested
    t = data_io.load_features_csv(table)
    out = []
    for sch, slug in ((nested.LOSO, "loso"), (nested.RANDOM, "kfold5"), (nested.STUDY["ebind"], "study20")):
        for i, (_, te) in enumerate(nested.outer_splits(sch, len(t.ids), t.film, t.sub)):
            out.append((f"{slug}-{i:02d}", sch, i, sorted(t.ids[te].tolist())))
    # The inner folds of every scheme but leave one film out (family and k): outer and inner test rows out.
    for sch, slug in ((nested.LOSO, "losoin"), (nested.RANDOM, "kfold5in"), (nested.STUDY["ebind"], "study20in")):
        for i, (tr, te) in enumerate(nested.outer_splits(sch, len(t.ids), t.film, t.sub)):
            for j, (_, b) in enumerate(nested.inner_splits(sch, tr, t.film, t.sub)):
                out.append((f"{slug}-{i:02d}-{j}", nested.INNER[sch], 10 * i + j, sorted(t.ids[np.concatenate([te, tr[b]])].tolist())))
    # The shipped model's k for known films: leave-one-substrate-out folds over all rows (models/train.py ship).
    for i, (_, te) in enumerate(nested.inner_splits(nested.LOSO, np.arange(len(t.ids)), t.film, t.sub)):
        out.append((f"shiploso-{i:02d}", nested.SHIP_LOSO, i, sorted(t.ids[te].tolist())))
    return out


def main(out: Path, table: str | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    targets, excluded = all_targets()
    elements = F.elements_of(targets)
    films = sorted({t.film for t in targets if t.kind == "hetero2d"})
    # One film out (outer folds) and every pair of films out (the inner folds inside an outer fold).
    for gs in [(g,) for g in films] + list(itertools.combinations(films, 2)):
        g = "+".join(gs)
        held = [k for k, t in enumerate(targets) if t.kind == "hetero2d" and t.film in gs]
        els = set().union(*(F._elements(targets[k], 1) for k in held))
        held += [k for k, t in enumerate(targets) if t.kind != "hetero2d" and F._elements(t, 1) & els]
        key = cache_key(sorted(targets[k].system.name for k in held))
        if cached(out / f"{g}.json", key):
            print(f"prior fold {g}: cached", file=sys.stderr)
            continue
        _write(out, g, key, gs, held, targets, excluded, elements)
    if table is None:
        return
    import nested
    rid = lambda t: t.system.name.split()[0]
    for name, sch, i, test_ids in scheme_folds(table):
        test8 = {x[:8] for x in test_ids}
        held = [k for k, t in enumerate(targets) if t.kind == "hetero2d" and rid(t) in test8]
        if sch in (nested.LOSO, nested.SHIP_LOSO, nested.LOSO_INNER):
            els = set().union(*(F._elements(targets[k], 0) for k in held))
            held += [k for k, t in enumerate(targets) if t.kind != "hetero2d" and F._elements(t, 0) & els]
        key = cache_key(sorted(targets[k].system.name for k in held))
        if cached(out / f"{name}.json", key):
            print(f"prior fold {name}: cached", file=sys.stderr)
            continue
        _write(out, name, key, sorted({targets[k].film for k in held if targets[k].kind == "hetero2d"}), held, targets, excluded, elements,
               {"scheme": sch, "fold": i, "testIds": test_ids})


if __name__ == "__main__":
    args = sys.argv[1:]
    tab = None
    if "--schemes" in args:
        j = args.index("--schemes")
        tab = args[j + 1]
        del args[j:j + 2]
    main(Path(args[0]), tab)
