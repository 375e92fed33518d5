"""The `fit` force field refitted once per held-out film, for the predictors' leave-one-film-out folds.

The shipped `fit` model (models/ff-fit) was fitted to the same Hetero2d records the predictors are trained and
evaluated on, so a prior from it knows the held-out film's DFT answers. For each film this refits `fit` the way
models/ff-fit/fit.py does for its own strict leave-one-film-out evaluation (that film's records out, and the
published values of any film sharing its elements), and writes the parameters in fit-params.ts's shape:

    .venv/bin/python models/prior_folds.py OUT_DIR      # OUT_DIR/<film>.json per film and <film>+<film>.json per
                                                        # pair of films (the inner folds), ~15 s each

`npm run train` (full, not --fast) then computes one feature table per film with
`heterolab features --fit-params FILE` and models/train.py uses it for the folds that hold those films out.

Refits are cached: a fold's JSON records a key (sha256 of the fit's code, its data and the held-out targets)
and is not refitted while the key matches, so a repeated `npm run train` skips them (~15 s of CPU each).
"""
import hashlib
import itertools
import json
import math
import sys
import time
from pathlib import Path

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


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    targets, excluded = all_targets()
    bases, _ = F.make_bases(targets)
    elements = F.elements_of(targets)
    films = sorted({t.film for t in targets if t.kind == "hetero2d"})
    # One film out (outer folds) and every pair of films out (the inner folds inside an outer fold).
    for gs in [(g,) for g in films] + list(itertools.combinations(films, 2)):
        t0 = time.time()
        g = "+".join(gs)
        held = [k for k, t in enumerate(targets) if t.kind == "hetero2d" and t.film in gs]
        els = set().union(*(F._elements(targets[k], 1) for k in held))
        held += [k for k, t in enumerate(targets) if t.kind != "hetero2d" and F._elements(t, 1) & els]
        train = [k for k in range(len(targets)) if k not in held]
        key = cache_key(sorted(targets[k].system.name for k in held))
        if cached(out / f"{g}.json", key):
            print(f"prior fold {g}: cached", file=sys.stderr)
            continue
        theta = F.fit([targets[k] for k in train], [bases[k] for k in train], elements)
        A, C, cm = F.fit_params(theta, elements)
        ids = [targets[k].system.name.split()[0] for k in held if targets[k].kind == "hetero2d"]
        doc = {"cacheKey": key, "films": list(gs), "heldOutIds": ids, "excludedIds": sorted(r[:8] for r in excluded), "heldOutTargets": len(held),
               "elements": [[z, A[z], C[z]] for z in elements],
               "fallback": {"wall": math.exp(theta[0]), "dispersion": math.exp(theta[1])},
               "carbonMetal": {"wall": cm[0], "dispersion": cm[1]}}
        (out / f"{g}.json").write_text(json.dumps(doc, indent=1))
        print(f"prior fold {g}: {len(ids)} records and {len(held) - len(ids)} published values held out, {time.time() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
