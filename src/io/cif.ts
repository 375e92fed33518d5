import { cellFromParameters, cellHeights, scaledToCartesian, cartesianToScaled } from '../core/cell';
import { atomicNumber } from '../core/elements';
import { compositionText, makeStructure, type Structure } from '../core/structure';
import { det3 } from '../core/linalg';
import { MAX_ATOMS, MAX_COORDINATE, MIN_CELL_VOLUME } from '../core/validate';
import { ATOM_LIMIT_HINT, abort, clip, guard, type ParseIssue, type ParseResult } from './issues';
import { parseSymOp, settingForHall, settingForNumber, settingForSymbol, spaceGroupTables, type SymOp } from './space-groups';

interface Value {
  text: string;
  line: number;
  /** Quoted or text-field values are never numbers or null markers. */
  quoted: boolean;
}

/**
 * A loop's values, row-major: bare values as offsets into the file's text (no string or object per value, so a
 * 1-million-site loop costs a few arrays of small integers), quoted ones as their text (start = -1).
 */
interface Loop {
  tags: string[];
  nrows: number;
  src: string;
  start: number[];
  end: number[];
  lines: number[];
  quotedText: Map<number, string>;
  line: number;
}

function vQuoted(loop: Loop, k: number): boolean {
  return loop.start[k] < 0;
}

function vText(loop: Loop, k: number): string {
  return loop.start[k] < 0 ? loop.quotedText.get(k)! : loop.src.slice(loop.start[k], loop.end[k]);
}

/** True for a bare ? or . (the CIF null markers), without making a string. */
function vPlaceholder(loop: Loop, k: number): boolean {
  const s = loop.start[k];
  if (s < 0 || loop.end[k] - s !== 1) return false;
  const c = loop.src.charCodeAt(s);
  return c === 63 || c === 46;
}

function pushValue(loop: Loop, v: Value): void {
  loop.quotedText.set(loop.start.length, v.text);
  loop.start.push(-1);
  loop.end.push(-1);
  loop.lines.push(v.line);
}

/** Value at row r, column c of a loop. */
function cellOf(loop: Loop, r: number, c: number): Value {
  const k = r * loop.tags.length + c;
  return { text: vText(loop, k), line: loop.lines[k], quoted: vQuoted(loop, k) };
}

export interface CifBlock {
  name: string;
  line: number;
  items: Map<string, Value>;
  loops: Loop[];
  /** tag → loop that holds it */
  loopOf: Map<string, Loop>;
}

/** Tags are case-insensitive; DDLm's "_a.b" is the same item as DDL1's "_a_b". */
function normTag(t: string): string {
  return t.toLowerCase().replace(/\./g, '_');
}

/**
 * Tokenises and groups a CIF 1.1 / CIF 2.0 file into data blocks. Handles comments, 'single' and "double"
 * quotes (CIF 1 rule: a quote closes only before white space), CIF 2 triple quotes, semicolon text fields,
 * CIF 2 [lists] and {tables} (kept as text), loop_, save frames (skipped), global_ (skipped).
 */
export function readCifBlocks(text: string): CifBlock[] {
  const blocks: CifBlock[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  let block: CifBlock | null = null;
  let inSave = false;
  type Tok = { kind: 'tag' | 'value' | 'loop' | 'data' | 'save' | 'global' | 'stop'; text: string; line: number; quoted: boolean };
  const isWs = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  const isWsCode = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
  /** Skips white space and comments, counting lines. */
  const skipSpace = (): void => {
    for (;;) {
      let c = text.charCodeAt(i);
      while (i < n && isWsCode(c)) {
        if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
        c = text.charCodeAt(++i);
      }
      if (i >= n || c !== 35) return;
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
    }
  };
  /**
   * Loop rows, the bulk of a large file: a plain bare word (a number or a symbol) is read straight into the
   * loop's columns with no token object. Returns false at anything else (quotes, text fields, tags, keywords),
   * leaving it to nextTok.
   */
  const bareValueInto = (loop: Loop): boolean => {
    skipSpace();
    if (i >= n) return false;
    const c = text.charCodeAt(i);
    // ' " _ [ { ; and the first letters of data_, loop_, save_, global_, stop_ go the slow way.
    if (c === 39 || c === 34 || c === 95 || c === 91 || c === 123 || c === 59 || c === 100 || c === 68 || c === 108 || c === 76 || c === 115 || c === 83 || c === 103 || c === 71) return false;
    let j = i;
    while (j < n && !isWsCode(text.charCodeAt(j))) j++;
    loop.start.push(i);
    loop.end.push(j);
    loop.lines.push(line);
    i = j;
    return true;
  };
  const nextTok = (): Tok | null => {
    skipSpace();
    if (i >= n) return null;
    const startLine = line;
    const c = text[i];
    const atLineStart = i === 0 || text[i - 1] === '\n' || text[i - 1] === '\r';
    if (c === ';' && atLineStart) {
      // Text field: up to a line that starts with ';'.
      const m = /(\r\n|\r|\n);/g;
      m.lastIndex = i;
      const r = m.exec(text);
      if (!r) abort('truncated', 'semicolon text field is never closed', startLine, 'end it with a line that starts with ;');
      const body = text.slice(i + 1, r.index);
      for (const ch of body) if (ch === '\n') line++;
      line++; // the newline before the closing ';'
      i = r.index + r[0].length;
      return { kind: 'value', text: body.replace(/^\r?\n/, ''), line: startLine, quoted: true };
    }
    if ((c === "'" || c === '"') && text.startsWith(c.repeat(3), i)) {
      const end = text.indexOf(c.repeat(3), i + 3);
      if (end < 0) abort('truncated', 'triple-quoted string is never closed', startLine);
      const body = text.slice(i + 3, end);
      for (const ch of body) if (ch === '\n') line++;
      i = end + 3;
      return { kind: 'value', text: body, line: startLine, quoted: true };
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= n || text[j] === '\n' || text[j] === '\r') abort('syntax', `quoted string is not closed on its line`, startLine);
        if (text[j] === c && (j + 1 >= n || isWs(text[j + 1]))) break;
        j++;
      }
      const body = text.slice(i + 1, j);
      i = j + 1;
      return { kind: 'value', text: body, line: startLine, quoted: true };
    }
    if (c === '[' || c === '{') {
      // CIF 2 list/table: balanced brackets, kept as raw text.
      let depth = 0;
      let j = i;
      let q = '';
      for (; j < n; j++) {
        const d = text[j];
        if (d === '\n') line++;
        if (q) {
          if (d === q) q = '';
          continue;
        }
        if (d === "'" || d === '"') q = d;
        else if (d === '[' || d === '{') depth++;
        else if (d === ']' || d === '}') {
          depth--;
          if (depth === 0) break;
        }
      }
      if (j >= n) abort('truncated', 'list or table is never closed', startLine);
      const body = text.slice(i, j + 1);
      i = j + 1;
      return { kind: 'value', text: body, line: startLine, quoted: true };
    }
    let j = i;
    while (j < n && !isWsCode(text.charCodeAt(j))) j++;
    const word = text.slice(i, j);
    i = j;
    if (c === '_') return { kind: 'tag', text: word, line: startLine, quoted: false };
    // Only words starting with d, l, s, g can be keywords: numbers and symbols skip the lower-casing.
    if (!/^[dlsgDLSG]/.test(c)) return { kind: 'value', text: word, line: startLine, quoted: false };
    const lw = word.toLowerCase();
    if (lw.startsWith('data_')) return { kind: 'data', text: word.slice(5), line: startLine, quoted: false };
    if (lw === 'loop_') return { kind: 'loop', text: word, line: startLine, quoted: false };
    if (lw.startsWith('save_')) return { kind: 'save', text: word.slice(5), line: startLine, quoted: false };
    if (lw === 'global_') return { kind: 'global', text: word, line: startLine, quoted: false };
    if (lw === 'stop_') return { kind: 'stop', text: word, line: startLine, quoted: false };
    return { kind: 'value', text: word, line: startLine, quoted: false };
  };

  let tok = nextTok();
  const requireBlock = (t: Tok): CifBlock => {
    if (!block) abort('syntax', `"${clip(t.text)}" appears before any data_ block`, t.line, 'a CIF starts its content with data_<name>');
    return block;
  };
  while (tok) {
    const t: Tok = tok;
    if (t.kind === 'data') {
      block = { name: t.text, line: t.line, items: new Map(), loops: [], loopOf: new Map() };
      blocks.push(block);
      inSave = false;
      tok = nextTok();
    } else if (t.kind === 'save') {
      inSave = t.text !== '';
      tok = nextTok();
    } else if (t.kind === 'global') {
      // A STAR global block: parsed for syntax, not kept.
      block = { name: 'global_', line: t.line, items: new Map(), loops: [], loopOf: new Map() };
      tok = nextTok();
    } else if (t.kind === 'stop') {
      tok = nextTok();
    } else if (t.kind === 'tag') {
      const b = requireBlock(t);
      const v = nextTok();
      if (!v || v.kind !== 'value') abort('syntax', `tag ${clip(t.text)} has no value`, t.line);
      if (!inSave) b.items.set(normTag(t.text), { text: v.text, line: v.line, quoted: v.quoted });
      tok = nextTok();
    } else if (t.kind === 'loop') {
      const b = requireBlock(t);
      const tags: string[] = [];
      let x = nextTok();
      while (x && x.kind === 'tag') {
        tags.push(normTag(x.text));
        x = nextTok();
      }
      if (tags.length === 0) abort('syntax', 'loop_ has no tags', t.line);
      const loop: Loop = { tags, nrows: 0, src: text, start: [], end: [], lines: [], quotedText: new Map(), line: t.line };
      while (x && x.kind === 'value') {
        pushValue(loop, x);
        while (bareValueInto(loop));
        x = nextTok();
      }
      const nv = loop.start.length;
      if (nv % tags.length !== 0)
        abort('count-mismatch', `loop with ${tags.length} tags has ${nv} values, not a multiple of ${tags.length}`, t.line,
          'a row is missing a value, or a value with spaces is not quoted');
      loop.nrows = nv / tags.length;
      if (!inSave) {
        b.loops.push(loop);
        for (const tg of tags) b.loopOf.set(tg, loop);
      }
      tok = x;
    } else {
      requireBlock(t);
      abort('syntax', `value "${clip(t.text)}" has no tag`, t.line, 'a value with spaces must be quoted');
    }
  }
  return blocks;
}

/** CIF number: "3.1604(2)" → 3.1604; "." and "?" → null; NaN when not a number. */
export function cifNumber(v: Value | undefined): number | null {
  return v ? cifNumberText(v.text, v.quoted) : null;
}

const CIF_NUMBER = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?:\(\d+\))?$/;

function cifNumberText(text: string, quoted: boolean): number | null {
  const s = text.trim();
  if (!quoted && (s === '.' || s === '?')) return null;
  const m = CIF_NUMBER.exec(s);
  return m ? Number(m[1]) : NaN;
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles up to 1e22
/** decimalsOf() of the number read by the last loopNumber call. */
let lastDecimals = 0;

/**
 * cifNumber of loop value k, read from the text without a string for the common case (a plain decimal of at most
 * 15 significant digits: mantissa and power of ten are exact doubles, so one division rounds as Number() does).
 */
function loopNumber(loop: Loop, k: number): number | null {
  const s0 = loop.start[k], e = loop.end[k], src = loop.src;
  if (s0 >= 0) {
    let i = s0, c = src.charCodeAt(i), neg = false;
    if (c === 45 || c === 43) (neg = c === 45), (c = src.charCodeAt(++i));
    let m = 0, digits = 0, frac = 0, any = false, dot = -1;
    for (; i < e && c >= 48 && c <= 57; c = src.charCodeAt(++i)) (m = m * 10 + (c - 48)), (any = true), m && digits++;
    if (i < e && c === 46) {
      dot = i;
      for (c = src.charCodeAt(++i); i < e && c >= 48 && c <= 57; c = src.charCodeAt(++i)) (m = m * 10 + (c - 48)), (any = true), frac++, m && digits++;
    }
    if (i === e && any && digits <= 15 && frac <= 22) {
      lastDecimals = dot < 0 ? 0 : e - dot - 1;
      const r = frac ? m / POW10[frac] : m;
      return neg ? -r : r;
    }
  }
  const t = vText(loop, k);
  lastDecimals = decimalsOf(t);
  return cifNumberText(t, s0 < 0);
}

function column(b: CifBlock, tag: string): { loop: Loop; idx: number } | null {
  const loop = b.loopOf.get(tag);
  return loop ? { loop, idx: loop.tags.indexOf(tag) } : null;
}

function firstItem(b: CifBlock, tags: string[]): Value | undefined {
  for (const t of tags) {
    const v = b.items.get(t);
    if (v && !(!v.quoted && (v.text === '?' || v.text === '.'))) return v;
    const c = column(b, t);
    if (c && c.loop.nrows) return cellOf(c.loop, 0, c.idx);
  }
  return undefined;
}

const SYMOP_TAGS = ['_symmetry_equiv_pos_as_xyz', '_space_group_symop_operation_xyz'];
const HM_TAGS = ['_symmetry_space_group_name_h-m', '_space_group_name_h-m_alt', '_space_group_name_h-m_ref', '_space_group_name_h-m_full'];
const NUMBER_TAGS = ['_symmetry_int_tables_number', '_space_group_it_number'];
const HALL_TAGS = ['_symmetry_space_group_name_hall', '_space_group_name_hall'];

/** Tags of listed operations, any case, DDL1 or DDLm spelling. */
const SYMOP_TAG_RE = /_symmetry[._]equiv[._]pos[._]as[._]xyz|_space[._]group[._]symop[._]operation[._]xyz/i;

/** True when a CIF text lists no symmetry operations, so the space-group tables may be needed to read it. */
export function cifNeedsSpaceGroupTables(text: string): boolean {
  // Per data block: one without listed operations may need the tables. One pass, no copy of a large file.
  const starts: number[] = [];
  const re = /^[ \t]*data_/gim;
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index);
  return starts.some((s, k) => !SYMOP_TAG_RE.test(text.slice(s, starts[k + 1] ?? text.length)));
}

/**
 * Fractional coordinates written with few decimals (0.3333, 0.66667) that lie within this of k/12 are snapped
 * to it (→ 1/3, 2/3), as pymatgen's frac_tolerance does, so symmetry images coincide exactly. Longer numbers
 * are taken as written.
 */
const FRAC_SNAP = 1e-4;
const SNAP_MAX_DECIMALS = 5;
/** Symmetry images closer than this (Å) are the same site. */
const MERGE_DISTANCE = 0.01;

/** Digits after the decimal point of a number as written (up to an uncertainty in parentheses). */
function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  const paren = text.indexOf('(');
  return dot < 0 ? 0 : (paren < 0 ? text.length : paren) - dot - 1;
}

function snap(x: number, decimals: number): number {
  if (decimals > SNAP_MAX_DECIMALS) return x;
  const k = Math.round(x * 12);
  return Math.abs(x * 12 - k) < FRAC_SNAP * 12 ? k / 12 : x;
}

function wrap01(x: number): number {
  const f = x - Math.floor(x);
  return f >= 1 - 1e-12 ? 0 : f;
}

const IDENTITY: SymOp = { rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0] };
const norm = (s: string) => s.replace(/['"\s_]/g, '').toLowerCase();

interface Ops {
  ops: SymOp[];
  warnings: ParseIssue[];
  spaceGroup?: { symbol?: string; number?: number };
}

function symmetryOps(b: CifBlock): Ops {
  const warnings: ParseIssue[] = [];
  const hm = firstItem(b, HM_TAGS);
  const nb = firstItem(b, NUMBER_TAGS);
  const spaceGroup = { symbol: hm?.text.trim(), number: nb ? cifNumber(nb) ?? undefined : undefined };
  for (const tag of SYMOP_TAGS) {
    const c = column(b, tag);
    const single = b.items.get(tag);
    const vals = c ? Array.from({ length: c.loop.nrows }, (_, r) => cellOf(c.loop, r, c.idx)) : single ? [single] : [];
    if (vals.length === 0) continue;
    const ops = vals.map((v) => {
      const op = parseSymOp(v.text);
      if (!op) abort('bad-symmetry', `"${clip(v.text)}" is not a symmetry operation like "-x+1/2, y, z"`, v.line);
      return op;
    });
    return { ops, warnings, spaceGroup };
  }
  // No operations listed: generate them from the Hall symbol, H-M symbol or number.
  const hall = firstItem(b, HALL_TAGS);
  if (!hm && !nb && !hall) {
    warnings.push({ code: 'symmetry-generated', line: b.line, message: `data_${b.name}: no symmetry operations or space group given; read as P1 (atoms exactly as listed)` });
    return { ops: [IDENTITY], warnings, spaceGroup };
  }
  const p1 = (hm && norm(hm.text) === 'p1') || (nb && cifNumber(nb) === 1);
  if (p1) return { ops: [IDENTITY], warnings, spaceGroup };
  const t = spaceGroupTables();
  if (!t) abort('unsupported', 'this CIF gives only a space group, and the space-group tables are not loaded', hm?.line ?? nb?.line ?? hall?.line);
  let entry = null;
  let from = '';
  if (hall) {
    entry = settingForHall(t, hall.text);
    from = `Hall symbol "${hall.text.trim()}"`;
  }
  if (!entry && hm) {
    entry = settingForSymbol(t, hm.text);
    from = `symbol "${hm.text.trim()}"`;
  }
  if (!entry && nb) {
    const num = cifNumber(nb);
    if (num !== null && Number.isInteger(num) && num >= 1 && num <= 230) {
      entry = settingForNumber(t, num);
      from = `number ${num}`;
    }
  }
  if (!entry) {
    const v = hall ?? hm ?? nb!;
    abort('bad-symmetry', `unknown space group "${clip(v.text.trim())}"`, v.line, 'give the operations in a _space_group_symop_operation_xyz loop');
  }
  const setting = entry.setting ? ` setting ${entry.setting}` : '';
  warnings.push({
    code: 'symmetry-generated',
    line: (hall ?? hm ?? nb)!.line,
    message: `data_${b.name}: no operations listed; generated ${t.operations(entry).length} from ${from} as ${entry.hmShort} (No. ${entry.number}${setting}, Hall ${entry.hallSymbol})`,
  });
  return { ops: t.operations(entry), warnings, spaceGroup: { symbol: spaceGroup.symbol ?? entry.hmShort, number: spaceGroup.number ?? entry.number } };
}

/** The cell of a block from its six parameters (missing angles are 90° with a warning). */
function blockCell(b: CifBlock, warnings: ParseIssue[]): Float64Array {
  const lenTags = ['_cell_length_a', '_cell_length_b', '_cell_length_c'];
  const angTags = ['_cell_angle_alpha', '_cell_angle_beta', '_cell_angle_gamma'];
  const par: number[] = [];
  for (const tag of [...lenTags, ...angTags]) {
    const v = b.items.get(tag);
    const isAngle = angTags.includes(tag);
    if (!v) {
      if (isAngle) {
        par.push(90);
        warnings.push({ code: 'missing-field', line: b.line, message: `data_${b.name}: ${tag} missing, taken as 90°` });
        continue;
      }
      abort('missing-field', `data_${b.name} has atoms but no ${tag}`, b.line);
    }
    const x = cifNumber(v);
    if (x === null || Number.isNaN(x)) abort('bad-number', `${tag} is "${clip(v.text)}", not a number`, v.line);
    if (!(x > 0) || (isAngle && !(x < 180))) abort('bad-number', `${tag} = ${x} is out of range`, v.line);
    par.push(x);
  }
  const deg = Math.PI / 180;
  const cell = cellFromParameters({ a: par[0], b: par[1], c: par[2], alpha: par[3] * deg, beta: par[4] * deg, gamma: par[5] * deg });
  if (!cell) abort('singular-cell', `data_${b.name}: cell angles ${par.slice(3).join(', ')} do not form a cell`, b.items.get('_cell_angle_alpha')?.line ?? b.line);
  const volume = Math.abs(det3(cell));
  if (!(volume > MIN_CELL_VOLUME)) abort('singular-cell', `data_${b.name}: the cell volume (${volume.toPrecision(3)} Å³) is below ${MIN_CELL_VOLUME.toExponential()} Å³`, b.items.get('_cell_length_a')?.line ?? b.line);
  return cell;
}

/** Column indices of the atom-site loop. */
interface SiteColumns {
  loop: Loop;
  xTag: 'fract' | 'cartn';
  xyz: [number, number, number];
  type: number;
  label: number;
  occ: number;
}

function siteColumns(b: CifBlock): SiteColumns | null {
  const xTag = column(b, '_atom_site_fract_x') ? 'fract' : column(b, '_atom_site_cartn_x') ? 'cartn' : null;
  if (!xTag) return null;
  const xs = column(b, `_atom_site_${xTag}_x`)!;
  const loop = xs.loop;
  const idx = (tag: string) => loop.tags.indexOf(tag);
  const iy = idx(`_atom_site_${xTag}_y`), iz = idx(`_atom_site_${xTag}_z`);
  if (iy < 0 || iz < 0) abort('missing-field', `the atom-site loop has _atom_site_${xTag}_x but not y and z`, loop.line);
  const type = idx('_atom_site_type_symbol'), label = idx('_atom_site_label');
  if (type < 0 && label < 0) abort('missing-field', 'the atom-site loop has neither _atom_site_type_symbol nor _atom_site_label', loop.line);
  return { loop, xTag, xyz: [xs.idx, iy, iz], type, label, occ: idx('_atom_site_occupancy') };
}

/** True when every coordinate of the site loop is a placeholder (? or .): a block describing no structure. */
function onlyPlaceholders(c: SiteColumns): boolean {
  const { loop } = c;
  for (let r = 0; r < loop.nrows; r++)
    for (const k of c.xyz) {
      const j = r * loop.tags.length + k;
      if (!vPlaceholder(loop, j)) return false;
    }
  return loop.nrows > 0;
}

/** Fractional coordinates beyond this are refused (wrapping 1e300 into the cell would be silent nonsense). */
const MAX_FRACTIONAL = 1000;

/**
 * Symmetry images, merged when closer than MERGE_DISTANCE, in a hash grid with bins about 4·MERGE_DISTANCE wide
 * (only occupied bins stored): distinct sites are at least MERGE_DISTANCE apart, so a bin holds a bounded number
 * and every lookup is O(1), whatever the file (no quadratic case).
 */
class SiteSet {
  n = 0;
  readonly f: Float64Array;
  readonly z: Uint8Array;
  readonly occ: Float64Array;
  readonly row: Int32Array;
  /** Open-addressing table of bins: bin indices (3 per slot), head of the slot's site list (-1 = empty slot). */
  private readonly keys: Int32Array;
  private readonly heads: Int32Array;
  private readonly next: Int32Array;
  private readonly mask: number;
  private readonly nb: [number, number, number];
  constructor(private readonly cell: Float64Array, capacity: number) {
    this.f = new Float64Array(3 * capacity);
    this.z = new Uint8Array(capacity);
    this.occ = new Float64Array(capacity);
    this.row = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    let size = 16;
    while (size < 2 * capacity) size *= 2;
    this.mask = size - 1;
    this.keys = new Int32Array(3 * size);
    this.heads = new Int32Array(size).fill(-1);
    this.nb = cellHeights(cell).map((h) => Math.max(1, Math.min(2 ** 28, Math.floor(h / (4 * MERGE_DISTANCE))))) as [number, number, number];
  }
  /** Slot of bin (a, b, c) (indices wrapped into the cell): its own, or the empty slot where it would go. */
  private slot(a: number, b: number, c: number): number {
    const [n0, n1, n2] = this.nb;
    a = ((a % n0) + n0) % n0, b = ((b % n1) + n1) % n1, c = ((c % n2) + n2) % n2;
    let h = Math.imul(a, 0x9e3779b1) ^ b;
    h = Math.imul(h, 0x85ebca77) ^ c;
    h = Math.imul(h ^ (h >>> 15), 0xc2b2ae3d);
    const K = this.keys;
    for (let p = (h ^ (h >>> 13)) & this.mask; ; p = (p + 1) & this.mask)
      if (this.heads[p] < 0 || (K[3 * p] === a && K[3 * p + 1] === b && K[3 * p + 2] === c)) {
        K[3 * p] = a, K[3 * p + 1] = b, K[3 * p + 2] = c; // harmless for an empty slot: it stays empty until add()
        return p;
      }
  }
  /** Index of a stored site within MERGE_DISTANCE of fractional g (wrapped), or -1. Bins are 4 MERGE_DISTANCE wide. */
  find(g0: number, g1: number, g2: number): number {
    const [n0, n1, n2] = this.nb;
    const u0 = g0 * n0, u1 = g1 * n1, u2 = g2 * n2;
    const C = this.cell, f = this.f;
    // Only the bins within a quarter bin (one MERGE_DISTANCE) of the point: usually one, at most eight.
    for (let a = Math.floor(u0 - 0.25); a <= Math.floor(u0 + 0.25); a++)
      for (let b = Math.floor(u1 - 0.25); b <= Math.floor(u1 + 0.25); b++)
        for (let c = Math.floor(u2 - 0.25); c <= Math.floor(u2 + 0.25); c++)
          for (let u = this.heads[this.slot(a, b, c)]; u >= 0; u = this.next[u]) {
            let d0 = f[3 * u] - g0, d1 = f[3 * u + 1] - g1, d2 = f[3 * u + 2] - g2;
            d0 -= Math.round(d0), d1 -= Math.round(d1), d2 -= Math.round(d2);
            const x = d0 * C[0] + d1 * C[3] + d2 * C[6], y = d0 * C[1] + d1 * C[4] + d2 * C[7], w = d0 * C[2] + d1 * C[5] + d2 * C[8];
            if (x * x + y * y + w * w < MERGE_DISTANCE * MERGE_DISTANCE) return u;
          }
    return -1;
  }
  add(g0: number, g1: number, g2: number, z: number, occ: number, row: number): void {
    const u = this.n++;
    this.f[3 * u] = g0, this.f[3 * u + 1] = g1, this.f[3 * u + 2] = g2;
    this.z[u] = z, this.occ[u] = occ, this.row[u] = row;
    const [n0, n1, n2] = this.nb;
    const p = this.slot(Math.floor(g0 * n0), Math.floor(g1 * n1), Math.floor(g2 * n2));
    this.next[u] = this.heads[p];
    this.heads[p] = u;
  }
}

interface SiteRow {
  z: number;
  label: string;
  occ: number;
  f: [number, number, number];
}

/** One row of the site loop: element, fractional coordinates (snapped), occupancy; aborts naming the line. */
function readSiteRow(c: SiteColumns, r: number, cell: Float64Array, zCache: Map<string, number>): SiteRow {
  const { loop } = c;
  const base = r * loop.tags.length;
  const label = vText(loop, base + (c.label >= 0 ? c.label : c.type));
  const typeText = c.type >= 0 && !vPlaceholder(loop, base + c.type) ? vText(loop, base + c.type) : label;
  let z = zCache.get(typeText);
  if (z === undefined) zCache.set(typeText, (z = atomicNumber(typeText, true)));
  if (!z) abort('bad-element', `site "${clip(label)}": "${clip(typeText)}" is not an element symbol`, loop.lines[base + (c.type >= 0 ? c.type : c.label)]);
  const f = [0, 0, 0] as [number, number, number];
  for (let a = 0; a < 3; a++) {
    const k = base + c.xyz[a];
    const v = loopNumber(loop, k);
    if (v === null || Number.isNaN(v)) abort('bad-number', `site "${clip(label)}": ${'xyz'[a]} is "${clip(vText(loop, k))}", not a number`, loop.lines[k]);
    const limit = c.xTag === 'fract' ? MAX_FRACTIONAL : MAX_COORDINATE;
    if (!(Math.abs(v) <= limit)) abort('bad-number', `site "${clip(label)}": ${'xyz'[a]} = ${vText(loop, k)} is outside ±${limit}${c.xTag === 'fract' ? ' (a fractional coordinate)' : ' Å'}`, loop.lines[k]);
    f[a] = c.xTag === 'fract' ? snap(v, lastDecimals) : v;
  }
  if (c.xTag === 'cartn') f.splice(0, 3, ...(Array.from(cartesianToScaled(cell, f)!) as [number, number, number]));
  let occ = 1;
  if (c.occ >= 0) {
    const k = base + c.occ;
    const v = loopNumber(loop, k);
    if (v !== null) {
      if (Number.isNaN(v) || v <= 0 || v > 1.05) abort('bad-number', `site "${clip(label)}": occupancy "${clip(vText(loop, k))}" is not in (0, 1]`, loop.lines[k]);
      occ = Math.min(1, v);
    }
  }
  return { z, label, occ, f };
}

/** Expands every site by the operations, merging images; collects partial occupancy and shared positions. */
function expandSites(c: SiteColumns, cell: Float64Array, ops: SymOp[]) {
  const { loop } = c;
  const set = new SiteSet(cell, Math.min(MAX_ATOMS + 1, loop.nrows * ops.length));
  const partial = new Set<string>();
  const disorder = new Set<string>();
  const labels: string[] = [];
  const amounts = new Map<number, number>(); // composition by occupancy, per formula unit of the listed sites × images
  const zCache = new Map<string, number>();
  const sharedBy = new Int32Array(set.row.length).fill(-1);
  for (let r = 0; r < loop.nrows; r++) {
    const { z, label, occ, f: fr } = readSiteRow(c, r, cell, zCache);
    labels.push(label);
    if (occ < 1 - 1e-3) partial.add(`${label} (${occ})`);
    for (const op of ops) {
      const R = op.rotation, t = op.translation;
      const g0 = wrap01(R[0] * fr[0] + R[1] * fr[1] + R[2] * fr[2] + t[0]);
      const g1 = wrap01(R[3] * fr[0] + R[4] * fr[1] + R[5] * fr[2] + t[1]);
      const g2 = wrap01(R[6] * fr[0] + R[7] * fr[1] + R[8] * fr[2] + t[2]);
      const u = set.find(g0, g1, g2);
      if (u >= 0) {
        if (set.row[u] !== r && labels[set.row[u]] !== label && set.z[u] !== z && sharedBy[u] !== r) {
          // Two species on one site (substitutional disorder): keep the one with the larger occupancy.
          sharedBy[u] = r; // count this row's share of the site once, not once per image landing on it
          disorder.add(`${labels[set.row[u]]}/${label}`);
          amounts.set(z, (amounts.get(z) ?? 0) + occ);
          if (occ > set.occ[u]) (set.z[u] = z), (set.occ[u] = occ), (set.row[u] = r);
        }
        continue;
      }
      if (set.n >= MAX_ATOMS) abort('too-many-atoms', `expanding the symmetry gives more than ${MAX_ATOMS} atoms`, loop.line, ATOM_LIMIT_HINT);
      set.add(g0, g1, g2, z, occ, r);
      amounts.set(z, (amounts.get(z) ?? 0) + occ);
    }
  }
  return { set, labels, partial, disorder, amounts };
}

function structureFromBlock(b: CifBlock, warnings: ParseIssue[]): Structure | null {
  const c = siteColumns(b);
  if (!c) return null;
  const cell = blockCell(b, warnings);
  const { loop } = c;
  if (c.xTag === 'cartn')
    warnings.push({ code: 'ignored', line: loop.line, message: 'Cartesian atom sites read in heterolab\'s frame (a along x, b in the xy plane); _atom_sites_Cartn_transform is not applied' });
  const { ops, warnings: w2, spaceGroup } = symmetryOps(b);
  warnings.push(...w2);
  if (loop.nrows * ops.length > MAX_ATOMS)
    abort('too-many-atoms', `${loop.nrows} sites × ${ops.length} operations could exceed ${MAX_ATOMS} atoms (the atom limit)`, loop.line, ATOM_LIMIT_HINT);
  if (loop.nrows === 0) abort('empty', `data_${b.name}: the atom-site loop has no rows`, loop.line);
  const { set, labels, partial, disorder, amounts } = expandSites(c, cell, ops);
  const info: Structure['info'] = { title: b.name, spaceGroup };
  if (partial.size || disorder.size) info.compositionByOccupancy = compositionText(amounts);
  if (partial.size)
    warnings.push({ code: 'partial-occupancy', line: loop.line, message: `data_${b.name}: partial occupancy at ${[...partial].join(', ')}; each such site is kept as a full atom for building (occupancy stored per atom); composition by occupancy ${info.compositionByOccupancy}` });
  if (disorder.size)
    warnings.push({ code: 'partial-occupancy', line: loop.line, message: `data_${b.name}: sites ${[...disorder].join(', ')} share a position; the species with the larger occupancy is kept there` });
  const n = set.n;
  const frac = set.f.subarray(0, 3 * n);
  return makeStructure({
    numbers: set.z.slice(0, n),
    positions: scaledToCartesian(cell, frac),
    cell,
    pbc: [true, true, true],
    arrays: { labels: Array.from(set.row.subarray(0, n), (r) => labels[r]), ...(partial.size || disorder.size ? { occupancy: set.occ.slice(0, n) } : {}) },
    info,
  });
}

/**
 * Reads every data block of a CIF that has atom sites, expanding symmetry (listed operations, or generated
 * from the space group when only that is given; call loadSpaceGroupTables() first for such files). Blocks whose
 * site loop holds only placeholders (? or .) describe no structure: they are skipped, and the warning names the
 * blocks read instead.
 */
export function parseCif(text: string): ParseResult {
  return guard('cif', () => {
    const blocks = readCifBlocks(text);
    if (blocks.length === 0) abort('syntax', 'no data_ block found', 1, 'a CIF starts its content with data_<name>');
    const warnings: ParseIssue[] = [];
    const structures: Structure[] = [];
    const skipped: string[] = [];
    const placeholders: string[] = [];
    for (const b of blocks) {
      const c = siteColumns(b);
      if (c && onlyPlaceholders(c)) {
        placeholders.push(`data_${b.name}`);
        continue;
      }
      const s = structureFromBlock(b, warnings);
      if (s) structures.push(s);
      else skipped.push(b.name);
    }
    if (structures.length === 0) {
      const why = placeholders.length ? `; ${placeholders.join(', ')} hold only placeholders (? or .) for the coordinates` : '';
      abort('missing-field', `no data block has atom sites (_atom_site_fract_x)${skipped.length ? `: ${skipped.map((s) => `data_${s}`).join(', ')}` : ''}${why}`, blocks[0].line);
    }
    const read = structures.map((s) => `data_${s.info.title}`).join(', ');
    if (placeholders.length) warnings.push({ code: 'ignored', message: `${placeholders.join(', ')}: the site loop holds only placeholders (? or .), no structure; read ${read}` });
    if (skipped.length) warnings.push({ code: 'ignored', message: `data blocks without atom sites skipped: ${skipped.map((s) => `data_${s}`).join(', ')}; read ${read}` });
    return { structures, warnings };
  });
}
