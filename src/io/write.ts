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
  return f.write(s);
}
