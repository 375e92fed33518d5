import { readFileSync } from 'node:fs';
import { symbolOf } from '../core/elements';
import { formula, type Structure } from '../core/structure';
import { makeSlab, type LatticeMatch, type MatchParams } from '../compute/geometry/geometry';
import { atomsFor, type Prepared, type PrepareOptions, type SearchMode } from '../compute/interface/pipeline';
import { InterfaceService } from '../compute/interface/service';
import type { InterfaceRequest, InterfaceSpec } from '../compute/interface/types';
import type { Predictor } from '../compute/ml/predictor';
import { DEFAULTS, STRAIN_SIDES, type StrainSide } from '../core/defaults';
import { HeterolabWasm } from '../compute/geometry/wasm';
import { conventionalStandardCell } from '../io/space-groups';
import { chooseWriteFormat } from '../io/formats';
import { writeStructure, type WriteFormat } from '../io/write';
import { flagNumber, flagString, UsageError, writeOutput, type Args } from './args';

const DEG = Math.PI / 180;

let geometry: HeterolabWasm | null = null;
export async function loadGeometry(): Promise<HeterolabWasm> {
  if (geometry) return geometry;
  // Source tree (tests) or the bundle in dist-cli/.
  const candidates = ['../compute/geometry/build/heterolab.wasm', '../src/compute/geometry/build/heterolab.wasm'];
  for (const c of candidates) {
    try {
      geometry = await HeterolabWasm.fromBytes(readFileSync(new URL(c, import.meta.url)));
      return geometry;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  throw new Error('heterolab.wasm not found: run npm run build:wasm');
}

export function parseHkl(a: Args): [number, number, number] {
  const t = flagString(a, '--hkl') ?? '1,1,1';
  const parts = t.includes(',') ? t.split(',') : t.replace(/^-?/, (m) => m).match(/-?\d/g) ?? [];
  const hkl = parts.map((x) => Number(x));
  if (hkl.length !== 3 || hkl.some((x) => !Number.isInteger(x)) || hkl.every((x) => x === 0))
    throw new UsageError(`--hkl must be three integers, not all zero, like 1,1,1 (got "${t}")`);
  return hkl as [number, number, number];
}

/** The bulk in which hkl is meant: the conventional standard cell (default) or the cell as given. */
export async function bulkForHkl(s: Structure, a: Args): Promise<{ bulk: Structure; note: string; spaceGroup: string | null }> {
  const mode = flagString(a, '--hkl-cell') ?? 'conventional';
  if (mode !== 'conventional' && mode !== 'given') throw new UsageError('--hkl-cell must be conventional or given');
  if (mode === 'given') return { bulk: s, note: 'hkl in the cell as given', spaceGroup: null };
  const std = await conventionalStandardCell(s);
  if (!std) {
    // Never silently: the user's hkl now means something else than they may think.
    process.stderr.write('warning: symmetry analysis of the bulk failed, so hkl refers to the cell as given, not the conventional standard cell\n');
    return { bulk: s, note: 'symmetry analysis failed; hkl in the cell as given', spaceGroup: null };
  }
  return { bulk: std.structure, note: `hkl in the conventional standard cell of ${std.symbol} (No. ${std.number})`, spaceGroup: `${std.symbol} (${std.number})` };
}

function outFormat(path: string, a: Args): WriteFormat {
  const c = chooseWriteFormat(flagString(a, '--to'), path);
  if ('error' in c) throw new UsageError(c.error);
  return c.id;
}

export function emit(s: Structure, a: Args): void {
  const out = flagString(a, '-o') ?? flagString(a, '--output');
  if (out) writeOutput(out, writeStructure(s, outFormat(out, a)));
  else if (!a.flags.has('--json')) process.stdout.write(writeStructure(s, outFormat('x.vasp', a)));
}

const r6 = (x: number) => Number(x.toFixed(6));
const pct = (x: number) => Number((100 * x).toFixed(4));

export async function slabVerb(a: Args, read: (f: string) => Promise<Structure>): Promise<number> {
  const [file] = a.positional;
  if (!file || a.positional.length !== 1) throw new UsageError('slab needs exactly one BULK file');
  const hkl = parseHkl(a);
  const s = await read(file);
  const { bulk, note, spaceGroup } = await bulkForHkl(s, a);
  const g = await loadGeometry();
  const thickness = flagNumber(a, '--thickness', { min: 0, max: 1000 });
  const layers = thickness === undefined ? flagNumber(a, '--layers', { min: 1, max: 1000, integer: true }) ?? 4 : 0;
  const fixedLayers = flagNumber(a, '--fixed', { min: 0, max: 1000, integer: true });
  const r = makeSlab(g, bulk, {
    hkl,
    layers,
    minThickness: thickness ?? 0,
    vacuum: flagNumber(a, '--vacuum', { min: 0, max: 1000 }) ?? 15,
    termination: flagNumber(a, '--termination', { min: 0, max: 1000, integer: true }) ?? 0,
    fixedLayers,
    maxAtoms: flagNumber(a, '--max-atoms', { min: 1, max: 1e7, integer: true }) ?? DEFAULTS.maxAtoms,
  });
  // Known only once the slab is built (--thickness chooses the count): fixing every plane leaves nothing to relax.
  if (fixedLayers !== undefined && fixedLayers >= r.nPlanes)
    throw new UsageError(`--fixed ${fixedLayers} would fix every atom: the slab has ${r.nPlanes} layers, so --fixed takes 0 to ${r.nPlanes - 1}`);
  emit(r.structure, a);
  const st = r.structure;
  const summary = {
    file,
    formula: formula(st.numbers),
    nsites: st.numbers.length,
    hkl,
    hklCell: note,
    spaceGroup,
    layers: r.nPlanes,
    terminations: r.terminations,
    area: r6(Math.abs(st.cell[0] * st.cell[4] - st.cell[1] * st.cell[3])),
    a: r6(Math.hypot(st.cell[0], st.cell[1])),
    b: r6(Math.hypot(st.cell[3], st.cell[4])),
    gammaDeg: r6(Math.acos((st.cell[0] * st.cell[3] + st.cell[1] * st.cell[4]) / (Math.hypot(st.cell[0], st.cell[1]) * Math.hypot(st.cell[3], st.cell[4]))) / DEG),
    c: r6(st.cell[8]),
    fixedAtoms: Array.from({ length: st.numbers.length }, (_, i) => st.arrays.selectiveDynamics![3 * i]).filter((x) => x === 0).length,
  };
  if (a.flags.has('--json')) process.stdout.write(JSON.stringify(summary, null, 1) + '\n');
  else process.stderr.write(`slab ${summary.formula} (${hkl.join('')}): ${summary.nsites} atoms, ${summary.layers} layers, ${summary.terminations} termination(s), surface cell ${summary.a} × ${summary.b} Å, γ ${summary.gammaDeg}°; ${note}\n`);
  return 0;
}

/** The CLI's interface service: the same one the worker holds, in-process. */
let service: InterfaceService | null = null;
export function cliService(predictor?: () => Promise<Predictor>): InterfaceService {
  if (predictor || !service) service = new InterfaceService({ geometry: loadGeometry(), standardCell: conventionalStandardCell, predictor });
  return service;
}

export interface CliRequest {
  req: InterfaceRequest;
  params: MatchParams;
  prepared: Prepared;
  note: string;
  warnings: string[];
}

/** FILM SUBSTRATE_BULK and the flags that say how to prepare them (defaults from core/defaults.ts). */
export async function requestFrom(a: Args, read: (f: string) => Promise<Structure>, svc = cliService()): Promise<CliRequest> {
  const [filmFile, subFile] = a.positional;
  if (!filmFile || !subFile || a.positional.length !== 2) throw new UsageError('needs FILM and SUBSTRATE_BULK files');
  const face = flagString(a, '--face') ?? DEFAULTS.face;
  if (face !== 'bottom' && face !== 'top') throw new UsageError('--face must be bottom or top');
  const strain = (flagString(a, '--strain') ?? 'film') as StrainSide;
  if (!STRAIN_SIDES.includes(strain)) throw new UsageError(`--strain must be ${STRAIN_SIDES.join(', ')}`);
  const hklCell = flagString(a, '--hkl-cell') ?? 'conventional';
  if (hklCell !== 'conventional' && hklCell !== 'given') throw new UsageError('--hkl-cell must be conventional or given');
  const options: PrepareOptions = {
    hkl: parseHkl(a),
    face,
    strain,
    hklCell,
    layers: flagNumber(a, '--layers', { min: 1, max: 1000, integer: true }) ?? DEFAULTS.slabLayers,
    vacuum: flagNumber(a, '--vacuum', { min: 0, max: 1000 }) ?? DEFAULTS.vacuum,
    termination: flagNumber(a, '--termination', { min: 0, max: 1000, integer: true }) ?? 0,
    fixedLayers: flagNumber(a, '--fixed', { min: 0, max: 1000, integer: true }),
    maxAtoms: flagNumber(a, '--max-atoms', { min: 1, max: 1e7, integer: true }) ?? DEFAULTS.maxAtoms,
  };
  const req: InterfaceRequest = { film: await read(filmFile), substrate: await read(subFile), options };
  const params: MatchParams = {
    maxArea: flagNumber(a, '--max-area', { min: 1, max: DEFAULTS.maxAreaLimit }) ?? DEFAULTS.maxArea,
    maxStrain: (flagNumber(a, '--max-strain', { min: 0, max: 50 }) ?? DEFAULTS.maxStrainPct) / 100,
    maxAngle: (flagNumber(a, '--max-angle', { min: 0, max: 30 }) ?? DEFAULTS.maxAngleDeg) * DEG,
    angleRelative: false,
    limit: flagNumber(a, '--limit', { min: 1, max: 100000, integer: true }) ?? 50,
    maxWork: flagNumber(a, '--max-work', { min: 1, max: 1e12 }),
  };
  const pair = await svc.pair(req);
  for (const w of pair.warnings) process.stderr.write(`warning: ${w}\n`);
  return { req, params, prepared: pair.prepared, note: pair.hklNote, warnings: pair.warnings };
}

function matchJson(m: LatticeMatch, index: number, p: Prepared) {
  return {
    index,
    area: r6(m.area),
    nAtoms: atomsFor(p, m),
    strain: m.principalStrains.map(pct),
    strainTensor: [[pct(m.strainTensor[0]), pct(m.strainTensor[1])], [pct(m.strainTensor[2]), pct(m.strainTensor[3])]],
    vectorStrain: m.vectorStrains.map(pct),
    twistDeg: r6(m.twist / DEG),
    filmMatrix: m.filmMatrix,
    substrateMatrix: m.substrateMatrix,
    mirror: m.mirror,
  };
}

function describePrepared(c: CliRequest, a: Args) {
  const p = c.prepared;
  const sym = (zs: number[]) => zs.map(symbolOf).join(',');
  return {
    film: {
      file: a.positional[0],
      formula: formula(p.film.structure.numbers),
      thickness: r6(p.film.thickness),
      faces: { bottom: sym(p.film.faces.bottom), top: sym(p.film.faces.top) },
      janus: p.film.janus,
      touching: p.face,
    },
    substrate: { file: a.positional[1], formula: formula(p.slab.structure.numbers), hkl: parseHkl(a), hklCell: c.note, slabAtoms: p.slab.structure.numbers.length },
    params: { maxArea: c.params.maxArea, maxStrainPercent: c.params.maxStrain * 100, maxAngleDeg: c.params.maxAngle / DEG },
    warnings: c.warnings,
  };
}

function parseScan(t: string): [number, number, number] {
  const v = t.split(':').map(Number);
  if (v.length !== 3 || v.some((x) => !Number.isFinite(x)) || !(v[2] > 0) || v[1] < v[0] || (v[1] - v[0]) / v[2] > 100_000)
    throw new UsageError(`--twist-scan must be FROM:TO:STEP in degrees with STEP > 0 (got "${t}")`);
  return v as [number, number, number];
}

function searchMode(a: Args): SearchMode {
  const twist = flagNumber(a, '--twist', { min: -360, max: 360 });
  const scanSpec = flagString(a, '--twist-scan');
  if (twist !== undefined && scanSpec) throw new UsageError('give --twist or --twist-scan, not both');
  if (scanSpec) {
    const [from, to, step] = parseScan(scanSpec);
    return { kind: 'scan', from: from * DEG, to: to * DEG, steps: Math.round((to - from) / step) + 1 };
  }
  return twist !== undefined ? { kind: 'twist', twist: twist * DEG } : { kind: 'all' };
}

export async function matchVerb(a: Args, read: (f: string) => Promise<Structure>): Promise<number> {
  const mode = searchMode(a);
  const c = await requestFrom(a, read);
  const r = await cliService().matches(c.req, c.params, mode);
  const out: Record<string, unknown> = describePrepared(c, a);
  if (r.scan) out.scan = r.scan.map((e) => ({ twistDeg: r6(e.twist / DEG), match: e.match ? matchJson(e.match, 0, c.prepared) : null }));
  out.matches = r.matches.map((m, i) => matchJson(m, i, c.prepared));
  out.total = r.total;
  out.twistPeriodDeg = r6(r.twistPeriod / DEG);
  if (a.flags.has('--json')) process.stdout.write(JSON.stringify(out, null, 1) + '\n');
  else {
    const rows = (out.matches as ReturnType<typeof matchJson>[]).map(
      (m) => `${String(m.index).padStart(4)} ${m.area.toFixed(2).padStart(9)} ${String(m.nAtoms).padStart(6)} ${m.strain.map((x) => x.toFixed(3).padStart(8)).join('')} ${m.twistDeg.toFixed(3).padStart(9)}  [${m.filmMatrix.join('|')}] [${m.substrateMatrix.join('|')}]`,
    );
    process.stdout.write(`   #  area/Å²  atoms  strain1/% strain2/%  twist/°  film / substrate supercell\n${rows.join('\n')}\n`);
    if (rows.length === 0) process.stderr.write('no matches within the tolerances; try a larger --max-area or --max-strain\n');
  }
  if (r.total > r.matches.length) process.stderr.write(`${r.total - r.matches.length} more matches not shown (raise --limit)\n`);
  return 0;
}

/** The interface a CLI invocation asks for: the request, match --match I (at --twist), and --z/--shift. */
export async function specFrom(a: Args, read: (f: string) => Promise<Structure>, svc = cliService()): Promise<{ c: CliRequest; spec: InterfaceSpec; index: number } | null> {
  const twist = flagNumber(a, '--twist', { min: -360, max: 360 });
  const shiftText = flagString(a, '--shift') ?? '0,0';
  const shift = shiftText.split(',').map(Number);
  if (shift.length !== 2 || shift.some((x) => !Number.isFinite(x) || Math.abs(x) > 1e6)) throw new UsageError('--shift must be two fractions like 0.25,0 (|x| ≤ 1e6)');
  const z = flagNumber(a, '--z', { min: DEFAULTS.zSeparationRange[0], max: DEFAULTS.zSeparationRange[1] }) ?? DEFAULTS.startZ;
  const index = flagNumber(a, '--match', { min: 0, max: 1e6, integer: true }) ?? 0;
  const c = await requestFrom(a, read, svc);
  const { matches } = await svc.matches(c.req, { ...c.params, limit: Math.max(c.params.limit ?? 50, index + 1) }, twist !== undefined ? { kind: 'twist', twist: twist * DEG } : { kind: 'all' });
  if (matches.length === 0) return null;
  if (index >= matches.length) throw new UsageError(`--match must be 0..${matches.length - 1}`);
  return { c, index, spec: { request: c.req, match: matches[index], placement: { zSeparation: z, shift: shift as [number, number] } } };
}

/** No match within the tolerances (build, predict): exit 1, said on stderr and, with --json, as {error}. */
export function noMatch(a: Args): number {
  const message = 'no coincident supercell within the tolerances; try a larger --max-area or --max-strain';
  if (a.flags.has('--json')) process.stdout.write(JSON.stringify({ error: { code: 'no-match', message, line: null } }) + '\n');
  process.stderr.write(`error: ${message}\n`);
  return 1;
}

export async function buildVerb(a: Args, read: (f: string) => Promise<Structure>): Promise<number> {
  const out = flagString(a, '-o') ?? flagString(a, '--output');
  if (!out && !a.flags.has('--json')) throw new UsageError('build needs -o OUT (or --json for a summary only)');
  const svc = cliService();
  const r = await specFrom(a, read, svc);
  if (!r) {
    return noMatch(a);
  }
  const { c, spec, index } = r;
  const built = await svc.build(spec);
  const s = built.structure;
  s.info.title = `${formula(c.prepared.film.structure.numbers)} on ${formula(c.prepared.slab.structure.numbers)}(${parseHkl(a).join('')})`;
  for (const w of built.warnings) process.stderr.write(`warning: ${w}\n`);
  emit(s, a);
  const summary = { ...describePrepared(c, a), match: matchJson(spec.match, index, c.prepared), nsites: s.numbers.length, zSeparation: spec.placement.zSeparation, shift: spec.placement.shift, vacuum: c.req.options.vacuum, output: out ?? null, warnings: [...c.warnings, ...built.warnings] };
  if (a.flags.has('--json')) process.stdout.write(JSON.stringify(summary, null, 1) + '\n');
  else process.stderr.write(`built ${s.info.title}: ${summary.nsites} atoms, area ${summary.match.area} Å², strain ${summary.match.strain.join(' / ')} %, twist ${summary.match.twistDeg}° → ${out}\n`);
  return 0;
}
