/**
 * The one table of structure-file formats (ASE's `ioformats` is the model): per format its id, label, file
 * extensions, file-name patterns, content signature, reader and writer. Detection, the supported-formats
 * message, the CLI's format flags, the export menu and the round-trip tests all iterate over FORMATS.
 */
import type { Structure } from '../core/structure';
import { cifNeedsSpaceGroupTables, parseCif } from './cif';
import type { FormatId, ParseIssue, ParseResult } from './issues';
import { parseHetero2dJson, parsePymatgenJson } from './json';
import { parsePoscar } from './poscar';
import { loadSpaceGroupTables } from './space-groups';
import { writeAims } from './write-aims';
import { writeCif } from './write-cif';
import { writeEspressoIn } from './write-espresso';
import { writeLammpsData } from './write-lammps';
import { writePoscar } from './write-vasp';
import { writeExtxyz } from './write-xyz';
import { parseXyz } from './xyz';

/** Formats heterolab writes but does not read (ASE's names). */
export type WriteOnlyFormatId = 'espresso-in' | 'lammps-data' | 'aims';
export type AnyFormatId = FormatId | WriteOnlyFormatId;
/** Formats with a writer (the export targets). */
export type WriteFormat = Exclude<AnyFormatId, 'xyz' | 'pymatgen-json' | 'hetero2d-json'>;

export interface ReadOptions {
  /** Force a format instead of detecting it. */
  format?: FormatId;
  /** VASP 4 species, in the order of the counts line. */
  species?: string[];
  /** Hetero2d records: read initial instead of final structures. */
  initial?: boolean;
}

/** The beginning of a file as detection sees it: the first two lines that are neither blank nor '#' comments, and the first two lines as they are. */
export interface FileHead {
  meaningful: string[];
  raw: string[];
}

export interface StructureFormat {
  id: AnyFormatId;
  label: string;
  /** Extensions without the dot, lower case; the first is the one an exported file gets. */
  extensions: readonly string[];
  /** Base-name patterns (`*` = any run of characters), matched ignoring case; they outrank content and extension. */
  namePatterns: readonly string[];
  /** Content signature, checked on the head of the file. */
  sniff?: (head: FileHead) => boolean;
  /** Shape check of the whole text, tried last. */
  heuristic?: (text: string) => boolean;
  /** Formats whose heads look alike (pymatgen and Hetero2d JSON): detection names the group, the registry splits it by content. */
  group?: 'json';
  /** `bytes`: the reader takes the raw bytes (big atom blocks are never decoded as a whole). */
  read?: { bytes: boolean; parse: (input: string | Uint8Array, options: ReadOptions) => ParseResult | Promise<ParseResult> };
  /** Text of the structure on a right-handed cell; throws (with the reason) on a structure the format cannot hold. */
  write?: (s: Structure) => string;
  /** The writer needs a cell. */
  needsCell?: boolean;
  /** The file name the program reads, when it reads only one (FHI-aims: geometry.in). */
  exportName?: string;
  /** One file holds several structures (the CLI writes all of them). */
  many?: boolean;
  /** The writer keeps fixed atoms (selective dynamics) where the format's readers find them. */
  keepsFixedAtoms?: boolean;
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

const asText = (input: string | Uint8Array) => (typeof input === 'string' ? input : new TextDecoder().decode(input));

/** CIF readers need the space-group tables only for symmetry given by name or number; a failure to load them is a warning. */
async function readCif(input: string | Uint8Array): Promise<ParseResult> {
  const t = asText(input);
  let loadFailure: ParseIssue | null = null;
  if (cifNeedsSpaceGroupTables(t)) {
    try {
      await loadSpaceGroupTables();
    } catch (e) {
      loadFailure = { code: 'unsupported', message: `space-group tables unavailable: ${(e as Error).message}` };
    }
  }
  const r = parseCif(t);
  if (r.ok && loadFailure) r.warnings.unshift(loadFailure);
  return r;
}

const xyzHead = (h: FileHead) => /^\d+$/.test(h.meaningful[0] ?? '');
const extendedXyzComment = (h: FileHead) => /(^|\s)(Lattice|Properties)\s*=/.test(h.raw[1] ?? '');
const jsonHead = (h: FileHead) => /^[[{]/.test(h.meaningful[0] ?? '');

/** In detection order: where two formats share an extension, the first one wins for reading, the first writable one for writing. */
export const FORMATS: readonly StructureFormat[] = [
  {
    id: 'vasp', label: 'VASP POSCAR/CONTCAR', extensions: ['vasp', 'poscar', 'contcar'], namePatterns: ['*POSCAR*', '*CONTCAR*'],
    heuristic: looksLikePoscar, read: { bytes: true, parse: (input, o) => parsePoscar(input, { species: o.species }) },
    write: writePoscar, needsCell: true, keepsFixedAtoms: true,
  },
  {
    id: 'cif', label: 'CIF', extensions: ['cif', 'mcif'], namePatterns: [], sniff: (h) => /^data_/i.test(h.meaningful[0] ?? ''),
    read: { bytes: false, parse: readCif }, write: writeCif, needsCell: true,
  },
  {
    id: 'xyz', label: 'XYZ', extensions: ['xyz'], namePatterns: [], sniff: (h) => xyzHead(h) && !extendedXyzComment(h),
    read: { bytes: true, parse: (input) => parseXyz(input) }, many: true,
  },
  {
    id: 'extxyz', label: 'extended XYZ', extensions: ['extxyz', 'xyz'], namePatterns: [], sniff: (h) => xyzHead(h) && extendedXyzComment(h),
    read: { bytes: true, parse: (input) => parseXyz(input) }, write: writeExtxyz, many: true, keepsFixedAtoms: true,
  },
  {
    id: 'pymatgen-json', label: 'pymatgen Structure JSON', extensions: ['json'], namePatterns: [], sniff: jsonHead, group: 'json',
    read: { bytes: false, parse: (input) => parsePymatgenJson(asText(input)) },
  },
  {
    id: 'hetero2d-json', label: 'Hetero2d record JSON', extensions: ['json'], namePatterns: [], sniff: jsonHead, group: 'json',
    read: { bytes: false, parse: (input, o) => parseHetero2dJson(asText(input), { initial: o.initial }) },
  },
  // `.in` is both pw.x's habit (scf.in) and FHI-aims' (geometry.in): only geometry.in* names FHI-aims.
  { id: 'espresso-in', label: 'Quantum ESPRESSO pw.x input', extensions: ['pwi', 'in'], namePatterns: [], write: writeEspressoIn, needsCell: true, keepsFixedAtoms: true },
  { id: 'lammps-data', label: 'LAMMPS data file', extensions: ['lmp', 'data', 'lammps'], namePatterns: [], write: writeLammpsData, needsCell: true },
  { id: 'aims', label: 'FHI-aims geometry.in', extensions: ['in'], namePatterns: ['geometry.in*'], exportName: 'geometry.in', write: writeAims, keepsFixedAtoms: true },
];

const BY_ID = new Map<string, StructureFormat>(FORMATS.map((f) => [f.id, f]));

/** The table entry of a format id; undefined for an unknown id. */
export function formatById(id: string): StructureFormat | undefined {
  return BY_ID.get(id);
}

export const readableFormats = (): StructureFormat[] => FORMATS.filter((f) => f.read);

/** Export targets, for the export menu and the CLI: id, label, the extension an exported file gets, and the one file name a program insists on (if any). */
export function writableFormats(): { id: WriteFormat; label: string; extension: string; fileName?: string }[] {
  return FORMATS.filter((f) => f.write).map((f) => ({ id: f.id as WriteFormat, label: f.label, extension: f.extensions[0], ...(f.exportName ? { fileName: f.exportName } : {}) }));
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
}
const PATTERNS = new Map(FORMATS.map((f) => [f.id, f.namePatterns.map(globToRegExp)]));

export const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path;
export function extensionOf(path: string): string {
  const b = baseName(path).toLowerCase();
  return b.includes('.') ? b.slice(b.lastIndexOf('.') + 1) : '';
}

/** True when a file's base name matches one of the format's name patterns. */
export function matchesName(f: StructureFormat, path: string): boolean {
  const b = baseName(path);
  return PATTERNS.get(f.id)!.some((re) => re.test(b));
}

/** The writable formats a file name fits: the first whose name pattern matches, else every one claiming the extension. */
function writableFormatsForPath(path: string): StructureFormat[] {
  const writable = FORMATS.filter((f) => f.write);
  const byName = writable.find((f) => matchesName(f, path));
  if (byName) return [byName];
  const ext = extensionOf(path);
  return ext ? writable.filter((f) => f.extensions.includes(ext)) : [];
}

/** The format a file is written in, from its name (patterns, then extension); null when the name does not tell or fits two (`x.in`). */
export function formatForPath(path: string): StructureFormat | null {
  const fits = writableFormatsForPath(path);
  return fits.length === 1 ? fits[0] : null;
}

/** "VASP POSCAR/CONTCAR (POSCAR*, CONTCAR*, .vasp, ...), CIF (.cif, .mcif), ...": for messages. */
export function formatsText(list: readonly StructureFormat[]): string {
  return list.map((f) => `${f.label} (${[...f.namePatterns, ...f.extensions.map((e) => `.${e}`)].join(', ')})`).join(', ');
}

/**
 * The export format named by a --to value, or else by an output path (patterns, then extension); an error
 * text listing the writable ids when neither names one.
 */
export function chooseWriteFormat(to: string | undefined, path: string | undefined): { id: WriteFormat } | { error: string } {
  const ids = writableFormats().map((f) => f.id);
  if (to !== undefined) return (ids as string[]).includes(to) ? { id: to as WriteFormat } : { error: `--to must be one of ${ids.join(', ')} (got "${to}")` };
  const fits = path === undefined ? [] : writableFormatsForPath(path);
  if (fits.length === 1) return { id: fits[0].id as WriteFormat };
  const why = path === undefined ? 'nothing' : `the name "${baseName(path)}"${fits.length > 1 ? ` (it fits ${fits.map((f) => f.id).join(' and ')})` : ''}`;
  return { error: `cannot tell the output format from ${why}; give --to ${ids.join('|')}` };
}
