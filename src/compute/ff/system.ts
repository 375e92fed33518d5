import type { Structure } from '../../core/structure';
import type { FFSystem } from './cpu';
import { FFParameterError } from './model';

/**
 * The force-field view of a structure: films from its `role` column (0 = substrate, k = k-th film, as
 * heterolab's interfaces carry). Throws FFParameterError when the structure cannot be split that way.
 */
export function systemFromStructure(s: Structure, group?: Uint8Array): FFSystem {
  const g = group ?? s.arrays.role;
  if (!g) throw new FFParameterError('the structure has no film/substrate roles: build an interface first, or say which atoms are the film');
  if (!s.pbc[0] || !s.pbc[1]) throw new FFParameterError('the force field needs a structure periodic along a and b');
  const films = g.reduce((a, x) => a + (x > 0 ? 1 : 0), 0);
  if (films === 0 || films === g.length) throw new FFParameterError(`the roles leave no ${films === 0 ? 'film' : 'substrate'} atoms`);
  return { cell: s.cell, positions: s.positions, numbers: s.numbers, role: g };
}

/**
 * The interface as the force field and the features expect it: one contiguous slab along c (atoms split by the
 * periodic boundary are moved back by c, cutting at the middle of the widest vacuum gap), with film 1 above the
 * substrate (else z is mirrored, which changes no interatomic distance). DFT codes and databases often store
 * interfaces wrapped or upside down; heterolab's own are already canonical and come back unchanged.
 */
export function canonicalInterface(s: Structure): Structure {
  const role = s.arrays.role;
  const n = s.numbers.length;
  if (!role || n === 0) return s;
  const c = s.cell;
  const pos = s.positions.slice();
  if (s.pbc[2] && Math.abs(c[8]) > 1e-9) {
    const cz = Math.abs(c[8]);
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => pos[3 * i + 2] - pos[3 * j + 2]);
    const zs = order.map((i) => pos[3 * i + 2]);
    let gap = zs[0] + cz - zs[n - 1], cut = Infinity; // the gap across the boundary: no cut needed
    for (let k = 1; k < n; k++)
      if (zs[k] - zs[k - 1] > gap) {
        gap = zs[k] - zs[k - 1];
        cut = (zs[k] + zs[k - 1]) / 2;
      }
    const sign = Math.sign(c[8]);
    if (cut !== Infinity) for (let i = 0; i < n; i++) if (pos[3 * i + 2] < cut) for (let d = 0; d < 3; d++) pos[3 * i + d] += sign * c[6 + d];
  }
  let fz = 0, sz = 0, nf = 0, ns = 0;
  for (let i = 0; i < n; i++) if (role[i] === 1) (fz += pos[3 * i + 2]), nf++;
  else if (role[i] === 0) (sz += pos[3 * i + 2]), ns++;
  const cell = s.cell.slice();
  if (nf && ns && fz / nf < sz / ns) {
    for (let i = 0; i < n; i++) pos[3 * i + 2] = -pos[3 * i + 2];
    cell[8] = -cell[8];
  }
  return { ...s, positions: pos, cell };
}
