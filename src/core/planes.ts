/**
 * Atomic planes of a layered structure and the z-separation between layers: the one definition used by the
 * geometry (film faces), the force field, the predictors' features and the training labels.
 */

/** Atoms within this height (Å) of a layer's lowest (highest) atom form its bottom (top) plane. */
export const PLANE_TOL = 0.3;

/** Mean z (Å) of the bottom (or top) plane of the atoms whose `role` equals `r`; NaN when there are none. */
export function planeMeanZ(positions: ArrayLike<number>, role: ArrayLike<number>, r: number, top: boolean): number {
  let ext = top ? -Infinity : Infinity;
  const n = role.length;
  for (let i = 0; i < n; i++) if (role[i] === r) ext = top ? Math.max(ext, positions[3 * i + 2]) : Math.min(ext, positions[3 * i + 2]);
  if (!Number.isFinite(ext)) return NaN;
  let sum = 0, count = 0;
  for (let i = 0; i < n; i++)
    if (role[i] === r && Math.abs(positions[3 * i + 2] - ext) <= PLANE_TOL) {
      sum += positions[3 * i + 2];
      count++;
    }
  return sum / count;
}

/**
 * z-separation (Å) of film `k` (role k ≥ 1): mean z of its bottom plane minus mean z of the top plane of the
 * layer below it (role k − 1; role 0 is the substrate).
 */
export function zSeparationOf(positions: ArrayLike<number>, role: ArrayLike<number>, k: number): number {
  return planeMeanZ(positions, role, k, false) - planeMeanZ(positions, role, k - 1, true);
}
