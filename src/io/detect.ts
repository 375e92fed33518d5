import { extensionOf, formatsText, matchesName, readableFormats, type FileHead, type StructureFormat } from './formats';
import type { FormatId } from './issues';

/** The formats heterolab reads, for messages: generated from the format table. */
export const SUPPORTED_FORMATS = formatsText(readableFormats());

/** Which parser reads a file: the detected format and what decided it. `json` is split by content later. */
export interface Detection {
  format: FormatId | 'json' | null;
  by: 'name' | 'content' | 'extension' | 'heuristic' | 'none';
}

function fileHead(text: string): FileHead {
  const meaningful: string[] = [];
  let i = 0;
  while (meaningful.length < 2 && i < text.length && i < 65536) {
    let j = text.indexOf('\n', i);
    if (j < 0) j = text.length;
    const l = text.slice(i, j).replace(/\r$/, '');
    if (l.trim() !== '' && !l.trimStart().startsWith('#')) meaningful.push(l.trim());
    i = j + 1;
  }
  return { meaningful, raw: text.slice(0, 65536).split(/\r?\n/, 2) };
}

const found = (f: StructureFormat, by: Detection['by']): Detection => ({ format: f.group ?? (f.id as FormatId), by });

/**
 * Detects a structure file's format in DESIGN.md's order, over the readable formats of the format table:
 * file-name patterns (POSCAR, CONTCAR), content signatures (data_, JSON, XYZ header), the extension, then
 * shape heuristics (a POSCAR header).
 */
export function detectFormat(name: string, text: string): Detection {
  const formats = readableFormats();
  const byName = formats.find((f) => matchesName(f, name));
  if (byName) return found(byName, 'name');
  const head = fileHead(text);
  const bySniff = formats.find((f) => f.sniff?.(head));
  if (bySniff) return found(bySniff, 'content');
  const ext = extensionOf(name);
  const byExt = ext ? formats.find((f) => f.extensions.includes(ext)) : undefined;
  if (byExt) return found(byExt, 'extension');
  const byShape = formats.find((f) => f.heuristic?.(text));
  if (byShape) return found(byShape, 'heuristic');
  return { format: null, by: 'none' };
}
