import { cellHeights } from './cell';
import { det3, inv3 } from './linalg';
import { MAX_Z, symbolOf } from './elements';
import type { Structure } from './structure';

/** Largest structure heterolab accepts from a file; parsers check counts against it before allocating. */
export const MAX_ATOMS = 2_000_000;
/** Atoms closer than this (Å) are reported as overlapping. */
export const OVERLAP_DISTANCE = 0.5;
/** Coordinates and cell components beyond this (Å) are rejected: no real structure is a kilometre wide. */
export const MAX_COORDINATE = 1e7;
/** Cells with |volume| below this (Å^3) are treated as singular. */
export const MIN_CELL_VOLUME = 1e-6;

export interface ValidationIssue {
  code: 'non-finite' | 'bad-element' | 'singular-cell' | 'too-many-atoms' | 'overlap' | 'empty';
  severity: 'error' | 'warning';
  message: string;
  /** Atom index (0-based) the issue is about, when there is one. */
  atom?: number;
}

/**
 * Checks a parsed structure: finite numbers, Z in 1..118, a non-singular cell where it is periodic, the atom
 * limit (errors), and overlapping atoms (a warning naming the first pair and how many pairs there are).
 */
export function validateStructure(s: Structure): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const n = s.numbers.length;
  if (n === 0) {
    out.push({ code: 'empty', severity: 'error', message: 'the structure has no atoms' });
    return out;
  }
  if (n > MAX_ATOMS) {
    out.push({ code: 'too-many-atoms', severity: 'error', message: `${n} atoms exceeds the limit of ${MAX_ATOMS}` });
    return out;
  }
  for (let i = 0; i < 9; i++)
    if (!(Math.abs(s.cell[i]) <= MAX_COORDINATE)) {
      out.push({ code: 'non-finite', severity: 'error', message: `cell component ${i + 1} (${s.cell[i]}) is not a finite number of at most ${MAX_COORDINATE} Å` });
      return out;
    }
  for (let i = 0; i < 3 * n; i++)
    if (!(Math.abs(s.positions[i]) <= MAX_COORDINATE)) {
      const a = Math.floor(i / 3);
      out.push({ code: 'non-finite', severity: 'error', atom: a, message: `atom ${a + 1} has a coordinate (${s.positions[i]}) that is not a finite number of at most ${MAX_COORDINATE} Å` });
      return out;
    }
  for (let i = 0; i < n; i++)
    if (s.numbers[i] < 1 || s.numbers[i] > MAX_Z) {
      out.push({ code: 'bad-element', severity: 'error', atom: i, message: `atom ${i + 1} has atomic number ${s.numbers[i]}, outside 1..${MAX_Z}` });
      return out;
    }
  if (s.pbc.some(Boolean) && !(Math.abs(det3(s.cell)) > MIN_CELL_VOLUME)) {
    out.push({ code: 'singular-cell', severity: 'error', message: 'the cell vectors are linearly dependent (volume ≈ 0)' });
    return out;
  }
  const pairs = findOverlaps(s, OVERLAP_DISTANCE);
  if (pairs.count > 0) {
    const [i, j, d] = pairs.first!;
    out.push({
      code: 'overlap',
      severity: 'warning',
      atom: i,
      message: `${pairs.count} atom pair(s) closer than ${OVERLAP_DISTANCE} Å, e.g. ${symbolOf(s.numbers[i])}${i + 1}–${symbolOf(s.numbers[j])}${j + 1} at ${d.toFixed(3)} Å`,
    });
  }
  return out;
}

/**
 * Pairs of atoms closer than `cutoff` (Å), including periodic images, in O(N) with a bin grid over fractional
 * coordinates (bins at least `cutoff` wide along every cell height). Non-periodic structures use a box around them.
 */
export function findOverlaps(s: Structure, cutoff: number): { count: number; first?: [number, number, number] } {
  const n = s.numbers.length;
  if (n < 2) return { count: 0 };
  let cell = s.cell;
  let pbc = s.pbc;
  let positions = s.positions;
  if (!pbc.some(Boolean) || !(Math.abs(det3(cell)) > MIN_CELL_VOLUME)) {
    // Open structure: a bounding box padded by the cutoff, no periodicity.
    const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < n; i++)
      for (let k = 0; k < 3; k++) {
        lo[k] = Math.min(lo[k], positions[3 * i + k]);
        hi[k] = Math.max(hi[k], positions[3 * i + k]);
      }
    cell = Float64Array.from([hi[0] - lo[0] + 2 * cutoff, 0, 0, 0, hi[1] - lo[1] + 2 * cutoff, 0, 0, 0, hi[2] - lo[2] + 2 * cutoff]);
    positions = Float64Array.from(positions, (x, i) => x - lo[i % 3] + cutoff);
    pbc = [false, false, false];
  }
  const inv = inv3(cell)!;
  const h = cellHeights(cell);
  // Bins 4 cutoffs wide (fewer when that would mean more than ~2 bins per atom). An atom only looks into the
  // neighbouring bins whose shared face is closer than the cutoff (|Δf_k|·h_k ≤ |Δr|, so no pair is missed):
  // on average ~3 bins instead of 27.
  const nb = h.map((x) => (x / (4 * cutoff) >= 1 ? Math.min(Math.floor(x / (4 * cutoff)), n) : 1)) as [number, number, number];
  const excess = Math.cbrt((nb[0] * nb[1] * nb[2]) / Math.max(8, 2 * n));
  if (excess > 1) for (let k = 0; k < 3; k++) nb[k] = Math.max(1, Math.floor(nb[k] / excess));
  const [n0, n1, n2] = nb;
  const [p0, p1, p2] = pbc;
  // Fractional width of "near a face" along each axis, in units of one bin.
  const near0 = (cutoff / h[0]) * n0, near1 = (cutoff / h[1]) * n1, near2 = (cutoff / h[2]) * n2;
  const bin = new Int32Array(n);
  const w = new Float64Array(3 * n); // wrapped fractional coordinates (periodic axes in [0, 1))
  const lo = new Uint8Array(n); // bit k: within the cutoff of the lower face of its bin along k; bit k+3: upper
  for (let i = 0; i < n; i++) {
    let b = 0;
    let flags = 0;
    const px = positions[3 * i], py = positions[3 * i + 1], pz = positions[3 * i + 2];
    for (let k = 0; k < 3; k++) {
      let x = px * inv[k] + py * inv[3 + k] + pz * inv[6 + k]; // fractional coordinate k
      if (pbc[k]) x -= Math.floor(x);
      w[3 * i + k] = x;
      const nk = nb[k];
      const u = x * nk;
      const idx = Math.min(nk - 1, Math.max(0, Math.floor(u)));
      const r = u - idx; // position inside the bin, 0..1 (beyond for open axes' outliers: clamped bins)
      const nearK = k === 0 ? near0 : k === 1 ? near1 : near2;
      if (r < nearK) flags |= 1 << k;
      if (1 - r < nearK) flags |= 8 << k;
      b = b * nk + idx;
    }
    bin[i] = b;
    lo[i] = flags;
  }
  const nbins = n0 * n1 * n2;
  const start = new Int32Array(nbins + 1);
  for (let i = 0; i < n; i++) start[bin[i] + 1]++;
  for (let b = 0; b < nbins; b++) start[b + 1] += start[b];
  const order = new Int32Array(n);
  const fill = start.slice(0, nbins);
  for (let i = 0; i < n; i++) order[fill[bin[i]]++] = i;

  const c2 = cutoff * cutoff;
  let count = 0;
  let firstD2 = -1, firstI = 0, firstJ = 0;
  const c0 = cell[0], c1 = cell[1], c2_ = cell[2], c3 = cell[3], c4 = cell[4], c5 = cell[5], c6 = cell[6], c7 = cell[7], c8 = cell[8];
  for (let i = 0; i < n; i++) {
    const b = bin[i];
    const b0 = Math.floor(b / (n1 * n2)), b1 = Math.floor(b / n2) % n1, b2 = b % n2;
    const xi = w[3 * i], yi = w[3 * i + 1], zi = w[3 * i + 2];
    const fl = lo[i];
    for (let dx = -1; dx <= 1; dx++) {
      if ((dx === -1 && !(fl & 1)) || (dx === 1 && !(fl & 8))) continue;
      let q0 = b0 + dx, t0 = 0;
      if (q0 < 0 || q0 >= n0) {
        if (!p0) continue;
        t0 = q0 < 0 ? -1 : 1;
        q0 -= t0 * n0;
      }
      for (let dy = -1; dy <= 1; dy++) {
        if ((dy === -1 && !(fl & 2)) || (dy === 1 && !(fl & 16))) continue;
        let q1 = b1 + dy, t1 = 0;
        if (q1 < 0 || q1 >= n1) {
          if (!p1) continue;
          t1 = q1 < 0 ? -1 : 1;
          q1 -= t1 * n1;
        }
        for (let dz = -1; dz <= 1; dz++) {
          if ((dz === -1 && !(fl & 4)) || (dz === 1 && !(fl & 32))) continue;
          let q2 = b2 + dz, t2 = 0;
          if (q2 < 0 || q2 >= n2) {
            if (!p2) continue;
            t2 = q2 < 0 ? -1 : 1;
            q2 -= t2 * n2;
          }
          const nbBin = (q0 * n1 + q1) * n2 + q2;
          const positive = t0 > 0 || (t0 === 0 && (t1 > 0 || (t1 === 0 && t2 > 0)));
          const zero = t0 === 0 && t1 === 0 && t2 === 0;
          for (let p = start[nbBin], e = start[nbBin + 1]; p < e; p++) {
            const j = order[p];
            // Every (pair, image) is found from both ends: keep i < j, and for an atom's own image the positive shift.
            if (j < i || (j === i && (zero || !positive))) continue;
            const du = w[3 * j] + t0 - xi, dv = w[3 * j + 1] + t1 - yi, dw = w[3 * j + 2] + t2 - zi;
            const x = du * c0 + dv * c3 + dw * c6, y = du * c1 + dv * c4 + dw * c7, z = du * c2_ + dv * c5 + dw * c8;
            const d2 = x * x + y * y + z * z;
            if (d2 < c2) {
              count++;
              if (firstD2 < 0) (firstD2 = d2), (firstI = i), (firstJ = j);
            }
          }
        }
      }
    }
  }
  if (firstD2 < 0) return { count };
  return { count, first: [firstI, firstJ, Math.sqrt(firstD2)] };
}
