import { detectFormat, SUPPORTED_FORMATS } from './detect';
import { formatById, formatForPath, type ReadOptions } from './formats';
import { MAX_FILE_BYTES, type FormatId, type ParseIssue, type ParseResult } from './issues';
import { isHetero2dRecord } from './json';

export type { ReadOptions } from './formats';

function withFile(r: ParseResult, file: string): ParseResult {
  if (!r.ok) return { ok: false, issue: { ...r.issue, file } };
  for (const [k, s] of r.structures.entries()) s.info.source = { file, format: s.info.source?.format ?? '', index: k };
  return { ...r, warnings: r.warnings.map((w) => ({ ...w, file })) };
}

function failWith(file: string, issue: Omit<ParseIssue, 'file'>): ParseResult {
  return { ok: false, issue: { ...issue, file } };
}

/**
 * The one too-large issue (app, worker and CLI): the size, the limit, and how to change it. The limit is a build
 * setting, so the message names the constant; the hint says what a user can do without rebuilding.
 */
export function tooLargeIssue(size: number, unit: 'bytes' | 'characters' = 'bytes'): Omit<ParseIssue, 'file'> {
  const [what, limit] = unit === 'bytes' ? [`${(size / 2 ** 20).toFixed(1)} MiB`, `${MAX_FILE_BYTES / 2 ** 20} MiB`] : [`${size.toLocaleString('en-US')} characters`, `${MAX_FILE_BYTES.toLocaleString('en-US')} characters`];
  return {
    code: 'too-large',
    message: `file is ${what}; the limit is ${limit} (MAX_FILE_BYTES in src/core/validate.ts: change it and rebuild to raise it)`,
    hint: 'or split the file, or keep only the structures you need (e.g. one frame of a trajectory)',
  };
}

/** Size, emptiness and binary checks on raw bytes, before anything is decoded. */
function checkBytes(bytes: Uint8Array): Omit<ParseIssue, 'file'> | null {
  if (bytes.length > MAX_FILE_BYTES) return tooLargeIssue(bytes.length);
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

const DETECT_PREFIX = 65536;

/** Pymatgen or Hetero2d, by content: a record with final_structure is Hetero2d; anything else goes to the pymatgen reader. */
function jsonFormat(text: string): FormatId {
  let probe: unknown;
  try {
    probe = JSON.parse(text);
  } catch {
    probe = undefined;
  }
  const first = Array.isArray(probe) ? probe[0] : probe && typeof probe === 'object' && !('lattice' in probe) && !isHetero2dRecord(probe) ? Object.values(probe)[0] : probe;
  return isHetero2dRecord(first) ? 'hetero2d-json' : 'pymatgen-json';
}

/** No reader recognised the file; a name that only a write-only format claims gets said so. */
function unknownFormat(name: string): Omit<ParseIssue, 'file'> {
  const w = formatForPath(name);
  if (w && !w.read)
    return { code: 'unsupported', message: `looks like ${w.label} by its name, which heterolab writes but does not read`, hint: `supported: ${SUPPORTED_FORMATS}` };
  return { code: 'unknown-format', message: 'could not tell the format from the name or the content', hint: `supported: ${SUPPORTED_FORMATS}` };
}

/**
 * Reads a structure file of any supported format. Never throws on bad input: every failure is a ParseIssue
 * naming the file (and line where there is one). Loads the space-group tables only when a CIF needs them.
 */
export async function readStructureFile(name: string, data: Uint8Array | string, options: ReadOptions = {}): Promise<ParseResult> {
  const pre: ParseIssue[] = [];
  let text: string;
  let bytes: Uint8Array | null = null;
  if (typeof data === 'string') {
    if (data.length > MAX_FILE_BYTES) return failWith(name, tooLargeIssue(data.length, 'characters'));
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
  if (bytes && !(format && format !== 'json' && formatById(format)?.read?.bytes)) {
    // Everything else reads decoded text (with the Latin-1 fallback and its warning).
    const d = decodeText(bytes);
    if ('issue' in d) return failWith(name, d.issue);
    text = d.text;
    if (d.warning) pre.push({ code: 'ignored', message: d.warning, file: name });
    bytes = null;
  }
  const blank = bytes ? bytes.every((b) => b === 32 || b === 9 || b === 10 || b === 13) : text.trim() === '';
  if (blank) return failWith(name, { code: 'empty', message: 'file has no content (only white space)' });
  if (!format) return failWith(name, unknownFormat(name));
  if (format === 'json') format = jsonFormat(text);
  const reader = formatById(format)?.read;
  if (!reader) return failWith(name, { code: 'unsupported', message: `heterolab does not read ${format}`, hint: `supported: ${SUPPORTED_FORMATS}` });
  const r = await reader.parse(bytes ?? text, options);
  if (r.ok) for (const s of r.structures) s.info.source = { file: name, format: format as string, index: 0 };
  const out = withFile(r, name);
  if (out.ok) out.warnings.unshift(...pre);
  return out;
}
