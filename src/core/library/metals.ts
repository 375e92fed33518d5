import type { MetalEntry } from './types';

/**
 * Cubic elemental metals (substrates). Lattice constants (Å) are the experimental values tabulated in
 * C. Kittel, Introduction to Solid State Physics, 8th ed. (Wiley, 2005), chapter 1, table 3 ("Crystal
 * structures of the elements"), at room temperature; the same three-digit values appear in K. Hermann,
 * Crystallography and Surface Structure (Wiley-VCH, 2011), appendix E, table E.2.
 * The 17 named in issue 14 plus Ca, Sr (fcc) and Ba (bcc).
 */
const KITTEL = 'Kittel, Introduction to Solid State Physics, 8th ed. (2005), ch. 1 table 3';
const ROWS: ReadonlyArray<readonly [string, 'fcc' | 'bcc', number]> = [
  ['Ag', 'fcc', 4.09],
  ['Al', 'fcc', 4.05],
  ['Au', 'fcc', 4.08],
  ['Cu', 'fcc', 3.61],
  ['Ir', 'fcc', 3.84],
  ['Ni', 'fcc', 3.52],
  ['Pb', 'fcc', 4.95],
  ['Pd', 'fcc', 3.89],
  ['Pt', 'fcc', 3.92],
  ['Rh', 'fcc', 3.8],
  ['Ca', 'fcc', 5.58],
  ['Sr', 'fcc', 6.08],
  ['Cr', 'bcc', 2.88],
  ['Fe', 'bcc', 2.87],
  ['Mo', 'bcc', 3.15],
  ['Nb', 'bcc', 3.3],
  ['Ta', 'bcc', 3.3],
  ['V', 'bcc', 3.03],
  ['W', 'bcc', 3.16],
  ['Ba', 'bcc', 5.02],
];

export const METALS: readonly MetalEntry[] = ROWS.map(([el, prototype, a]) =>
  Object.freeze({
    kind: 'bulk' as const,
    id: el,
    family: 'metal' as const,
    formula: el,
    elements: [el],
    prototype,
    a,
    source: KITTEL,
    method: 'experimental lattice constant, room temperature',
    estimated: false,
  }),
);
