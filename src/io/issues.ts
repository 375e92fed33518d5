import type { Structure } from '../core/structure';
import { MAX_ATOMS, MAX_FILE_BYTES, validateStructure } from '../core/validate';
import { decimalNumber } from './fast-text';

/** Format ids, as ASE names them. `json` covers pymatgen Structure dicts and Hetero2d records. */
export type FormatId = 'vasp' | 'cif' | 'xyz' | 'extxyz' | 'pymatgen-json' | 'hetero2d-json';

export type IssueCode =
  | 'empty'
  | 'binary'
  | 'too-large'
  | 'too-many-atoms'
  | 'truncated'
  | 'count-mismatch'
  | 'bad-number'
  | 'non-finite'
  | 'singular-cell'
  | 'degenerate-cell'
  | 'bad-element'
  | 'missing-species'
  | 'missing-field'
  | 'syntax'
  | 'bad-symmetry'
  | 'unknown-format'
  | 'unsupported'
  | 'partial-occupancy'
  | 'overlap'
  | 'symmetry-generated'
  | 'ignored';

/** A problem with the input, precise enough to act on: which file, which line (1-based), what, and how to fix it. */
export interface ParseIssue {
  code: IssueCode;
  message: string;
  format?: FormatId;
  file?: string;
  line?: number;
  hint?: string;
}

export type ParseResult =
  | { ok: true; structures: Structure[]; warnings: ParseIssue[] }
  | { ok: false; issue: ParseIssue };

/** Limits checked before any large allocation (defined in core/validate.ts, where the UI can read it too). */
export { MAX_FILE_BYTES };
/** How to get under the atom limit (MAX_ATOMS in core/validate.ts, a build-time setting), for every too-many-atoms issue. */
export const ATOM_LIMIT_HINT = `heterolab reads at most ${MAX_ATOMS.toLocaleString('en-US')} atoms (MAX_ATOMS in src/core/validate.ts, a build setting): split the file or use a smaller supercell`;

export function fail(code: IssueCode, message: string, line?: number, hint?: string): { ok: false; issue: ParseIssue } {
  const issue: ParseIssue = { code, message };
  if (line !== undefined) issue.line = line;
  if (hint !== undefined) issue.hint = hint;
  return { ok: false, issue };
}

/** Thrown inside a parser to unwind to its entry point, which turns it into a ParseResult. Never escapes a parser. */
export class ParseAbort extends Error {
  /** JSON readers: where in the document the problem is (keys and indices), turned into a line by the reader. */
  path?: (string | number)[];
  constructor(public issue: ParseIssue) {
    super(issue.message);
  }
}

export function abort(code: IssueCode, message: string, line?: number, hint?: string): never {
  throw new ParseAbort(fail(code, message, line, hint).issue);
}

/**
 * Runs a parser body, converting ParseAbort into `{ok: false}` and then validating every structure
 * (validation errors fail the parse, warnings are appended). Any other exception is a bug and propagates.
 */
export function guard(format: FormatId, body: () => { structures: Structure[]; warnings: ParseIssue[] }): ParseResult {
  let res: { structures: Structure[]; warnings: ParseIssue[] };
  try {
    res = body();
  } catch (e) {
    if (e instanceof ParseAbort) return { ok: false, issue: { ...e.issue, format } };
    throw e;
  }
  const warnings = res.warnings.map((w) => ({ ...w, format }));
  for (const [k, s] of res.structures.entries()) {
    const where = res.structures.length > 1 ? ` (structure ${k + 1}${s.info.title ? `, ${s.info.title}` : ''})` : '';
    for (const v of validateStructure(s)) {
      if (v.severity === 'error') return { ok: false, issue: { code: v.code === 'empty' ? 'empty' : v.code, format, message: v.message + where } };
      warnings.push({ code: v.code as IssueCode, format, message: v.message + where });
    }
  }
  return { ok: true, structures: res.structures, warnings };
}

/** Strict number parse: the whole token must be a decimal number (Fortran 'D' exponents accepted; no hex). NaN otherwise. */
export function num(tok: string | undefined): number {
  if (tok === undefined || tok === '') return NaN;
  const x = decimalNumber(tok);
  if (!Number.isNaN(x) || (tok.indexOf('d') < 0 && tok.indexOf('D') < 0)) return x;
  return decimalNumber(tok.replace(/[dD]/, 'e'));
}

/** Parses a number or aborts with a message naming what it is and where. Rejects NaN and ±Infinity. */
export function needNumber(tok: string | undefined, what: string, line: number): number {
  if (tok === undefined) abort('truncated', `expected ${what}, found the end of the line`, line);
  const x = num(tok);
  if (Number.isNaN(x)) abort('bad-number', `expected ${what}, found "${clip(tok)}"`, line);
  if (!Number.isFinite(x)) abort('non-finite', `${what} is not finite ("${clip(tok)}")`, line);
  return x;
}

export function clip(s: string, n = 40): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

export function tokens(line: string): string[] {
  const t = line.trim();
  return t === '' ? [] : t.split(/\s+/);
}
