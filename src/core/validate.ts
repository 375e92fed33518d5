import { cellHeights } from './cell';
import { det3, inv3 } from './linalg';
import { MAX_Z, symbolOf } from './elements';
import type { Structure } from './structure';

/** Largest structure heterolab accepts from a file; parsers check counts against it before allocating. */
export const MAX_ATOMS = 2_000_000;
/** Largest structure file read (bytes); the app checks it before reading a dropped file, the CLI before opening one. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
/** Atoms closer than this (Å) are reported as overlapping; periodic images closer than this make a cell degenerate. */
export const OVERLAP_DISTANCE = 0.5;
/** Coordinates and cell components beyond this (Å) are rejected: no real structure is a kilometre wide. */
export const MAX_COORDINATE = 1e7;
/** Cells with |volume| below this (Å^3) are treated as singular. */
export const MIN_CELL_VOLUME = 1e-6;
/** The overlap search stops after this many overlapping pairs (the warning then says "at least"). */
export const MAX_OVERLAP_PAIRS = 10_000;
/**
 * Pair tests allowed per atom before the overlap search gives up. Bins are about four cutoffs wide, so atoms that
 * do not overlap are at most ~180 to a bin and ~3.4 bins are visited: a structure without overlaps needs fewer.
 */
const PAIR_TEST_BUDGET_PER_ATOM = 2000;
/** A bin range larger than this per atom means a cell no reduction could make regular: the search is skipped. */
const MAX_BINS_PER_ATOM = 4096;

export interface ValidationIssue {
  code: 'non-finite' | 'bad-element' | 'singular-cell' | 'degenerate-cell' | 'too-many-atoms' | 'overlap' | 'empty';
  severity: 'error' | 'warning';
  message: string;
  /** Atom index (0-based) the issue is about, when there is one. */
  atom?: number;
}

export interface Overlaps {
  /** Overlapping (pair, image) combinations found; a lower bound when `complete` is false. */
  count: number;
  /** The first pair found: atom indices (0-based) and distance (Å). */
  first?: [number, number, number];
  /** False when the search stopped early (pair limit, test budget, or an irregular cell). */
  complete: boolean;
}

/**
 * Checks a parsed structure: finite numbers, Z in 1..118, a non-singular cell where it is periodic, periodic
 * images at least OVERLAP_DISTANCE apart, the atom limit (errors), and overlapping atoms (a warning naming the
 * first pair and how many pairs there are). Time is O(N) whatever the input.
 */
export function validateStructure(s: Structure): ValidationIssue[] {
  const err = (code: ValidationIssue['code'], message: string, atom?: number): ValidationIssue[] => [{ code, severity: 'error', message, ...(atom === undefined ? {} : { atom }) }];
  const n = s.numbers.length;
  if (n === 0) return err('empty', 'the structure has no atoms');
  if (n > MAX_ATOMS) return err('too-many-atoms', `${n} atoms exceeds the limit of ${MAX_ATOMS}`);
  if (s.positions.length !== 3 * n || s.cell.length !== 9) return err('non-finite', `the structure has ${s.positions.length} coordinates for ${n} atoms and ${s.cell.length} cell components`);
  for (let i = 0; i < 9; i++)
    if (!(Math.abs(s.cell[i]) <= MAX_COORDINATE))
      return err('non-finite', `cell component ${i + 1} (${s.cell[i]}) is not a finite number of at most ${MAX_COORDINATE} Å`);
  for (let i = 0; i < 3 * n; i++)
    if (!(Math.abs(s.positions[i]) <= MAX_COORDINATE)) {
      const a = Math.floor(i / 3);
      return err('non-finite', `atom ${a + 1} has a coordinate (${s.positions[i]}) that is not a finite number of at most ${MAX_COORDINATE} Å`, a);
    }
  for (let i = 0; i < n; i++)
    if (!(s.numbers[i] >= 1 && s.numbers[i] <= MAX_Z && Number.isInteger(s.numbers[i])))
      return err('bad-element', `atom ${i + 1} has atomic number ${s.numbers[i]}, outside 1..${MAX_Z}`, i);
  if (s.pbc.some(Boolean)) {
    if (!(Math.abs(det3(s.cell)) > MIN_CELL_VOLUME)) return err('singular-cell', 'the cell vectors are linearly dependent (volume ≈ 0)');
    const shortest = reducedCell(s.cell, s.pbc).shortest;
    if (shortest < OVERLAP_DISTANCE)
      return err('degenerate-cell', `the cell is degenerate: periodic images of every atom are ${shortest.toPrecision(3)} Å apart (shortest lattice vector), closer than ${OVERLAP_DISTANCE} Å`);
  }
  const pairs = findOverlaps(s, OVERLAP_DISTANCE);
  if (pairs.count > 0) {
    const [i, j, d] = pairs.first!;
    const stopped = pairs.complete ? '' : ` (the check stops at ${MAX_OVERLAP_PAIRS} pairs)`;
    return [{
      code: 'overlap',
      severity: 'warning',
      atom: i,
      message: `${pairs.complete ? '' : 'at least '}${pairs.count} atom pair(s) closer than ${OVERLAP_DISTANCE} Å${stopped}, e.g. ${symbolOf(s.numbers[i])}${i + 1}–${symbolOf(s.numbers[j])}${j + 1} at ${d.toFixed(3)} Å`,
    }];
  }
  if (!pairs.complete) return [{ code: 'overlap', severity: 'warning', message: 'the overlap check was stopped before it finished (too many close atoms to test); some overlapping atoms may not be reported' }];
  return [];
}

/**
 * The periodic rows of `cell` reduced (pairwise Gauss reduction, as in Lagrange's 2D algorithm, repeated until no
 * row gets shorter; bounded iterations): the same lattice with short, near-orthogonal vectors, so that images
 * within a cutoff lie in the neighbouring cells. Open rows are kept. `shortest` is the shortest periodic row (Å).
 */
export function reducedCell(cell: ArrayLike<number>, pbc: readonly boolean[]): { cell: Float64Array; shortest: number } {
  const r = Float64Array.from(cell);
  const rows = [0, 1, 2].filter((k) => pbc[k]);
  const dotr = (a: number, b: number) => r[3 * a] * r[3 * b] + r[3 * a + 1] * r[3 * b + 1] + r[3 * a + 2] * r[3 * b + 2];
  for (let iter = 0, changed = true; changed && iter < 200; iter++) {
    changed = false;
    for (const a of rows)
      for (const b of rows) {
        const bb = dotr(b, b);
        if (a === b || !(bb > 0)) continue;
        const m = Math.round(dotr(a, b) / bb);
        if (m === 0) continue;
        const before = dotr(a, a);
        for (let k = 0; k < 3; k++) r[3 * a + k] -= m * r[3 * b + k];
        if (dotr(a, a) < before) changed = true;
        else for (let k = 0; k < 3; k++) r[3 * a + k] += m * r[3 * b + k]; // rounding only: undo
      }
  }
  let shortest = Infinity;
  for (const a of rows) shortest = Math.min(shortest, Math.sqrt(dotr(a, a)));
  return { cell: r, shortest };
}

/**
 * Pairs of atoms closer than `cutoff` (Å), including periodic images, in O(N + maxPairs) time whatever the
 * input: atoms are binned over fractional coordinates of a reduced cell (bins about four cutoffs wide along every
 * cell height; every bin of the atoms' box when they fill it, else only occupied bins in a hash table, so a huge
 * box costs nothing), each atom visits only the bins within the cutoff, and the search stops after `maxPairs`
 * overlapping pairs or a budget of pair tests. `complete` is false when it stopped early: `count` is then a lower
 * bound. Non-periodic structures (or a singular cell) are binned in Cartesian space.
 */
export function findOverlaps(s: Structure, cutoff: number, maxPairs = MAX_OVERLAP_PAIRS): Overlaps {
  const n = s.numbers.length;
  if (n < 2 && !s.pbc.some(Boolean)) return { count: 0, complete: true };
  const g = binGrid(s, cutoff);
  // A cell no reduction could make regular (or a cutoff far above the cell heights): say the search did not run.
  if (g.reach.some((r) => 2 * r + 2 > 64) || g.reach.reduce((a, r) => a * (2 * r + 2), 1) > MAX_BINS_PER_ATOM) return { count: 0, complete: false };
  const budget = PAIR_TEST_BUDGET_PER_ATOM * n + 1_000_000;
  let tests = 0;
  let count = 0;
  let first: [number, number, number] | undefined;
  const { frame: F, w, u, reach, nper, pbc, start, order, dense } = g;
  const c2 = cutoff * cutoff;
  const [f0, f1, f2, f3, f4, f5, f6, f7, f8] = F;
  // Per axis, the neighbour bins of the current atom: index (offset into the dense box, or raw for the hash
  // table; -1 = outside the box) and image shift. A few entries each.
  const bins = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];
  const shifts = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];
  const len = [0, 0, 0];
  const r1 = dense ? dense.r[1] : 0, r2 = dense ? dense.r[2] : 0;
  const dlo = Int32Array.from(dense ? dense.lo : [0, 0, 0]), dr = Int32Array.from(dense ? dense.r : [0, 0, 0]);
  const per = Uint8Array.from(pbc, Number), np = Int32Array.from(nper), rc = Float64Array.from(reach);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      const x = u[3 * i + k];
      const lo = Math.floor(x - rc[k]), hi = Math.min(Math.floor(x + rc[k]), lo + 63);
      const B = bins[k], T = shifts[k];
      const pk = per[k], nk = np[k], ok = dlo[k], rk = dr[k];
      let m = 0;
      for (let q = lo; q <= hi; q++, m++) {
        let b = q, t = 0;
        if (!pk) b = Math.max(-BIN_INDEX_LIMIT, Math.min(BIN_INDEX_LIMIT, q));
        else if (q < 0 || q >= nk) (t = Math.floor(q / nk)), (b = q - t * nk); // only across the cell's faces
        if (dense) b = b - ok >= 0 && b - ok < rk ? b - ok : -1;
        B[m] = b;
        T[m] = t;
      }
      len[k] = m;
    }
    const xi = w[3 * i], yi = w[3 * i + 1], zi = w[3 * i + 2];
    const A0 = bins[0], A1 = bins[1], A2 = bins[2];
    for (let a = 0; a < len[0]; a++)
      for (let b = 0; b < len[1]; b++) {
        const row = (A0[a] * r1 + A1[b]) * r2;
        for (let c = 0; c < len[2]; c++) {
          let bin: number;
          if (dense) {
            if (A0[a] < 0 || A1[b] < 0 || A2[c] < 0) continue;
            bin = row + A2[c];
          } else bin = g.lookup(A0[a], A1[b], A2[c]);
          if (bin < 0) continue;
          const t0 = shifts[0][a], t1 = shifts[1][b], t2 = shifts[2][c];
          const zero = t0 === 0 && t1 === 0 && t2 === 0;
          const positive = t0 > 0 || (t0 === 0 && (t1 > 0 || (t1 === 0 && t2 > 0)));
          const e = start[bin + 1];
          for (let p = start[bin]; p < e; p++) {
            const j = order[p];
            // Every (pair, image) is found from both ends: keep i < j, and for an atom's own image the positive shift.
            if (j < i || (j === i && (zero || !positive))) continue;
            const du = w[3 * j] + t0 - xi, dv = w[3 * j + 1] + t1 - yi, dw = w[3 * j + 2] + t2 - zi;
            const x = du * f0 + dv * f3 + dw * f6, y = du * f1 + dv * f4 + dw * f7, z = du * f2 + dv * f5 + dw * f8;
            const d2 = x * x + y * y + z * z;
            if (d2 < c2) {
              if (count === 0) first = [i, j, Math.sqrt(d2)];
              if (++count >= maxPairs) return { count, first, complete: false };
            }
          }
          tests += e - start[bin];
          if (tests > budget) return { count, first, complete: false };
        }
      }
  }
  return { count, first, complete: true };
}

interface BinGrid {
  /** Rows of the frame the fractional coordinates refer to (Å). */
  frame: Float64Array;
  pbc: readonly boolean[];
  /** Fractional coordinates, wrapped into [0, 1) along periodic axes. */
  w: Float64Array;
  /** Position in bin units: bin index along axis k is floor(u[3i + k]) (before wrapping along periodic axes). */
  u: Float64Array;
  /** The cutoff in bin units along each axis: neighbours lie within u ± reach. */
  reach: [number, number, number];
  /** Bins per period along periodic axes. */
  nper: [number, number, number];
  /** Atoms of bin b are order[start[b] .. start[b + 1]). */
  start: Int32Array;
  order: Int32Array;
  /** Bin id for bin indices (wrapped), or -1 when empty. */
  lookup(b0: number, b1: number, b2: number): number;
  /** Set when every bin of the atoms' box is stored (index arithmetic, no hashing): the box's lowest bin and size. */
  dense: { lo: number[]; r: number[] } | null;
}

const BIN_INDEX_LIMIT = 2 ** 30; // open axes: bins far out are merged (harmless: distances are exact)

/** Bins atoms in a hash grid: only occupied bins are stored (at most N), so memory and time are O(N). */
function binGrid(s: Structure, cutoff: number): BinGrid {
  const n = s.numbers.length;
  const periodic = s.pbc.some(Boolean) && Math.abs(det3(s.cell)) > MIN_CELL_VOLUME;
  const pbc = periodic ? s.pbc : [false, false, false];
  const frame = periodic ? reducedCell(s.cell, pbc).cell : Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  const inv = inv3(frame, 0)!;
  const h = cellHeights(frame);
  // Bins about four cutoffs wide: ~3.4 bins visited per atom (only those within the cutoff), and at most ~180
  // atoms to a bin when nothing overlaps.
  const width = 4 * cutoff;
  const nper = [0, 1, 2].map((k) => (pbc[k] ? Math.max(1, Math.floor(h[k] / width)) : 0)) as [number, number, number];
  // Bins per unit of fractional coordinate: nper on periodic axes, height / width on open ones.
  const scale = [0, 1, 2].map((k) => (pbc[k] ? nper[k] : h[k] / width));
  const reach = [0, 1, 2].map((k) => (cutoff / h[k]) * scale[k]) as [number, number, number];
  const w = new Float64Array(3 * n);
  const u = new Float64Array(3 * n);
  const idx = new Int32Array(3 * n);
  const P = s.positions;
  for (let i = 0; i < n; i++)
    for (let k = 0; k < 3; k++) {
      let f = P[3 * i] * inv[k] + P[3 * i + 1] * inv[3 + k] + P[3 * i + 2] * inv[6 + k];
      if (pbc[k]) {
        f -= Math.floor(f);
        if (f >= 1) f = 0; // -1e-17 wraps to 1 in floating point
      }
      w[3 * i + k] = f;
      const x = f * scale[k];
      u[3 * i + k] = x;
      const b = Math.floor(x);
      idx[3 * i + k] = pbc[k] ? Math.min(b, nper[k] - 1) : Math.max(-BIN_INDEX_LIMIT, Math.min(BIN_INDEX_LIMIT, b));
    }
  return { frame, pbc, w, u, reach, nper, ...hashBins(idx, n) };
}

/** Open-addressing hash table from bin indices to bin ids, and atoms sorted by bin (counting sort). */
function hashBins(idx: Int32Array, n: number): Pick<BinGrid, 'start' | 'order' | 'lookup' | 'dense'> {
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < 3 * n; i++) {
    const k = i % 3;
    if (idx[i] < lo[k]) lo[k] = idx[i];
    if (idx[i] > hi[k]) hi[k] = idx[i];
  }
  const r = [0, 1, 2].map((k) => hi[k] - lo[k] + 1);
  if (n > 0 && r[0] * r[1] * r[2] <= 4 * n + 64) return denseBins(idx, n, lo, r);
  let size = 16;
  while (size < 2 * n) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  const keys = new Int32Array(3 * Math.max(n, 1));
  const hash = (a: number, b: number, c: number) => (Math.imul(a, 73856093) ^ Math.imul(b, 19349663) ^ Math.imul(c, 83492791)) & mask;
  const lookup = (a: number, b: number, c: number): number => {
    for (let p = hash(a, b, c); ; p = (p + 1) & mask) {
      const id = table[p];
      if (id < 0 || (keys[3 * id] === a && keys[3 * id + 1] === b && keys[3 * id + 2] === c)) return id;
    }
  };
  let nbins = 0;
  const binOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = idx[3 * i], b = idx[3 * i + 1], c = idx[3 * i + 2];
    let p = hash(a, b, c);
    for (; table[p] >= 0; p = (p + 1) & mask) {
      const id = table[p];
      if (keys[3 * id] === a && keys[3 * id + 1] === b && keys[3 * id + 2] === c) break;
    }
    if (table[p] < 0) {
      table[p] = nbins;
      keys[3 * nbins] = a, keys[3 * nbins + 1] = b, keys[3 * nbins + 2] = c;
      nbins++;
    }
    binOf[i] = table[p];
  }
  const { start, order } = binOrder(binOf, n, nbins);
  return { start, order, lookup, dense: null };
}

/** Atoms sorted by bin (counting sort): bin b holds order[start[b] .. start[b + 1]). */
function binOrder(binOf: Int32Array, n: number, nbins: number): { start: Int32Array; order: Int32Array } {
  const start = new Int32Array(nbins + 1);
  for (let i = 0; i < n; i++) start[binOf[i] + 1]++;
  for (let b = 0; b < nbins; b++) start[b + 1] += start[b];
  const order = new Int32Array(n);
  const fill = start.slice(0, nbins);
  for (let i = 0; i < n; i++) order[fill[binOf[i]]++] = i;
  return { start, order };
}

/** The common case (atoms fill their box): every bin of the box stored, found by index arithmetic. */
function denseBins(idx: Int32Array, n: number, lo: number[], r: number[]): Pick<BinGrid, 'start' | 'order' | 'lookup' | 'dense'> {
  const [l0, l1, l2] = lo, [r0, r1, r2] = r;
  const nbins = r0 * r1 * r2;
  const binOf = new Int32Array(n);
  for (let i = 0; i < n; i++) binOf[i] = ((idx[3 * i] - l0) * r1 + (idx[3 * i + 1] - l1)) * r2 + (idx[3 * i + 2] - l2);
  const { start, order } = binOrder(binOf, n, nbins);
  const lookup = (a: number, b: number, c: number): number => {
    a -= l0, b -= l1, c -= l2;
    return a < 0 || a >= r0 || b < 0 || b >= r1 || c < 0 || c >= r2 ? -1 : (a * r1 + b) * r2 + c;
  };
  return { start, order, lookup, dense: { lo, r } };
}
