import { cartesianToScaled, scaledToCartesian, wrapScaled } from './cell';
import { symbolOf } from './elements';
import { det3 } from './linalg';

export type Pbc = [boolean, boolean, boolean];

/** Per-atom arrays beyond numbers and positions. Each is optional and, when present, has one entry (or 3) per atom. */
export interface AtomArrays {
  /** VASP selective dynamics, 3 flags per atom: 1 = the coordinate may move (T), 0 = fixed (F). */
  selectiveDynamics?: Uint8Array;
  /** Site labels as the file gave them (CIF _atom_site_label, POSCAR trailing comments). */
  labels?: string[];
  /** Site occupancy (0..1], from CIF or pymatgen; absent means 1 for every site. */
  occupancy?: Float64Array;
  /** Built interfaces: 0 = substrate, k = k-th film. */
  role?: Uint8Array;
  /** Built slabs and interfaces: atomic plane index, 0 = bottom (per part). */
  layerIndex?: Uint16Array;
}

/** Free-form facts about a structure. Known keys are typed; others are kept as read. */
export interface StructureInfo {
  /** Title/comment line or data-block name. */
  title?: string;
  /** File the structure was read from, and its format. */
  source?: { file: string; format: string; index: number };
  /** Space group as given by the file (symbol and/or number). */
  spaceGroup?: { symbol?: string; number?: number };
  /** Named groups of atom indices, e.g. Hetero2d's `2d_layer_1`, `sub_layer_1`. */
  layers?: Record<string, number[]>;
  /** Disordered files: the composition by occupancy (compositionText), where numbers hold the ordered structure built from. */
  compositionByOccupancy?: string;
  [key: string]: unknown;
}

/**
 * An atomic structure, ASE's vocabulary: positions are Cartesian Å, cell rows are a, b, c (Å).
 * Treat as immutable: make a new one (or bump `revision`) rather than mutating; caches key on `id:revision`.
 */
export interface Structure {
  id: string;
  revision: number;
  numbers: Uint8Array;
  positions: Float64Array;
  cell: Float64Array;
  pbc: Pbc;
  arrays: AtomArrays;
  info: StructureInfo;
}

let counter = 0;
function newId(): string {
  counter += 1;
  return `s${Date.now().toString(36)}-${counter.toString(36)}`;
}

export interface StructureInit {
  numbers: Uint8Array;
  positions: Float64Array;
  cell?: Float64Array;
  pbc?: Pbc;
  arrays?: AtomArrays;
  info?: StructureInfo;
}

export function makeStructure(init: StructureInit): Structure {
  return {
    id: newId(),
    revision: 0,
    numbers: init.numbers,
    positions: init.positions,
    cell: init.cell ?? new Float64Array(9),
    pbc: init.pbc ?? [false, false, false],
    arrays: init.arrays ?? {},
    info: init.info ?? {},
  };
}

export function atomCount(s: Structure): number {
  return s.numbers.length;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Element counts in first-appearance order. */
export function elementCounts(numbers: Uint8Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const z of numbers) m.set(z, (m.get(z) ?? 0) + 1);
  return m;
}

/**
 * Chemical formula with elements in alphabetical order of their symbols (e.g. "MoS2").
 * `reduced` divides the counts by their greatest common divisor.
 */
export function formula(numbers: Uint8Array, reduced = true): string {
  const counts = [...elementCounts(numbers)].map(([z, n]) => [symbolOf(z), n] as const);
  counts.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const g = reduced ? counts.reduce((acc, [, n]) => gcd(acc, n), 0) : 1;
  return counts.map(([s, n]) => (n / g === 1 ? s : `${s}${n / g}`)).join('');
}

/**
 * Composition by occupancy, as pymatgen's Composition.formula gives it for a disordered structure (amount per
 * element summed over sites, all shown), but in alphabetical order like formula(): "Au0.5 Cu0.5".
 */
export function compositionText(amounts: Map<number, number>): string {
  const parts = [...amounts].map(([z, x]) => [symbolOf(z), +x.toFixed(4)] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return parts.map(([sym, x]) => `${sym}${x}`).join(' ');
}

export function scaledPositions(s: Structure): Float64Array | null {
  return cartesianToScaled(s.cell, s.positions);
}

/** A copy with atoms wrapped into the cell along periodic directions. */
export function wrapped(s: Structure): Structure {
  const f = scaledPositions(s);
  if (!f) return s;
  wrapScaled(f, s.pbc);
  return { ...s, positions: scaledToCartesian(s.cell, f), revision: s.revision + 1 };
}

/**
 * Supercell by an integer 3x3 matrix M (row-major; new cell = M·cell). Keeps every image of every atom whose
 * fractional coordinates in the new cell fall in [0, 1). Atom count = |det M| × N. Per-atom arrays are repeated.
 */
export function supercell(s: Structure, m: ArrayLike<number>): Structure {
  const d = Math.round(det3(m));
  if (d === 0) throw new RangeError('supercell matrix is singular');
  for (let i = 0; i < 9; i++) if (!Number.isInteger(m[i])) throw new RangeError('supercell matrix must be integer');
  const cell = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) cell[3 * i + j] = m[3 * i] * s.cell[j] + m[3 * i + 1] * s.cell[3 + j] + m[3 * i + 2] * s.cell[6 + j];
  // Range of lattice translations to try: corners of the new cell expressed in the old basis.
  const lo = [0, 0, 0], hi = [0, 0, 0];
  for (let c = 0; c < 8; c++) {
    for (let j = 0; j < 3; j++) {
      const v = (c & 1 ? m[j] : 0) + (c & 2 ? m[3 + j] : 0) + (c & 4 ? m[6 + j] : 0);
      lo[j] = Math.min(lo[j], v);
      hi[j] = Math.max(hi[j], v);
    }
  }
  const frac0 = scaledPositions(s);
  if (!frac0) throw new RangeError('cell is singular');
  wrapScaled(frac0);
  const inv = cartesianToScaled(cell, s.cell)!; // old lattice vectors in new fractional coords (rows)
  const n = s.numbers.length;
  const total = Math.abs(d) * n;
  const numbers = new Uint8Array(total);
  const frac = new Float64Array(3 * total);
  const from = new Int32Array(total);
  const eps = 1e-9;
  let k = 0;
  for (let i = lo[0]; i <= hi[0]; i++)
    for (let j = lo[1]; j <= hi[1]; j++)
      for (let l = lo[2]; l <= hi[2]; l++)
        for (let a = 0; a < n; a++) {
          const x = frac0[3 * a] + i, y = frac0[3 * a + 1] + j, z = frac0[3 * a + 2] + l;
          const u = x * inv[0] + y * inv[3] + z * inv[6];
          const v = x * inv[1] + y * inv[4] + z * inv[7];
          const w = x * inv[2] + y * inv[5] + z * inv[8];
          if (u < -eps || u >= 1 - eps || v < -eps || v >= 1 - eps || w < -eps || w >= 1 - eps) continue;
          if (k >= total) throw new Error('supercell produced too many atoms (atoms outside the unit cell?)');
          numbers[k] = s.numbers[a];
          frac[3 * k] = u; frac[3 * k + 1] = v; frac[3 * k + 2] = w;
          from[k] = a;
          k++;
        }
  if (k !== total) throw new Error(`supercell produced ${k} atoms, expected ${total}`);
  const arrays: AtomArrays = {};
  if (s.arrays.selectiveDynamics) {
    const sd = new Uint8Array(3 * total);
    for (let q = 0; q < total; q++) sd.set(s.arrays.selectiveDynamics.subarray(3 * from[q], 3 * from[q] + 3), 3 * q);
    arrays.selectiveDynamics = sd;
  }
  if (s.arrays.labels) arrays.labels = Array.from(from, (q) => s.arrays.labels![q]);
  if (s.arrays.occupancy) arrays.occupancy = Float64Array.from(from, (q) => s.arrays.occupancy![q]);
  return makeStructure({ numbers, positions: scaledToCartesian(cell, frac), cell, pbc: [...s.pbc] as Pbc, arrays, info: { ...s.info, layers: undefined } });
}
