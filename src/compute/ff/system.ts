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
  return { cell: s.cell, positions: s.positions, numbers: s.numbers, group: g };
}
