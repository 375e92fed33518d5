/**
 * The interface workbench: which structures are film and substrate, the coincident supercells, the chosen
 * match, where the film sits (twist, shift, z), the built interface, live estimates (force field and ONNX),
 * scans and relaxations, undo/redo, and the session it all belongs to. Pure state and actions: the UI renders
 * it, the compute worker does the work (through `WorkbenchPort`), persistence is injected.
 */
import { formula, type Structure } from '../core/structure';
import { det2, inv2, mul2, type Mat2 } from '../core/linalg';
import type { LatticeMatch, MatchParams } from '../compute/geometry/geometry';
import type { Progress, RegistryScanResult, ZScanResult } from '../compute/ff/ops';
import type { BackendChoice } from '../compute/ff/select';
import type { InterfaceEstimate } from '../compute/ml/estimate';
import type { FFEvaluation, FFStatus, InterfaceRequest, InterfaceSpec, UpperRequest } from '../workers/protocol';
import type { ComputePort } from '../workers/client';
import { DEFAULTS } from '../core/defaults';
import { reduceTwist } from '../core/twist';
import { DEFAULT_OPTIONS, DEFAULT_PLACEMENT, newSession, SCHEMA_VERSION, type InterfaceOptions, type Placement, type Session, type SessionStructure, type StackFilm } from './session';
import type { Store } from './store';

const DEG = Math.PI / 180;

/** What the workbench asks of the compute worker: its API bound to an AbortSignal (derived from workers/protocol.ts). */
export type WorkbenchPort = ComputePort;

export type JobKind = 'matches' | 'twist scan' | 'stacking a film' | 'z-scan' | 'registry scan' | 'relaxation';

export interface Live {
  ff?: FFEvaluation;
  ml?: InterfaceEstimate;
  /** Message when an estimate could not be made (e.g. an element a model does not cover). */
  ffError?: string;
  mlError?: string;
  pending: boolean;
  /** Milliseconds from the placement change to both estimates (the latest completed one). */
  latencyMs?: number;
  /** For a stack: the ML models saw only the substrate and film 1 (they were trained on one film on a metal). */
  mlScope?: string;
}

export interface WorkbenchState {
  filmId: string | null;
  substrateId: string | null;
  options: InterfaceOptions;
  matches: LatticeMatch[] | null;
  /** Atoms of the interface each match would build. */
  matchAtoms: number[];
  /** Matches the last search found (the list holds the first `matches.length`). */
  matchesTotal: number;
  /** Twist period (degrees) of the film on the substrate, from their lattices (60° for two hexagonal lattices). */
  twistPeriodDeg: number;
  hklNote: string;
  /** What the user must know about the built interface and how the pair was prepared. */
  warnings: string[];
  scan: { twistDeg: number; strainPct: number | null }[] | null;
  match: LatticeMatch | null;
  /** Film twist (degrees) the user dialled in; null = matches from the free search. */
  twistDeg: number | null;
  placement: Placement;
  /** Films stacked on film 1 (bottom to top), each with its own match, twist and placement. */
  stack: StackFilm[];
  /** The film the placement controls act on: 0 = film 1, k = stack[k − 1]. */
  activeFilm: number;
  iface: Structure | null;
  live: Live;
  ffModel: 'uff' | 'd2';
  backend: BackendChoice;
  ffStatus: FFStatus | null;
  zscan: (ZScanResult & { backend: string }) | null;
  registry: (RegistryScanResult & { backend: string }) | null;
  relax: { backend: string; iterations: number; converged: boolean; bindingEnergy: number; zSeparation: number; registry: [number, number]; films: number } | null;
  /** The running job; done/total once it has reported progress. */
  job: { kind: JobKind; started: number; done?: number; total?: number } | null;
  error: string | null;
  canUndo: boolean;
  canRedo: boolean;
  session: { id: string; name: string; revision: number; status: 'new' | 'saved' | 'saving' | 'unsaved' | 'error' | 'conflict'; message?: string };
}

/** What persistence offers the workbench (IndexedDB in the app, a fake in tests). */
export interface SessionSink {
  save(s: Session, baseRevision: number): Promise<{ ok: true; revision: number } | { ok: false; reason: 'conflict' | 'error'; message: string }>;
}

type Snapshot = { placement: Placement; twistDeg: number | null; match: LatticeMatch | null; stack: StackFilm[] };

/** The placement of the film the controls act on. */
export function activePlacement(s: WorkbenchState): Placement {
  return s.activeFilm > 0 ? s.stack[s.activeFilm - 1]?.placement ?? s.placement : s.placement;
}

/** That film's twist (degrees, reduced into the pair's twist period): as dialled, else its match's. */
export function activeTwist(s: WorkbenchState): number {
  const f = s.activeFilm > 0 ? s.stack[s.activeFilm - 1] : null;
  const dialled = f ? f.twistDeg : s.twistDeg;
  const m = f ? f.match : s.match;
  const t = dialled !== null ? dialled * DEG : m ? m.twist : 0;
  return (reduceTwist(t, s.twistPeriodDeg * DEG) * 180) / Math.PI;
}

/** How much the cell grows over film 1's match for these stacked films (integer, acts on row vectors). */
export function stackGrowth(stack: StackFilm[]): Mat2 {
  let g: Mat2 = [[1, 0], [0, 1]];
  for (const f of stack) g = mul2(f.match.substrateMatrix as Mat2, g);
  return g;
}

export class Workbench {
  private state: WorkbenchState;
  private listeners = new Set<(s: WorkbenchState) => void>();
  private undoStack: Snapshot[] = [];
  private redoStack: Snapshot[] = [];
  private jobAbort: AbortController | null = null;
  private buildSeq = 0;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private twistSeq = 0;
  private created = new Date().toISOString();
  private unknown: Record<string, unknown> = {};

  constructor(
    private store: Store,
    private port: WorkbenchPort,
    private sink: SessionSink | null = null,
    private now: () => number = () => performance.now(),
  ) {
    const s = newSession();
    this.state = {
      filmId: null,
      substrateId: null,
      options: { ...DEFAULT_OPTIONS },
      matches: null,
      matchAtoms: [],
      matchesTotal: 0,
      twistPeriodDeg: 60,
      hklNote: '',
      warnings: [],
      scan: null,
      match: null,
      twistDeg: null,
      placement: { ...DEFAULT_PLACEMENT, shift: [0, 0] },
      stack: [],
      activeFilm: 0,
      iface: null,
      live: { pending: false },
      ffModel: DEFAULTS.ffModel,
      backend: 'auto',
      ffStatus: null,
      zscan: null,
      registry: null,
      relax: null,
      job: null,
      error: null,
      canUndo: false,
      canRedo: false,
      session: { id: s.id, name: s.name, revision: 0, status: 'new' },
    };
    // Structures added or removed in the store change what can be film or substrate.
    store.subscribe((st) => {
      const ids = new Set(st.structures.map((e) => e.structure.id));
      const patch: Partial<WorkbenchState> = {};
      if (this.state.filmId && !ids.has(this.state.filmId)) patch.filmId = null;
      if (this.state.substrateId && !ids.has(this.state.substrateId)) patch.substrateId = null;
      if (Object.keys(patch).length) this.set({ ...patch, matches: null, match: null, iface: null });
      // A stacked film whose structure is gone takes the films above it along (they sit on its cell).
      const gone = this.state.stack.findIndex((f) => !ids.has(f.filmId));
      if (gone >= 0) this.set({ ...this.carry(this.state.stack.slice(0, gone)), activeFilm: Math.min(this.state.activeFilm, gone) });
      this.touch();
    });
  }

  get(): WorkbenchState {
    return this.state;
  }

  subscribe(fn: (s: WorkbenchState) => void): () => void {
    this.listeners.add(fn);
    fn(this.state);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<WorkbenchState>): void {
    this.state = { ...this.state, ...patch, canUndo: this.undoStack.length > 0, canRedo: this.redoStack.length > 0 };
    for (const fn of this.listeners) fn(this.state);
  }

  private structure(id: string | null): Structure | null {
    return this.store.get().structures.find((e) => e.structure.id === id)?.structure ?? null;
  }

  private request(): InterfaceRequest | null {
    const film = this.structure(this.state.filmId), substrate = this.structure(this.state.substrateId);
    if (!film || !substrate) return null;
    const o = this.state.options;
    return { film, substrate, options: { hkl: o.hkl, layers: o.layers, vacuum: o.vacuum, face: o.face, maxAtoms: DEFAULTS.maxAtoms } };
  }

  private params(): MatchParams {
    const o = this.state.options;
    return { maxArea: o.maxArea, maxStrain: o.maxStrainPct / 100, maxAngle: o.maxAngleDeg * DEG, limit: DEFAULTS.matchLimit };
  }

  private fail(e: unknown): void {
    if ((e as Error).name === 'AbortError') return;
    // The app has no work-limit control: the max area is the way to a search that fits.
    this.set({ error: (e as Error).message.replace(' or raise the work limit (maxWork)', ''), job: null });
  }

  // ---------------------------------------------------------------- roles and options

  setRole(id: string, role: 'film' | 'substrate' | null): void {
    const patch: Partial<WorkbenchState> = {};
    const k = this.state.stack.findIndex((f) => f.filmId === id);
    if (role && k >= 0) Object.assign(patch, this.carry(this.state.stack.slice(0, k)), { activeFilm: 0 });
    if (role === 'film') (patch.filmId = id), this.state.substrateId === id && (patch.substrateId = null);
    else if (role === 'substrate') (patch.substrateId = id), this.state.filmId === id && (patch.filmId = null);
    else {
      if (this.state.filmId === id) patch.filmId = null;
      if (this.state.substrateId === id) patch.substrateId = null;
    }
    this.set({ ...patch, matches: null, match: null, iface: null, scan: null, error: null });
    this.touch();
  }

  setOptions(o: Partial<InterfaceOptions>): void {
    this.set({ options: { ...this.state.options, ...o }, matches: null, match: null, iface: null, scan: null, error: null });
    this.touch();
  }

  // ---------------------------------------------------------------- matches

  /** Coincident supercells (free search, or at the dialled twist); selects the first (smallest) one. */
  async findMatches(): Promise<void> {
    const req = this.request();
    if (!req) return this.set({ error: 'Choose a film and a substrate first (the buttons beside each structure).' });
    await this.job('matches', async (signal, progress) => {
      const tw = this.state.twistDeg;
      const r = await this.port(signal).matches(req, this.params(), tw === null ? { kind: 'all' } : { kind: 'twist', twist: tw * DEG }, progress);
      this.set({ matches: r.matches, matchAtoms: r.atoms, matchesTotal: r.total, twistPeriodDeg: r.twistPeriod / DEG, hklNote: r.hklNote, warnings: r.warnings, error: r.matches.length ? null : 'No coincident supercell within the tolerances: allow a larger area or strain.' });
      if (r.matches.length) await this.selectMatch(0, false);
    });
  }

  /** Best strain per twist angle over one twist period (121 angles); clicking an angle calls setTwist. */
  async twistScan(): Promise<void> {
    const req = this.request();
    if (!req) return this.set({ error: 'Choose a film and a substrate first.' });
    await this.job('twist scan', async (signal, progress) => {
      const r = await this.port(signal).matches(req, this.params(), { kind: 'scan', from: 0, steps: 121 }, progress);
      this.set({ twistPeriodDeg: r.twistPeriod / DEG });
      this.set({ scan: (r.scan ?? []).map((e) => ({ twistDeg: e.twist / DEG, strainPct: e.match ? 100 * Math.max(...e.match.principalStrains.map(Math.abs)) : null })) });
    });
  }

  async selectMatch(index: number, history = true): Promise<void> {
    const m = this.state.matches?.[index];
    if (!m) return;
    if (history) this.remember();
    this.set({ match: m });
    if (this.state.stack.length) await this.restack(0);
    await this.rebuild();
  }

  /**
   * Turn the film to `deg` (degrees): the best coincident supercell at that twist is built. Where no supercell
   * fits the tolerances at that angle, the film stays where it was and the message says so.
   */
  async setTwist(deg: number | null): Promise<void> {
    if (this.state.activeFilm > 0) return this.setUpperTwist(this.state.activeFilm, deg);
    const prev = { twistDeg: this.state.twistDeg, match: this.state.match, matches: this.state.matches, matchAtoms: this.state.matchAtoms };
    const before = this.snapshot();
    const tw = deg === null ? null : Math.round(deg * 100) / 100;
    const seq = ++this.twistSeq;
    this.set({ twistDeg: tw });
    const req = this.request();
    if (!req) return;
    try {
      const r = await this.port().matches(req, this.params(), tw === null ? { kind: 'all' } : { kind: 'twist', twist: tw * DEG });
      if (seq !== this.twistSeq) return; // a newer twist arrived meanwhile
      if (!r.matches.length) {
        this.set({ ...prev, error: `No coincident supercell at ${tw}° within the tolerances (area ≤ ${this.state.options.maxArea} Å², strain ≤ ${this.state.options.maxStrainPct} %); the film stays at ${prev.twistDeg ?? 'the matched angle'}${prev.twistDeg === null ? '' : '°'}.` });
        return;
      }
      this.undoStack.push({ ...before, twistDeg: prev.twistDeg, match: prev.match });
      this.redoStack = [];
      this.set({ matches: r.matches, matchAtoms: r.atoms, matchesTotal: r.total, hklNote: r.hklNote, match: r.matches[0], error: null });
      if (this.state.stack.length) await this.restack(0);
      await this.rebuild();
    } catch (e) {
      this.fail(e);
    }
  }

  // ---------------------------------------------------------------- stacks of films

  private upperReqs(stack = this.state.stack): UpperRequest[] | null {
    const out: UpperRequest[] = [];
    for (const f of stack) {
      const film = this.structure(f.filmId);
      if (!film) return null;
      out.push({ film, face: f.face, match: f.match, zSeparation: f.placement.zSeparation, shift: f.placement.shift });
    }
    return out;
  }

  /** Tolerances for a film on the stack: the user's, but the cell below always counts as small enough. */
  private upperParams(below: StackFilm[]): MatchParams {
    const p = this.params();
    const area = (this.state.match?.area ?? 0) * Math.abs(det2(stackGrowth(below)));
    return { ...p, maxArea: Math.max(p.maxArea, area * 1.0001) };
  }

  /**
   * A new stack, with every film's shift carried over so nothing moves when the cell grows or shrinks: shifts
   * are fractions of the whole cell, G·C (G = stackGrowth), so s' = s · G_old · G_new⁻¹.
   */
  private carry(next: StackFilm[]): Pick<WorkbenchState, 'stack' | 'placement'> {
    const t = mul2(stackGrowth(this.state.stack), inv2(stackGrowth(next)));
    const conv = (p: Placement): Placement => ({ ...p, shift: [wrap01(p.shift[0] * t[0][0] + p.shift[1] * t[1][0]), wrap01(p.shift[0] * t[0][1] + p.shift[1] * t[1][1])] });
    const same = t[0][0] === 1 && t[0][1] === 0 && t[1][0] === 0 && t[1][1] === 1;
    if (same) return { stack: next, placement: this.state.placement };
    // Every placement in `next` is still expressed in the current cell (a film just added sits at shift 0, 0).
    return { stack: next.map((f) => ({ ...f, placement: conv(f.placement) })), placement: conv(this.state.placement) };
  }

  /** Puts another film on top of the stack (its best coincident cell on everything below) and selects it. */
  async addFilm(id: string, face: 'bottom' | 'top' = 'bottom'): Promise<void> {
    const req = this.request(), m = this.state.match, film = this.structure(id);
    if (!req || !m || !this.state.iface) return this.set({ error: 'Build an interface first (pick a match), then add a film on top.' });
    if (!film) return;
    if (id === this.state.substrateId) return this.set({ error: 'The substrate cannot also be stacked as a film.' });
    const below = this.state.stack, ups = this.upperReqs(below);
    if (!ups) return;
    await this.job('stacking a film', async (signal) => {
      const params = this.upperParams(below);
      const r = await this.port(signal).upperMatches({ request: req, match: m, uppers: ups }, film, face, params, { kind: 'all' });
      if (!r.matches.length) {
        this.set({ error: `${formula(film.numbers)} does not fit on the stack within the tolerances (area ≤ ${fmtN(params.maxArea)} Å², strain ≤ ${this.state.options.maxStrainPct} %): allow a larger area or strain.` });
        return;
      }
      this.remember();
      const next = [...below, { filmId: id, face, match: r.matches[0], twistDeg: null, placement: { zSeparation: DEFAULT_PLACEMENT.zSeparation, shift: [0, 0] as [number, number] } }];
      this.set({ ...this.carry(next), activeFilm: next.length, error: null });
      await this.rebuild();
    });
  }

  /** Takes the top film off the stack. */
  removeTopFilm(): void {
    const n = this.state.stack.length;
    if (!n) return;
    this.remember();
    this.set({ ...this.carry(this.state.stack.slice(0, n - 1)), activeFilm: Math.min(this.state.activeFilm, n - 1), error: null });
    void this.rebuild();
  }

  /** Which film the placement controls (sliders, gizmos, keys, scans) act on: 0 = film 1. */
  selectFilm(k: number): void {
    this.set({ activeFilm: Math.max(0, Math.min(this.state.stack.length, Math.round(k))) });
  }

  /** Turns stacked film `k` (1-based over the stack) to `deg`; the films above it are fitted again at their angles. */
  private async setUpperTwist(k: number, deg: number | null): Promise<void> {
    const req = this.request(), m = this.state.match, f = this.state.stack[k - 1];
    const film = f && this.structure(f.filmId);
    if (!req || !m || !film) return;
    const below = this.state.stack.slice(0, k - 1), ups = this.upperReqs(below);
    if (!ups) return;
    const tw = deg === null ? null : Math.round(deg * 100) / 100;
    const seq = ++this.twistSeq;
    try {
      const r = await this.port().upperMatches({ request: req, match: m, uppers: ups }, film, f.face, this.upperParams(below), tw === null ? { kind: 'all' } : { kind: 'twist', twist: tw * DEG });
      if (seq !== this.twistSeq) return;
      if (!r.matches.length) {
        this.set({ error: `No coincident cell for ${formula(film.numbers)} at ${tw}° on the film below within the tolerances; it stays at ${fmtN(activeTwist(this.state))}°.` });
        return;
      }
      this.remember();
      const stack = this.state.stack.slice();
      stack[k - 1] = { ...f, match: r.matches[0], twistDeg: tw };
      this.set({ ...this.carry(stack), error: null });
      if (k < stack.length) await this.restack(k);
      await this.rebuild();
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * Fits stacked films `from` and above again on the (changed) cell below them, each at its own twist. A film
   * that no longer fits is taken off, with the films above it, and the message says so.
   */
  private async restack(from: number): Promise<void> {
    const req = this.request(), m = this.state.match;
    if (!req || !m) return;
    const stack = this.state.stack.slice(0, from);
    for (let j = from; j < this.state.stack.length; j++) {
      const f = this.state.stack[j], film = this.structure(f.filmId), ups = this.upperReqs(stack);
      if (!film || !ups) break;
      const tw = f.twistDeg ?? f.match.twist / DEG;
      const r = await this.port().upperMatches({ request: req, match: m, uppers: ups }, film, f.face, this.upperParams(stack), { kind: 'twist', twist: tw * DEG });
      if (!r.matches.length) {
        this.set({ error: `${formula(film.numbers)} (stacked film ${j + 2}) no longer fits the cell below at ${fmtN(tw)}° and was taken off${j + 1 < this.state.stack.length ? ', with the films above it' : ''}; Undo brings it back.` });
        break;
      }
      stack.push({ ...f, match: r.matches[0] });
    }
    this.set({ ...this.carry(stack), activeFilm: Math.min(this.state.activeFilm, stack.length) });
  }

  // ---------------------------------------------------------------- placement, undo/redo

  /** Moves the active film (see selectFilm); `film` picks another one (0 = film 1). */
  setPlacement(p: Partial<Placement>, history = true, film = this.state.activeFilm): void {
    if (history) this.remember();
    const cur = film > 0 ? this.state.stack[film - 1]?.placement : this.state.placement;
    if (!cur) return;
    const shift = p.shift ? ([wrap01(p.shift[0]), wrap01(p.shift[1])] as [number, number]) : cur.shift;
    const next = { ...cur, ...p, shift };
    if (film === 0) this.set({ placement: next });
    else this.set({ stack: this.state.stack.map((f, i) => (i === film - 1 ? { ...f, placement: next } : f)) });
    void this.rebuild();
  }

  private snapshot(): Snapshot {
    return { placement: this.state.placement, twistDeg: this.state.twistDeg, match: this.state.match, stack: this.state.stack };
  }

  private remember(): void {
    this.undoStack.push(this.snapshot());
    if (this.undoStack.length > 200) this.undoStack.shift();
    this.redoStack = [];
  }

  undo(): void {
    this.step(this.undoStack, this.redoStack);
  }

  redo(): void {
    this.step(this.redoStack, this.undoStack);
  }

  /** Moves one snapshot from `from` to the current state, keeping the current one on `to`. */
  private step(from: Snapshot[], to: Snapshot[]): void {
    const s = from.pop();
    if (!s) return;
    to.push(this.snapshot());
    this.set({ placement: s.placement, twistDeg: s.twistDeg, match: s.match, stack: s.stack, activeFilm: Math.min(this.state.activeFilm, s.stack.length) });
    void this.rebuild();
  }

  /** Everything that determines the interface now on screen (null until a match is chosen). */
  spec(): InterfaceSpec | null {
    const request = this.request(), match = this.state.match, uppers = this.upperReqs();
    if (!request || !match || !uppers) return null;
    return { request, match, placement: this.state.placement, uppers };
  }

  /**
   * Builds the interface for the current match and placement and makes the live estimates, in one worker
   * round trip; the newest request wins (the worker drops superseded ones, and late replies are ignored).
   */
  async rebuild(): Promise<void> {
    const spec = this.spec();
    if (!spec) return;
    const seq = ++this.buildSeq;
    const t0 = this.now();
    this.set({ live: { ...this.state.live, pending: true } });
    try {
      const r = await this.port().place(spec, { ffModel: this.state.ffModel });
      if (r.superseded || seq !== this.buildSeq) return;
      const changed = this.state.iface?.numbers.length !== r.structure.numbers.length || this.state.iface?.cell.some((x, i) => x !== r.structure.cell[i]);
      this.set({
        iface: r.structure,
        warnings: r.warnings,
        twistPeriodDeg: r.twistPeriod / DEG,
        ...(changed ? { zscan: null, registry: null, relax: null } : {}),
        live: { ff: r.ff, ffError: r.ffError, ml: r.ml, mlError: r.mlError, mlScope: r.mlScope, pending: false, latencyMs: this.now() - t0 },
      });
      this.touch();
    } catch (e) {
      if (seq === this.buildSeq) this.fail(e);
    }
  }

  /** Estimates again for the interface on screen (after a change of force-field model or backend). */
  estimate(): Promise<void> {
    return this.rebuild();
  }

  setFFModel(model: 'uff' | 'd2'): void {
    this.set({ ffModel: model, zscan: null, registry: null, relax: null });
    this.touch();
    void this.estimate();
  }

  async setBackend(choice: BackendChoice): Promise<void> {
    this.set({ backend: choice });
    try {
      this.set({ ffStatus: await this.port().ffConfigure(choice) });
    } catch (e) {
      this.fail(e);
    }
    void this.estimate();
  }

  // ---------------------------------------------------------------- scans and relaxation (cancellable)

  /** A progress callback for the running job `ac` (ignored once it has ended or been replaced). */
  private progress(ac: AbortController): Progress {
    return (done, total) => {
      if (this.jobAbort === ac && this.state.job) this.set({ job: { ...this.state.job, done, total } });
    };
  }

  private async job(kind: JobKind, fn: (signal: AbortSignal, progress: Progress) => Promise<void>): Promise<void> {
    this.jobAbort?.abort();
    const ac = new AbortController();
    this.jobAbort = ac;
    this.set({ job: { kind, started: Date.now() }, error: null });
    try {
      await fn(ac.signal, this.progress(ac));
    } catch (e) {
      this.fail(e);
    } finally {
      if (this.jobAbort === ac) {
        this.jobAbort = null;
        this.set({ job: null });
      }
    }
  }

  cancelJob(): void {
    this.jobAbort?.abort();
    this.jobAbort = null;
    this.set({ job: null });
  }

  private ffParams() {
    return { model: this.state.ffModel, cutoff: DEFAULTS.cutoff };
  }

  async zScan(): Promise<void> {
    const spec = this.spec();
    if (!spec || !this.state.iface) return;
    const zs = Array.from({ length: 71 }, (_, k) => 1.8 + 0.05 * k);
    await this.job('z-scan', async (signal, progress) => this.set({ zscan: await this.port(signal).zScan(spec, this.state.activeFilm + 1, zs, this.ffParams(), progress) }));
  }

  async registryScan(grid = 12): Promise<void> {
    const spec = this.spec();
    if (!spec || !this.state.iface) return;
    await this.job('registry scan', async (signal, progress) => this.set({ registry: await this.port(signal).registryScan(spec, this.state.activeFilm + 1, grid, grid, this.ffParams(), false, progress) }));
  }

  /** Rigid pre-relaxation of every film; the result becomes their placements (z and shift), undoable and saved. */
  async relax(): Promise<void> {
    const spec = this.spec();
    if (!spec || !this.state.iface) return;
    await this.job('relaxation', async (signal, progress) => {
      const r = await this.port(signal).relax(spec, this.ffParams(), { fmax: 0.01, maxSteps: 500 }, progress);
      const f = r.films[0];
      const moved = (p: Placement, g: { zSeparation: number; registry: [number, number] }): Placement => ({ zSeparation: Math.round(g.zSeparation * 1000) / 1000, shift: [wrap01(p.shift[0] + g.registry[0]), wrap01(p.shift[1] + g.registry[1])] });
      this.remember();
      this.set({
        relax: { backend: r.backend, iterations: r.iterations, converged: r.converged, bindingEnergy: r.bindingEnergy, zSeparation: f.zSeparation, registry: f.registry, films: r.films.length },
        placement: moved(this.state.placement, f),
        stack: this.state.stack.map((x, k) => (r.films[k + 1] ? { ...x, placement: moved(x.placement, r.films[k + 1]) } : x)),
      });
      const relax = this.state.relax;
      await this.rebuild();
      this.set({ relax });
    });
  }

  // ---------------------------------------------------------------- sessions

  /** The session record for the current state (structures come from the store). */
  toSession(): Session {
    const st = this.store.get();
    const structures: SessionStructure[] = st.structures.map((e) => ({ structure: e.structure, file: e.file, kind: e.kind }));
    return {
      ...this.unknown,
      type: 'heterolab-session',
      schemaVersion: SCHEMA_VERSION,
      id: this.state.session.id,
      name: this.state.session.name,
      created: this.created,
      modified: new Date().toISOString(),
      revision: this.state.session.revision,
      structures,
      filmId: this.state.filmId,
      substrateId: this.state.substrateId,
      options: this.state.options,
      match: this.state.match,
      placement: this.state.placement,
      twistDeg: this.state.twistDeg,
      stack: this.state.stack,
      ffModel: this.state.ffModel,
    };
  }

  /** Replaces the workbench with a restored session (already validated by restoreSession). */
  async load(s: Session): Promise<void> {
    const { type: _t, schemaVersion: _v, id, name, created, modified: _m, revision, structures, filmId, substrateId, options, match, placement, twistDeg, stack, ffModel, ...rest } = s;
    this.unknown = rest;
    this.created = created;
    this.undoStack = [];
    this.redoStack = [];
    this.store.replaceStructures(structures.map((e) => ({ structure: e.structure, file: e.file, kind: e.kind })));
    this.set({
      filmId,
      substrateId,
      options,
      match,
      matches: match ? [match] : null,
      placement,
      twistDeg,
      stack,
      activeFilm: 0,
      ffModel,
      iface: null,
      scan: null,
      zscan: null,
      registry: null,
      relax: null,
      live: { pending: false },
      error: null,
      session: { id, name, revision, status: 'saved' },
    });
    await this.rebuild();
    this.set({ session: { ...this.state.session, status: 'saved' }, matchAtoms: this.state.iface ? [this.state.iface.numbers.length] : [] });
  }

  rename(name: string): void {
    this.set({ session: { ...this.state.session, name: name.trim() || 'Untitled session' } });
    this.touch();
  }

  /** Something worth saving changed: save soon (debounced), or now with flush(). */
  private touch(): void {
    if (!this.sink) return;
    if (this.state.session.status === 'conflict') return; // another tab owns the newer copy; do not overwrite it
    this.set({ session: { ...this.state.session, status: 'unsaved' } });
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.flush(), 400);
  }

  async flush(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    // One save at a time: a second one started before the first returned would send a stale base revision and
    // be refused as a conflict with ourselves.
    while (this.saving) await this.saving;
    if (!this.sink || this.state.session.status !== 'unsaved') return;
    const done = this.saveNow();
    this.saving = done;
    try {
      await done;
    } finally {
      if (this.saving === done) this.saving = null;
    }
  }

  private saving: Promise<void> | null = null;

  private async saveNow(): Promise<void> {
    if (!this.sink) return;
    if (this.store.get().structures.length === 0 && this.state.session.revision === 0) return; // nothing to keep yet
    this.set({ session: { ...this.state.session, status: 'saving' } });
    const base = this.state.session.revision;
    const r = await this.sink.save(this.toSession(), base);
    // Edits made while saving set the status back to 'unsaved' (and scheduled another save): keep that.
    const now = this.state.session.status as WorkbenchState['session']['status'];
    if (r.ok) this.set({ session: { ...this.state.session, revision: r.revision, status: now === 'saving' ? 'saved' : now } });
    else this.set({ session: { ...this.state.session, status: r.reason === 'conflict' ? 'conflict' : 'error', message: r.message } });
    if (!r.ok && r.reason === 'error') setTimeout(() => this.state.session.status === 'error' && this.touch(), 5000); // retry later; nothing is lost
  }

  /** Starts a fresh session (the current one stays saved). */
  startNew(): void {
    const s = newSession();
    this.created = s.created;
    this.unknown = {};
    this.undoStack = [];
    this.redoStack = [];
    this.store.replaceStructures([]);
    this.set({ filmId: null, substrateId: null, options: { ...DEFAULT_OPTIONS }, matches: null, match: null, placement: { ...DEFAULT_PLACEMENT, shift: [0, 0] }, twistDeg: null, stack: [], activeFilm: 0, iface: null, live: { pending: false }, scan: null, zscan: null, registry: null, relax: null, error: null, session: { id: s.id, name: s.name, revision: 0, status: 'new' } });
  }
}

function fmtN(x: number): string {
  return String(Math.round(x * 100) / 100);
}

function wrap01(x: number): number {
  const f = x - Math.floor(x);
  return f > 1 - 1e-12 ? 0 : f;
}
