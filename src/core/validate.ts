import { cartesianToScaled, cellHeights } from './cell';
import { det3 } from './linalg';
import { MAX_Z, symbolOf } from './elements';
import type { Structure } from './structure';

/** Largest structure heterolab accepts from a file; parsers check counts against it before allocating. */
export const MAX_ATOMS = 2_000_000;
/** Atoms closer than this (Å) are reported as overlapping. */
export const OVERLAP_DISTANCE = 0.5;
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
  if (n > MAX_ATOMS) {
    out.push({ code: 'too-many-atoms', severity: 'error', message: `${n} atoms exceeds the limit of ${MAX_ATOMS}` });
    return out;
  }
  for (let i = 0; i < 9; i++)
    if (!Number.isFinite(s.cell[i])) {
      out.push({ code: 'non-finite', severity: 'error', message: `cell component ${i + 1} is not a finite number` });
      return out;
    }
  for (let i = 0; i < 3 * n; i++)
    if (!Number.isFinite(s.positions[i])) {
      const a = Math.floor(i / 3);
      out.push({ code: 'non-finite', severity: 'error', atom: a, message: `atom ${a + 1} has a coordinate that is not a finite number` });
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
  const f = cartesianToScaled(cell, positions)!;
  const h = cellHeights(cell);
  const nb = h.map((x) => Math.max(1, Math.min(256, Math.floor(x / cutoff)))) as [number, number, number];
  const bin = new Int32Array(n);
  const shift = new Float64Array(3 * n); // integer image shift that wraps atom i into [0,1)
  for (let i = 0; i < n; i++) {
    let b = 0;
    for (let k = 0; k < 3; k++) {
      let x = f[3 * i + k];
      if (pbc[k]) {
        const fl = Math.floor(x);
        shift[3 * i + k] = fl;
        x -= fl;
      }
      const idx = Math.min(nb[k] - 1, Math.max(0, Math.floor(x * nb[k])));
      b = b * nb[k] + idx;
    }
    bin[i] = b;
  }
  // Counting sort of atoms by bin.
  const nbins = nb[0] * nb[1] * nb[2];
  const start = new Int32Array(nbins + 1);
  for (let i = 0; i < n; i++) start[bin[i] + 1]++;
  for (let b = 0; b < nbins; b++) start[b + 1] += start[b];
  const order = new Int32Array(n);
  const fill = start.slice(0, nbins);
  for (let i = 0; i < n; i++) order[fill[bin[i]]++] = i;

  const c2 = cutoff * cutoff;
  let count = 0;
  let first: [number, number, number] | undefined;
  const r = [-1, 0, 1];
  for (let i = 0; i < n; i++) {
    const b = bin[i];
    const bi = [Math.floor(b / (nb[1] * nb[2])), Math.floor(b / nb[2]) % nb[1], b % nb[2]];
    for (const dx of r) for (const dy of r) for (const dz of r) {
      const d = [dx, dy, dz];
      const t = [0, 0, 0];
      const nbIdx = [0, 0, 0];
      let skip = false;
      for (let k = 0; k < 3; k++) {
        let q = bi[k] + d[k];
        if (q < 0 || q >= nb[k]) {
          if (!pbc[k]) { skip = true; break; }
          t[k] = Math.floor(q / nb[k]);
          q -= t[k] * nb[k];
        }
        nbIdx[k] = q;
      }
      if (skip) continue;
      const nbBin = (nbIdx[0] * nb[1] + nbIdx[1]) * nb[2] + nbIdx[2];
      for (let p = start[nbBin]; p < start[nbBin + 1]; p++) {
        const j = order[p];
        // Each (pair, image) is met from both ends; count it from the lower index only.
        if (j < i) continue;
        if (j === i && !(t[0] > 0 || (t[0] === 0 && (t[1] > 0 || (t[1] === 0 && t[2] > 0))))) continue;
        const du = f[3 * j] - shift[3 * j] + t[0] - (f[3 * i] - shift[3 * i]);
        const dv = f[3 * j + 1] - shift[3 * j + 1] + t[1] - (f[3 * i + 1] - shift[3 * i + 1]);
        const dw = f[3 * j + 2] - shift[3 * j + 2] + t[2] - (f[3 * i + 2] - shift[3 * i + 2]);
        const x = du * cell[0] + dv * cell[3] + dw * cell[6];
        const y = du * cell[1] + dv * cell[4] + dw * cell[7];
        const z = du * cell[2] + dv * cell[5] + dw * cell[8];
        const d2 = x * x + y * y + z * z;
        if (d2 < c2) {
          count++;
          if (!first) first = [Math.min(i, j), Math.max(i, j), Math.sqrt(d2)];
        }
      }
    }
  }
  return { count, first };
}
