import { rightHanded } from '../core/cell';
import { det3 } from '../core/linalg';
import { element, symbolOf } from '../core/elements';
import { formula, type Structure } from '../core/structure';
import { axesText, cartesianMoveMasks, fixed, kMesh, speciesOrder } from './write-util';

/**
 * k-point spacing (Å⁻¹, 2π included) of the K_POINTS mesh: VASP's default KSPACING, 0.5 Å⁻¹
 * (VASP wiki, "KSPACING", https://vasp.at/wiki/KSPACING: N_i = max(1, ceil(2π |b_i| / KSPACING)) with
 * b_i·a_j = δ_ij, so |b_i| is 1 / the cell height along i). A starting point, to converge.
 */
const K_SPACING = 0.5;

/**
 * Quantum ESPRESSO pw.x input: ibrav = 0 with CELL_PARAMETERS and ATOMIC_POSITIONS in Å on a right-handed
 * cell. Fixed atoms (selective dynamics) become if_pos flags ("0 0 0"), and then the calculation is a relax.
 * Pseudopotential files and cutoffs depend on the user's setup: the file names them and says what to set.
 */
export function writeEspressoIn(structure: Structure): string {
  const s = rightHanded(structure);
  if (!(Math.abs(det3(s.cell)) > 1e-9)) throw new Error('cannot write a pw.x input: the structure has no cell (pw.x needs one)');
  const n = s.numbers.length;
  const species = speciesOrder(s.numbers);
  const masks = s.arrays.selectiveDynamics ? cartesianMoveMasks(s.cell, s.arrays.selectiveDynamics, 'a pw.x input') : null;
  const relax = masks !== null;
  const title = (s.info.title ?? formula(s.numbers, false)).replace(/['\r\n!]+/g, ' ');
  const k = kMesh(s.cell, K_SPACING);
  const out = [
    '&CONTROL',
    `  ! written by heterolab: ${title}. Before running pw.x, set pseudo_dir, the pseudopotential`,
    '  ! file of each species (ATOMIC_SPECIES) and ecutwfc (and ecutrho) in &SYSTEM for your pseudopotentials.',
    ...(s.pbc.every(Boolean) ? [] : [`  ! pw.x makes the cell periodic along a, b and c; the structure was periodic along ${axesText(s.pbc)} only.`]),
    `  calculation = '${relax ? 'relax' : 'scf'}'`,
    `  title = '${title}'`,
    '/',
    '&SYSTEM',
    '  ibrav = 0',
    `  nat = ${n}`,
    `  ntyp = ${species.length}`,
    '/',
    '&ELECTRONS',
    '/',
    ...(relax ? ['&IONS', '/'] : []),
    'ATOMIC_SPECIES',
    ...species.map((z) => `  ${symbolOf(z).padEnd(2)} ${element(z).mass} ${symbolOf(z)}.UPF`),
    'CELL_PARAMETERS angstrom',
    ...[0, 1, 2].map((i) => `  ${fixed(s.cell[3 * i], 12)}  ${fixed(s.cell[3 * i + 1], 12)}  ${fixed(s.cell[3 * i + 2], 12)}`),
    'ATOMIC_POSITIONS angstrom',
  ];
  for (let i = 0; i < n; i++) {
    let line = `  ${symbolOf(s.numbers[i]).padEnd(2)} ${fixed(s.positions[3 * i])} ${fixed(s.positions[3 * i + 1])} ${fixed(s.positions[3 * i + 2])}`;
    if (masks) line += `  ${masks[3 * i]} ${masks[3 * i + 1]} ${masks[3 * i + 2]}`;
    out.push(line);
  }
  out.push(`K_POINTS automatic`, `  ${k.join(' ')} 0 0 0`);
  return out.join('\n') + '\n';
}
