import { cartesianToScaled, rightHanded } from '../core/cell';
import { symbolOf } from '../core/elements';
import { formula, type Structure } from '../core/structure';
import { fixed, speciesOrder } from './write-util';

const pad = (s: string, w: number) => (s.length >= w ? s : ' '.repeat(w - s.length) + s);

/**
 * Order in which atoms are written to POSCAR: VASP needs each species in one contiguous block, so atoms are
 * grouped by species in order of first appearance (stable within a species). Returns old indices in new order.
 */
export function poscarOrder(numbers: Uint8Array): Int32Array {
  const out = new Int32Array(numbers.length);
  let k = 0;
  for (const z of speciesOrder(numbers)) for (let i = 0; i < numbers.length; i++) if (numbers[i] === z) out[k++] = i;
  return out;
}

/** VASP 5 POSCAR on a right-handed cell, Direct coordinates, selective-dynamics flags preserved. Throws without a cell. */
export function writePoscar(structure: Structure): string {
  const s = rightHanded(structure);
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
  for (let i = 0; i < 3; i++) out.push(`  ${fixed(s.cell[3 * i], 12)}  ${fixed(s.cell[3 * i + 1], 12)}  ${fixed(s.cell[3 * i + 2], 12)}`);
  out.push(species.map((z) => pad(symbolOf(z), 4)).join(' '));
  out.push(counts.map((c) => pad(String(c), 4)).join(' '));
  const sd = s.arrays.selectiveDynamics;
  if (sd) out.push('Selective dynamics');
  out.push('Direct');
  for (const i of order) {
    let line = `  ${fixed(frac[3 * i])}  ${fixed(frac[3 * i + 1])}  ${fixed(frac[3 * i + 2])}`;
    if (sd) line += ` ${sd[3 * i] ? 'T' : 'F'} ${sd[3 * i + 1] ? 'T' : 'F'} ${sd[3 * i + 2] ? 'T' : 'F'}`;
    out.push(line);
  }
  return out.join('\n') + '\n';
}
