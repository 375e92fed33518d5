/** Checks on a built interface before anyone sees or exports it: finite coordinates, no atoms on top of each other. */
import { symbolOf } from '../../core/elements';
import { zSeparationOf } from '../../core/planes';
import type { Structure } from '../../core/structure';
import { findOverlaps } from '../../core/validate';
import { VACUUM_GAP } from '../../core/layer';
import { GeometryError } from '../geometry/wasm';

/** Atoms of a built interface closer than this (Å) are reported: no bond between two atoms is shorter. */
export const BUILT_CONTACT_MIN = 1.0;
/** A film closer than this (Å) to the layer below is reported: van der Waals gaps are ~2–4 Å. */
export const BUILT_ZSEP_MIN = 1.5;

/**
 * Throws GeometryError('non-finite') when any coordinate or cell entry is not finite (nothing is written then);
 * returns warnings for atoms closer than BUILT_CONTACT_MIN (with periodic images), for less vacuum than
 * VACUUM_GAP along c (the cell's c is normal to the plane for built interfaces), and for films closer than
 * BUILT_ZSEP_MIN to the layer below.
 */
export function checkBuilt(s: Structure): string[] {
  for (const x of s.cell) if (!Number.isFinite(x)) throw new GeometryError('non-finite', 'the built interface has a non-finite cell; check the placement (shift, z, vacuum)');
  for (let i = 0; i < s.positions.length; i++)
    if (!Number.isFinite(s.positions[i])) throw new GeometryError('non-finite', `the built interface has a non-finite coordinate (atom ${Math.floor(i / 3) + 1}); check the placement (shift, z, vacuum)`);
  const warnings: string[] = [];
  const o = findOverlaps(s, BUILT_CONTACT_MIN);
  if (o.count && o.first) {
    const [i, j, d] = o.first;
    warnings.push(`${o.count} atom pair(s) closer than ${BUILT_CONTACT_MIN} Å in the built interface, e.g. ${symbolOf(s.numbers[i])}${i + 1}–${symbolOf(s.numbers[j])}${j + 1} at ${d.toFixed(3)} Å (too small a z-separation or vacuum?)`);
  }
  let lo = Infinity, hi = -Infinity;
  for (let i = 2; i < s.positions.length; i += 3) (lo = Math.min(lo, s.positions[i])), (hi = Math.max(hi, s.positions[i]));
  const vacuum = Math.abs(s.cell[8]) - (hi - lo);
  if (vacuum < VACUUM_GAP) warnings.push(`only ${vacuum.toFixed(3)} Å of vacuum: the top film meets the next periodic image of the slab (DFT slab models use ≥ 10–15 Å)`);
  const role = s.arrays.role;
  if (role) {
    let films = 0;
    for (const r of role) films = Math.max(films, r);
    for (let k = 1; k <= films; k++) {
      const z = zSeparationOf(s.positions, role, k);
      if (z < BUILT_ZSEP_MIN) warnings.push(`film ${k} is ${z.toFixed(3)} Å above the layer below; van der Waals gaps are ~2–4 Å`);
    }
  }
  return warnings;
}

/**
 * A slab whose planes have a vacuum-sized gap between them (≥ VACUUM_GAP Å) was cut from a cell that holds a
 * 2D layer with vacuum (e.g. graphene given as the substrate): its copies are stacked that far apart and do not
 * touch. Returns the warning that says so, or null.
 */
export function slabGapWarning(slab: Structure, name: string): string | null {
  const li = slab.arrays.layerIndex;
  if (!li) return null;
  const mean: number[] = [], count: number[] = [];
  for (let i = 0; i < li.length; i++) (mean[li[i]] = (mean[li[i]] ?? 0) + slab.positions[3 * i + 2]), (count[li[i]] = (count[li[i]] ?? 0) + 1);
  const z = mean.map((m, k) => m / count[k]).filter(Number.isFinite).sort((a, b) => a - b);
  let gap = 0;
  for (let k = 1; k < z.length; k++) gap = Math.max(gap, z[k] - z[k - 1]);
  if (gap < VACUUM_GAP) return null;
  return `the substrate ${name} is a 2D layer with vacuum: its slab stacks copies ${gap.toFixed(1)} Å apart that do not touch. Use it as the film, or set slab layers to 1 for a single layer`;
}
