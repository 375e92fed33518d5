/**
 * screen: films × faces × substrates × facets through the interface service, with progress on stderr, rows as
 * JSON or CSV, deterministic shards (--shard I/N, one per Slurm array task) and `screen merge` to join them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { findLibraryEntry, libraryStructure, listLibrary } from '../core/library/library';
import { basename, extname, join } from 'node:path';
import type { Structure } from '../core/structure';
import { definitionHash, janusOf, mergeShards, poolOrder, newStageTimes, rowsToCsv, runJob, SCREEN_DEFAULTS, screenJobs, screenLayout, shardFile, shardJobs, type ScreenDefinition, type ScreenFilm, type ScreenRow, type ShardFile } from '../compute/screen/screen';
import type { Predictor } from '../compute/ml/predictor';
import { DEFAULTS } from '../core/defaults';
import { FileError, flagNumber, flagString, listDirectory, UsageError, writeOutput, type Args } from './args';
import { cliService } from './geometry-verbs';
import { loadPredictor } from './ml-verbs';

const DEG = Math.PI / 180;

function facetsFrom(a: Args): [number, number, number][] {
  const t = flagString(a, '--facets');
  if (!t) return SCREEN_DEFAULTS.facets;
  return t.split(',').map((f) => {
    const m = /^(-?\d)(-?\d)(-?\d)$/.exec(f.trim()) ?? /^(-?\d+)\s+(-?\d+)\s+(-?\d+)$/.exec(f.trim());
    if (!m || [m[1], m[2], m[3]].every((x) => Number(x) === 0)) throw new UsageError(`--facets takes Miller indices like 111,110,100 (got "${f}")`);
    return [Number(m[1]), Number(m[2]), Number(m[3])] as [number, number, number];
  });
}

/** --library janus|common-2d[,metals]: which library families stand in for --films (and --substrates). */
function libraryFamilies(a: Args): Set<string> {
  const fams = new Set((flagString(a, '--library') ?? '').split(',').filter(Boolean));
  for (const f of fams) if (!['janus', 'common-2d', 'metals'].includes(f)) throw new UsageError(`--library takes janus, common-2d and/or metals (got "${f}")`);
  return fams;
}

/** --films A,B (files or library ids), --films-dir DIR (every regular file in it, by name), or --library janus. */
function filmItems(a: Args): string[] {
  const list = flagString(a, '--films'), dir = flagString(a, '--films-dir');
  const lib = [...libraryFamilies(a)].filter((f) => f !== 'metals');
  if ([list, dir, lib.length ? 'x' : undefined].filter(Boolean).length !== 1) throw new UsageError('give one of --films A,B,... | --films-dir DIR | --library janus');
  if (list) return list.split(',').filter(Boolean);
  if (dir) return listDirectory(dir).filter((f) => !f.startsWith('.') && statSync(join(dir, f), { throwIfNoEntry: false })?.isFile()).sort().map((f) => join(dir, f));
  return lib.flatMap((fam) => listLibrary({ family: fam as 'janus' | 'common-2d' }).map((e) => e.id));
}

/** A film or substrate named on the command line: an existing file, else a library id. */
async function resolveItem(item: string, read: (f: string) => Promise<Structure>): Promise<{ name: string; structure: Structure; formationEnergy: number | null }> {
  if (existsSync(item)) return { name: basename(item, extname(item)), structure: await read(item), formationEnergy: null };
  const e = findLibraryEntry(item);
  if (!e) throw new UsageError(`"${item}" is neither a file nor a library id (see: heterolab library)`);
  return { name: e.id, structure: libraryStructure(e), formationEnergy: e.family === 'metal' ? null : e.formationEnergy };
}

/** --formation-energy NAME=eV,...: formation energies (eV/atom) of films given as files. */
function formationEnergies(a: Args): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of (flagString(a, '--formation-energy') ?? '').split(',').filter(Boolean)) {
    const [k, v] = part.split('=');
    if (!k || !Number.isFinite(Number(v))) throw new UsageError(`--formation-energy takes NAME=eV/atom pairs like MoS2=0.072 (got "${part}")`);
    out.set(k, Number(v));
  }
  return out;
}

async function definitionFrom(a: Args, read: (f: string) => Promise<Structure>, models: string): Promise<ScreenDefinition> {
  const eForm = formationEnergies(a);
  const films: ScreenFilm[] = [];
  for (const f of filmItems(a)) {
    const r = await resolveItem(f, read);
    films.push({ ...r, formationEnergy: eForm.get(r.name) ?? r.formationEnergy });
  }
  const given = flagString(a, '--substrates');
  const subs = given === 'metals' || (!given && libraryFamilies(a).has('metals')) ? listLibrary({ family: 'metal' }).map((e) => e.id) : (given ?? '').split(',').filter(Boolean);
  if (!subs.length) throw new UsageError('give --substrates A,B,... (bulk files or library metals, e.g. Au,Cu) or --library metals');
  const substrates = [];
  for (const f of subs) substrates.push(await resolveItem(f, read));
  const limits = {
    maxArea: flagNumber(a, '--max-area', { min: 1, max: DEFAULTS.maxAreaLimit }) ?? SCREEN_DEFAULTS.maxArea,
    maxStrain: (flagNumber(a, '--max-strain', { min: 0, max: 50 }) ?? SCREEN_DEFAULTS.maxStrain * 100) / 100,
    maxAngle: (flagNumber(a, '--max-angle', { min: 0, max: 30 }) ?? SCREEN_DEFAULTS.maxAngle / DEG) * DEG,
    criterion: (flagString(a, '--criterion') ?? SCREEN_DEFAULTS.criterion) as 'vectors' | 'principal',
  };
  if (limits.criterion !== 'vectors' && limits.criterion !== 'principal') throw new UsageError('--criterion must be vectors or principal');
  return { films, substrates, facets: facetsFrom(a), limits, models };
}

function parseShard(t: string | undefined): { index: number; count: number } | null {
  if (!t) return null;
  const m = /^(\d+)\/(\d+)$/.exec(t);
  if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new UsageError(`--shard takes I/N with 1 ≤ I ≤ N, like 3/8 (got "${t}")`);
  return { index: Number(m[1]) - 1, count: Number(m[2]) };
}

function emitRows(a: Args, rows: ScreenRow[], shard: ShardFile | null): void {
  const out = flagString(a, '-o') ?? flagString(a, '--output');
  const text = shard ? JSON.stringify(shard) + '\n' : a.flags.has('--csv') ? rowsToCsv(rows) : JSON.stringify(rows, null, a.flags.has('--json') ? 1 : 0) + '\n';
  if (out) writeOutput(out, text);
  else process.stdout.write(text);
}

/** screen merge SHARD.json... [-o OUT] [--csv]: the shards' rows in job order, refused when they do not fit. */
function mergeVerb(a: Args): number {
  const files = a.positional.slice(1);
  if (!files.length) throw new UsageError('screen merge needs the shard files');
  let rows: ScreenRow[];
  try {
    rows = mergeShards(files.map((f) => ({ name: f, data: JSON.parse(readFileSync(f, 'utf8')) })));
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 1;
  }
  emitRows(a, rows, null);
  process.stderr.write(`merged ${files.length} shard(s): ${rows.length} rows\n`);
  return 0;
}

export async function screenVerb(a: Args, read: (f: string) => Promise<Structure>): Promise<number> {
  if (a.positional[0] === 'merge') return mergeVerb(a);
  if (a.positional.length) throw new UsageError(`screen takes flags only (or "merge FILES"), not "${a.positional[0]}"`);
  const shard = parseShard(flagString(a, '--shard'));
  const dir = flagString(a, '--models') ?? new URL('../models/', import.meta.url).pathname;
  let predictor: Predictor | null = null;
  const svc = cliService(async () => (predictor ??= await loadPredictor(dir)));
  let manifest: { name: string; version: string };
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch (e) {
    throw new FileError(`no models in ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); run npm run train or give --models DIR`);
  }
  const def = await definitionFrom(a, read, `${manifest.name} ${manifest.version}; prior ${DEFAULTS.ffModel}`);
  const janus = await Promise.all(def.films.map((f) => janusOf(svc, f)));
  const all = screenJobs(def, (f) => janus[def.films.indexOf(f)]);
  const jobs = shard ? shardJobs(all, shard.index, shard.count) : all;
  const rows: ScreenRow[] = [];
  const t0 = performance.now();
  const times = newStageTimes();
  // Both faces of a pair one after the other (they share one search, see search-cache.ts); rows go out in job order.
  for (const [k, job] of poolOrder(jobs).entries()) {
    rows.push(await runJob(svc, def, job, times));
    const el = (performance.now() - t0) / 1000, left = (el / (k + 1)) * (jobs.length - k - 1);
    const r = rows[rows.length - 1];
    process.stderr.write(`[${k + 1}/${jobs.length}] ${r.film} (${r.face} down) on ${r.substrate}(${r.hkl}): ${r.error ?? `${r.nAtoms} atoms, E_bind ${r.mlBindingEnergy} ± ${r.mlBindingEnergySigma} eV/atom`} · ${el.toFixed(1)} s, ~${left.toFixed(0)} s left\n`);
  }
  rows.sort((x, y) => x.index - y.index);
  await (predictor as Predictor | null)?.release();
  const file: ShardFile | null = shard ? shardFile(definitionHash(def), shard, screenLayout(def, (f) => janus[def.films.indexOf(f)]), rows) : null;
  emitRows(a, rows, file);
  process.stderr.write(`stages (s): match ${times.match.toFixed(1)}, build ${times.build.toFixed(1)}, force field ${times.forceField.toFixed(1)}, prediction ${times.prediction.toFixed(1)}\n`);
  process.stderr.write(`screen: ${rows.length} pairs${shard ? ` (shard ${shard.index + 1}/${shard.count} of ${all.length})` : ''}, ${rows.filter((r) => r.error).length} without an interface, ${rows.filter((r) => r.stable === 'stable').length} predicted stable, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return 0;
}
