import type { Structure } from '../core/structure';
import { formatById, type WriteFormat } from './formats';

export type { WriteFormat } from './formats';

/**
 * A structure as file text in a writable format of the format table. Every writer writes a right-handed cell
 * (core's rightHanded) describing the same structure. Throws with the reason when the format cannot hold the
 * structure (no cell, a constraint it cannot express) or has no writer.
 */
export function writeStructure(s: Structure, format: WriteFormat): string {
  const f = formatById(format);
  if (!f?.write) throw new Error(`no writer for format "${format}"`);
  if (f.needsCell && !s.pbc.some(Boolean)) throw new Error(`cannot write ${f.label}: the structure has no cell`);
  // A file with NaN in it would reach a cluster before anyone noticed.
  if (!s.cell.every(Number.isFinite)) throw new Error(`cannot write ${f.label}: the cell has a non-finite component`);
  const bad = s.positions.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new Error(`cannot write ${f.label}: atom ${Math.floor(bad / 3) + 1} has a non-finite coordinate`);
  return f.write(s);
}
