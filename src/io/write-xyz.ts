import { rightHanded } from '../core/cell';
import { symbolOf } from '../core/elements';
import type { Structure } from '../core/structure';
import { fixed } from './write-util';

/**
 * Extended XYZ (ASE conventions), Cartesian Å on a right-handed cell. Selective dynamics is written as
 * move_mask:L:3, interface roles as role:I:1.
 */
export function writeExtxyz(structure: Structure): string {
  const s = rightHanded(structure);
  const n = s.numbers.length;
  const sd = s.arrays.selectiveDynamics;
  const role = s.arrays.role;
  const props = `species:S:1:pos:R:3${sd ? ':move_mask:L:3' : ''}${role ? ':role:I:1' : ''}`;
  const lattice = s.pbc.some(Boolean) ? `Lattice="${Array.from(s.cell, (x) => fixed(x, 10)).join(' ')}" ` : '';
  const pbc = `pbc="${s.pbc.map((b) => (b ? 'T' : 'F')).join(' ')}"`;
  const out = [String(n), `${lattice}Properties=${props} ${pbc}`];
  for (let i = 0; i < n; i++) {
    let line = `${symbolOf(s.numbers[i]).padEnd(2)} ${fixed(s.positions[3 * i])} ${fixed(s.positions[3 * i + 1])} ${fixed(s.positions[3 * i + 2])}`;
    if (sd) line += ` ${sd[3 * i] ? 'T' : 'F'} ${sd[3 * i + 1] ? 'T' : 'F'} ${sd[3 * i + 2] ? 'T' : 'F'}`;
    if (role) line += ` ${role[i]}`;
    out.push(line);
  }
  return out.join('\n') + '\n';
}
