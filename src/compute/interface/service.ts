/**
 * The interface service: film + bulk + options → prepared pair (conventional cell, 2D layer, slab, search) →
 * placement → built interface + estimates, and the scans and relaxation of a built interface. The one place
 * this workflow is composed: the worker holds one service (its caches live as long as the worker), the CLI
 * calls one in-process. Requests of one kind that a newer one replaced before they started are dropped.
 */
import { DEFAULTS } from '../../core/defaults';
import { formula, makeStructure, type Structure } from '../../core/structure';
import { reduceTwist, twistPeriod } from '../../core/twist';
import { extractLayer, inPlaneBasis, type LatticeMatch, type MatchParams } from '../geometry/geometry';
import { GeometryError, type HeterolabWasm } from '../geometry/wasm';
import type { FFParams } from '../ff/model';
import { bindingEnergy, registryScan, relaxRigid, withFilmsAbove, zScan, zSeparation, type FFBackend, type Progress } from '../ff/ops';
import { rigidLayersBackend } from '../ff/table-wasm';
import { webgpuRigidLayersBackend } from '../ff/table-webgpu';
import { selectBackend, type BackendChoice, type SelectedBackend } from '../ff/select';
import { systemFromStructure } from '../ff/system';
import { wasmBackend } from '../ff/wasm-backend';
import { estimateInterface, type Prior } from '../ml/estimate';
import type { FormationEnergy } from '../ml/stability';
import type { Predictor } from '../ml/predictor';
import { forceFieldPrior } from '../ml/prior';
import { layerSymmetry } from '../ml/symmetry';
import { checkBuilt, slabGapWarning } from './checks';
import { atomsFor, assemble, cellBelow, prepare, search, searchOnCell, stackAtoms, type Prepared, type SearchMode, type UpperFilm } from './pipeline';
import { bottomPair } from './stack';
import type { BuiltInterface, EstimateOptions, FFEvaluation, InterfaceRequest, InterfaceSpec, MatchesReply, Placed, Superseded, UpperMatchesReply } from './types';

/** A bulk's conventional standard cell, from io's symmetry analysis (injected: compute does not import io). */
export type StandardCell = (s: Structure) => Promise<{ structure: Structure; symbol: string; number: number } | null>;

export interface ServiceDeps {
  geometry: Promise<HeterolabWasm>;
  standardCell: StandardCell;
  /** navigator.gpu (or the Node package's GPU) for the WebGPU force-field backend. */
  gpu?: () => GPU | undefined;
  predictor?: () => Promise<Predictor>;
}

interface PreparedPair {
  prepared: Prepared;
  hklNote: string;
  warnings: string[];
  /** A problem of the slab itself (a 2D layer given as substrate): said with the matches and with every build. */
  slabWarning: string | null;
}

const key = (s: Structure) => `${s.id}:${s.revision}`;

/** A small map that forgets its oldest entry beyond `max`. */
class Lru<V> extends Map<string, V> {
  constructor(
    private max: number,
    private evicted?: (v: V) => void,
  ) {
    super();
  }
  put(k: string, v: V): V {
    this.delete(k);
    this.set(k, v);
    if (this.size > this.max) {
      const [oldest, old] = this.entries().next().value!;
      this.delete(oldest);
      this.evicted?.(old);
    }
    return v;
  }
}

/**
 * Interfaces from this size (atoms) run scans and pre-relaxations on the tabulated rigid-layer potential
 * (compute/ff/table-wasm.ts), cached per interface cell; smaller ones use the exact pair sum, which is then
 * cheaper than building the tables (measured at 2,052 atoms, d2: relaxation 2.3 s exact vs ~0.1 s on tables
 * after a 1–2 s build; `FF_BENCH=table npm run bench -- ff-bench`).
 */
export const RIGID_TABLE_MIN_ATOMS = 1000;

/** What identifies a request's film/substrate pair and its options. */
export function requestKey(r: InterfaceRequest): string {
  return `${key(r.film)}|${key(r.substrate)}|${JSON.stringify(r.options)}`;
}

const matchKey = (m: LatticeMatch) => JSON.stringify([m.filmMatrix, m.substrateMatrix, m.twist]);

/** What identifies one built interface: pair, match, every film's placement. */
export function specKey(s: InterfaceSpec): string {
  const ups = (s.uppers ?? []).map((u) => [key(u.film), u.face, matchKey(u.match), u.zSeparation, u.shift]);
  return `${requestKey(s.request)}|${matchKey(s.match)}|${s.placement.zSeparation}|${s.placement.shift}|${JSON.stringify(ups)}`;
}

/** What identifies the interface cell (placements left out): the predictors' force-field prior depends only on it. */
export function cellKey(s: InterfaceSpec): string {
  const ups = (s.uppers ?? []).map((u) => [key(u.film), u.face, matchKey(u.match)]);
  return `${requestKey(s.request)}|${matchKey(s.match)}|${JSON.stringify(ups)}`;
}

export class InterfaceService {
  private pairs = new Lru<Promise<PreparedPair>>(8);
  /** Standard cells per substrate bulk: a screen prepares each substrate once per film, face and facet. */
  private standard = new Lru<ReturnType<StandardCell>>(64);
  private layers = new Lru<Structure>(16);
  private built = new Lru<BuiltInterface>(16);
  private priors = new Lru<Promise<Prior>>(64);
  /** Space group of each film's 2D layer in its own cell (film_symmetry_ops): a screen reuses a film's for every substrate. */
  private filmGroups = new Lru<Promise<number | null>>(64);
  private latest = new Map<string, number>();
  private tables = new Lru<{ backend: FFBackend; dispose(): void; notice?: string }>(4, (t) => t.dispose());
  private ff: Promise<SelectedBackend> | null = null;

  constructor(private deps: ServiceDeps) {}

  /** The wasm module the service runs on (for callers that need a geometry step outside an interface). */
  geometryModule(): Promise<HeterolabWasm> {
    return this.deps.geometry;
  }

  // ---------------------------------------------------------------- preparing and searching

  /** The prepared pair (standard cell, 2D layer, slab) for a request, computed once per pair and options. */
  pair(req: InterfaceRequest): Promise<PreparedPair> {
    const k = requestKey(req);
    const hit = this.pairs.get(k);
    if (hit) return hit;
    const p = (async () => {
      const g = await this.deps.geometry;
      const warnings: string[] = [];
      let bulk = req.substrate, hklNote = 'hkl in the cell as given';
      if (req.options.hklCell !== 'given') {
        const sk = key(req.substrate);
        const std = await (this.standard.get(sk) ?? this.standard.put(sk, this.deps.standardCell(req.substrate)));
        if (std) (bulk = std.structure), (hklNote = `hkl in the conventional standard cell of ${std.symbol} (No. ${std.number})`);
        else warnings.push((hklNote = 'symmetry analysis of the substrate failed, so hkl refers to the cell as given, not the conventional standard cell'));
      }
      const prepared = prepare(g, req.film, bulk, req.options);
      const slabWarning = slabGapWarning(prepared.slab.structure, formula(req.substrate.numbers));
      if (slabWarning) warnings.push(slabWarning);
      return { prepared, hklNote, warnings, slabWarning };
    })();
    p.catch(() => this.pairs.delete(k));
    return this.pairs.put(k, p);
  }

  /** Coincident supercells of the film on the slab (all twists, one twist, or a twist scan). */
  async matches(req: InterfaceRequest, params: MatchParams, mode: SearchMode, progress?: Progress): Promise<MatchesReply> {
    const { prepared, hklNote, warnings } = await this.pair(req);
    const r = await search(await this.deps.geometry, prepared, { ...params, limit: params.limit ?? DEFAULTS.matchLimit }, mode, { onProgress: progress });
    const matches = r.matches;
    const period = twistPeriod(inPlaneBasis(prepared.film.structure), inPlaneBasis(prepared.slab.structure));
    return { film: prepared.film, slab: prepared.slab, hklNote, warnings, matches, atoms: matches.map((m) => atomsFor(prepared, m)), total: r.total, twistPeriod: period, scan: r.scan, terminations: prepared.terminations, termination: prepared.termination };
  }

  /** A further film's 2D layer, face down as asked, with the request's vacuum. */
  private async layer(film: Structure, face: 'bottom' | 'top', vacuum: number): Promise<Structure> {
    const k = `${key(film)}|${face}|${vacuum}`;
    return this.layers.get(k) ?? this.layers.put(k, extractLayer(await this.deps.geometry, film, { flip: face === 'top', vacuum }).structure);
  }

  private async uppers(spec: Omit<InterfaceSpec, 'placement'>): Promise<UpperFilm[]> {
    const vac = spec.request.options.vacuum ?? DEFAULTS.vacuum;
    return Promise.all((spec.uppers ?? []).map(async (u) => ({ layer: await this.layer(u.film, u.face, vac), match: u.match, zSeparation: u.zSeparation, shift: u.shift })));
  }

  /**
   * Coincident cells of a further film on top of the stack (film 1 with `spec.match`, then `spec.uppers`):
   * matches are against the cell of everything below, so a match's substrateMatrix is how much it must grow.
   */
  async upperMatches(spec: Omit<InterfaceSpec, 'placement'>, film: Structure, face: 'bottom' | 'top', params: MatchParams, mode: SearchMode): Promise<UpperMatchesReply> {
    const { prepared } = await this.pair(spec.request);
    const us = await this.uppers(spec);
    const layer = await this.layer(film, face, spec.request.options.vacuum ?? DEFAULTS.vacuum);
    const cell = cellBelow(prepared, spec.match, us, us.length);
    const r = await searchOnCell(await this.deps.geometry, layer, cell, { ...params, limit: params.limit ?? DEFAULTS.matchLimit }, mode);
    const matches = r.matches;
    return {
      matches,
      atoms: matches.map((m) => stackAtoms(prepared, spec.match, [...us, { layer, match: m }])),
      total: r.total,
      cellArea: Math.abs(cell[0][0] * cell[1][1] - cell[0][1] * cell[1][0]),
      twistPeriod: twistPeriod(inPlaneBasis(layer), cell),
    };
  }

  // ---------------------------------------------------------------- building and estimating

  /** The interface for a spec, built once (later calls with the same spec return the same structure). */
  async build(spec: InterfaceSpec): Promise<BuiltInterface> {
    const k = specKey(spec);
    const hit = this.built.get(k);
    if (hit) return hit;
    for (const [what, p] of [['film 1', spec.placement], ...(spec.uppers ?? []).map((u, k) => [`film ${k + 2}`, u] as const)] as const) {
      if (!Number.isFinite(p.zSeparation) || Math.abs(p.zSeparation) > 1000) throw new GeometryError('bad-parameter', `${what}: z-separation must be a finite number of Å within ±1000 (got ${p.zSeparation})`);
      if (!p.shift.every(Number.isFinite)) throw new GeometryError('bad-parameter', `${what}: the shift must be two finite fractions (got ${p.shift.join(', ')})`);
    }
    const { prepared, slabWarning } = await this.pair(spec.request);
    const shift = spec.placement.shift.map(wrap01) as [number, number];
    const uppers = (await this.uppers(spec)).map((u) => ({ ...u, shift: u.shift.map(wrap01) as [number, number] }));
    const r = assemble(await this.deps.geometry, prepared, spec.match, { zSeparation: spec.placement.zSeparation, shift }, uppers, spec.request.options);
    const structure = r.structure;
    structure.info.title = `${prepared.film.structure.info.title ?? 'film'} on ${prepared.slab.structure.info.title ?? 'slab'}`;
    return this.built.put(k, { structure, warnings: [...(slabWarning ? [slabWarning] : []), ...checkBuilt(structure)] });
  }

  /**
   * Builds the interface for a placement and makes the live estimates, in one call. When a newer `place` call
   * arrives before this one has started, this one is dropped (`superseded`): a slider's newest tick wins.
   */
  async place(spec: InterfaceSpec, est: EstimateOptions): Promise<Placed | Superseded> {
    if (await this.replaced('place')) return { superseded: true };
    const t0 = performance.now();
    const built = await this.build(spec);
    const e = await this.estimate(spec, built.structure, est);
    const { prepared } = await this.pair(spec.request);
    const period = twistPeriod(inPlaneBasis(prepared.film.structure), inPlaneBasis(prepared.slab.structure));
    const us = await this.uppers(spec);
    const stackPeriods = us.map((u, j) => twistPeriod(inPlaneBasis(u.layer), cellBelow(prepared, spec.match, us, j)));
    return { superseded: false, ...built, ...e, twistPeriod: period, stackPeriods, ms: performance.now() - t0 };
  }

  /** True when another call of this kind arrived while this one waited for the event loop (newest wins). */
  private async replaced(kind: string): Promise<boolean> {
    const seq = (this.latest.get(kind) ?? 0) + 1;
    this.latest.set(kind, seq);
    await new Promise((r) => setTimeout(r, 0)); // lets queued messages in, so they can replace this one
    return this.latest.get(kind) !== seq;
  }

  /** Force-field evaluation (chosen backend) and ONNX estimates (film 1 on the substrate) of a built interface. */
  async estimate(spec: InterfaceSpec, s: Structure, est: EstimateOptions): Promise<Omit<Placed, 'superseded' | 'structure' | 'warnings' | 'ms' | 'twistPeriod' | 'stackPeriods'>> {
    const stacked = (spec.uppers ?? []).length > 0;
    const [ff, ml] = await Promise.allSettled([
      this.evaluate(s, { model: est.ffModel, cutoff: est.cutoff ?? DEFAULTS.cutoff }),
      est.ml === false || !this.deps.predictor ? Promise.resolve(undefined) : this.predict(spec, stacked ? bottomPair(s) : s, est.formation),
    ]);
    return {
      ff: ff.status === 'fulfilled' ? ff.value : undefined,
      ffError: ff.status === 'rejected' ? (ff.reason as Error).message : undefined,
      ml: ml.status === 'fulfilled' ? ml.value : undefined,
      mlError: ml.status === 'rejected' ? (ml.reason as Error).message : undefined,
      mlScope: stacked ? 'for film 1 on the substrate only (the models were trained on one film on a metal; the films above are not seen)' : undefined,
    };
  }

  /**
   * ONNX estimates for the interface `s` of `spec`. The force-field prior the models read depends on the
   * interface cell only: it is relaxed from the interface built at shift (0, 0) and the default start z, so
   * the same cell gives the same numbers whatever placement the user visited first, in the app and the CLI.
   */
  async predict(spec: InterfaceSpec, s: Structure, formation?: FormationEnergy) {
    if (!this.deps.predictor) throw new Error('no predictors are bundled with this build');
    const prior = await this.prior(spec);
    const m = spec.match;
    const filmSpaceGroup = await this.filmSpaceGroup(spec.request);
    return estimateInterface(await this.deps.predictor(), wasmBackend(await this.deps.geometry), s, Math.max(...m.principalStrains.map(Math.abs)), prior, formation, filmSpaceGroup);
  }

  /**
   * ITA number of the space group of the request's film layer in its own cell (unstrained, with vacuum), the
   * input of the feature film_symmetry_ops; null when moyo rejects the cell (the feature is then missing).
   */
  async filmSpaceGroup(req: InterfaceRequest): Promise<number | null> {
    // The layer depends on the film, its face and the vacuum only: a screen finds each film's once for every substrate.
    const k = `${key(req.film)}|${req.options.face ?? 'bottom'}|${req.options.vacuum ?? DEFAULTS.vacuum}`;
    const hit = this.filmGroups.get(k);
    if (hit) return hit;
    const p = this.pair(req).then((pp) => layerSymmetry(pp.prepared.film.structure)).then((r) => r?.spaceGroup ?? null);
    p.catch(() => this.filmGroups.delete(k));
    return this.filmGroups.put(k, p);
  }

  /**
   * The force-field prior of the spec's interface cell (rigid relaxation of film 1 from shift (0, 0) at the
   * default start z), computed once per cell. It always runs on wasm (f64), whatever the interactive backend
   * is: the models were trained on it.
   */
  prior(spec: InterfaceSpec): Promise<Prior> {
    const ck = cellKey(spec);
    const hit = this.priors.get(ck);
    if (hit) return hit;
    const p = (async () => {
      const canon = await this.build({ ...spec, placement: { zSeparation: DEFAULTS.startZ, shift: [0, 0] }, uppers: spec.uppers?.map((u) => ({ ...u, zSeparation: DEFAULTS.startZ, shift: [0, 0] })) });
      return forceFieldPrior(wasmBackend(await this.deps.geometry), (spec.uppers ?? []).length ? bottomPair(canon.structure) : canon.structure);
    })();
    p.catch(() => this.priors.delete(ck));
    return this.priors.put(ck, p);
  }

  // ---------------------------------------------------------------- force field

  /** Chooses the force-field backend for the calls that follow. */
  configureFF(choice: BackendChoice): Promise<SelectedBackend> {
    this.ff = this.deps.geometry.catch(() => null).then((geometry) => selectBackend(choice, { gpu: this.deps.gpu?.(), geometry }));
    return this.ff;
  }

  backend(): Promise<SelectedBackend> {
    return this.ff ?? this.configureFF('auto');
  }

  /** The backend chosen so far (null before any choice), without choosing one. */
  configuredFF(): Promise<SelectedBackend> | null {
    return this.ff;
  }

  async evaluate(s: Structure, p: FFParams): Promise<FFEvaluation> {
    const b = await this.backend();
    const sys = systemFromStructure(s);
    const r = await b.energyForces(sys, p);
    return { energy: r.energy, bindingEnergy: bindingEnergy(r.energy, sys), zSeparation: zSeparation(sys, 1), pairs: r.pairs, forces: r.forces, backend: b.kind, model: p.model };
  }

  /**
   * The backend for rigid moves of the films of a built interface: the tabulated potential for large
   * interfaces when the exact backend is wasm or WebGPU (tables looked up on the GPU, wasm tables after a device
   * loss); an explicit cpu choice is honoured; smaller interfaces use the exact sum.
   */
  private async rigidBackend(spec: InterfaceSpec, s: Structure, p: FFParams): Promise<FFBackend> {
    const exact = await this.backend();
    const gpu = exact.kind === 'webgpu' ? exact.gpu : undefined;
    if (s.numbers.length < RIGID_TABLE_MIN_ATOMS || (exact.kind !== 'wasm' && !gpu)) return exact;
    const k = `${cellKey(spec)}|${p.model}|${p.cutoff}|${gpu ? 'webgpu' : 'wasm'}`;
    const g = await this.deps.geometry, sys = systemFromStructure(s);
    const t = this.tables.get(k) ?? this.tables.put(k, gpu ? webgpuRigidLayersBackend(g, gpu, sys, p, exact.notices) : rigidLayersBackend(g, sys, p, exact));
    return t.backend;
  }

  /** Binding curve of film `film` (1 = first film); films above it move with it, so only its gap changes. */
  async zScan(spec: InterfaceSpec, film: number, zs: number[], p: FFParams, progress?: Progress) {
    const s = (await this.build(spec)).structure;
    const b = await this.rigidBackend(spec, s, p);
    return { ...(await zScan(b, withFilmsAbove(systemFromStructure(s), film), film, zs, p, progress)), backend: b.kind, tabulated: b.tabulated === true };
  }

  /** Energy over in-plane shifts of film `film` alone. */
  async registryScan(spec: InterfaceSpec, film: number, nx: number, ny: number, p: FFParams, relaxZ: boolean, progress?: Progress) {
    const s = (await this.build(spec)).structure;
    const b = await this.rigidBackend(spec, s, p);
    return { ...(await registryScan(b, systemFromStructure(s), film, nx, ny, p, relaxZ, progress)), backend: b.kind, tabulated: b.tabulated === true };
  }

  /** Rigid pre-relaxation of every film of the built interface; returns the relaxed structure too. */
  async relax(spec: InterfaceSpec, p: FFParams, o: { fmax?: number; maxSteps?: number }, progress?: Progress) {
    const s = (await this.build(spec)).structure;
    const b = await this.rigidBackend(spec, s, p);
    const { system, ...r } = await relaxRigid(b, systemFromStructure(s), p, o, progress);
    const structure = makeStructure({ numbers: s.numbers, positions: system.positions, cell: s.cell, pbc: s.pbc, arrays: s.arrays, info: s.info });
    return { ...r, structure, backend: b.kind, tabulated: b.tabulated === true };
  }
}

/** A twist (radians) in the pair's one convention: reduced into [0, period). */
export { reduceTwist };

function wrap01(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  const f = x - Math.floor(x);
  return f > 1 - 1e-12 ? 0 : f;
}
