import { ELEMENT_ROWS } from './elements-data';

/** One chemical element. Masses in u, radii in Å. Sources are cited in elements-data.ts. */
export interface Element {
  z: number;
  symbol: string;
  name: string;
  /** Standard atomic weight (u). */
  mass: number;
  /** Single-bond covalent radius (Å). */
  covalentRadius: number;
  /** Display colour, '#rrggbb'. */
  color: string;
}

export const MAX_Z = 118;

const BY_Z: Element[] = [];
const BY_SYMBOL = new Map<string, number>();
for (const [z, symbol, name, mass, covalentRadius, , color] of ELEMENT_ROWS) {
  BY_Z[z] = { z, symbol, name, mass, covalentRadius, color };
  BY_SYMBOL.set(symbol.toLowerCase(), z);
}

/** Element by atomic number; throws on a number outside 1..118 (a programming error, not bad input). */
export function element(z: number): Element {
  const e = BY_Z[z];
  if (!e) throw new RangeError(`no element with Z=${z}`);
  return e;
}

export function symbolOf(z: number): string {
  return element(z).symbol;
}

/**
 * Atomic number for an element symbol, or 0 when it is not one.
 * Case-insensitive ("MO" and "mo" are Mo); also accepts labels that start with a symbol followed by
 * a non-letter, as files write them ("Fe1", "O2-", "Mo_pv", "S/abcd"), when `lenient` is set.
 */
export function atomicNumber(symbol: string, lenient = false): number {
  const s = symbol.trim();
  const exact = BY_SYMBOL.get(s.toLowerCase());
  if (exact) return exact;
  if (!lenient) return 0;
  const m = /^([A-Za-z]{1,2})/.exec(s);
  if (!m) return 0;
  const two = m[1];
  // Prefer the two-letter symbol only when the second letter is lower case (CIF labels like "CO1" are C).
  if (two.length === 2 && two[1] === two[1].toLowerCase()) {
    const z2 = BY_SYMBOL.get(two.toLowerCase());
    if (z2) return z2;
  }
  return BY_SYMBOL.get(two[0].toLowerCase()) ?? 0;
}

/**
 * Slack (Å) added to the sum of covalent radii for two atoms to count as bonded: Jmol's default bondTolerance
 * (0.45 Å, jmol.sourceforge.net/docs "set bondTolerance"), with Cordero's radii in place of Jmol's own.
 */
export const BOND_TOLERANCE = 0.45;

/** Longest distance (Å) at which atoms `za` and `zb` are drawn bonded: r_a + r_b + BOND_TOLERANCE. */
export function bondCutoff(za: number, zb: number): number {
  return element(za).covalentRadius + element(zb).covalentRadius + BOND_TOLERANCE;
}
