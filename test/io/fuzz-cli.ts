/**
 * Fuzzing every CLI verb's arguments (issue 17): argv generated from each verb's grammar (its positionals and
 * flags with good values), then mutated: unknown and mistyped flags, missing values, huge / negative / NaN /
 * hex numbers, hostile paths (missing, a folder, a device, NUL bytes, very long names, markup, traversal),
 * repeated flags, `--flag=value` spellings, dropped and swapped tokens. Each argv runs through `main()` in
 * process with stdout and stderr captured. Checks: no exception escapes main, the exit code is 0, 1 or 2, every
 * non-zero exit says why on stderr ("error: …" or "usage error: …", no stack trace), `--json` output parses
 * (and on a bad-input exit carries {error: {code, message}}), and each call takes at most CLI_SECONDS.
 * Writes go only to a fresh temporary folder: an output path outside it (a relative one, a traversal) is re-rooted
 * there before the call (`confine`), since every CLI write goes through -o/--output. Deterministic for a seed (apart from timings).
 * Used by `npm run fuzz` (scripts/fuzz.mjs) and by a fixed-seed slice in test/io/fuzz.test.ts.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from '../../src/cli/args';
import { main } from '../../src/cli/main';
import { rng } from '../helpers/rng.mjs';

/**
 * Time limit per CLI call (s), wall time on a shared machine: a predict that loads the models takes ~0.3 s idle
 * and up to ~12 s was seen with 8 jobs on 2 cores, so the bound catches hangs and runaway work, not jitter.
 * Generated good values are kept small (a few hundred atoms, short scans); what is large must be refused by a
 * limit, and refusals are fast.
 */
export const CLI_SECONDS = 10;

export interface CliFuzzBug {
  kind: 'exception' | 'bad-exit' | 'no-message' | 'bad-json' | 'slow';
  argv: string[];
  detail: string;
}

export interface CliFuzzReport {
  inputs: number;
  exits: Record<string, number>;
  /** Per verb: calls, and how many ran to exit 0. */
  verbs: Record<string, { calls: number; ok: number }>;
  seconds: number;
  slowest: { seconds: number; argv: string[] };
  bugs: CliFuzzBug[];
}

type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

const FIX = 'test/fixtures/structures/';
const HOSTILE_NUMBERS = ['0', '-0', '-1', '-1e9', '1e308', '1e999', 'NaN', 'nan', 'Infinity', '-Infinity', '0x10', '1e-320', '2.5', '99999999999999999999', '1,2', '', ' ', '1e', '--1', 'undefined', '٣'];
const HOSTILE_WORDS = ['', ' ', '-', '--', '-x', '--json', '<img src=x onerror=alert(1)>', '$(rm -rf /)', '%s%n', '\u202e', 'a'.repeat(5000), '../../../../etc/passwd', '\u0000', 'null', '{}'];
const UNKNOWN_FLAGS = ['--jsn', '--hk', '--layer', '--fix', '--max_area', '--zz', '-x', '--', '--=1', '---json', '--JSON', '--help', '-h', '--verbose', '--o'];

/** The sandbox: fixtures copied in, an interface built once, and paths that must be refused. */
interface Sandbox {
  dir: string;
  structures: string[];
  bulks: string[];
  films: string[];
  iface: string;
  records: string;
  badPaths: string[];
  outPaths: string[];
}

/** Runs f with stdout and stderr captured (each capped at 64 KiB); an exception is returned, not thrown. */
export async function quiet<T>(f: () => Promise<T>): Promise<{ value?: T; error?: unknown; out: string; err: string }> {
  const cap = 1 << 16;
  let out = '', err = '';
  const ow = process.stdout.write, ew = process.stderr.write;
  // Captured, with a cap: a verb that prints a whole structure must not grow the fuzzer's memory.
  process.stdout.write = ((s: string | Uint8Array) => ((out.length < cap && (out += String(s))), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((err.length < cap && (err += String(s))), true)) as typeof process.stderr.write;
  try {
    return { value: await f(), out, err };
  } catch (error) {
    return { error, out, err };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

export async function makeSandbox(): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-cli-fuzz-'));
  mkdirSync(join(dir, 'films'));
  mkdirSync(join(dir, 'rooted'));
  const copy = (name: string, as = name) => (copyFileSync(FIX + name, join(dir, as)), join(dir, as));
  const bulks = [copy('Au_fcc_conventional.vasp'), copy('Cu_fcc_conventional.vasp'), copy('MoS2_2H.cif'), copy('W_bcc_conventional.vasp')];
  const films = [copy('MoS2_monolayer.vasp'), copy('graphene.vasp'), copy('MoS2_monolayer.vasp', 'films/MoS2.vasp')];
  const markup = copy('graphene.vasp', '<img src=x onerror=alert(1)>.vasp');
  const spaced = copy('water.xyz', 'wäter file (1).xyz');
  const structures = [...bulks, ...films, markup, spaced, copy('frames.extxyz'), copy('hBN_bulk.vasp')];
  const records = copy('hetero2d_two_records.json');
  const iface = join(dir, 'iface.extxyz');
  const built = await quiet(() => main(['build', films[1], bulks[1], '--hkl', '1,1,1', '--max-area', '12', '--layers', '3', '-o', iface]));
  if (built.value !== 0) throw new Error(`fuzz-cli: building the interface fixture failed: ${built.err}`);
  writeFileSync(join(dir, 'empty.vasp'), '');
  writeFileSync(join(dir, 'binary.cif'), Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff));
  writeFileSync(join(dir, 'not-a-shard.json'), '{"rows": [1, 2]}');
  const badPaths = [join(dir, 'missing.vasp'), dir, join(dir, 'films'), '/dev/zero', '/dev/null', join(dir, 'a\u0000b.vasp'), join(dir, 'x'.repeat(300) + '.vasp'), join(dir, 'empty.vasp'), join(dir, 'binary.cif'), join(dir, 'not-a-shard.json'), join(dir, '..', '..', 'nonexistent-hl', 'x.cif'), ''];
  const outPaths = ['out.vasp', 'out.cif', 'out.extxyz', 'POSCAR_out', 'out.in', 'out.lmp', 'geometry.in', 'out.unknown', 'out', 'out.json', 'out.csv'].map((n) => join(dir, n));
  outPaths.push(join(dir, 'no-such-folder', 'out.vasp'), dir, join(dir, 'o\u0000.vasp'), join(dir, 'y'.repeat(300) + '.cif'), join(dir, '<script>alert(1)</script>.vasp'), join(dir, 'films', '..', 'up.vasp'));
  return { dir, structures, bulks, films, iface, records, badPaths, outPaths };
}

/** Good values per flag (small: quick to run), the hostile ones are added by mutation. */
function flagValues(sb: Sandbox): Record<string, readonly string[]> {
  return {
    '--species': ['Mo,S', 'C', 'Au', 'Xx,Yy', 'Mo S'],
    '--format': ['vasp', 'cif', 'xyz', 'extxyz', 'pymatgen-json', 'hetero2d-json', 'pdb'],
    '--to': ['vasp', 'cif', 'extxyz', 'espresso-in', 'lammps-data', 'aims', 'xyz', 'pdb'],
    '-o': sb.outPaths,
    '--output': sb.outPaths,
    '--index': ['0', '1', '2'],
    '--hkl': ['1,1,1', '1,0,0', '1,1,0', '111', '0,0,1', '2,1,0', '-1,1,1', '0,0,0', '1,1'],
    '--hkl-cell': ['conventional', 'given', 'primitive'],
    '--layers': ['1', '2', '3', '4'],
    '--thickness': ['3', '6', '10'],
    '--vacuum': ['0', '10', '15', '30'],
    '--termination': ['0', '1', '5'],
    '--fixed': ['0', '1', '2', '3', '4', '1000'],
    '--max-atoms': ['50', '500', '5000', '1'],
    '--max-area': ['10', '20', '40', '60'],
    '--max-strain': ['0.5', '2', '5', '10'],
    '--max-angle': ['0', '1', '5'],
    '--twist': ['0', '30', '-15', '360'],
    '--twist-scan': ['0:30:10', '0:60:15', '10:0:1', '0:30:0', 'a:b:c', '0:1e9:1e-9'],
    '--limit': ['1', '5', '50'],
    '--face': ['bottom', 'top', 'side'],
    '--match': ['0', '1', '3'],
    '--z': ['2', '3.1', '6'],
    '--shift': ['0,0', '0.25,0.5', '1,1', '0.5'],
    '--strain': ['film', 'shared', 'substrate'],
    '--model': ['uff', 'd2', 'fit', 'lj'],
    '--cutoff': ['6', '8', '12'],
    '--film-atoms': ['1-3', '2', '1-1000000', '3-1', 'a-b'],
    '--film-from-z': ['5', '10', '20'],
    '--fmax': ['0.05', '0.5'],
    '--steps': ['1', '5', '20'],
    '--from': ['2', '3'],
    '--step': ['0.5', '1'],
    '--grid': ['1', '2', '3'],
    '--backend': ['wasm', 'cpu', 'gpu'],
    '--films': [sb.films[0], `${sb.films[0]},${sb.films[1]}`, 'MoS2', 'MoSSe-1H', 'no-such-film'],
    '--films-dir': [join(sb.dir, 'films'), join(sb.dir, 'missing-dir'), sb.films[0]],
    '--substrates': ['Au', 'Cu', sb.bulks[0], 'Zz'],
    '--facets': ['111', '100', '1 1 1', '000', '1111'],
    '--shard': ['1/1', '1/2', '2/2', '3/2', '0/1', '1/0'],
    '--criterion': ['vectors', 'principal', 'other'],
    '--formation-energy': ['MoS2=0.07', 'graphene=0', 'x', 'a=b'],
    '--models': ['models', join(sb.dir, 'missing-models'), sb.dir],
    '--max-work': ['1', '1000', '1e12'],
    '--family': ['metal', 'janus', 'common-2d', 'oxide'],
    '--element': ['Se', 'Au', 'Xx'],
    '--search': ['Mo', 'graph', ''],
    '--library': ['janus,bogus', 'bogus', 'common-2d,x'],
    '--e-form': ['0.1', '0.1,0.02', '0.1,-1', 'x'],
  };
}

interface VerbSpec {
  verb: string;
  positional: (r: Rng, sb: Sandbox) => string[];
  flags: string[];
  /** Flags (with a good value) every generated call gets before mutation, so that most calls do real work. */
  base?: (r: Rng, sb: Sandbox) => string[];
}

const FILM_SELECT = ['--film-from-z', '--film-atoms'];
const GEOMETRY = ['--hkl', '--layers', '--vacuum', '--face', '--max-area', '--max-strain', '--max-angle', '--limit', '--strain', '--hkl-cell', '--termination', '--max-atoms', '--max-work'];
const pair = (r: Rng, sb: Sandbox) => [pick(r, sb.films), pick(r, sb.bulks)];
const small = () => ['--max-area', '30', '--layers', '2'];

export const VERBS: VerbSpec[] = [
  { verb: 'info', positional: (r, sb) => Array.from({ length: int(r, 1, 3) }, () => pick(r, sb.structures)), flags: ['--json', '--species', '--format'] },
  { verb: 'convert', positional: (r, sb) => [pick(r, sb.structures)], flags: ['--to', '-o', '--output', '--index', '--species', '--format'] },
  { verb: 'slab', positional: (r, sb) => [pick(r, sb.bulks)], flags: ['--hkl', '--layers', '--thickness', '--vacuum', '--termination', '--fixed', '--hkl-cell', '-o', '--json', '--max-atoms', '--to'], base: () => ['--layers', '3'] },
  { verb: 'match', positional: pair, flags: [...GEOMETRY, '--twist', '--twist-scan', '--json'], base: small },
  { verb: 'build', positional: pair, flags: [...GEOMETRY, '--match', '--z', '--twist', '--shift', '-o', '--json'], base: (r, sb) => [...small(), '-o', pick(r, sb.outPaths)] },
  { verb: 'relax', positional: (_r, sb) => [sb.iface], flags: ['--model', '--cutoff', '--fmax', '--steps', '--backend', ...FILM_SELECT, '-o', '--json'], base: () => ['--steps', '5'] },
  { verb: 'zscan', positional: (_r, sb) => [sb.iface], flags: ['--from', '--to', '--step', '--model', '--cutoff', '--backend', ...FILM_SELECT, '--json'], base: () => ['--step', '1'] },
  { verb: 'registry-scan', positional: (_r, sb) => [sb.iface], flags: ['--grid', '--relax-z', '--model', '--cutoff', '--backend', ...FILM_SELECT, '--json'], base: () => ['--grid', '2'] },
  { verb: 'predict', positional: pair, flags: [...GEOMETRY, '--e-form', '--models', '--z', '--shift', '--json'], base: () => [...small(), '--models', 'models'] },
  { verb: 'screen', positional: (r) => (r() < 0.1 ? ['merge'] : []), flags: ['--films', '--films-dir', '--substrates', '--facets', '--max-area', '--max-strain', '--max-angle', '--criterion', '--formation-energy', '--shard', '--json', '--csv', '-o', '--models', '--library'], base: (_r, sb) => ['--films', sb.films[0], '--substrates', 'Au', '--facets', '111', '--max-area', '30', '--models', 'models'] },
  { verb: 'features', positional: (r, sb) => (r() < 0.3 ? [sb.records] : []), flags: ['-o', '--names', '--prior'] },
  { verb: 'library', positional: (r) => (r() < 0.5 ? [] : [pick(r, ['Au', 'MoS2', 'MoSSe-1H', 'graphene', 'mos2', 'Unobtainium'])]), flags: ['--family', '--element', '--search', '--json', '-o', '--to', '--vacuum', '--flip'] },
];
const SWITCH = new Set(['--json', '--csv', '--flip', '--relax-z', '--initial', '--names', '--prior']);

/** A well-formed call of one verb: its positionals, its base flags, and a few more of its flags. */
export function genArgv(r: Rng, sb: Sandbox, spec: VerbSpec = pick(r, VERBS)): string[] {
  const values = flagValues(sb);
  const argv = [spec.verb, ...spec.positional(r, sb), ...(spec.base?.(r, sb) ?? [])];
  const given = new Set(argv);
  for (let k = 0, n = int(r, 0, 4); k < n; k++) {
    const f = pick(r, spec.flags);
    if (given.has(f)) continue; // repeats come from mutation, on purpose
    given.add(f);
    argv.push(...(SWITCH.has(f) ? [f] : [f, pick(r, values[f] ?? ['1'])]));
  }
  return argv;
}

/** Damage to an argv, as a user's typo, a broken script or a hostile caller would give. */
export function mutateArgv(r: Rng, argv: string[], sb: Sandbox): string[] {
  const a = argv.slice();
  const values = flagValues(sb);
  for (let m = 0, nm = int(r, 1, 3); m < nm; m++) {
    const i = int(r, 1, Math.max(1, a.length - 1));
    switch (int(r, 0, 10)) {
      case 0: a.splice(i, 1); break; // drop a token (a value goes missing, or a flag)
      case 1: a.splice(i, 0, a[i] ?? '--json'); break; // a repeated token
      case 2: a.splice(int(r, 1, a.length), 0, pick(r, UNKNOWN_FLAGS)); break;
      case 3: { // a hostile number where a value was
        const j = a.findIndex((t, k) => k >= i && !t.startsWith('-'));
        if (j > 0) a[j] = pick(r, HOSTILE_NUMBERS);
        break;
      }
      case 4: if (i < a.length) a[i] = pick(r, HOSTILE_WORDS); break;
      case 5: a.push(pick(r, Object.keys(values))); break; // a valued flag at the end, without its value
      case 6: { // --flag=value
        const j = a.findIndex((t, k) => k >= i && t.startsWith('--') && !SWITCH.has(t));
        if (j > 0 && j + 1 < a.length) a.splice(j, 2, `${a[j]}=${a[j + 1]}`);
        break;
      }
      case 7: { // the same flag again with another value
        const f = pick(r, Object.keys(values));
        a.push(f, pick(r, values[f]), f, pick(r, [...values[f], ...HOSTILE_NUMBERS]));
        break;
      }
      case 8: { const j = int(r, 1, Math.max(1, a.length - 1)); [a[i], a[j]] = [a[j], a[i]]; break; }
      case 9: a.splice(int(r, 1, a.length), 0, pick(r, sb.badPaths)); break;
      default: a[0] = pick(r, ['', 'Info', 'slabs', 'help', '--help', 'merge', '__proto__', 'constructor', 'toString', pick(r, VERBS).verb]);
    }
    // A swap or insert at the end can leave a hole; argv never has one.
    for (let k = a.length - 1; k >= 0; k--) if (a[k] === undefined) a.splice(k, 1);
  }
  return a;
}

/** --json as the verb sees it (not when "--json" is the value of another flag). */
function wantsJson(rest: string[]): boolean {
  try {
    return parseArgs(rest).flags.has('--json');
  } catch {
    return false;
  }
}

/** The argv with every -o/--output value inside `dir` (slashes of an outside path become "_"; NUL bytes stay). */
export function confine(argv: string[], dir: string): string[] {
  const inside = (p: string) => (resolve(p.replace(/\0/g, '')).startsWith(dir + '/') ? p : join(dir, 'rooted', p.replace(/[/\\]/g, '_')));
  return argv.map((t, i) => {
    if (i === 0) return t;
    if (argv[i - 1] === '-o' || argv[i - 1] === '--output') return inside(t);
    const m = /^(-o|--output)=(.*)$/s.exec(t);
    return m ? `${m[1]}=${inside(m[2])}` : t;
  });
}

const JSON_VERBS = new Set(['info', 'slab', 'match', 'build', 'relax', 'zscan', 'registry-scan', 'predict', 'library']);

/** Checks one call's outcome; a bad one is recorded (exported so that a test can show it catches them). */
export function checkCall(argv: string[], res: { value?: number; error?: unknown; out: string; err: string }, bugs: CliFuzzBug[]): void {
  const bug = (kind: CliFuzzBug['kind'], detail: string): void => void bugs.push({ kind, argv, detail: detail.slice(0, 400) });
  if (res.error !== undefined) return bug('exception', String((res.error as Error)?.stack ?? res.error));
  const code = res.value;
  if (code !== 0 && code !== 1 && code !== 2) return bug('bad-exit', `exit ${String(code)}`);
  if (/internal error|\n\s+at \S+ \(/.test(res.err)) return bug('no-message', `stack trace on stderr: ${res.err}`);
  const [verb, ...rest] = argv;
  const json = wantsJson(rest) && JSON_VERBS.has(verb);
  const notConverged = code === 1 && (verb === 'relax') && /NOT converged|"converged": false/.test(res.out);
  let parsed: unknown;
  if (json && code !== 2 && res.out.length < 1 << 16) {
    try {
      parsed = JSON.parse(res.out);
    } catch {
      return bug('bad-json', `--json output does not parse: ${JSON.stringify(res.out.slice(0, 200))}`);
    }
  }
  if (code === 0 || notConverged) return;
  // With --json a bad input is said in the output ({error: {code, message}}, per file for info); else on stderr.
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const coded = items.some((x) => { const e = (x as { error?: { code?: unknown; message?: unknown } } | undefined)?.error; return typeof e?.code === 'string' && typeof e?.message === 'string' && e.message.length > 5; });
  if (json && code === 1 && parsed !== undefined && !coded) return bug('bad-json', `--json exit 1 without {error: {code, message}}: ${res.out.slice(0, 200)}`);
  if (!coded && !/^(usage )?error: .{5,}/m.test(res.err)) bug('no-message', `exit ${code} without "error: …" on stderr: ${JSON.stringify(res.err.slice(0, 200))}`);
}

/** Runs `count` CLI calls from `seed` (half of them mutated). The sandbox is created and removed here. */
export async function runCliFuzz(count: number, seed: number, onProgress?: (done: number, report: CliFuzzReport) => void): Promise<CliFuzzReport> {
  const r = rng(seed);
  const sb = await makeSandbox();
  const report: CliFuzzReport = { inputs: 0, exits: Object.create(null), verbs: Object.create(null), seconds: 0, slowest: { seconds: 0, argv: [] }, bugs: [] };
  const t0 = performance.now();
  try {
    for (let k = 0; k < count; k++) {
      const argv = confine(r() < 0.5 ? genArgv(r, sb) : mutateArgv(r, genArgv(r, sb), sb), sb.dir);
      const t = performance.now();
      const res = await quiet(() => main(argv));
      const dt = (performance.now() - t) / 1000;
      checkCall(argv, res, report.bugs);
      if (dt > CLI_SECONDS) report.bugs.push({ kind: 'slow', argv, detail: `${dt.toFixed(2)} s` });
      if (dt > report.slowest.seconds) report.slowest = { seconds: dt, argv };
      const key = res.error === undefined ? String(res.value) : 'exception';
      report.exits[key] = (report.exits[key] ?? 0) + 1;
      const v = (report.verbs[argv[0]] ??= { calls: 0, ok: 0 });
      v.calls++;
      if (res.value === 0) v.ok++;
      report.inputs++;
      if (onProgress && (k + 1) % 1000 === 0) onProgress(k + 1, report);
    }
  } finally {
    rmSync(sb.dir, { recursive: true, force: true });
  }
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}
