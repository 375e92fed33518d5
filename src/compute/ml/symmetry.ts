/**
 * The symmetry-operation count of a 2D film, the descriptor the study's published scripts use (issue 16): the
 * number of operations of the space group of the layer in its own cell (vacuum along c), counted modulo the
 * lattice translations, i.e. the order of the layer's point group. For a layer in a cell with vacuum the 3D
 * space group's point group is the layer group's (a mirror through the vacuum differs from the one through the
 * layer by a lattice translation), so the count does not depend on the vacuum, the cell choice or a supercell.
 * Found by moyo (@spglib/moyo-wasm, src/io/space-groups.ts) with a position tolerance `symprecA` in Å
 * (default 0.01 Å, spglib's and pymatgen's SpacegroupAnalyzer default).
 *
 * Known counts (point-group orders of the layer groups): graphene p6/mmm, 6/mmm (D6h) 24 (L. M. Malard et al.,
 * Phys. Rev. B 79, 125426 (2009)); 1H-MoS2 p-6m2, -6m2 (D3h) 12 and 1T-MX2 p-3m1, -3m (D3d) 12 (J. Ribeiro-Soares
 * et al., Phys. Rev. B 90, 115438 (2014)); Janus MoSSe p3m1, 3m (C3v) 6 (A.-Y. Lu et al., Nat. Nanotechnol. 12,
 * 744 (2017)). Layer-group numbers: International Tables for Crystallography Vol. E (2002).
 *
 * The count is read from the space group's number (symmetry-ops.ts, the one table the training table uses too);
 * `rotationCount` is moyo's own count of the cell's operations modulo its pure translations, for the tests.
 * The count must come from the film's own cell: the film inside a built interface is strained to the
 * coincidence supercell, which on the Hetero2d records lowers the count found from it (MoS2: 12 in 18 of 24
 * records, 4 in 6, at 0.01 Å). The interface service finds it once per prepared pair (the 2D layer in its cell)
 * and passes it to computeFeatures. On the Hetero2d training records the feature is constant: every film there
 * has 12 (the records' own film_spacegroup: MoS2 and NbO2 P-6m2, point group -6m2; NbO2 and ZnTe P-3m1, -3m), so
 * no model trained on them can use it; it tells Janus films (6) apart, which only the study's data holds.
 */
import { cartesianToScaled } from '../../core/cell';
import type { Structure } from '../../core/structure';
import { cellOperations, loadSpaceGroupTables } from '../../io/space-groups';
import { symmetryOpsOfSpaceGroup } from './symmetry-ops';

export const SYMPREC_A = 0.01;

export interface LayerSymmetry {
  /** Operations modulo lattice translations (the point group's order), from the space group's number. */
  operations: number;
  /** moyo's operations of the cell divided by its pure translations (equals `operations`; a check on the table). */
  rotationCount: number;
  /** ITA number and Hermann–Mauguin symbol of the 3D space group of the layer in its cell. */
  spaceGroup: number;
  symbol: string;
}

/** The symmetry-operation count of a film in its own cell; null when moyo rejects the cell (degenerate). */
export async function layerSymmetry(s: Structure, symprecA = SYMPREC_A): Promise<LayerSymmetry | null> {
  await loadSpaceGroupTables(); // initialises moyo's wasm once per host (worker or CLI)
  const f = cartesianToScaled(s.cell, s.positions);
  if (!f) return null;
  const positions: number[][] = [];
  for (let i = 0; i < s.numbers.length; i++) positions.push([f[3 * i], f[3 * i + 1], f[3 * i + 2]]);
  const d = cellOperations(s.cell, positions, s.numbers, symprecA);
  if (!d) return null;
  // The operations of the given cell: a supercell's include its extra pure translations.
  const translations = d.rotations.filter((r) => r.every((v, k) => v === (k % 4 === 0 ? 1 : 0))).length;
  return { operations: symmetryOpsOfSpaceGroup(d.number), rotationCount: d.rotations.length / translations, spaceGroup: d.number, symbol: d.symbol };
}
