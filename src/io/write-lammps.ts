import { cartesianToScaled, rightHanded } from '../core/cell';
import { element, symbolOf } from '../core/elements';
import { cross, det3, dot, norm } from '../core/linalg';
import { formula, type Structure } from '../core/structure';
import { axesText, fixed, speciesOrder } from './write-util';

/**
 * The cell in LAMMPS's restricted triclinic form: rows a = (lx, 0, 0), b = (xy, ly, 0), c = (xz, yz, lz), and
 * the proper rotation (rows: the new x, y, z axes in old coordinates) that takes a right-handed cell there.
 * The tilts are then brought within LAMMPS's limits (|xy|, |xz| ≤ lx/2, |yz| ≤ ly/2; read_data of LAMMPS 2022, as
 * Debian 12 ships it, refuses more: "Triclinic box skew is too large") by adding lattice vectors to b and c,
 * which keeps the lattice.
 * (LAMMPS manual, "Triclinic (non-orthogonal) simulation boxes", https://docs.lammps.org/Howto_triclinic.html.)
 */
export function lammpsBox(cell: Float64Array): { box: Float64Array; rotation: Float64Array } {
  const ex = [cell[0], cell[1], cell[2]].map((x) => x / norm(cell, 0));
  const by = dot(cell, ex, 3, 0);
  const yv = [0, 1, 2].map((j) => cell[3 + j] - by * ex[j]);
  const ey = yv.map((x) => x / norm(yv));
  const ez = cross(ex, ey);
  const rotation = Float64Array.from([...ex, ...ey, ...ez]);
  const box = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) box[3 * i + j] = j > i ? 0 : dot(cell, rotation, 3 * i, 3 * j);
  // Subtract whole lattice vectors only from a tilt past the limit (a tilt of exactly half, up to rounding noise, stays).
  const reduce = (row: number, from: number, tilt: number, length: number) => {
    const k = Math.abs(tilt / length) > 0.5 + 1e-12 ? Math.round(tilt / length) : 0;
    for (let j = 0; j < 3; j++) box[3 * row + j] -= k * box[3 * from + j];
  };
  reduce(1, 0, box[3], box[0]);
  reduce(2, 1, box[7], box[4]);
  reduce(2, 0, box[6], box[0]);
  return { box, rotation };
}

/**
 * The box header lines. LAMMPS compares the tilts with half the box lengths as printed, without tolerance, so a
 * tilt of exactly half (hexagonal cells) could round past it: lengths are rounded up and tilts toward zero in
 * the last printed digit (1e-10 Å), and a tilt is then held to half its length as printed.
 */
function boxLines(box: Float64Array): string[] {
  const unit = 1e10; // printed digits: 10 decimals
  const [lx, ly, lz] = [box[0], box[4], box[8]].map((x) => Math.ceil(x * unit - 1e-3));
  const tilt = (x: number, length: number) => Math.max(-Math.floor(length / 2), Math.min(Math.floor(length / 2), Math.trunc(x * unit)));
  const text = (n: number) => fixed(n / unit, 10);
  return [
    `0.0 ${text(lx)} xlo xhi`,
    `0.0 ${text(ly)} ylo yhi`,
    `0.0 ${text(lz)} zlo zhi`,
    `${text(tilt(box[3], lx))} ${text(tilt(box[6], lx))} ${text(tilt(box[7], ly))} xy xz yz`,
  ];
}

/** "1:3 7 9:12": atom ids (1-based) of the given indices as LAMMPS group ranges. */
function idRanges(indices: number[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < indices.length; ) {
    let e = k;
    while (e + 1 < indices.length && indices[e + 1] === indices[e] + 1) e++;
    out.push(e === k ? `${indices[k] + 1}` : `${indices[k] + 1}:${indices[e] + 1}`);
    k = e + 1;
  }
  return out;
}

/** Comment lines naming the atoms selective dynamics fixes, short enough for read_data's header lines. */
function fixedComment(sd: Uint8Array | undefined): string[] {
  if (!sd) return [];
  const fixedIds: number[] = [];
  const partial: string[] = [];
  for (let i = 0; i < sd.length / 3; i++) {
    const free = sd[3 * i] + sd[3 * i + 1] + sd[3 * i + 2];
    if (free === 0) fixedIds.push(i);
    else if (free < 3) partial.push(`${i + 1}:${Array.from(sd.subarray(3 * i, 3 * i + 3), (x) => (x ? 'T' : 'F')).join('')}`);
  }
  const lines: string[] = [];
  const wrap = (head: string, items: string[]) => {
    let line = head;
    for (const it of items) {
      if (line.length + it.length > 200) lines.push(line), (line = '#  ');
      line += ` ${it}`;
    }
    lines.push(line);
  };
  if (fixedIds.length) wrap('# fixed atoms (selective dynamics F F F), as for "group fixed id ...":', idRanges(fixedIds));
  if (partial.length) wrap('# atoms fixed along some lattice vectors only (id:flags per lattice vector, as in the POSCAR heterolab writes):', partial);
  return lines;
}

/**
 * LAMMPS data file (units metal: Å; atom_style atomic) with a triclinic box. LAMMPS needs a lower-triangular
 * cell, so the structure is rotated rigidly (a along x, b in the xy plane) and says so in a comment. Atom types
 * follow the species' first appearance, with masses from the element table; fixed atoms are listed in a comment
 * (a data file has no place for them).
 */
export function writeLammpsData(structure: Structure): string {
  const s = rightHanded(structure);
  if (!(Math.abs(det3(s.cell)) > 1e-9)) throw new Error('cannot write a LAMMPS data file: the structure has no cell (a triclinic box needs one)');
  const { box, rotation } = lammpsBox(s.cell);
  const n = s.numbers.length;
  const rotated = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < 3; j++) rotated[3 * i + j] = dot(s.positions, rotation, 3 * i, 3 * j);
  const frac = cartesianToScaled(box, rotated)!;
  // Atoms into the box along periodic axes (a lattice translation; -1e-12 stays at the bottom, not the top).
  for (let i = 0; i < frac.length; i++) if (s.pbc[i % 3]) frac[i] -= Math.floor(frac[i] + 1e-9);
  const species = speciesOrder(s.numbers);
  const type = new Map(species.map((z, k) => [z, k + 1]));
  const title = (s.info.title ?? formula(s.numbers, false)).replace(/[\r\n#]+/g, ' ');
  const out = [
    `heterolab LAMMPS data file: ${title} (units metal: lengths in Å; atom_style atomic)`,
    '# rotated rigidly so that a lies along x and b in the xy plane: LAMMPS needs a lower-triangular cell',
    ...(s.pbc.every(Boolean) ? [] : [`# the box is periodic if LAMMPS's boundary says so; the structure was periodic along ${axesText(s.pbc)} only`]),
    ...fixedComment(s.arrays.selectiveDynamics),
    '',
    `${n} atoms`,
    `${species.length} atom types`,
    '',
    ...boxLines(box),
    '',
    'Masses',
    '',
    ...species.map((z) => `${type.get(z)} ${element(z).mass} # ${symbolOf(z)}`),
    '',
    'Atoms # atomic',
    '',
  ];
  for (let i = 0; i < n; i++) {
    const f = frac.subarray(3 * i, 3 * i + 3);
    const r = [0, 1, 2].map((j) => f[0] * box[j] + f[1] * box[3 + j] + f[2] * box[6 + j]);
    out.push(`${i + 1} ${type.get(s.numbers[i])} ${fixed(r[0])} ${fixed(r[1])} ${fixed(r[2])}`);
  }
  return out.join('\n') + '\n';
}
