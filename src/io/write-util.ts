import { cellHeights } from '../core/cell';
import type { Mat3 } from '../core/linalg';

/** Fixed-point number text without "-0". */
export const fixed = (x: number, digits = 10): string => (Object.is(x, -0) || Math.abs(x) < 0.5 * 10 ** -digits ? 0 : x).toFixed(digits);

/** Distinct atomic numbers in order of first appearance (the species / atom-type order of every writer). */
export function speciesOrder(numbers: Uint8Array): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  for (const z of numbers) if (!seen.has(z)) seen.add(z), out.push(z);
  return out;
}

/**
 * Selective-dynamics flags of one atom (per lattice vector, as VASP applies them: 1 = may move along it) as
 * per-Cartesian-axis flags (1 = may move along x, y, z), which is what pw.x's if_pos and FHI-aims' constraints
 * mean. Free and fully fixed atoms map exactly; a partial mask maps only when the lattice vectors it frees span
 * exactly some Cartesian axes (e.g. "F F T" with c along z). Returns null when no Cartesian mask means the same.
 */
export function cartesianMoveMask(cell: Mat3, flags: ArrayLike<number>): [number, number, number] | null {
  const free = [0, 1, 2].filter((k) => flags[k]);
  if (free.length === 0) return [0, 0, 0];
  if (free.length === 3) return [1, 1, 1];
  const scale = Math.max(...free.map((k) => Math.hypot(cell[3 * k], cell[3 * k + 1], cell[3 * k + 2])));
  // Cartesian axes that some freed lattice vector has a component along.
  const axes = [0, 1, 2].map((j) => (free.some((k) => Math.abs(cell[3 * k + j]) > 1e-9 * scale) ? 1 : 0));
  // The freed vectors are independent, so they span those axes exactly when the counts agree.
  return axes[0] + axes[1] + axes[2] === free.length ? (axes as [number, number, number]) : null;
}

/** Per-Cartesian-axis move masks for every atom, or an Error naming the first atom that has none. */
export function cartesianMoveMasks(cell: Mat3, sd: Uint8Array, format: string): Uint8Array {
  const out = new Uint8Array(sd.length);
  for (let i = 0; i < sd.length / 3; i++) {
    const m = cartesianMoveMask(cell, sd.subarray(3 * i, 3 * i + 3));
    if (!m) {
      const t = Array.from(sd.subarray(3 * i, 3 * i + 3), (x) => (x ? 'T' : 'F')).join(' ');
      throw new Error(`cannot write ${format}: atom ${i + 1} has selective dynamics "${t}" along lattice vectors, which no per-axis (x, y, z) constraint of ${format} can express in this cell`);
    }
    out.set(m, 3 * i);
  }
  return out;
}

/** Monkhorst-Pack mesh with at most `spacing` (Å⁻¹, 2π included) between k-points along each reciprocal vector. */
export function kMesh(cell: Mat3, spacing: number): [number, number, number] {
  const h = cellHeights(cell);
  return h.map((x) => Math.max(1, Math.ceil((2 * Math.PI) / (x * spacing)))) as [number, number, number];
}

/** "a and b", "c", "none" for a pbc triple: how the writers' comment lines name periodic axes. */
export function axesText(pbc: readonly boolean[]): string {
  const axes = ['a', 'b', 'c'].filter((_, i) => pbc[i]);
  return axes.length === 0 ? 'none' : axes.length === 1 ? axes[0] : `${axes.slice(0, -1).join(', ')} and ${axes[axes.length - 1]}`;
}
