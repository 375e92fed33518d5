import { cartesianToScaled, cellParameters, rightHanded } from '../core/cell';
import { symbolOf } from '../core/elements';
import { formula, type Structure } from '../core/structure';
import { fixed } from './write-util';

/**
 * CIF in P1: cell parameters, one symmetry operation, every atom listed with label, symbol and occupancy.
 * A CIF holds parameters only, which readers turn into a right-handed cell: the fractional coordinates are
 * therefore taken on the right-handed form of the cell, or the structure read back would be its mirror image.
 */
export function writeCif(structure: Structure): string {
  const s = rightHanded(structure);
  const frac = cartesianToScaled(s.cell, s.positions);
  if (!frac) throw new Error('cannot write CIF: the cell is singular');
  const p = cellParameters(s.cell);
  const deg = 180 / Math.PI;
  const name = (s.info.title ?? formula(s.numbers)).replace(/[^A-Za-z0-9_.-]+/g, '_') || 'heterolab';
  const out = [
    '# written by heterolab',
    `data_${name}`,
    `_chemical_formula_sum '${formula(s.numbers, false)}'`,
    `_cell_length_a ${fixed(p.a, 8)}`,
    `_cell_length_b ${fixed(p.b, 8)}`,
    `_cell_length_c ${fixed(p.c, 8)}`,
    `_cell_angle_alpha ${fixed(p.alpha * deg, 8)}`,
    `_cell_angle_beta ${fixed(p.beta * deg, 8)}`,
    `_cell_angle_gamma ${fixed(p.gamma * deg, 8)}`,
    `_symmetry_space_group_name_H-M 'P 1'`,
    '_symmetry_Int_Tables_number 1',
    'loop_',
    '_symmetry_equiv_pos_as_xyz',
    "  'x, y, z'",
    'loop_',
    '_atom_site_label',
    '_atom_site_type_symbol',
    '_atom_site_fract_x',
    '_atom_site_fract_y',
    '_atom_site_fract_z',
    '_atom_site_occupancy',
  ];
  const count = new Map<number, number>();
  const occ = s.arrays.occupancy;
  for (let i = 0; i < s.numbers.length; i++) {
    const sym = symbolOf(s.numbers[i]);
    const k = (count.get(s.numbers[i]) ?? 0) + 1;
    count.set(s.numbers[i], k);
    out.push(`  ${sym}${k} ${sym} ${fixed(frac[3 * i])} ${fixed(frac[3 * i + 1])} ${fixed(frac[3 * i + 2])} ${occ ? fixed(occ[i], 4) : '1'}`);
  }
  return out.join('\n') + '\n';
}
