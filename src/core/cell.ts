import { cross, det3, dot, inv3, norm, type Mat3 } from './linalg';
import type { AtomArrays, Pbc, Structure } from './structure';

/** Cell parameters: lengths in Å, angles in radians (degrees only at the UI/CLI edge). */
export interface CellParameters {
  a: number;
  b: number;
  c: number;
  alpha: number;
  beta: number;
  gamma: number;
}

function angle(u: ArrayLike<number>, iu: number, v: ArrayLike<number>, iv: number): number {
  const c = dot(u, v, iu, iv) / (norm(u, iu) * norm(v, iv));
  return Math.acos(Math.max(-1, Math.min(1, c)));
}

export function cellParameters(cell: Mat3): CellParameters {
  return {
    a: norm(cell, 0),
    b: norm(cell, 3),
    c: norm(cell, 6),
    alpha: angle(cell, 3, cell, 6),
    beta: angle(cell, 0, cell, 6),
    gamma: angle(cell, 0, cell, 3),
  };
}

/** Signed volume (Å^3) of the cell; negative for a left-handed basis. */
export function cellVolume(cell: Mat3): number {
  return det3(cell);
}

/**
 * Cell vectors from parameters (Å, radians) in ASE's orientation: a along x, b in the xy plane,
 * c completing a right-handed basis. This keeps a 2D layer given with c as the stacking axis in the xy plane.
 * Returns null when the angles cannot form a cell.
 */
export function cellFromParameters(p: CellParameters): Float64Array | null {
  const { a, b, c, alpha, beta, gamma } = p;
  const snap = (x: number) => (Math.abs(x) < 1e-12 ? 0 : x);
  const ca = snap(Math.cos(alpha));
  const cb = snap(Math.cos(beta));
  const cg = snap(Math.cos(gamma));
  const sg = Math.sin(gamma);
  if (!(sg > 1e-8)) return null;
  const cx = cb;
  const cy = (ca - cb * cg) / sg;
  const cz2 = 1 - cx * cx - cy * cy;
  if (!(cz2 > 1e-12)) return null;
  return Float64Array.from([a, 0, 0, b * cg, b * sg, 0, c * cx, c * cy, c * Math.sqrt(cz2)]);
}

/** Distances (Å) between opposite faces of the cell: the heights along each reciprocal direction. */
export function cellHeights(cell: Mat3): [number, number, number] {
  const v = Math.abs(det3(cell));
  const ab = norm(cross(cell, cell, 0, 3));
  const bc = norm(cross(cell, cell, 3, 6));
  const ca = norm(cross(cell, cell, 6, 0));
  return [v / bc, v / ca, v / ab];
}

/** Fractional → Cartesian (Å): r = s·cell (cell rows are lattice vectors). */
export function scaledToCartesian(cell: Mat3, scaled: ArrayLike<number>, out?: Float64Array): Float64Array {
  const n = scaled.length;
  const r = out ?? new Float64Array(n);
  for (let i = 0; i < n; i += 3) {
    const x = scaled[i], y = scaled[i + 1], z = scaled[i + 2];
    r[i] = x * cell[0] + y * cell[3] + z * cell[6];
    r[i + 1] = x * cell[1] + y * cell[4] + z * cell[7];
    r[i + 2] = x * cell[2] + y * cell[5] + z * cell[8];
  }
  return r;
}

/** Cartesian (Å) → fractional; null when the cell is singular. */
export function cartesianToScaled(cell: Mat3, positions: ArrayLike<number>, out?: Float64Array): Float64Array | null {
  const inv = inv3(cell);
  if (!inv) return null;
  return scaledToCartesian(inv, positions, out);
}

/** Wrap fractional coordinates into [0, 1) along the periodic directions. */
export function wrapScaled(scaled: Float64Array, pbc: readonly boolean[] = [true, true, true]): Float64Array {
  for (let i = 0; i < scaled.length; i++) {
    if (!pbc[i % 3]) continue;
    let f = scaled[i] - Math.floor(scaled[i]);
    if (f >= 1) f = 0; // -1e-17 floors to -1 and gives exactly 1
    scaled[i] = f;
  }
  return scaled;
}

/**
 * The same structure on a right-handed cell (signed volume > 0). A left-handed cell gets a and b swapped:
 * the lattice and every Cartesian position stay as they are, so no atom moves (writing fractional coordinates
 * of a left-handed cell into a format that stores only cell parameters, such as CIF, would mirror the structure)
 * and the stacking axis c stays c. What is given per lattice axis moves with its axis: pbc, and the
 * selective-dynamics flags (VASP applies them along lattice vectors). Per-atom arrays keep their order.
 * Returns `s` itself when the cell is right-handed or singular (no cell: nothing to orient).
 */
export function rightHanded(s: Structure): Structure {
  if (!(det3(s.cell) < 0)) return s;
  const c = s.cell;
  const cell = Float64Array.from([c[3], c[4], c[5], c[0], c[1], c[2], c[6], c[7], c[8]]);
  const pbc: Pbc = [s.pbc[1], s.pbc[0], s.pbc[2]];
  const arrays: AtomArrays = { ...s.arrays };
  const sd = s.arrays.selectiveDynamics;
  if (sd) {
    const out = new Uint8Array(sd.length);
    for (let i = 0; i < sd.length; i += 3) (out[i] = sd[i + 1]), (out[i + 1] = sd[i]), (out[i + 2] = sd[i + 2]);
    arrays.selectiveDynamics = out;
  }
  return { ...s, cell, pbc, arrays, revision: s.revision + 1 };
}
