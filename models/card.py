"""MODEL_CARD.md and the learning-curve plot, written from metrics.json's content (never edited by hand)."""
import nested

SCHEMES = [(nested.LOFO, "LOFO"), (nested.LOSO, "LOSO"), (nested.RANDOM, "5-fold")]


def plot_learning_curves(rep, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    keys = [k for k, t in rep["targets"].items() if t["learningCurve"]]
    if not keys:
        return
    fig, axes = plt.subplots(1, 2 * len(keys), figsize=(4.2 * 2 * len(keys), 3.4))
    for i, key in enumerate(keys):
        t = rep["targets"][key]
        lc = t["learningCurve"]
        for j, (rows, x, label) in enumerate(((lc["byFilms"], "films", "training films"), (lc["byRecords"], "records", "training records (3 films)"))):
            ax = axes[2 * i + j]
            ax.plot([r[x] for r in rows], [r["rmse"] for r in rows], "o-", label="held-out film (LOFO)")
            ax.axhline(t["goal"], ls="--", c="grey", label=f"target {t['goal']} {t['unit']}")
            if lc["goal"] != t["goal"]:
                ax.axhline(lc["goal"], ls=":", c="k", label=f"extrapolated to {lc['goal']} {t['unit']}")
            ax.set_xlabel(label)
            ax.set_ylabel(f"{t['title']} RMSE ({t['unit']})")
            ax.set_title(f"{t['title']}: " + ("shipped procedure, family chosen per training set" if lc.get("chosen") else lc["family"]), fontsize=8)
            ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _f(x, d=3):
    return "–" if x is None else f"{x:.{d}f}"


def nested_table(t):
    L = ["| procedure | " + " | ".join(f"{s} RMSE | {s} MAE | {s} R²" for _, s in SCHEMES) + " |", "|---" * (1 + 3 * len(SCHEMES)) + "|"]
    ev = t["nested"]

    def row(label, get):
        cells = []
        for sch, _ in SCHEMES:
            m = get(ev[sch]) if sch in ev else None
            cells += [_f(m and m["rmse"]), _f(m and m["mae"]), _f(m and m["r2"], 2)]
        L.append(f"| {label} | " + " | ".join(cells) + " |")
    row("**nested: family chosen inside each outer fold (shipped procedure)**", lambda e: e["selected"])
    for b in ("mean", "force field only"):
        row(f"baseline: {b}", lambda e, b=b: e["baselines"].get(b))
    for name in t["families"]:
        row(f"fixed family: {name}", lambda e, n=name: e["families"].get(n))
    return "\n".join(L)


def coverage_lines(t):
    L = [f"| outer folds | within ±1σ (target 0.68 ± 0.10) | within ±2σ (target 0.95 ± 0.05) | k (median of folds) | σ₀ (median of folds, {t['unit']}) | families chosen (folds) |", "|---|---|---|---|---|---|"]
    for sch, ev in t["nested"].items():
        if sch.startswith("study: shuffled 5-fold") and t["title"] == "z-separation":
            continue
        c = ev["coverage"]
        chosen = ", ".join(f"{k} ×{v}" for k, v in ev["chosen"].items())
        fl = ev.get("sigmaFloor", {}).get("median")
        L.append(f"| {sch} | {c['within_1_sigma']:.2f} | {c['within_2_sigma']:.2f} | {ev['k']['median']:.2f} | {'–' if fl is None else f'{fl:.3f}'} | {chosen} |")
    return "\n".join(L)


def learning_text(t):
    lc = t["learningCurve"]
    if not lc:
        return "No learning curve: the data has a single film.\n"
    picks = ", ".join(f"{k} ×{v}" for k, v in (lc.get("chosen") or {}).items())
    head = (f"Learning curve of the shipped procedure on held-out films: in every training set the family is chosen by inner CV on that set's rows only (leave one film out among its films; 3-fold for one film), so the held-out film never takes part in the choice (families chosen: {picks})." if lc.get("chosen")
            else f"Learning curve of {lc['family']} on held-out films.")
    L = [head + " ![learning curve](learning-curve.png)\n",
         "| training films | held-out RMSE | fits |", "|---|---|---|"]
    L += [f"| {r['films']} | {r['rmse']:.3f} | {r['fits']} |" for r in lc["byFilms"]]
    L += ["", "| training records (share of the 3 other films' rows) | held-out RMSE |", "|---|---|"]
    L += [f"| {r['records']:.0f} ({r['fraction']:.0%}) | {r['rmse']:.3f} |" for r in lc["byRecords"]]
    for what, ex in (("films", lc["extrapolationFilms"]), ("records", lc["extrapolationRecords"])):
        if what == "records" and ex["b"] is not None and ex["b"] < 0.1:
            L.append(f"\nBy records: more rows of the same films barely lower the error on a new film (RMSE ∝ n^−{max(ex['b'], 0):.2f}); what would help is more films, not more rows of these.")
        elif ex["nAtGoal"] and ex["nAtGoal"] > 1000:
            L.append(f"\nExtrapolation by {what}: RMSE ≈ {ex['a']:.3g} · n^−{ex['b']:.2f}, nearly flat: at this rate {lc['goal']} {t['unit']} would take more than a thousand {what}, so the power law through {len(lc['by' + what.capitalize()])} points says nothing usable about how many would do.")
        elif ex["nAtGoal"]:
            L.append(f"\nExtrapolation by {what}: RMSE ≈ {ex['a']:.3g} · n^−{ex['b']:.2f}, which would reach {lc['goal']} {t['unit']} at about {ex['nAtGoal']:.3g} {what} ({ex['note']}; fit through {len(lc['by' + what.capitalize()])} points).")
        else:
            L.append(f"\nExtrapolation by {what}: {ex['note']}.")
    return "\n".join(L) + "\n"


def stability_text(rep):
    st = rep.get("stability")
    if not st:
        return ""
    sc = (rep["targets"].get("ebind") or {}).get("pStableScaleNotShipped") or {}
    L = ["## Stability as a probability\n",
         "P(stable) = P(E_bind > E_form) = Φ((Ê_bind − E_form) / √(σ_bind² + σ_form²)), with Ê_bind and σ_bind the binding-energy estimate and σ_form the uncertainty of the film's formation energy (0 for the Hetero2d records, whose E_form comes from the same DFT setup). Reliability on the Hetero2d records, from outer-fold predictions only:\n"]
    for sch, r in st.items():
        if not r:
            continue
        L.append(f"**{sch}** ({r['n']} records, {r['stableFraction']:.0%} stable in DFT; Brier score {r['brier']:.3f} vs {r['brierBaseRate']:.3f} for always saying the base rate; the call P > 0.5 is right for {r['accuracyOfStableCall']:.0%}):\n")
        ece = r.get("ece")
        if ece is None:
            ece = sum(b["n"] * abs(b["meanP"] - b["observed"]) for b in r["bins"] if b["n"]) / r["n"]
        verdict = " — P is over-confident: read it as a ranking, not a calibrated probability." if ece > 0.1 else "."
        if r["brier"] >= r["brierBaseRate"]:
            verdict += " Its Brier score is no better than saying the base rate for every record: under this split P carries no skill."
        L.append(f"Expected calibration error (records-weighted |mean P − observed|): {ece:.2f}{verdict}\n")
        L.append("| P(stable) bin | records | mean P | observed stable |\n|---|---|---|---|")
        L += [f"| {b['from']:.1f}–{b['to']:.1f} | {b['n']} | {_f(b['meanP'], 2)} | {_f(b['observed'], 2)} |" for b in r["bins"]]
        L.append("")
    rec = {sch: r["recalibrated"] for sch, r in st.items() if r and r.get("recalibrated")}
    if rec:
        L.append("**Tried, not shipped: a recalibrated P** = Φ(s · (Ê_bind − E_form)/σ), with s in [0, 4] calibrated like σ, on the inner folds' held-out rows only (the smallest Brier score; models/nested.py `calibrate_p_scale`). On the outer folds:\n")
        L.append("| outer folds | Brier, shipped P | Brier, recalibrated | calibration error, shipped / recalibrated | s (folds: min–max, median) |\n|---|---|---|---|---|")
        for sch, q in rec.items():
            r = st[sch]
            L.append(f"| {sch} | {r['brier']:.3f} | {q['brier']:.3f} | {r['ece']:.2f} / {q['ece']:.2f} | {q['pScale']['min']:.2f}–{q['pScale']['max']:.2f}, {q['pScale']['median']:.2f} |")
        gain = max(st[sch]["brier"] - q["brier"] for sch, q in rec.items())
        L.append(f"\nThe largest gain in Brier score is {gain:.3f}"
                 + (f"; s calibrated for the shipped model came out {sc.get('knownFilm', 1):.2f} for films like the training films and {sc.get('newFilm', 1):.2f} for new films" if sc else "")
                 + (", and a scale near 0 would say about 50% even for a formation energy far below any binding energy" if sc and min(sc.values()) < 0.2 else "")
                 + ". So the shipped P is the plain normal model (s = 1).\n")
    return "\n".join(L) + "\n"


def domain_text(rep):
    d = rep["domain"]
    L = ["## Applicability domain\n", f"Distance of an input to its {d['k']} nearest training rows in feature space (features standardised on the training rows; distance divided by √(number of features)). An input is *in domain* when that distance is at most {d['threshold']:.3f}, the 95th percentile of the distances that held-out rows had under {d['reference']}. The app and the CLI report the distance, its percentile and the verdict with every estimate. "
         f"In the table, each outer fold's test rows are judged by that fold's own threshold (the same percentile under {d['reference']} among the fold's training rows only), so no row's verdict used the row itself and the share in domain is measured, not 95% by construction.\n",
         "| outer folds | median distance | threshold (median of folds) | share in domain | E_bind RMSE in / out | z RMSE in / out |", "|---|---|---|---|---|---|"]
    for sch, r in d["bySchemes"].items():
        e, z = r.get("ebind", {}), r.get("zsep", {})
        L.append(f"| {sch} | {r['medianDistance']:.3f} | {_f(r.get('medianThreshold'))} | {r['fractionInside']:.0%} | {_f(e.get('rmseInside'))} / {_f(e.get('rmseOutside'))} | {_f(z.get('rmseInside'))} / {_f(z.get('rmseOutside'))} |")
    lofo = d["bySchemes"].get(nested.LOFO, {})
    for key, title in (("ebind", "binding energy"), ("zsep", "z-separation")):
        e = lofo.get(key, {})
        if e.get("rmseInside") is not None and e.get("rmseOutside") is not None and e["rmseInside"] >= e["rmseOutside"]:
            L.append(f"\nFor the {title}, held-out rows of new films inside the domain were not predicted better than those outside it: the distance says how unlike the training rows an input is, not how large its error will be.")
    return "\n".join(L) + "\n"


def variants_table(t):
    """Nested CV of the ways the force-field prior is used (train.py prior_variants), beside the shipped procedure."""
    v = t.get("priorVariants")
    if not v:
        return ""
    L = ["Which force-field prior, used how (nested CV, family and k chosen inside each outer fold among the families of that variant, from the --fast candidate set with 3 members: `models/prior_variants.py`; RMSE in " + t["unit"] + "):\n",
         "| variant | " + " | ".join(s for _, s in SCHEMES) + " | families chosen (leave one film out) |", "|---" * (2 + len(SCHEMES)) + "|"]

    def row(label, ev):
        lofo = ev.get(nested.LOFO)
        chosen = ", ".join(f"{k} ×{n}" for k, n in lofo["chosen"].items()) if lofo else "–"
        L.append(f"| {label} | " + " | ".join(_f(ev[sch]["selected"]["rmse"]) if sch in ev else "–" for sch, _ in SCHEMES) + f" | {chosen} |")
    for label, ev in v.items():
        row(label, ev)
    row("**shipped procedure: every family, the shipped prior**", t["nested"])
    L.append("\nOn the `fit` prior, leave one film out uses a prior refitted without the held-out film(s) in every outer and inner fold, so these numbers are held out like those on `d2` (no fitting). The last row is the shipped procedure (this training run's candidates and members) on the shipped prior. Differences of a few hundredths between rows are within the spread between the four folds.")
    return "\n".join(L) + "\n"


def _leak(rep):
    """The prior was fitted to these records and the leave-one-film-out folds did not refit it."""
    return _fitted(rep) and not rep.get("priorHeldOutInLofo")


def _fitted(rep):
    return rep.get("priorFittedToData", (rep.get("prior") or "").startswith("force field fit,"))


def ff_model_table(rep):
    """The force-field models' own accuracy on the DFT records, as models/ff-fit/FIT_CARD.md reports it."""
    import os
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ff-fit", "FIT_CARD.md")
    if not os.path.exists(path):
        return ""
    text = open(path).read()
    sec = text.split("## Hetero2d DFT records", 1)[-1].strip().split("\n\n")[0]
    # Only held-out rows here: the in-sample row (fitted on all records) stays in FIT_CARD.md.
    sec = "\n".join(line for line in sec.split("\n") if "in sample" not in line)
    return ("## Force-field models (the prior's source)\n\nThe interlayer models every backend runs, against the Hetero2d DFT records (from models/ff-fit/FIT_CARD.md, written by `.venv/bin/python models/ff-fit/fit.py`). "
            "`fit` is the default force field (src/core/defaults.ts) and the predictors' prior, because it is the best of the three on these records, also when each film is left out of its fit.\n\n" + sec + "\n\n" + ("" if not _fitted(rep) else held_out_prior_text(rep) if not _leak(rep) else
            "**Caveat for every held-out number in this card that uses the `fit` prior:** `fit`'s own parameters were fitted to these same records, so a film held out by the predictors' nested CV was not held out of the prior (its in-sample E_bind RMSE is far below its leave-one-film-out one above). Features from `fit` therefore carry information from the held-out rows, and the nested numbers of models on the `fit` prior are optimistic by up to the gap between the in-sample and leave-one-film-out rows above; the `d2` prior (no fitting) in the variant table is free of that. A leak-free comparison needs the prior recomputed per outer fold with `fit` refitted without that fold (not done).\n"))


def held_out_prior_text(rep):
    """What the card says about the `fit` prior per scheme: held out (refitted per fold) or optimistic."""
    held = set(rep.get("priorHeldOutIn") or [])
    others = [nested.LOSO, nested.RANDOM, nested.STUDY["ebind"]]
    every = all(s in held for s in others)
    head = (f"**The prior is held out{'' if every else ' where it matters'}.** `fit`'s parameters were fitted to these same records, so a prior from the shipped `fit` knows every record's DFT answer. "
            "In every leave-one-film-out fold (outer and inner) the prior is therefore recomputed with `fit` refitted without the held-out film(s) (models/prior_folds.py: strict, as FIT_CARD.md's own leave-one-film-out; "
            "one refit per film and per pair of films, then `heterolab features --fit-params`), so the leave-one-film-out numbers below, the learning curve and the shipped model's choice of family and k for new films are held out. ")
    if every:
        return head + ("So is every other column: each outer fold of leave one substrate out (strict: also the published values on that metal, e.g. graphene on it), random 5-fold and the study's shuffled 20-fold "
                       "has its own refit without the fold's test rows (`prior_folds.py --schemes`), and so do the leave-one-substrate-out folds the shipped k for known films is calibrated on. "
                       + _inner_text(held))
    return head + ("**Leave-one-substrate-out and the shuffled K-fold columns use the shipped prior, fitted to all records, and are optimistic** (by up to the gap between `fit` in sample and held out above); read them as upper bounds of skill.\n")


def _inner_text(held):
    """What the card says about the inner folds' prior (family choice and k inside each outer fold)."""
    names = {nested.LOSO: "leave one substrate out", nested.RANDOM: "random 5-fold", nested.STUDY["ebind"]: "the study's 20-fold"}
    inner = [names[s] for s, i in nested.INNER.items() if i in held]
    rest = [names[s] for s, i in nested.INNER.items() if i not in held]
    L = []
    if inner:
        L.append(f"The inner folds of {', '.join(inner)} have their own refits as well (the outer and the inner test rows out), so the family choice and k inside those outer folds are made on a held-out prior too. ")
    if rest:
        L.append(f"Inside the outer folds of {', '.join(rest)} the inner folds (family choice, k) use the outer fold's prior, which has seen the inner test rows but never the outer ones; "
                 "k calibrated on inner folds whose prior knew those rows can be too small for rows the prior did not know, and the coverage tables would show it. ")
    L.append("Every number in this card is on rows that neither the model, nor the choice of family, nor k, nor the prior's fit saw.\n")
    return "".join(L)


LEAK_NOTE = " — but the force-field prior's parameters had (caveat above)"


def target_text(key, t, leak=False):
    ev = t["nested"]
    L = [f"## {t['title'].capitalize()} ({t['unit']})\n",
         f"Shipped: **{t['shipped']}**, an ensemble of {t['members']} bootstrap members, chosen by leave-one-film-out CV on all rows. Every number below is on outer-fold rows that neither the model, nor the choice of family, nor σ's scale and floor had seen (nested CV){LEAK_NOTE if leak else ''}. Target on new films: RMSE ≤ {t['goal']} {t['unit']}.\n",
         nested_table(t), "", variants_table(t)]
    lofo = ev.get(nested.LOFO)
    if lofo:
        r = lofo["selected"]["rmse"]
        verdict = ("not established" if leak else "met") if r <= t["goal"] else "not met"
        L.append(f"Target on new films (nested LOFO RMSE ≤ {t['goal']} {t['unit']}): **{verdict}** ({r:.3f} {t['unit']}" + ("; optimistic, the `fit` prior was fitted to these records, see the caveat above" if leak else "") + "); the learning curve below shows what more films might do.\n")
    study = ev.get(nested.STUDY[key])
    if study:
        L.append(f"**The study's protocol** ({nested.STUDY[key][7:]}, nested the same way): RMSE {study['selected']['rmse']:.3f} {t['unit']}, MAE {study['selected']['mae']:.3f}, R² {study['selected']['r2']:.2f}" +
                 (f"; leave one film out: RMSE {lofo['selected']['rmse']:.3f}." if lofo else ".") +
                 " A shuffled split puts rows of every film in training, so it measures how well the model fills gaps between films it already knows. A user's new 2D material is a film the model has never seen: only leave-one-film-out measures that, and it is the headline here.\n")
    fl = t.get("sigmaFloor") or {"knownFilm": 0.0, "newFilm": 0.0}
    L.append(f"Uncertainty: σ = √((k × std of the ensemble members)² + σ₀²), a scaled spread with a floor σ₀ ({t['unit']}). Inside each outer fold, k and σ₀ are calibrated on the inner folds' held-out rows only (split-conformal on the outer fold's training rows: each inner fold's rows predicted by an ensemble fitted without them), chosen so that ±1σ covers 68.3% and ±2σ 95.4% of those rows' errors as nearly as two numbers allow (the larger of the two misses in units of the targets' tolerances, ±10% and ±5%, is made smallest; models/nested.py `calibrate`). The errors are heavy-tailed against the spread, so k alone, fitted to 68.3%, leaves ±2σ short; coverage below is counted on the outer rows only and is reported as it came out. The shipped model: k {t['sigmaScale']['knownFilm']:.2f}, σ₀ {fl['knownFilm']:.3f} {t['unit']} for films whose elements all occur in training (calibrated on leave-one-substrate-out folds) and k {t['sigmaScale']['newFilm']:.2f}, σ₀ {fl['newFilm']:.3f} {t['unit']} for any other film (leave-one-film-out folds); the app and the CLI read both from manifest.json.\n")
    L.append(coverage_lines(t) + "\n")
    L.append(learning_text(t))
    return "\n".join(L)


def model_card(rep, man, data_note):
    L = [f"# heterolab predictors: model card\n\nModels `{man.get('name')}` version `{man.get('version') or '(evaluation only)'}` (features v{man.get('featuresVersion')}). Generated by `models/train.py` (`npm run train`); do not edit by hand.\n"]
    L.append("## What they predict\n\n- **Binding energy** E_bind (eV per film atom, positive = bound), as Hetero2d defines it: (n_2d·E_2d + n_sub·E_sub − E_interface)/(n_2d·N_2d).\n- **z-separation** (Å): mean z of the film's lowest atomic plane minus mean z of the substrate's top plane, measured by heterolab on each record's relaxed (final) structure.\n- **P(stable)**: the probability that the film is stabilised by the substrate, E_bind > E_form (see below).\n")
    L.append(f"## Data\n\nTrained on: {rep['source']}; {rep['rows']} rows. {data_note}\n\nFilms ({len(rep['films'])}): {', '.join(rep['films'])}. Substrates ({len(rep['substrates'])}): {', '.join(rep['substrates'])}.\n\nThe default data is the example data of Hetero2d (github.com/cmdlab/Hetero2d, GPL-3.0; T. M. Boland, A. K. Singh et al., Comput. Mater. Sci. 207 (2022) 111238): vdW-corrected DFT relaxations of four films, none Janus, on (111) and (011) elemental metal surfaces. The study heterolab follows used ~1,150 Janus-film/metal heterostructures; `npm run train -- --data FILE` retrains on Hetero2d/aiHD record JSON, a CSV/JSON table with columns `name`, `e_bind`, `z_sep` (+ features), or (with `--allow-pickle`) a pandas pickle you made yourself." + ("" if rep["exportable"] else " **This table lacks features the app computes, so this run only evaluates: no model from it ships to the app.**") + "\n")
    L.append(f"## Features\n\n{len(rep['features'])} features, computed by `src/compute/ml/features.ts` (the same code in the app and for this table) from the *unrelaxed* interface; each tabulated number is cited in the file that holds it. Force-field prior (features `ff_*`, used as features and, by the residual families, as the baseline they correct): {rep['prior'] or 'none recorded'}. The prior's model is the default force field (`DEFAULTS.ffModel` in `src/core/defaults.ts`, read by `PRIOR_PARAMS` in `src/compute/ml/prior.ts`); after changing it rerun `npm run train`: models trained on another prior warn in the app and the CLI until retrained.")
    tr = man.get("training") or {}
    const = [f for f, lo, hi in zip(man.get("features") or [], tr.get("featureMin") or [], tr.get("featureMax") or []) if lo is not None and lo == hi]
    if "film_symmetry_ops" in rep["features"]:
        L.append(" `film_symmetry_ops` is the order of the point group of the film's space group in its own cell (the study's symmetry-operation count; table in `src/compute/ml/symmetry-ops.ts`, from the record's `film_spacegroup` for training and from moyo on the film's own cell in the app).")
    if const:
        L.append(f" Constant on these training rows, so no model here can use them (a film with another value is outside the training range and flagged): {', '.join(f'`{c}`' for c in const)}.")
    L.append("\n")
    L.append(ff_model_table(rep))
    for key, t in rep["targets"].items():
        L.append(target_text(key, t, _leak(rep)))
    L.append(stability_text(rep))
    L.append(domain_text(rep))
    L.append("## Where the models are weak\n\n- New films: leave-one-film-out errors are far larger than shuffled-split errors; with four training films, a prediction for a film unlike the training films is an extrapolation, and the domain check says so.\n- Chemisorbed, reconstructed or intermixed interfaces (z-separations below ~1.5 Å in the data) are learned only as far as these records show them.\n- Labels are one DFT setup (vdW-corrected, Hetero2d workflow); they inherit its errors.\n")
    L.append("## Reproduce\n\n`npm run train` (writes models/ from the data beside the project); versions: " + ", ".join(f"{k} {v}" for k, v in rep["versions"].items()) + f"; seed {rep['seed']}; {'fast settings' if rep['fast'] else 'full settings'}.\n")
    return "\n".join(L)
