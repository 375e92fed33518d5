"""Applicability domain from feature space: mean distance of a row to its k nearest training rows (features
standardised on the training rows, missing values set to the training median), against the distances the
outer-fold test rows had to their own training rows. The app computes the same distance from the manifest."""
import numpy as np

import nested

K = 5


def standardiser(X):
    med = np.nanmedian(X, axis=0)
    med = np.where(np.isnan(med), 0.0, med)
    Xf = np.where(np.isnan(X), med, X)
    mu, sd = Xf.mean(axis=0), Xf.std(axis=0)
    sd = np.where(sd > 1e-12, sd, 1.0)
    return med, mu, sd


def apply(X, med, mu, sd):
    return (np.where(np.isnan(X), med, X) - mu) / sd


def knn_distance(Ztr, Zte, k=K):
    """Mean Euclidean distance (in standardised units, divided by √features) to the k nearest training rows."""
    d = np.sqrt(((Zte[:, None, :] - Ztr[None, :, :]) ** 2).sum(axis=2) / Ztr.shape[1])
    return np.sort(d, axis=1)[:, : min(k, len(Ztr))].mean(axis=1)


def outer_distances(t, scheme):
    n = len(t.X)
    out = np.full(n, np.nan)
    for tr, te in nested.outer_splits(scheme, n, t.film, t.sub):
        s = standardiser(t.X[tr])
        out[te] = knn_distance(apply(t.X[tr], *s), apply(t.X[te], *s))
    return out


def domain_report(t, held, goals):
    """Distances under each outer scheme, the threshold, and how held-out errors grow with distance."""
    schemes = [s for s in (nested.LOFO, nested.LOSO, nested.RANDOM) if s in held["ebind"]]
    dist = {s: outer_distances(t, s) for s in schemes}
    ref = nested.LOSO if nested.LOSO in dist else nested.RANDOM
    # In domain: no farther from the training rows than 95% of the held-out rows were when only the substrate
    # (or only a random subset) was new. With four films, most new films fall outside: that is the point.
    threshold = float(np.quantile(dist[ref], 0.95))
    rep = {"k": K, "reference": ref, "threshold": threshold, "bySchemes": {}}
    for s in schemes:
        d = dist[s]
        inside = d <= threshold
        row = {"medianDistance": float(np.median(d)), "fractionInside": float(inside.mean())}
        for key in held:
            if s in held[key]:
                err = held[key][s][0] - t.ys[key]
                row[key] = {"rmseInside": float(np.sqrt((err[inside] ** 2).mean())) if inside.any() else None,
                            "rmseOutside": float(np.sqrt((err[~inside] ** 2).mean())) if (~inside).any() else None}
        rep["bySchemes"][s] = row
    med, mu, sd = standardiser(t.X)
    Z = apply(t.X, med, mu, sd)
    man = {"k": K, "median": med.tolist(), "mean": mu.tolist(), "std": sd.tolist(), "rows": np.round(Z, 5).tolist(),
           "threshold": threshold, "reference": ref, "referenceDistances": np.round(np.sort(dist[ref]), 5).tolist(),
           "newFilmDistances": np.round(np.sort(dist[nested.LOFO]), 5).tolist() if nested.LOFO in dist else None}
    return {"report": rep, "manifest": man}
