import { parseCif, cifNeedsSpaceGroupTables } from './cif';
import { detectFormat, SUPPORTED_FORMATS } from './detect';
import { MAX_FILE_BYTES, type FormatId, type ParseIssue, type ParseResult } from './issues';
import { isHetero2dRecord, parseHetero2dJson, parsePymatgenJson } from './json';
import { parsePoscar } from './poscar';
import { loadSpaceGroupTables } from './space-groups';
import { parseXyz } from './xyz';

export interface ReadOptions {
  /** Force a format instead of detecting it. */
  format?: FormatId;
  /** VASP 4 species, in the order of the counts line. */
  species?: string[];
  /** Hetero2d records: read initial instead of final structures. */
  initial?: boolean;
}

function withFile(r: ParseResult, file: string): ParseResult {
  if (!r.ok) return { ok: false, issue: { ...r.issue, file } };
  for (const [k, s] of r.structures.entries()) s.info.source = { file, format: s.info.source?.format ?? '', index: k };
  return { ...r, warnings: r.warnings.map((w) => ({ ...w, file })) };
}

function failWith(file: string, issue: Omit<ParseIssue, 'file'>): ParseResult {
  return { ok: false, issue: { ...issue, file } };
}

/** Size, emptiness and binary checks on raw bytes, before anything is decoded. */
function checkBytes(bytes: Uint8Array): Omit<ParseIssue, 'file'> | null {
  if (bytes.length > MAX_FILE_BYTES)
    return { code: 'too-large', message: `file is ${(bytes.length / 2 ** 20).toFixed(1)} MiB; the limit is ${MAX_FILE_BYTES / 2 ** 20} MiB` };
  if (bytes.length === 0) return { code: 'empty', message: 'file is empty' };
  const probe = bytes.subarray(0, 8192);
  let control = 0;
  for (const b of probe) {
    if (b === 0) return { code: 'binary', message: 'file is binary (it contains NUL bytes), not a text structure file', hint: `supported: ${SUPPORTED_FORMATS}` };
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  if (control > probe.length * 0.05) return { code: 'binary', message: 'file looks binary (many control characters)', hint: `supported: ${SUPPORTED_FORMATS}` };
  return null;
}

/** Bytes → text, or an issue: too large, empty, binary. Invalid UTF-8 that is not binary is read as Latin-1, with a warning. */
export function decodeText(bytes: Uint8Array): { text: string; warning?: string } | { issue: Omit<ParseIssue, 'file'> } {
  const issue = checkBytes(bytes);
  if (issue) return { issue };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '') };
  } catch {
    return { text: new TextDecoder('latin1').decode(bytes), warning: 'file is not valid UTF-8; read as Latin-1' };
  }
}

/** Formats whose readers work on the bytes themselves (large atom blocks are never decoded as a whole). */
const BYTE_READERS = new Set(['vasp', 'xyz', 'extxyz']);
const DETECT_PREFIX = 65536;

/**
 * Reads a structure file of any supported format. Never throws on bad input: every failure is a ParseIssue
 * naming the file (and line where there is one). Loads the space-group tables only when a CIF needs them.
 */
export async function readStructureFile(name: string, data: Uint8Array | string, options: ReadOptions = {}): Promise<ParseResult> {
  const pre: ParseIssue[] = [];
  let text: string;
  let bytes: Uint8Array | null = null;
  if (typeof data === 'string') {
    if (data.length > MAX_FILE_BYTES) return failWith(name, { code: 'too-large', message: `file has ${data.length} characters; the limit is ${MAX_FILE_BYTES}` });
    text = data;
  } else {
    const issue = checkBytes(data);
    if (issue) return failWith(name, issue);
    // Detection needs only the beginning; POSCAR and XYZ readers then take the bytes.
    text = new TextDecoder('utf-8').decode(data.subarray(0, DETECT_PREFIX)).replace(/^\uFEFF/, '');
    bytes = data;
  }
  let format: FormatId | 'json' | null = options.format ?? null;
  if (!format) format = detectFormat(name, text).format;
  if (bytes && !(format && BYTE_READERS.has(format))) {
    // Everything else reads decoded text (with the Latin-1 fallback and its warning).
    const d = decodeText(bytes);
    if ('issue' in d) return failWith(name, d.issue);
    text = d.text;
    if (d.warning) pre.push({ code: 'ignored', message: d.warning, file: name });
    bytes = null;
  }
  const blank = bytes ? bytes.every((b) => b === 32 || b === 9 || b === 10 || b === 13) : text.trim() === '';
  if (blank) return failWith(name, { code: 'empty', message: 'file has no content (only white space)' });
  if (!format)
    return failWith(name, { code: 'unknown-format', message: 'could not tell the format from the name or the content', hint: `supported: ${SUPPORTED_FORMATS}` });
  if (format === 'json' || format === 'pymatgen-json' || format === 'hetero2d-json') {
    if (format === 'json') {
      // Decide by content: a record with final_structure is Hetero2d; anything else goes to the pymatgen reader.
      let probe: unknown;
      try {
        probe = JSON.parse(text);
      } catch {
        probe = undefined;
      }
      const first = Array.isArray(probe) ? probe[0] : probe && typeof probe === 'object' && !('lattice' in probe) && !isHetero2dRecord(probe) ? Object.values(probe)[0] : probe;
      format = isHetero2dRecord(first) ? 'hetero2d-json' : 'pymatgen-json';
    }
  }
  let r: ParseResult;
  switch (format) {
    case 'vasp':
      r = parsePoscar(bytes ?? text, { species: options.species });
      break;
    case 'cif':
      if (cifNeedsSpaceGroupTables(text)) {
        try {
          await loadSpaceGroupTables();
        } catch (e) {
          pre.push({ code: 'unsupported', message: `space-group tables unavailable: ${(e as Error).message}`, file: name });
        }
      }
      r = parseCif(text);
      break;
    case 'xyz':
    case 'extxyz':
      r = parseXyz(bytes ?? text);
      break;
    case 'pymatgen-json':
      r = parsePymatgenJson(text);
      break;
    case 'hetero2d-json':
      r = parseHetero2dJson(text, { initial: options.initial });
      break;
  }
  if (r.ok) for (const s of r.structures) s.info.source = { file: name, format: format as string, index: 0 };
  const out = withFile(r, name);
  if (out.ok) out.warnings.unshift(...pre);
  return out;
}
