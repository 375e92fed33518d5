import { cellFromParameters, scaledToCartesian, cartesianToScaled } from '../core/cell';
import { atomicNumber } from '../core/elements';
import { makeStructure, type Structure } from '../core/structure';
import { MAX_ATOMS } from '../core/validate';
import { abort, clip, guard, type ParseIssue, type ParseResult } from './issues';
import { parseSymOp, settingForHall, settingForNumber, settingForSymbol, spaceGroupTables, type SymOp } from './space-groups';

interface Value {
  text: string;
  line: number;
  /** Quoted or text-field values are never numbers or null markers. */
  quoted: boolean;
}

interface Loop {
  tags: string[];
  rows: Value[][];
  line: number;
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
  const nextTok = (): Tok | null => {
    for (;;) {
      while (i < n && isWs(text[i])) {
        if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) line++;
        i++;
      }
      if (i >= n) return null;
      if (text[i] === '#') {
        while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
        continue;
      }
      break;
    }
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
    while (j < n && !isWs(text[j])) j++;
    const word = text.slice(i, j);
    i = j;
    const lw = word.toLowerCase();
    if (c === '_') return { kind: 'tag', text: word, line: startLine, quoted: false };
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
      const values: Value[] = [];
      while (x && x.kind === 'value') {
        values.push({ text: x.text, line: x.line, quoted: x.quoted });
        x = nextTok();
      }
      if (values.length % tags.length !== 0)
        abort('count-mismatch', `loop with ${tags.length} tags has ${values.length} values, not a multiple of ${tags.length}`, t.line,
          'a row is missing a value, or a value with spaces is not quoted');
      const loop: Loop = { tags, rows: [], line: t.line };
      for (let k = 0; k < values.length; k += tags.length) loop.rows.push(values.slice(k, k + tags.length));
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
  if (!v) return null;
  const s = v.text.trim();
  if (!v.quoted && (s === '.' || s === '?')) return null;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?:\(\d+\))?$/.exec(s);
  return m ? Number(m[1]) : NaN;
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
    if (c && c.loop.rows.length) return c.loop.rows[0][c.idx];
  }
  return undefined;
}

const SYMOP_TAGS = ['_symmetry_equiv_pos_as_xyz', '_space_group_symop_operation_xyz'];
const HM_TAGS = ['_symmetry_space_group_name_h-m', '_space_group_name_h-m_alt', '_space_group_name_h-m_ref', '_space_group_name_h-m_full'];
const NUMBER_TAGS = ['_symmetry_int_tables_number', '_space_group_it_number'];
const HALL_TAGS = ['_symmetry_space_group_name_hall', '_space_group_name_hall'];

/** True when a CIF text lists no symmetry operations, so the space-group tables may be needed to read it. */
export function cifNeedsSpaceGroupTables(text: string): boolean {
  // Per data block: one without listed operations may need the tables.
  const chunks = text.toLowerCase().replace(/\./g, '_').split(/^\s*data_/m).slice(1);
  return chunks.some((t) => !SYMOP_TAGS.some((s) => t.includes(s)));
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

function snap(x: number, text: string): number {
  const dot = text.indexOf('.');
  const decimals = dot < 0 ? 0 : text.replace(/\(.*$/, '').length - dot - 1;
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
    const vals = c ? c.loop.rows.map((r) => r[c.idx]) : single ? [single] : [];
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

function structureFromBlock(b: CifBlock, warnings: ParseIssue[]): Structure | null {
  const lenTags = ['_cell_length_a', '_cell_length_b', '_cell_length_c'];
  const angTags = ['_cell_angle_alpha', '_cell_angle_beta', '_cell_angle_gamma'];
  const xTag = column(b, '_atom_site_fract_x') ? 'fract' : column(b, '_atom_site_cartn_x') ? 'cartn' : null;
  if (!xTag) return null;
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

  const xs = column(b, `_atom_site_${xTag}_x`)!;
  const loop = xs.loop;
  const idx = (tag: string) => loop.tags.indexOf(tag);
  const ix = xs.idx, iy = idx(`_atom_site_${xTag}_y`), iz = idx(`_atom_site_${xTag}_z`);
  if (iy < 0 || iz < 0) abort('missing-field', `the atom-site loop has _atom_site_${xTag}_x but not y and z`, loop.line);
  const iType = idx('_atom_site_type_symbol');
  const iLabel = idx('_atom_site_label');
  const iOcc = idx('_atom_site_occupancy');
  if (iType < 0 && iLabel < 0) abort('missing-field', 'the atom-site loop has neither _atom_site_type_symbol nor _atom_site_label', loop.line);
  if (xTag === 'cartn')
    warnings.push({ code: 'ignored', line: loop.line, message: 'Cartesian atom sites read in heterolab\'s frame (a along x, b in the xy plane); _atom_sites_Cartn_transform is not applied' });

  const { ops, warnings: w2, spaceGroup } = symmetryOps(b);
  warnings.push(...w2);
  const nSites = loop.rows.length;
  if (nSites * ops.length > MAX_ATOMS) abort('too-many-atoms', `${nSites} sites × ${ops.length} operations could exceed ${MAX_ATOMS} atoms`, loop.line);

  type Site = { z: number; f: [number, number, number]; label: string; occ: number; line: number };
  const unique: Site[] = [];
  const partial: string[] = [];
  const disorder: string[] = [];
  // Hash grid over wrapped fractional coordinates to find coincident images quickly.
  const grid = new Map<string, number[]>();
  const res = 64;
  const key = (f: number[]) => f.map((x) => Math.floor(x * res) % res).join(',');
  const near = (f: number[], g: number[]): boolean => {
    let d = [f[0] - g[0], f[1] - g[1], f[2] - g[2]];
    d = d.map((x) => x - Math.round(x));
    const c = scaledToCartesian(cell, d);
    return c[0] * c[0] + c[1] * c[1] + c[2] * c[2] < MERGE_DISTANCE * MERGE_DISTANCE;
  };
  const findNear = (f: number[]): number => {
    const base = f.map((x) => Math.floor(x * res));
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (let dz = -1; dz <= 1; dz++) {
          const k = [base[0] + dx, base[1] + dy, base[2] + dz].map((q) => ((q % res) + res) % res).join(',');
          for (const u of grid.get(k) ?? []) if (near(unique[u].f, f)) return u;
        }
    return -1;
  };
  for (const row of loop.rows) {
    const line = row[ix].line;
    const label = iLabel >= 0 ? row[iLabel].text : row[iType].text;
    const typeText = iType >= 0 && !(row[iType].text === '?' || row[iType].text === '.') ? row[iType].text : label;
    const z = atomicNumber(typeText, true);
    if (!z) abort('bad-element', `site "${clip(label)}": "${clip(typeText)}" is not an element symbol`, row[iType >= 0 ? iType : iLabel].line);
    const f0 = [ix, iy, iz].map((k, a) => {
      const v = cifNumber(row[k]);
      if (v === null || Number.isNaN(v)) abort('bad-number', `site "${clip(label)}": ${'xyz'[a]} is "${clip(row[k].text)}", not a number`, row[k].line);
      return v;
    });
    let occ = 1;
    if (iOcc >= 0) {
      const v = cifNumber(row[iOcc]);
      if (v !== null) {
        if (Number.isNaN(v) || v <= 0 || v > 1.05) abort('bad-number', `site "${clip(label)}": occupancy "${clip(row[iOcc].text)}" is not in (0, 1]`, row[iOcc].line);
        occ = Math.min(1, v);
      }
    }
    if (occ < 1 - 1e-3) partial.push(`${label} (${occ})`);
    const fr = xTag === 'cartn' ? Array.from(cartesianToScaled(cell, f0)!) : f0.map((x, a) => snap(x, row[[ix, iy, iz][a]].text));
    for (const op of ops) {
      const R = op.rotation, t = op.translation;
      const g: [number, number, number] = [0, 1, 2].map((r) =>
        wrap01(R[3 * r] * fr[0] + R[3 * r + 1] * fr[1] + R[3 * r + 2] * fr[2] + t[r])) as [number, number, number];
      const u = findNear(g);
      if (u >= 0) {
        const other = unique[u];
        if (other.label !== label && other.z !== z) {
          // Two species on one site (substitutional disorder): keep the one with the larger occupancy.
          disorder.push(`${other.label}/${label}`);
          if (occ > other.occ) unique[u] = { z, f: g, label, occ, line };
        }
        continue;
      }
      const k = key(g);
      let list = grid.get(k);
      if (!list) grid.set(k, (list = []));
      list.push(unique.length);
      unique.push({ z, f: g, label, occ, line });
      if (unique.length > MAX_ATOMS) abort('too-many-atoms', `expanding the symmetry gives more than ${MAX_ATOMS} atoms`, loop.line);
    }
  }
  if (partial.length)
    warnings.push({ code: 'partial-occupancy', line: loop.line, message: `data_${b.name}: partial occupancy at ${[...new Set(partial)].join(', ')}; each such site is kept as a full atom (occupancy stored per atom)` });
  if (disorder.length)
    warnings.push({ code: 'partial-occupancy', line: loop.line, message: `data_${b.name}: sites ${[...new Set(disorder)].join(', ')} share a position; the species with the larger occupancy is kept there` });
  const n = unique.length;
  if (n === 0) abort('empty', `data_${b.name}: the atom-site loop has no rows`, loop.line);
  const numbers = Uint8Array.from(unique, (s) => s.z);
  const frac = new Float64Array(3 * n);
  unique.forEach((s, k) => frac.set(s.f, 3 * k));
  const occupancy = Float64Array.from(unique, (s) => s.occ);
  return makeStructure({
    numbers,
    positions: scaledToCartesian(cell, frac),
    cell,
    pbc: [true, true, true],
    arrays: { labels: unique.map((s) => s.label), ...(partial.length || disorder.length ? { occupancy } : {}) },
    info: { title: b.name, spaceGroup },
  });
}

/**
 * Reads every data block of a CIF that has atom sites, expanding symmetry (listed operations, or generated
 * from the space group when only that is given; call loadSpaceGroupTables() first for such files).
 */
export function parseCif(text: string): ParseResult {
  return guard('cif', () => {
    const blocks = readCifBlocks(text);
    if (blocks.length === 0) abort('syntax', 'no data_ block found', 1, 'a CIF starts its content with data_<name>');
    const warnings: ParseIssue[] = [];
    const structures: Structure[] = [];
    const skipped: string[] = [];
    for (const b of blocks) {
      const s = structureFromBlock(b, warnings);
      if (s) structures.push(s);
      else skipped.push(b.name);
    }
    if (structures.length === 0) abort('missing-field', `no data block has atom sites (_atom_site_fract_x): ${skipped.map((s) => `data_${s}`).join(', ')}`, blocks[0].line);
    if (skipped.length) warnings.push({ code: 'ignored', message: `data blocks without atom sites skipped: ${skipped.map((s) => `data_${s}`).join(', ')}` });
    return { structures, warnings };
  });
}
