/**
 * Applicability domain from feature space (same definition as models/domain.py): the mean distance of an input
 * to its k nearest training rows, features standardised on the training rows (missing values set to the
 * training median), divided by √(number of features); compared with the distances that held-out rows had in
 * the outer folds of training.
 */
export interface DomainManifest {
  k: number;
  median: number[];
  mean: number[];
  std: number[];
  /** Standardised training rows. */
  rows: number[][];
  /** In domain when the distance is at most this (95th percentile of `reference` held-out distances). */
  threshold: number;
  reference: string;
  /** Sorted held-out distances under the reference scheme, and under leave-one-film-out. */
  referenceDistances: number[];
  newFilmDistances: number[] | null;
}

export interface DomainCheck {
  /** Mean distance to the k nearest training rows (standardised units). */
  distance: number;
  /** Share of held-out rows (reference scheme) that were at most this far from their training rows. */
  percentile: number;
  /** The same share among held-out rows of new films (leave one film out), when known. */
  percentileNewFilm: number | null;
  threshold: number;
  inDomain: boolean;
}

const share = (sorted: number[], d: number) => {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (sorted[m] <= d) lo = m + 1;
    else hi = m;
  }
  return lo / sorted.length;
};

/** Flattened rows, built once per manifest: the check runs per prediction. */
export class Domain {
  private rows: Float64Array;
  private nf: number;
  // Scratch for one check (a batch checks every row): no allocation per row.
  private z: Float64Array;
  private best: Float64Array;
  constructor(readonly m: DomainManifest) {
    this.nf = m.mean.length;
    this.rows = Float64Array.from(m.rows.flat());
    this.z = new Float64Array(this.nf);
    this.best = new Float64Array(m.k);
  }

  check(x: Float64Array): DomainCheck {
    const { nf, m, z, best } = this;
    for (let j = 0; j < nf; j++) z[j] = ((Number.isNaN(x[j]) ? m.median[j] : x[j]) - m.mean[j]) / m.std[j];
    const n = this.rows.length / nf;
    best.fill(Infinity);
    const rows = this.rows, last = m.k - 1;
    let worst = Infinity; // best[last], kept in a local: the pruning test runs once per feature
    for (let r = 0; r < n; r++) {
      // Partial-distance pruning: stop summing once this row cannot enter the k best (exact result).
      let d2 = 0;
      for (let j = 0, o = r * nf; j < nf && d2 < worst; j++) {
        const t = z[j] - rows[o + j];
        d2 += t * t;
      }
      if (d2 < worst) {
        let i = last;
        while (i > 0 && best[i - 1] > d2) (best[i] = best[i - 1]), i--;
        best[i] = d2;
        worst = best[last];
      }
    }
    const kk = Math.min(m.k, n);
    let s = 0;
    for (let i = 0; i < kk; i++) s += Math.sqrt(best[i] / nf);
    const distance = s / kk;
    return {
      distance,
      percentile: share(m.referenceDistances, distance),
      percentileNewFilm: m.newFilmDistances ? share(m.newFilmDistances, distance) : null,
      threshold: m.threshold,
      inDomain: distance <= m.threshold,
    };
  }
}
