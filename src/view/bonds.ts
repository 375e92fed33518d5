/**
 * Bonds on demand: pairs of drawn atoms closer than the covalent-radius criterion of core/elements
 * (bondCutoff). A uniform grid of cells as wide as the longest cutoff, so finding them is linear in the atoms.
 */
import { bondCutoff, element } from '../core/elements';

/** More bonds than this are not drawn (the caller says so): a drawn bond costs two cylinders. */
export const MAX_BONDS = 200_000;

/**
 * Bonded pairs among `count` points (`xyz`, Å) of atomic numbers `zs`: [i0, j0, i1, j1, …] with i < j, or null
 * when there are more than `maxBonds`. Points closer than 0.1 Å (overlapping sites) are not bonded.
 */
export function findBonds(xyz: ArrayLike<number>, zs: ArrayLike<number>, maxBonds = MAX_BONDS): Uint32Array | null {
  const n = zs.length;
  if (n < 2) return new Uint32Array(0);
  let rmax = 0;
  const lo = [Infinity, Infinity, Infinity];
  for (let i = 0; i < n; i++) {
    rmax = Math.max(rmax, element(zs[i]).covalentRadius);
    for (let k = 0; k < 3; k++) lo[k] = Math.min(lo[k], xyz[3 * i + k]);
  }
  const w = 2 * rmax + 0.45 + 1e-6;
  const key = (x: number, y: number, z: number) => `${x},${y},${z}`;
  const grid = new Map<string, number[]>();
  const cellOf = (i: number) => [0, 1, 2].map((k) => Math.floor((xyz[3 * i + k] - lo[k]) / w));
  for (let i = 0; i < n; i++) {
    const [x, y, z] = cellOf(i), k = key(x, y, z);
    const list = grid.get(k);
    if (list) list.push(i);
    else grid.set(k, [i]);
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const [cx, cy, cz] = cellOf(i);
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (let dz = -1; dz <= 1; dz++) {
          const list = grid.get(key(cx + dx, cy + dy, cz + dz));
          if (!list) continue;
          for (const j of list) {
            if (j <= i) continue;
            const d = Math.hypot(xyz[3 * j] - xyz[3 * i], xyz[3 * j + 1] - xyz[3 * i + 1], xyz[3 * j + 2] - xyz[3 * i + 2]);
            if (d > 0.1 && d <= bondCutoff(zs[i], zs[j])) {
              if (out.length >= 2 * maxBonds) return null;
              out.push(i, j);
            }
          }
        }
  }
  return Uint32Array.from(out);
}
