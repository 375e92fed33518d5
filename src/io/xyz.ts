import { atomicNumber } from '../core/elements';
import { makeStructure, type AtomArrays, type Pbc, type Structure } from '../core/structure';
import { MAX_ATOMS } from '../core/validate';
import { numberEnd, parseNumberAt, readNumberAt, scanFieldsAt, TextLines } from './fast-text';
import { ATOM_LIMIT_HINT, abort, clip, guard, needNumber, num, tokens, type ParseIssue, type ParseResult } from './issues';

interface Column {
  name: string;
  type: 'S' | 'R' | 'I' | 'L';
  count: number;
  offset: number;
}

/**
 * Parses the key=value pairs of an extended XYZ comment line (ASE conventions): values bare, "double quoted"
 * (with \" escapes) or {braced}; a bare key means true. Returns null on an unterminated quote.
 */
export function parseKeyValues(line: string): Map<string, string> | null {
  const out = new Map<string, string>();
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && /\s/.test(line[i])) i++;
    if (i >= n) break;
    let k = i;
    while (k < n && line[k] !== '=' && !/\s/.test(line[k])) k++;
    const key = line.slice(i, k);
    i = k;
    while (i < n && line[i] === ' ') i++;
    if (line[i] !== '=') {
      out.set(key, 'T');
      continue;
    }
    i++;
    while (i < n && line[i] === ' ') i++;
    let value = '';
    if (line[i] === '"') {
      i++;
      while (i < n && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < n) i++;
        value += line[i++];
      }
      if (i >= n) return null;
      i++;
    } else if (line[i] === '{') {
      const end = line.indexOf('}', i);
      if (end < 0) return null;
      value = line.slice(i + 1, end);
      i = end + 1;
    } else {
      let e = i;
      while (e < n && !/\s/.test(line[e])) e++;
      value = line.slice(i, e);
      i = e;
    }
    out.set(key, value);
  }
  return out;
}

function parseProperties(spec: string, lineNo: number): Column[] {
  const parts = spec.split(':');
  if (parts.length % 3 !== 0) abort('syntax', `Properties="${clip(spec)}" is not a list of name:type:count triples`, lineNo);
  const cols: Column[] = [];
  let offset = 0;
  for (let i = 0; i < parts.length; i += 3) {
    const type = parts[i + 1].toUpperCase();
    const count = num(parts[i + 2]);
    if (!['S', 'R', 'I', 'L'].includes(type) || !Number.isInteger(count) || count < 1 || count > 1000)
      abort('syntax', `Properties entry "${parts.slice(i, i + 3).join(':')}" has a bad type or count`, lineNo);
    cols.push({ name: parts[i], type: type as Column['type'], count, offset });
    offset += count;
  }
  return cols;
}

const TRUE = new Set(['T', 't', 'True', 'true', 'TRUE', '1']);
const FALSE = new Set(['F', 'f', 'False', 'false', 'FALSE', '0']);

/**
 * Reads XYZ and extended XYZ (ASE's Lattice / Properties / pbc conventions), every frame of a multi-frame file.
 * Species are symbols or, in a `Z:I:1` column, atomic numbers. A `move_mask:L:3` (or `:L:1`) column becomes
 * selective dynamics. Plain XYZ has no cell and is not periodic.
 */
export function parseXyz(text: string | Uint8Array): ParseResult {
  return guard('extxyz', () => {
    const L = new TextLines(text);
    const src = L.bytes;
    const structures: Structure[] = [];
    const warnings: ParseIssue[] = [];
    let ln = 0;
    while (ln < L.count) {
      if (L.isBlank(ln)) {
        ln++;
        continue;
      }
      const frame = structures.length + 1;
      const headerLine = ln + 1;
      const nTok = L.line(ln).trim();
      const n = num(nTok.split(/\s+/)[0]);
      if (!Number.isInteger(n) || n < 0)
        abort('syntax', `expected the number of atoms${frame > 1 ? ` of frame ${frame}` : ''}, found "${clip(nTok)}"`, headerLine);
      if (n > MAX_ATOMS) abort('too-many-atoms', `${n} atoms exceeds the limit of ${MAX_ATOMS}`, headerLine, ATOM_LIMIT_HINT);
      if (ln + 1 >= L.count) abort('truncated', `frame ${frame} has a count but no comment line`, headerLine);
      // Checked before allocating: there must be at least n more lines.
      if (ln + 2 + n > L.count)
        abort('truncated', `frame ${frame} promises ${n} atoms (line ${headerLine}) but the file has only ${Math.max(0, L.count - ln - 2)} more line(s)`, L.count);
      ln++;
      const commentNo = ln + 1;
      const comment = L.line(ln++);
      let kv = /(^|\s)(Lattice|Properties|pbc)\s*=/.test(comment) ? parseKeyValues(comment) : null;
      if (kv === null && /(^|\s)(Lattice|Properties)\s*=/.test(comment)) abort('syntax', 'unterminated quote or brace in the comment line', commentNo);
      const extended = kv !== null;
      kv ??= new Map();
      let cell = new Float64Array(9);
      let pbc: Pbc = [false, false, false];
      const lat = kv.get('Lattice');
      if (lat !== undefined) {
        const t = tokens(lat.replace(/[[\],]/g, ' '));
        if (t.length !== 9) abort('syntax', `Lattice needs 9 numbers, found ${t.length}`, commentNo);
        cell = Float64Array.from(t, (x, i) => needNumber(x, `Lattice component ${i + 1}`, commentNo));
        pbc = [true, true, true];
      }
      const pbcStr = kv.get('pbc');
      if (pbcStr !== undefined) {
        const t = tokens(pbcStr.replace(/[[\],]/g, ' '));
        if (t.length !== 3 || t.some((x) => !TRUE.has(x) && !FALSE.has(x))) abort('syntax', `pbc must be three of T/F, found "${clip(pbcStr)}"`, commentNo);
        pbc = t.map((x) => TRUE.has(x)) as Pbc;
        if (pbc.some(Boolean) && lat === undefined) abort('missing-field', 'pbc is true along some axis but no Lattice is given', commentNo);
      }
      const cols = parseProperties(kv.get('Properties') ?? 'species:S:1:pos:R:3', commentNo);
      const spec = cols.find((c) => c.name === 'species' && c.type === 'S') ?? cols.find((c) => c.name === 'Z' && c.type === 'I');
      const pos = cols.find((c) => c.name === 'pos' && c.type === 'R' && c.count === 3);
      if (!spec) abort('missing-field', 'Properties has no species:S:1 (or Z:I:1) column', commentNo);
      if (!pos) abort('missing-field', 'Properties has no pos:R:3 column', commentNo);
      const mask = cols.find((c) => c.name === 'move_mask' && c.type === 'L');
      const roleCol = cols.find((c) => c.name === 'role' && c.type === 'I' && c.count === 1);
      const width = cols.reduce((a, c) => a + c.count, 0);

      const numbers = new Uint8Array(n);
      const positions = new Float64Array(3 * n);
      const sd = mask ? new Uint8Array(3 * n) : undefined;
      const fl = new Int32Array(2 * Math.max(width, 4));
      const need = extended ? width : 4;
      const finite = (x: number) => x === x && x !== Infinity && x !== -Infinity;
      const fieldText = (k: number) => L.slice(fl[2 * k], fl[2 * k + 1]);
      const simple = spec.offset === 0 && pos.offset === 1 && !mask && !roleCol;
      const role = roleCol ? new Uint8Array(n) : undefined;
      let lastSym = '';
      let lastZ = 0;
      for (let i = 0; i < n; i++) {
        const l = ln + 1;
        if (ln >= L.count || (L.isBlank(ln) && L.restBlank(ln, n - i)))
          abort('truncated', `frame ${frame} promises ${n} atoms (line ${headerLine}) but ends after ${i}`, l);
        const s0 = L.start(ln), e0 = L.end(ln);
        ln++;
        // Common layout (species then pos, nothing else): one pass over the numbers. Otherwise scan all fields.
        let nf = 0;
        let done = false;
        if (simple) {
          nf = scanFieldsAt(src, s0, e0, fl, 1);
          let q = nf ? fl[1] : e0;
          done = nf === 1;
          for (let k = 0; k < 3 && done; k++) {
            const x = readNumberAt(src, q, e0);
            q = numberEnd;
            if (x === x && x !== Infinity && x !== -Infinity) positions[3 * i + k] = x;
            else done = false;
          }
          if (done && q < e0 && !L.isBlankFrom(q, e0)) done = !extended; // extra columns: plain XYZ ignores them
          nf = done ? 4 : 0;
        }
        if (!done) nf = scanFieldsAt(src, s0, e0, fl, need);
        if (nf < need) {
          if (nf === 0) abort('truncated', `expected atom ${i + 1} of ${n}, found an empty line`, l);
          abort('count-mismatch', `atom ${i + 1} has ${nf} columns, Properties needs ${need}`, l);
        }
        // Files list the same species over and over: reuse the last lookup when the token is the same.
        const ss = fl[2 * spec.offset], se = fl[2 * spec.offset + 1];
        let same = se - ss === lastSym.length;
        for (let q = 0; same && q < lastSym.length; q++) same = src[ss + q] === lastSym.charCodeAt(q);
        let z = lastZ;
        if (!same) {
          const st = L.slice(ss, se);
          z = spec.type === 'S' ? atomicNumber(st, true) : num(st);
          if (!(z >= 1 && z <= 118 && Number.isInteger(z))) abort('bad-element', `"${clip(st)}" is not an element`, l);
          lastSym = st;
          lastZ = z;
        }
        numbers[i] = z;
        if (!done)
          for (let k = 0; k < 3; k++) {
            const x = parseNumberAt(src, fl[2 * (pos.offset + k)], fl[2 * (pos.offset + k) + 1]);
            positions[3 * i + k] = finite(x) ? x : needNumber(fieldText(pos.offset + k), `${'xyz'[k]} of atom ${i + 1}`, l);
          }
        if (role && roleCol) {
          const v = num(fieldText(roleCol.offset));
          if (!(Number.isInteger(v) && v >= 0 && v < 256)) abort('bad-number', `role of atom ${i + 1} must be a whole number 0..255, found "${clip(fieldText(roleCol.offset))}"`, l);
          role[i] = v;
        }
        if (sd && mask) {
          for (let k = 0; k < 3; k++) {
            const f = fieldText(mask.offset + (mask.count === 3 ? k : 0));
            if (!TRUE.has(f) && !FALSE.has(f)) abort('syntax', `move_mask of atom ${i + 1} must be T or F, found "${clip(f)}"`, l);
            sd[3 * i + k] = TRUE.has(f) ? 1 : 0;
          }
        }
      }
      const arrays: AtomArrays = {};
      if (sd) arrays.selectiveDynamics = sd;
      if (role) arrays.role = role;
      const info: Record<string, unknown> = { title: extended ? undefined : comment.trim() || undefined };
      for (const [k, v] of kv) if (k !== 'Lattice' && k !== 'Properties' && k !== 'pbc') info[k] = v;
      const unused = cols.filter((c) => c !== spec && c !== pos && c !== mask && c !== roleCol).map((c) => c.name);
      if (unused.length && structures.length === 0)
        warnings.push({ code: 'ignored', line: commentNo, message: `per-atom properties not kept: ${unused.join(', ')}` });
      structures.push(makeStructure({ numbers, positions, cell, pbc, arrays, info: info as Structure['info'] }));
    }
    if (structures.length === 0) abort('empty', 'no frames found');
    return { structures, warnings };
  });
}
