/**
 * High-throughput screening (issue 14): films × faces × substrates × facets, each pair through the interface
 * service: coincidence search, the best match under the limits (smallest cell, then lowest strain), build,
 * force-field pre-relaxation (the predictors' prior: rigid z and registry relaxation), ONNX estimates ± σ, and
 * stability against the film's formation energy. The job list is deterministic, so a screen can be cut into
 * shards (one per Slurm array task) whose rows merge back into exactly the unsharded result.
 */
import { symbolOf } from '../../core/elements';
import { hashText, structureHash } from '../../core/hash';
import { DEFAULTS } from '../../core/defaults';
import type { Structure } from '../../core/structure';
import type { MatchParams } from '../geometry/geometry';
import { extractLayer } from '../geometry/geometry';
import { search } from '../interface/pipeline';
import type { InterfaceService } from '../interface/service';
import type { InterfaceRequest } from '../interface/types';
import type { ScreenRow } from '../../core/screen-table';
import { SearchCache } from './search-cache';

/** A 2D material to screen: a name, its structure and (when known) its formation energy in eV/atom. */
export interface ScreenFilm {
  name: string;
  structure: Structure;
  formationEnergy?: number | null;
}

export interface ScreenSubstrate {
  name: string;
  structure: Structure;
}

/**
 * The screen's tolerances. Defaults are Hetero2d's (heterotransmuter.aligned_hetero_structures at
 * github.com/cmdlab/Hetero2d, commit 24d4f71: max_mismatch 0.01 per lattice vector, max_area 200 Å²,
 * max_angle_diff 1°), with its per-vector ZSL criterion.
 */
export interface ScreenLimits {
  /** Å² */
  maxArea: number;
  /** fraction (0.01 = 1 %) */
  maxStrain: number;
  /** radians */
  maxAngle: number;
  criterion: 'vectors' | 'principal';
}

export const SCREEN_DEFAULTS: ScreenLimits & { facets: [number, number, number][] } = {
  maxArea: 200,
  maxStrain: 0.01,
  maxAngle: Math.PI / 180,
  criterion: 'vectors',
  facets: [[1, 1, 1], [1, 1, 0], [1, 0, 0]],
};

export interface ScreenDefinition {
  films: ScreenFilm[];
  substrates: ScreenSubstrate[];
  facets: [number, number, number][];
  limits: ScreenLimits;
  /** Model versions and settings that change the numbers (predictor version, force-field model). */
  models: string;
}

/** One pair of the screen. */
export interface ScreenJob {
  index: number;
  film: number;
  face: 'bottom' | 'top';
  substrate: number;
  hkl: [number, number, number];
  /**
   * Which coincidence search the job needs: one per (film, substrate, facet), shared by a Janus film's two
   * faces (screen.ts searches both on the face-down layer). Shards are cut along it (shardJobs).
   */
  search: number;
}

export type { ScreenRow } from '../../core/screen-table';

/**
 * The shape of a screen's job list: faces per film (2 for a Janus film, else 1), substrates and facets. It fixes
 * every job's index and search, so `merge` can check a shard's rows without the structures.
 */
export interface ScreenLayout {
  faces: number[];
  substrates: number;
  facets: number;
}

/** A job of a layout: its facet by position in the definition's list. */
export type JobSlot = Omit<ScreenJob, 'hkl'> & { facet: number };

/** The jobs of a layout in their fixed order: films, then faces, then substrates, then facets. */
export function layoutJobs(l: ScreenLayout): JobSlot[] {
  const jobs: JobSlot[] = [];
  l.faces.forEach((n, film) => {
    for (const face of (n === 2 ? ['bottom', 'top'] : ['bottom']) as ('bottom' | 'top')[])
      for (let substrate = 0; substrate < l.substrates; substrate++)
        for (let facet = 0; facet < l.facets; facet++) jobs.push({ index: jobs.length, film, face, substrate, facet, search: (film * l.substrates + substrate) * l.facets + facet });
  });
  return jobs;
}

/** The layout of a definition; `janus(film)` says which films are Janus (both faces are screened). */
export function screenLayout(def: ScreenDefinition, janus: (f: ScreenFilm) => boolean): ScreenLayout {
  return { faces: def.films.map((f) => (janus(f) ? 2 : 1)), substrates: def.substrates.length, facets: def.facets.length };
}

/**
 * Every pair in a fixed order: films, then faces (both faces of a Janus film, since they are different
 * interfaces; one face otherwise), then substrates, then facets. `janus(film)` says which films are Janus.
 */
export function screenJobs(def: ScreenDefinition, janus: (f: ScreenFilm) => boolean): ScreenJob[] {
  return layoutJobs(screenLayout(def, janus)).map(({ facet, ...j }) => ({ ...j, hkl: def.facets[facet] }));
}

/** Hash of everything that determines a screen's rows: structures, facets, limits and model versions. */
export function definitionHash(def: ScreenDefinition): string {
  return hashText(
    JSON.stringify({
      films: def.films.map((f) => [f.name, structureHash(f.structure), f.formationEnergy ?? null]),
      substrates: def.substrates.map((s) => [s.name, structureHash(s.structure)]),
      facets: def.facets,
      limits: def.limits,
      models: def.models,
    }),
  );
}


/**
 * Jobs of shard `i` of `n` (0-based): every n-th search (film, substrate, facet) with all its jobs, so the two
 * faces of a Janus film share their search in one shard, and each shard gets a mix of cheap and costly pairs.
 */
export function shardJobs<J extends Pick<ScreenJob, 'search'>>(jobs: J[], i: number, n: number): J[] {
  return jobs.filter((j) => j.search % n === i);
}

/** Whether a film's two faces differ (a Janus layer), from the project's 2D-layer detection. */
export async function janusOf(service: InterfaceService, f: ScreenFilm): Promise<boolean> {
  const r = extractLayer(await service.geometryModule(), f.structure, { vacuum: DEFAULTS.vacuum });
  return r.janus;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Seconds spent per stage, summed over jobs (for the benchmark and the CLI's summary). */
export interface StageTimes {
  match: number;
  build: number;
  forceField: number;
  prediction: number;
}

export const newStageTimes = (): StageTimes => ({ match: 0, build: 0, forceField: 0, prediction: 0 });

/** The searches this thread's screens share (see search-cache.ts). */
export const screenSearches = new SearchCache();

/** One pair, start to finish; a pair that fails is a row with an error (the screen goes on). */
/** The clock (s) stage times are read from: wall time, or (a benchmark's) CPU time of the process. */
export type StageClock = () => number;
const wallClock: StageClock = () => performance.now() / 1000;

export async function runJob(service: InterfaceService, def: ScreenDefinition, job: ScreenJob, times: StageTimes = newStageTimes(), searches: SearchCache | null = screenSearches, clock: StageClock = wallClock): Promise<ScreenRow> {
  let t = clock();
  const lap = (k: keyof StageTimes) => {
    const now = clock();
    times[k] += now - t;
    t = now;
  };
  const film = def.films[job.film], sub = def.substrates[job.substrate];
  const row: ScreenRow = {
    index: job.index, film: film.name, face: job.face, faceSide: job.face, substrate: sub.name, hkl: job.hkl.join(''),
    area: null, nAtoms: null, strain: null, twistDeg: null, ffZSeparation: null, ffBindingEnergy: null,
    mlZSeparation: null, mlZSeparationSigma: null, mlBindingEnergy: null, mlBindingEnergySigma: null,
    formationEnergy: film.formationEnergy ?? null, stable: null,
  };
  try {
    const request: InterfaceRequest = { film: film.structure, substrate: sub.structure, options: { hkl: job.hkl, face: job.face, layers: DEFAULTS.slabLayers, vacuum: DEFAULTS.vacuum } };
    const l = def.limits;
    const params: MatchParams = { maxArea: l.maxArea, maxStrain: l.maxStrain, maxAngle: l.maxAngle, criterion: l.criterion, limit: 50 };
    const { prepared } = await service.pair(request);
    // Both faces search on the file's face-down layer: the flip keeps the lattice but not the last bits of its
    // vectors, and those bits pick which of the symmetry-equivalent matches the search keeps. So the two faces
    // share one search (and its match) whether or not it is cached, in any order or shard.
    const onBottom = job.face === 'top' ? (await service.pair({ ...request, options: { ...request.options, face: 'bottom' } })).prepared : prepared;
    const g = await service.geometryModule();
    const found = await (searches ? searches.search(g, onBottom, params) : search(g, onBottom, params, { kind: 'all' }));
    lap('match');
    row.face = prepared.film.faces.bottom.map((z) => symbolOf(z)).join(','); // the layer is already flipped for 'top'
    if (!found.matches.length) return { ...row, error: 'no coincident supercell within the limits' };
    const best = bestMatch(found.matches);
    const spec = { request, match: best, placement: { zSeparation: DEFAULTS.startZ, shift: [0, 0] as [number, number] } };
    const built = await service.build(spec);
    lap('build');
    Object.assign(row, { area: r4(best.area), nAtoms: built.structure.numbers.length, strain: r4(100 * maxStrain(best)), twistDeg: r4((best.twist * 180) / Math.PI) });
    await service.prior(spec);
    lap('forceField');
    const eForm = row.formationEnergy;
    const ml = await service.predict(spec, built.structure, eForm === null ? undefined : { value: eForm, sigma: 0, source: `${film.name}: given with the screen (σ not known, 0 used)` });
    lap('prediction');
    Object.assign(row, {
      ffZSeparation: r4(ml.forceField.zSeparation), ffBindingEnergy: r4(ml.forceField.bindingEnergy),
      mlZSeparation: r4(ml.zSeparation.value), mlZSeparationSigma: r4(ml.zSeparation.sigma),
      mlBindingEnergy: r4(ml.bindingEnergy.value), mlBindingEnergySigma: r4(ml.bindingEnergy.sigma),
    });
    row.stable = stability(ml.bindingEnergy.value, ml.bindingEnergy.sigma, row.formationEnergy);
    row.pStable = eForm === null || ml.pStable === null ? null : r4(ml.pStable);
    return row;
  } catch (e) {
    return { ...row, error: (e as Error).message };
  }
}

const maxStrain = (m: { principalStrains: [number, number] }) => Math.max(...m.principalStrains.map(Math.abs));

/** The screen's match of a pair: the smallest cell (the search sorts by area), then the lowest strain among cells of that area. */
export function bestMatch<M extends { area: number; principalStrains: [number, number] }>(matches: M[]): M {
  return matches.filter((m) => m.area <= matches[0].area * (1 + 1e-6)).sort((a, b) => maxStrain(a) - maxStrain(b))[0];
}


/** The substrate stabilises the film when E_bind > E_form; decided only beyond 2σ of the binding energy. */
export function stability(eBind: number, sigma: number, eForm: number | null): ScreenRow['stable'] {
  if (eForm === null || !Number.isFinite(eForm)) return null;
  const d = eBind - eForm;
  return d > 2 * sigma ? 'stable' : d < -2 * sigma ? 'unstable' : 'undecided';
}


/**
 * What a shard file holds; `merge` checks these before joining rows. Schema 2 cuts along searches (shardJobs);
 * schema 1 files (every n-th job) are refused.
 */
export const SHARD_SCHEMA = 2;
export interface ShardFile {
  type: 'heterolab-screen-shard';
  schemaVersion: typeof SHARD_SCHEMA;
  definition: string;
  shard: { index: number; count: number };
  jobs: number;
  layout: ScreenLayout;
  rows: ScreenRow[];
}

/** The shard file of shard `shard` of a screen, its rows in job order. */
export function shardFile(definition: string, shard: { index: number; count: number }, layout: ScreenLayout, rows: ScreenRow[]): ShardFile {
  return { type: 'heterolab-screen-shard', schemaVersion: SHARD_SCHEMA, definition, shard, jobs: layoutJobs(layout).length, layout, rows };
}

/**
 * Joins shard files into the unsharded result: refuses shards of different screens, a shard given twice, a
 * missing shard, or a shard whose rows are not exactly its jobs.
 */
export function mergeShards(files: { name: string; data: unknown }[]): ScreenRow[] {
  const shards = files.map(({ name, data }) => {
    const d = data as Partial<ShardFile>;
    if (!d || d.type !== 'heterolab-screen-shard' || !d.shard || !Array.isArray(d.rows)) throw new Error(`${name}: not a heterolab screen shard file`);
    if (d.schemaVersion !== SHARD_SCHEMA)
      throw new Error(`${name}: a shard file of schema ${String(d.schemaVersion)}, not ${SHARD_SCHEMA}: ${d.schemaVersion === 1 ? 'schema 1 cut every n-th job, this version cuts along shared searches, so its shards do not fit; run all shards again with this version' : 'written by another version; run all shards again with this version'}`);
    if (!validLayout(d.layout)) throw new Error(`${name}: its layout (faces per film, substrates, facets) is missing or malformed`);
    return { name, d: d as ShardFile };
  });
  if (!shards.length) throw new Error('no shard files given');
  const { definition, jobs, layout } = shards[0].d, count = shards[0].d.shard.count;
  const slots = layoutJobs(layout);
  const seen = new Map<number, string>();
  for (const { name, d } of shards) {
    if (d.definition !== definition) throw new Error(`${name}: from a different screen (definition ${d.definition}, not ${definition}); shards must share films, substrates, facets, limits and models`);
    if (d.shard.count !== count || d.jobs !== jobs) throw new Error(`${name}: cut into ${d.shard.count} shards of ${d.jobs} jobs, not ${count} of ${jobs}`);
    if (JSON.stringify(d.layout) !== JSON.stringify(layout) || slots.length !== jobs) throw new Error(`${name}: its layout (faces per film, substrates, facets) differs from the other shards' or from its job count`);
    if (seen.has(d.shard.index)) throw new Error(`${name}: shard ${d.shard.index + 1}/${count} was given twice (also ${seen.get(d.shard.index)})`);
    seen.set(d.shard.index, name);
    const want = shardJobs(slots, d.shard.index, count).map((j) => j.index);
    if (d.rows.map((r) => r.index).join() !== want.join()) throw new Error(`${name}: its rows are not the jobs of shard ${d.shard.index + 1}/${count} (incomplete run?)`);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length) throw new Error(`shard(s) ${missing.map((i) => `${i + 1}/${count}`).join(', ')} missing`);
  return shards.flatMap((s) => s.d.rows).sort((a, b) => a.index - b.index);
}

function validLayout(l: unknown): l is ScreenLayout {
  const x = l as Partial<ScreenLayout> | undefined;
  const count = (n: unknown) => Number.isInteger(n) && (n as number) >= 0;
  return !!x && Array.isArray(x.faces) && x.faces.every((n) => n === 1 || n === 2) && count(x.substrates) && count(x.facets);
}

export { poolOrder, rowsToCsv } from '../../core/screen-table';
