/**
 * Fuzzing every reader (issue 17): grammar-aware generators for CIF and POSCAR, generators for XYZ/extXYZ,
 * pymatgen JSON, Hetero2d JSON and session files, plus mutations (byte flips, cuts, hostile tokens, line
 * deletion/duplication/swaps) of generated inputs and of the good fixtures. For each input it checks: no
 * exception escapes the reader (readStructureFile, restoreSession: only SessionError), at most 1 s per input
 * up to 1 MB, every rejection has a code and a message, every structure read has atoms and finite coordinates,
 * and harmless edits (CRLF, BOM, blank lines, tabs) give the same structure. Deterministic for a seed.
 * Used by `npm run fuzz` (scripts/fuzz.mjs, ≥ 100,000 inputs) and by a fixed-seed slice in test/io/fuzz.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readStructureFile } from '../../src/io/registry';
import { rng, type Rng } from '../helpers/rng.mjs';
import type { ParseResult } from '../../src/io/issues';
import { restoreSession, SessionError } from '../../src/state/session';

export interface FuzzBug {
  kind: 'exception' | 'slow' | 'bad-issue' | 'bad-structure' | 'harmless-edit-changed';
  format: string;
  name: string;
  detail: string;
  /** The input, as text (Latin-1 for bytes), to save as a regression fixture. */
  input: string;
}

export interface FuzzReport {
  inputs: number;
  parsed: number;
  rejected: number;
  harmlessChecked: number;
  seconds: number;
  slowest: { seconds: number; format: string; bytes: number };
  codes: Record<string, number>;
  bugs: FuzzBug[];
}

/** Per-input time limit (s) up to 1 MB; above that the limit grows by this much per MB. */
export const SECONDS_PER_INPUT = 1;

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

const HOSTILE_NUMBERS = ['0', '-0', '1e308', '-1e999', '1e400', 'NaN', 'inf', 'Infinity', '0x1', '1e-320', '99999999999999999999', '4294967297', '.', '?', '1.5(3)', '1d2', '', '--1', '1e', '+.5'];
const SPECIES = ['Mo', 'S', 'Au', 'Cu', 'C', 'H', 'O', 'Se', 'W', 'U', 'Og', 'Xx', 'D', 'Mo_pv', 'S/3f2a', 'cu', 'Fe2+', '?'];
const SPACE_GROUPS = ['P 1', 'P -1', 'F m -3 m', 'Fm-3m', 'P m 3 m', 'P 63/m m c', 'R -3 m :H', 'R -3 m H', 'F d -3 m S', 'I a 3 d', 'P 21/c', 'Q 7/z', '?', 'P 3', ''];

/** Half the generated inputs are well-formed (hostile = 0); the others get hostile tokens here and there. */
let hostile = 0;
const VALID_SPECIES = ['Mo', 'S', 'Au', 'Cu', 'C', 'H', 'O', 'Se', 'W', 'U'];
const anySpecies = (r: Rng): string => (r() < hostile ? pick(r, SPECIES) : pick(r, VALID_SPECIES));

/** A coordinate: ordinary numbers, and in hostile inputs sometimes hostile ones. */
function coord(r: Rng, scale = 1): string {
  if (r() < hostile) return pick(r, HOSTILE_NUMBERS);
  const x = (r() * 2 - 0.5) * scale;
  return r() < 0.5 ? x.toFixed(int(r, 0, 10)) : String(x);
}

export function genPoscar(r: Rng): string {
  const n = int(r, 1, 4);
  const names = Array.from({ length: n }, () => anySpecies(r));
  const counts = names.map(() => (r() < hostile ? pick(r, ['0', '-1', '1.5', 'x', '99999999']) : String(int(r, 1, 12))));
  const a = 2 + r() * 8;
  const scale = r() < hostile ? pick(r, ['0x1', '0', '-0', coord(r)]) : pick(r, ['1.0', '1', (a / 4).toFixed(3), '-' + (a * a * a).toFixed(2), '1 1 1', '0.5 2 1']);
  const lattice = [0, 1, 2].map((i) => [0, 1, 2].map((k) => (i === k ? (r() < hostile ? coord(r, 10) : (3 + r() * 5).toFixed(4)) : r() < 0.2 ? (r() * 0.5).toFixed(3) : '0')).join(' '));
  const selective = r() < 0.2;
  const mode = r() < hostile ? 'Q' : pick(r, ['Direct', 'Cartesian', 'direct', 'C', 'K']);
  const total = counts.reduce((s, c) => s + (Number.isInteger(+c) && +c > 0 && +c < 100 ? +c : 1), 0);
  const lines = [pick(r, ['POSCAR', names.join(' '), '', 'Mo S comment']), scale, ...lattice];
  if (r() < 0.85) lines.push(names.join(' '));
  lines.push(counts.join(' '));
  if (selective) lines.push('Selective dynamics');
  lines.push(mode);
  for (let i = 0; i < total; i++) {
    const xyz = [coord(r, mode[0] === 'C' ? a : 1), coord(r, a), coord(r, a)].join(' ');
    lines.push(selective ? `${xyz} ${pick(r, ['T', 'F'])} ${pick(r, ['T', 'F'])} ${r() < hostile ? 'X' : 'T'}` : r() < 0.1 ? `${xyz} ! label` : xyz);
  }
  if (r() < 0.1) lines.push('', ...Array.from({ length: total }, () => '0 0 0'));
  return lines.join('\n') + '\n';
}

function cifValue(r: Rng): string {
  return pick(r, ["'quoted value'", '"double"', 'bare', '?', '.', '\n;\ntext field\n;\n', "'''triple'''", '[1 2 [3]]', '{a:1}', coord(r)]);
}

export function genCif(r: Rng): string {
  const out: string[] = [r() < 0.3 ? '#\\#CIF_2.0' : '# generated'];
  for (let b = 0, nb = int(r, 1, 3); b < nb; b++) {
    out.push(`data_block${b}`);
    if (r() < 0.3) out.push(`_publ_section_title ${cifValue(r)}`);
    const par = ['a', 'b', 'c'].map((k) => `_cell_length_${k} ${r() < hostile ? pick(r, HOSTILE_NUMBERS) : (2 + r() * 8).toFixed(int(r, 1, 5))}${r() < 0.2 ? '(3)' : ''}`);
    const ang = ['alpha', 'beta', 'gamma'].map((k) => `_cell_angle_${k} ${r() < hostile ? pick(r, ['0', '180', '0.000019', '179.99', '?', 'x']) : pick(r, ['90', '90.0', '120', '60', String(60 + r() * 60)])}`);
    out.push(...par, ...(r() < 0.9 ? [ang.join('\n')] : []));
    const opsStyle = r();
    if (opsStyle < 0.4) out.push('loop_', pick(r, ['_symmetry_equiv_pos_as_xyz', '_space_group_symop_operation_xyz']), ...['x,y,z', ...Array.from({ length: int(r, 0, 5) }, () => (r() < hostile ? pick(r, ['-x,q,z', '1/0+x,y,z']) : pick(r, ['-x,-y,-z', "'x, y, z'", '-y,x-y,z+1/2', 'x+1/2,y+1/2,z'])))]);
    else if (opsStyle < 0.8) out.push(`_symmetry_space_group_name_H-M '${r() < hostile ? pick(r, SPACE_GROUPS) : pick(r, SPACE_GROUPS.slice(0, 11))}'`);
    else if (opsStyle < 0.9) out.push(`_space_group_IT_number ${r() < hostile ? pick(r, ['0', '231', '1.5']) : pick(r, ['1', '225', '229', '194'])}`);
    const kind = r() < 0.85 ? 'fract' : 'Cartn';
    const cols = ['_atom_site_label', '_atom_site_type_symbol', `_atom_site_${kind}_x`, `_atom_site_${kind}_y`, `_atom_site_${kind}_z`];
    if (r() < 0.3) cols.push('_atom_site_occupancy');
    if (r() < hostile) cols.splice(int(r, 0, cols.length - 1), 1);
    out.push('loop_', ...cols);
    const allPlaceholders = r() < 0.05;
    for (let i = 0, n = int(r, r() < hostile ? 0 : 1, 8); i < n; i++) {
      const sym = anySpecies(r);
      const row = [`${sym}${i + 1}`, sym, ...[0, 1, 2].map(() => (allPlaceholders ? pick(r, ['?', '.']) : coord(r) + (r() < 0.1 ? '(12)' : '')))];
      if (cols.includes('_atom_site_occupancy')) row.push(allPlaceholders ? '?' : r() < hostile ? pick(r, ['0', '-5', '1.2', 'lots']) : pick(r, ['1', '0.5', '0.25', '1.0', '?']));
      out.push(row.slice(0, r() < hostile ? row.length - 1 : row.length).join(pick(r, [' ', '  ', '\t'])));
    }
  }
  return out.join('\n') + '\n';
}

export function genXyz(r: Rng): string {
  const frames: string[] = [];
  for (let f = 0, nf = int(r, 1, 3); f < nf; f++) {
    const n = int(r, 1, 8);
    const extended = r() < 0.6;
    const a = 3 + r() * 6;
    const lat = `Lattice="${[a, 0, 0, 0, a, 0, 0, 0, a].map((x) => (r() < hostile ? pick(r, HOSTILE_NUMBERS) : String(x))).join(' ')}"`;
    const props = r() < hostile ? pick(r, ['pos:R:3', 'species:S:1:pos:R:2', 'species:X:1:pos:R:3']) : pick(r, ['species:S:1:pos:R:3', 'species:S:1:pos:R:3:forces:R:3', 'Z:I:1:pos:R:3', 'species:S:1:pos:R:3:move_mask:L:3', 'species:S:1:pos:R:3:role:I:1']);
    const comment = extended ? `${lat} Properties=${props} pbc="${r() < hostile ? 'T T' : pick(r, ['T T T', 'F F F', 'T T F'])}" energy=${coord(r)}` : r() < hostile ? pick(r, ['Lattice="1 2', 'a=b']) : pick(r, ['water', '', 'generated frame']);
    const width = extended ? props.split(':').reduce((s, x, i) => (i % 3 === 2 ? s + (Number(x) || 1) : s), 0) : 4;
    const rows = Array.from({ length: n }, () => {
      const cells = [extended && props.startsWith('Z') ? String(r() < hostile ? int(r, 0, 130) : int(r, 1, 92)) : anySpecies(r)];
      while (cells.length < width) cells.push(props.includes('move_mask') && cells.length >= 4 ? pick(r, ['T', 'F']) : props.includes('role') && cells.length === 4 ? String(r() < hostile ? int(r, 0, 300) : int(r, 0, 2)) : coord(r, a));
      return cells.join(' ');
    });
    frames.push(String(r() < hostile ? n + int(r, -1, 3) : n), comment, ...rows);
  }
  return frames.join('\n') + '\n';
}

function jsonNumber(r: Rng, x: number): unknown {
  if (r() >= hostile) return x;
  return pick<unknown>(r, [String(x), null, 'lots', -5, 1e300, [], {}, true]);
}

export function genPymatgenDict(r: Rng): Record<string, unknown> {
  const a = 3 + r() * 5;
  const n = int(r, 1, 6);
  return {
    '@module': 'pymatgen.core.structure',
    '@class': 'Structure',
    lattice: { matrix: [0, 1, 2].map((i) => [0, 1, 2].map((k) => jsonNumber(r, i === k ? a : 0))) },
    sites: Array.from({ length: n }, () => {
      const ns = r() < 0.8 ? 1 : 2;
      const species = Array.from({ length: ns }, () => ({ element: r() < hostile ? pick(r, ['Xx', '', 5]) : anySpecies(r), occu: jsonNumber(r, ns === 1 && r() < 0.8 ? 1 : 0.5) }));
      const site: Record<string, unknown> = { species, label: 'X' };
      site[r() < 0.7 ? 'abc' : 'xyz'] = [0, 1, 2].map(() => jsonNumber(r, r() * a));
      if (r() < 0.1) site.properties = { selective_dynamics: [true, false, r() < 0.5] };
      return site;
    }),
  };
}

export function genHetero2d(r: Rng): string {
  const record = () => ({ final_structure: genPymatgenDict(r), ...(r() < 0.5 ? { initial_structure: genPymatgenDict(r) } : {}), iface_idx: { '2d_layer_1': [0, int(r, -1, 9)], num_2d_layer: 1 }, Binding_Energy: jsonNumber(r, -0.1), task_label: 'generated' });
  const shape = r();
  const doc = shape < 0.4 ? record() : shape < 0.7 ? [record(), record()] : { id1: record(), id2: record() };
  return JSON.stringify(doc, null, r() < 0.5 ? 2 : undefined);
}

export function genPymatgen(r: Rng): string {
  return JSON.stringify(r() < 0.8 ? genPymatgenDict(r) : [genPymatgenDict(r), genPymatgenDict(r)], null, r() < 0.5 ? 2 : undefined);
}

// Paths from the repository root: vitest and `npm run fuzz` both run there (the harness is also bundled).
const SESSION_BASE = readFileSync('test/fixtures/sessions/v2.json', 'utf8');
const HOSTILE_VALUES: unknown[] = [0, 255, 300, -50, 1e300, -1, 0.5, 'x', null, true, [], {}, [1, 2, 3], { $typed: 'Uint8Array', data: [300] }, { $typed: 'Float64Array', data: [1e300] }, { $typed: 'Nope', data: [] }];

/** A session with one value somewhere replaced by a hostile one (or deep nesting, or an unknown field). */
export function genSession(r: Rng): string {
  const s = JSON.parse(SESSION_BASE) as Record<string, unknown>;
  for (let m = 0, nm = int(r, 1, 3); m < nm; m++) {
    let node: unknown = s;
    let parent: Record<string, unknown> | unknown[] = s;
    let key: string | number = 'placement';
    for (let depth = 0; depth < 8 && node && typeof node === 'object'; depth++) {
      const keys = Array.isArray(node) ? node.map((_, k) => k) : Object.keys(node);
      if (keys.length === 0 || (depth > 0 && r() < 0.25)) break;
      parent = node as Record<string, unknown>;
      key = pick<string | number>(r, keys);
      node = (node as Record<string | number, unknown>)[key];
    }
    const depth = int(r, 60, 2000);
    const value = r() < 0.05 ? JSON.parse('['.repeat(depth) + ']'.repeat(depth)) : structuredClone(pick(r, HOSTILE_VALUES));
    (parent as Record<string | number, unknown>)[key] = value;
  }
  let text = JSON.stringify(s);
  const deep = int(r, 100, 100_000);
  if (r() < 0.05) text = text.replace('"placement":', `"junk":${'['.repeat(deep)}${']'.repeat(deep)},"placement":`);
  return text;
}

/** Byte-level and line-level damage, as a hostile or broken upload would have. */
export function mutate(r: Rng, text: string): string {
  let t = text;
  for (let m = 0, nm = int(r, 1, 4); m < nm; m++) {
    const pos = Math.floor(r() * (t.length + 1));
    const lines = t.split('\n');
    const li = Math.floor(r() * lines.length);
    switch (int(r, 0, 7)) {
      case 0: t = t.slice(0, pos); break;
      case 1: t = t.slice(0, pos) + String.fromCharCode(int(r, 0, 255)) + t.slice(pos + 1); break;
      case 2: t = t.slice(0, pos) + pick(r, ["'", '"', ';', '\n;\n', 'loop_', '_tag', '{', '[', 'data_', '\u0000', '#', '\r', ' ', '\t', ',', ':', '}']) + t.slice(pos); break;
      case 3: lines.splice(li, 1); t = lines.join('\n'); break;
      case 4: lines.splice(li, 0, lines[li]); t = lines.join('\n'); break;
      case 5: { const lj = Math.floor(r() * lines.length); [lines[li], lines[lj]] = [lines[lj], lines[li]]; t = lines.join('\n'); break; }
      case 6: {
        const re = /-?\d+(\.\d*)?([eE][+-]?\d+)?/g;
        re.lastIndex = pos;
        const hit = re.exec(t);
        if (hit) t = t.slice(0, hit.index) + pick(r, HOSTILE_NUMBERS) + t.slice(hit.index + hit[0].length);
        break;
      }
      default: t = t.slice(0, pos) + t.slice(pos, pos + int(r, 1, 200)).repeat(int(r, 2, 50)) + t.slice(pos);
    }
  }
  return t;
}

/** Edits that must not change what a file means. JSON keeps its strings (tabs only replace indentation). */
export function harmlessEdit(r: Rng, text: string, format: string): string {
  switch (int(r, 0, 3)) {
    case 0: return text.replace(/\r?\n/g, '\r\n');
    case 1: return '\uFEFF' + text;
    case 2: return format === 'cif' ? text.replace(/\n(?=data_|loop_)/g, '\n\n\n') : text + '\n\n  \n';
    default: return format === 'vasp' || format === 'xyz' ? text.replace(/ +/g, '\t') : text.replace(/^ +/gm, (m) => '\t'.repeat(Math.ceil(m.length / 2)));
  }
}

const FIXTURE_DIR = 'test/fixtures/structures/';
const FIXTURES = readdirSync(FIXTURE_DIR).filter((n) => !n.endsWith('.md') && !n.endsWith('.py') && !n.startsWith('Cu_600')).map((n) => ({ name: n, text: readFileSync(FIXTURE_DIR + n, 'latin1') }));
const FORMAT_OF = (name: string) => (name.endsWith('.cif') ? 'cif' : name.endsWith('.json') ? 'json' : /xyz$/.test(name) ? 'xyz' : 'vasp');

export interface Case {
  format: string;
  name: string;
  text: string;
  /** Generated well-formed (before any mutation): a harmless edit of it must read the same. */
  clean: boolean;
}

const GENERATORS: [string, string, (r: Rng) => string][] = [
  ['cif', 'gen.cif', genCif],
  ['vasp', 'POSCAR', genPoscar],
  ['xyz', 'gen.extxyz', genXyz],
  ['json', 'gen.json', genPymatgen],
  ['json', 'hetero2d.json', genHetero2d],
  ['session', 'gen.heterolab.json', genSession],
];

function nextCase(r: Rng): Case {
  if (r() < 0.25) {
    const f = pick(r, FIXTURES);
    const mutated = r() < 0.8;
    return { format: FORMAT_OF(f.name), name: f.name, text: mutated ? mutate(r, f.text) : f.text, clean: !mutated };
  }
  const [format, name, gen] = pick(r, GENERATORS);
  hostile = r() < 0.5 ? 0 : 0.05;
  const text = gen(r);
  const mutated = r() < 0.4;
  return { format, name, text: mutated ? mutate(r, text) : text, clean: !mutated };
}

const latin1 = (t: string) => Uint8Array.from(t, (c) => c.charCodeAt(0) & 0xff);
const utf8 = (t: string) => new TextEncoder().encode(t);

/** What two reads must agree on: atoms, positions and cells (to 1e-9 Å), or the issue code. */
function signature(res: ParseResult): string {
  if (!res.ok) return `fail:${res.issue.code}`;
  return res.structures.map((s) => `${Array.from(s.numbers).join(',')}|${Array.from(s.positions, (x) => x.toFixed(9)).join(',')}|${Array.from(s.cell, (x) => x.toFixed(9)).join(',')}`).join(';');
}

/** Checks one reader result; a bad one is recorded in `bugs` (exported so that a test can show it catches them). */
export function checkResult(c: Case, res: ParseResult, bugs: FuzzBug[], report: FuzzReport): void {
  const bug = (kind: FuzzBug['kind'], detail: string) => bugs.push({ kind, format: c.format, name: c.name, detail, input: c.text });
  if (res.ok) {
    report.parsed++;
    if (res.structures.length === 0) bug('bad-structure', 'ok with no structures');
    for (const s of res.structures) {
      if (s.numbers.length === 0) bug('bad-structure', 'a structure with no atoms');
      if (s.positions.some((x) => !Number.isFinite(x))) bug('bad-structure', 'non-finite coordinates');
      if (s.numbers.some((z) => z < 1 || z > 118)) bug('bad-structure', 'Z outside 1..118');
    }
    return;
  }
  report.rejected++;
  report.codes[res.issue.code] = (report.codes[res.issue.code] ?? 0) + 1;
  if (!/^[a-z-]+$/.test(res.issue.code) || !(res.issue.message.length > 5) || res.issue.file !== c.name) bug('bad-issue', JSON.stringify(res.issue).slice(0, 300));
}

async function runOne(c: Case, r: Rng, report: FuzzReport): Promise<void> {
  const bugs = report.bugs;
  const t0 = performance.now();
  const bytes = c.format === 'session' ? utf8(c.text) : latin1(c.text);
  if (c.format === 'session') {
    try {
      restoreSession(c.text);
      report.parsed++;
    } catch (e) {
      if (!(e instanceof SessionError)) bugs.push({ kind: 'exception', format: c.format, name: c.name, detail: String((e as Error)?.stack ?? e).slice(0, 400), input: c.text });
      else report.rejected++;
    }
  } else {
    let res: ParseResult;
    try {
      res = await readStructureFile(c.name, bytes);
    } catch (e) {
      bugs.push({ kind: 'exception', format: c.format, name: c.name, detail: String((e as Error)?.stack ?? e).slice(0, 400), input: c.text });
      return;
    }
    checkResult(c, res, bugs, report);
    if (c.clean && res.ok && r() < 0.5) {
      const edited = harmlessEdit(r, c.text, c.format);
      const again = await readStructureFile(c.name, utf8(edited)).catch((e: Error) => ({ ok: false as const, issue: { code: 'syntax' as const, message: `exception ${e.message}` } }));
      report.harmlessChecked++;
      if (signature(again) !== signature(res)) bugs.push({ kind: 'harmless-edit-changed', format: c.format, name: c.name, detail: `${JSON.stringify(edited.slice(0, 1))}…: ${again.ok ? 'different structure' : `${again.issue.code}: ${again.issue.message}`}`, input: edited });
    }
  }
  const dt = (performance.now() - t0) / 1000;
  if (dt > report.slowest.seconds) report.slowest = { seconds: dt, format: c.format, bytes: bytes.length };
  if (dt > SECONDS_PER_INPUT * Math.max(1, bytes.length / 2 ** 20)) bugs.push({ kind: 'slow', format: c.format, name: c.name, detail: `${dt.toFixed(2)} s for ${bytes.length} bytes`, input: c.text });
}

/** Runs `count` inputs from `seed`. Deterministic: the same seed gives the same inputs and the same report. */
export async function runFuzz(count: number, seed: number, onProgress?: (done: number, report: FuzzReport) => void): Promise<FuzzReport> {
  const r = rng(seed);
  const report: FuzzReport = { inputs: 0, parsed: 0, rejected: 0, harmlessChecked: 0, seconds: 0, slowest: { seconds: 0, format: '', bytes: 0 }, codes: {}, bugs: [] };
  const t0 = performance.now();
  for (let k = 0; k < count; k++) {
    await runOne(nextCase(r), r, report);
    report.inputs++;
    if (onProgress && (k + 1) % 10_000 === 0) onProgress(k + 1, report);
  }
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}
