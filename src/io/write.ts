import { cartesianToScaled, cellParameters } from '../core/cell';
import { symbolOf } from '../core/elements';
import { formula, type Structure } from '../core/structure';

export type WriteFormat = 'vasp' | 'cif' | 'extxyz';

const f = (x: number, d = 10) => (Object.is(x, -0) ? 0 : x).toFixed(d);
const pad = (s: string, w: number) => (s.length >= w ? s : ' '.repeat(w - s.length) + s);

/**
 * Order in which atoms are written to POSCAR: VASP needs each species in one contiguous block, so atoms are
 * grouped by species in order of first appearance (stable within a species). Returns old indices in new order.
 */
export function poscarOrder(numbers: Uint8Array): Int32Array {
  const first: number[] = [];
  const seen = new Set<number>();
  for (const z of numbers) if (!seen.has(z)) seen.add(z), first.push(z);
  const out = new Int32Array(numbers.length);
  let k = 0;
  for (const z of first) for (let i = 0; i < numbers.length; i++) if (numbers[i] === z) out[k++] = i;
  return out;
}

/** VASP 5 POSCAR, Direct coordinates, selective-dynamics flags preserved. Throws on a non-periodic structure. */
export function writePoscar(s: Structure): string {
  const frac = cartesianToScaled(s.cell, s.positions);
  if (!frac) throw new Error('cannot write POSCAR: the cell is singular');
  const order = poscarOrder(s.numbers);
  const species: number[] = [];
  const counts: number[] = [];
  for (const i of order) {
    const z = s.numbers[i];
    if (species[species.length - 1] !== z) species.push(z), counts.push(0);
    counts[counts.length - 1]++;
  }
  const title = (s.info.title ?? formula(s.numbers, false)).replace(/[\r\n]+/g, ' ');
  const out: string[] = [title || formula(s.numbers, false), '1.0'];
  for (let i = 0; i < 3; i++) out.push(`  ${f(s.cell[3 * i], 12)}  ${f(s.cell[3 * i + 1], 12)}  ${f(s.cell[3 * i + 2], 12)}`);
  out.push(species.map((z) => pad(symbolOf(z), 4)).join(' '));
  out.push(counts.map((c) => pad(String(c), 4)).join(' '));
  const sd = s.arrays.selectiveDynamics;
  if (sd) out.push('Selective dynamics');
  out.push('Direct');
  for (const i of order) {
    let line = `  ${f(frac[3 * i])}  ${f(frac[3 * i + 1])}  ${f(frac[3 * i + 2])}`;
    if (sd) line += ` ${sd[3 * i] ? 'T' : 'F'} ${sd[3 * i + 1] ? 'T' : 'F'} ${sd[3 * i + 2] ? 'T' : 'F'}`;
    out.push(line);
  }
  return out.join('\n') + '\n';
}

/** CIF in P1: cell parameters, one symmetry operation, every atom listed with label, symbol and occupancy. */
export function writeCif(s: Structure): string {
  const frac = cartesianToScaled(s.cell, s.positions);
  if (!frac) throw new Error('cannot write CIF: the cell is singular');
  const p = cellParameters(s.cell);
  const deg = 180 / Math.PI;
  const name = (s.info.title ?? formula(s.numbers)).replace(/[^A-Za-z0-9_.-]+/g, '_') || 'heterolab';
  const out = [
    '# written by heterolab',
    `data_${name}`,
    `_chemical_formula_sum '${formula(s.numbers, false)}'`,
    `_cell_length_a ${f(p.a, 8)}`,
    `_cell_length_b ${f(p.b, 8)}`,
    `_cell_length_c ${f(p.c, 8)}`,
    `_cell_angle_alpha ${f(p.alpha * deg, 8)}`,
    `_cell_angle_beta ${f(p.beta * deg, 8)}`,
    `_cell_angle_gamma ${f(p.gamma * deg, 8)}`,
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
    out.push(`  ${sym}${k} ${sym} ${f(frac[3 * i])} ${f(frac[3 * i + 1])} ${f(frac[3 * i + 2])} ${occ ? f(occ[i], 4) : '1'}`);
  }
  return out.join('\n') + '\n';
}

/** Extended XYZ (ASE conventions). Selective dynamics is written as move_mask:L:3, interface roles as role:I:1. */
export function writeExtxyz(s: Structure): string {
  const n = s.numbers.length;
  const sd = s.arrays.selectiveDynamics;
  const role = s.arrays.role;
  const props = `species:S:1:pos:R:3${sd ? ':move_mask:L:3' : ''}${role ? ':role:I:1' : ''}`;
  const lattice = s.pbc.some(Boolean) ? `Lattice="${Array.from(s.cell, (x) => f(x, 10)).join(' ')}" ` : '';
  const pbc = `pbc="${s.pbc.map((b) => (b ? 'T' : 'F')).join(' ')}"`;
  const out = [String(n), `${lattice}Properties=${props} ${pbc}`];
  for (let i = 0; i < n; i++) {
    let line = `${symbolOf(s.numbers[i]).padEnd(2)} ${f(s.positions[3 * i])} ${f(s.positions[3 * i + 1])} ${f(s.positions[3 * i + 2])}`;
    if (sd) line += ` ${sd[3 * i] ? 'T' : 'F'} ${sd[3 * i + 1] ? 'T' : 'F'} ${sd[3 * i + 2] ? 'T' : 'F'}`;
    if (role) line += ` ${role[i]}`;
    out.push(line);
  }
  return out.join('\n') + '\n';
}

export function writeStructure(s: Structure, format: WriteFormat): string {
  if (format === 'vasp') return writePoscar(s);
  if (format === 'cif') return writeCif(s);
  return writeExtxyz(s);
}
