/** Structure comparisons that do not depend on how a file orients or chooses its cell: for round-trip tests. */
import { inv3 } from '../../src/core/linalg';

export interface Atoms {
  numbers: ArrayLike<number>;
  positions: ArrayLike<number>;
  cell: ArrayLike<number>;
  pbc: readonly boolean[];
}

/** Shortest vector from atom i to atom j (Å) over the periodic images (rounded, then the 27 neighbouring shifts). */
export function minimumImage(a: Atoms, i: number, j: number): [number, number, number] {
  return images(a, i, j).best;
}

/** The shortest image vector and how much longer (Å) the next-shortest image is (0 for a tie). */
function images(a: Atoms, i: number, j: number): { best: [number, number, number]; margin: number } {
  const d = [0, 1, 2].map((c) => a.positions[3 * j + c] - a.positions[3 * i + c]);
  const periodic = a.pbc.some(Boolean);
  const inv = periodic ? inv3(a.cell) : null;
  if (!inv) return { best: d as [number, number, number], margin: Infinity };
  const f = [0, 1, 2].map((c) => (a.pbc[c] ? d[0] * inv[c] + d[1] * inv[3 + c] + d[2] * inv[6 + c] : 0));
  const base = d.map((x, c) => x - Math.round(f[0]) * a.cell[c] - Math.round(f[1]) * a.cell[3 + c] - Math.round(f[2]) * a.cell[6 + c]);
  let best = base as [number, number, number];
  let bestLen = Infinity;
  let second = Infinity;
  const range = (c: number) => (a.pbc[c] ? [-1, 0, 1] : [0]);
  for (const u of range(0))
    for (const v of range(1))
      for (const w of range(2)) {
        const r = base.map((x, c) => x + u * a.cell[c] + v * a.cell[3 + c] + w * a.cell[6 + c]) as [number, number, number];
        const len = Math.hypot(...r);
        if (len < bestLen) (second = bestLen), (best = r), (bestLen = len);
        else if (len < second) second = len;
      }
  return { best, margin: second - bestLen };
}

/** Every pair's shortest distance (Å), labelled by the two atomic numbers, sorted by label then distance. */
export function distanceTable(a: Atoms): { pair: string; d: number }[] {
  const n = a.numbers.length;
  const out: { pair: string; d: number }[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const zi = a.numbers[i], zj = a.numbers[j];
      out.push({ pair: zi < zj ? `${zi}-${zj}` : `${zj}-${zi}`, d: Math.hypot(...minimumImage(a, i, j)) });
    }
  return out.sort((x, y) => (x.pair < y.pair ? -1 : x.pair > y.pair ? 1 : x.d - y.d));
}

/** Largest difference (Å) between two distance tables, or a description of why they cannot be compared. */
export function distanceTableDifference(a: Atoms, b: Atoms): number | string {
  const ta = distanceTable(a), tb = distanceTable(b);
  if (ta.length !== tb.length) return `different atom counts (${a.numbers.length} vs ${b.numbers.length})`;
  let worst = 0;
  for (let k = 0; k < ta.length; k++) {
    if (ta[k].pair !== tb[k].pair) return `different species pairs at entry ${k}: ${ta[k].pair} vs ${tb[k].pair}`;
    worst = Math.max(worst, Math.abs(ta[k].d - tb[k].d));
  }
  return worst;
}

/** Signed volume (Å³) of the tetrahedron of atoms q[0..3], edges taken as shortest images from q[0]: its sign is the handedness. */
export function signedVolume(a: Atoms, q: readonly number[]): number {
  const [u, v, w] = [1, 2, 3].map((k) => minimumImage(a, q[0], q[k]));
  return u[0] * (v[1] * w[2] - v[2] * w[1]) - u[1] * (v[0] * w[2] - v[2] * w[0]) + u[2] * (v[0] * w[1] - v[1] * w[0]);
}

/**
 * Atom 0 and the three atoms nearest to it that span a clearly non-flat tetrahedron (|volume| > 0.5 Å³), among
 * atoms whose nearest image from atom 0 is unique (by 0.1 Å): a tie would make the sign depend on the cell basis.
 */
export function chiralQuadruple(a: Atoms): number[] {
  const n = a.numbers.length;
  const unique = Array.from({ length: n - 1 }, (_, k) => k + 1).filter((k) => images(a, 0, k).margin > 0.1);
  const near = unique.sort((x, y) => Math.hypot(...minimumImage(a, 0, x)) - Math.hypot(...minimumImage(a, 0, y)));
  for (let i = 0; i < near.length; i++)
    for (let j = i + 1; j < near.length; j++)
      for (let k = j + 1; k < near.length; k++) {
        const q = [0, near[i], near[j], near[k]];
        if (Math.abs(signedVolume(a, q)) > 0.5) return q;
      }
  throw new Error('no non-flat quadruple of atoms: choose a three-dimensional test structure');
}
