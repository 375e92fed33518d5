import type { FormatId } from './issues';

export const SUPPORTED_FORMATS =
  'POSCAR/CONTCAR (.vasp, .poscar), CIF (.cif), XYZ and extended XYZ (.xyz, .extxyz), pymatgen Structure JSON, Hetero2d record JSON (.json)';

/** Which parser reads a file: the detected format and what decided it. `json` is split by content later. */
export interface Detection {
  format: FormatId | 'json' | null;
  by: 'name' | 'content' | 'extension' | 'heuristic' | 'none';
}

function firstMeaningfulLines(text: string, n: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (out.length < n && i < text.length && i < 65536) {
    let j = text.indexOf('\n', i);
    if (j < 0) j = text.length;
    const l = text.slice(i, j).replace(/\r$/, '');
    if (l.trim() !== '' && !l.trimStart().startsWith('#')) out.push(l.trim());
    i = j + 1;
  }
  return out;
}

const isNum = (s: string | undefined) => s !== undefined && s !== '' && !Number.isNaN(Number(s));

/** True when lines 2-5 look like a POSCAR header: a scale factor, then three lattice vectors. */
function looksLikePoscar(text: string): boolean {
  const lines = text.split(/\r?\n/, 6);
  if (lines.length < 6) return false;
  const s = lines[1].trim().split(/\s+/);
  if (!(s.length === 1 || s.length === 3) || !s.every(isNum)) return false;
  for (let i = 2; i < 5; i++) {
    const t = lines[i].trim().split(/\s+/);
    if (t.length < 3 || !t.slice(0, 3).every(isNum)) return false;
  }
  return true;
}

/**
 * Detects a structure file's format in DESIGN.md's order: file-name patterns (POSCAR, CONTCAR), content
 * signatures (data_, JSON, XYZ header), the extension, then a POSCAR-shape heuristic.
 */
export function detectFormat(name: string, text: string): Detection {
  const base = name.split(/[\\/]/).pop() ?? name;
  const lower = base.toLowerCase();
  if (/(^|[^a-z])(poscar|contcar)([^a-z]|$)/i.test(base) || /^(poscar|contcar)/i.test(base)) return { format: 'vasp', by: 'name' };
  const head = firstMeaningfulLines(text, 2);
  const first = head[0] ?? '';
  if (/^data_/i.test(first)) return { format: 'cif', by: 'content' };
  if (first.startsWith('{') || first.startsWith('[')) return { format: 'json', by: 'content' };
  if (/^\d+$/.test(first)) {
    const second = text.split(/\r?\n/, 2)[1] ?? '';
    return { format: /(^|\s)(Lattice|Properties)\s*=/.test(second) ? 'extxyz' : 'xyz', by: 'content' };
  }
  const ext = lower.includes('.') ? lower.slice(lower.lastIndexOf('.') + 1) : '';
  const byExt: Record<string, FormatId | 'json'> = { vasp: 'vasp', poscar: 'vasp', contcar: 'vasp', cif: 'cif', mcif: 'cif', xyz: 'xyz', extxyz: 'extxyz', json: 'json' };
  if (byExt[ext]) return { format: byExt[ext], by: 'extension' };
  if (looksLikePoscar(text)) return { format: 'vasp', by: 'heuristic' };
  return { format: null, by: 'none' };
}
