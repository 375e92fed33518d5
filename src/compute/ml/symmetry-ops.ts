/**
 * The film descriptor `film_symmetry_ops` (issue 16; the study's published scripts use a symmetry-operation
 * count): the number of symmetry operations of the space group of the film in its own cell, counted modulo the
 * lattice translations, i.e. the order of the space group's point group (crystal class). It depends only on the
 * space group's ITA number, so the app (moyo on the film's own cell, symmetry.ts) and the training table (the
 * space group a Hetero2d/aiHD record gives for its film, `film_spacegroup.number`) read it from this one table.
 *
 * Table: the 32 crystallographic point groups with the ranges of space-group numbers of each crystal class and
 * the point group's order, International Tables for Crystallography Vol. A (ed. Th. Hahn, 5th ed., Kluwer 2002),
 * Table 10.1.2.2 (the crystallographic point groups) with the space-group numbering of Part 7 (the space-group
 * tables 1–230). E.g. P-6m2 (187, the 1H-MoS2 layer in a cell with vacuum) is class -6m2 of order 12, P-3m1 (164,
 * 1T) is -3m of order 12, P3m1 (156, a Janus layer) 3m of order 6, P6/mmm (191, graphene) 6/mmm of order 24.
 */

/** [last space-group number of the crystal class, order of its point group], ascending (ITA Vol. A). */
const CLASSES: ReadonlyArray<readonly [number, number]> = [
  [1, 1], // 1
  [2, 2], // -1
  [5, 2], // 2
  [9, 2], // m
  [15, 4], // 2/m
  [24, 4], // 222
  [46, 4], // mm2
  [74, 8], // mmm
  [80, 4], // 4
  [82, 4], // -4
  [88, 8], // 4/m
  [98, 8], // 422
  [110, 8], // 4mm
  [122, 8], // -42m
  [142, 16], // 4/mmm
  [146, 3], // 3
  [148, 6], // -3
  [155, 6], // 32
  [161, 6], // 3m
  [167, 12], // -3m
  [173, 6], // 6
  [174, 6], // -6
  [176, 12], // 6/m
  [182, 12], // 622
  [186, 12], // 6mm
  [190, 12], // -6m2
  [194, 24], // 6/mmm
  [199, 12], // 23
  [206, 24], // m-3
  [214, 24], // 432
  [220, 24], // -43m
  [230, 48], // m-3m
];

/** Symmetry operations modulo lattice translations (the point group's order) of space group `number` (ITA 1–230); NaN otherwise. */
export function symmetryOpsOfSpaceGroup(number: number | null | undefined): number {
  if (number === null || number === undefined || !Number.isInteger(number) || number < 1 || number > 230) return NaN;
  return CLASSES.find(([last]) => number <= last)![1];
}
