import { rightHanded } from '../core/cell';
import { det3 } from '../core/linalg';
import { symbolOf } from '../core/elements';
import { formula, type Structure } from '../core/structure';
import { axesText, cartesianMoveMasks, fixed } from './write-util';

/**
 * FHI-aims geometry.in: lattice_vector lines (periodic structures) and Cartesian `atom` lines in Å on a
 * right-handed cell. A fixed atom gets `constrain_relaxation .true.`, an atom fixed along some axes one
 * `constrain_relaxation x|y|z` line per fixed axis.
 */
export function writeAims(structure: Structure): string {
  const s = rightHanded(structure);
  // FHI-aims is periodic along all three lattice vectors or along none.
  const periodic = s.pbc.some(Boolean) && Math.abs(det3(s.cell)) > 1e-9;
  const masks = s.arrays.selectiveDynamics ? cartesianMoveMasks(s.cell, s.arrays.selectiveDynamics, 'FHI-aims geometry.in') : null;
  const title = (s.info.title ?? formula(s.numbers, false)).replace(/[\r\n]+/g, ' ');
  const out = [`# written by heterolab: ${title}`, '# lengths in Å'];
  if (periodic && !s.pbc.every(Boolean)) out.push(`# periodic along a, b and c here; the structure was periodic along ${axesText(s.pbc)} only`);
  if (periodic) for (let i = 0; i < 3; i++) out.push(`lattice_vector ${fixed(s.cell[3 * i], 12)} ${fixed(s.cell[3 * i + 1], 12)} ${fixed(s.cell[3 * i + 2], 12)}`);
  for (let i = 0; i < s.numbers.length; i++) {
    out.push(`atom ${fixed(s.positions[3 * i])} ${fixed(s.positions[3 * i + 1])} ${fixed(s.positions[3 * i + 2])} ${symbolOf(s.numbers[i])}`);
    if (!masks) continue;
    const m = masks.subarray(3 * i, 3 * i + 3);
    if (!m[0] && !m[1] && !m[2]) out.push('    constrain_relaxation .true.');
    else for (let j = 0; j < 3; j++) if (!m[j]) out.push(`    constrain_relaxation ${'xyz'[j]}`);
  }
  return out.join('\n') + '\n';
}
