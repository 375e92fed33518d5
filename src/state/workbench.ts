/**
 * The interface workbench: user intent (roles, options, the chosen match, per-film placements, undo history)
 * and the results the compute worker derives from it (see workbench-model.ts for the slices). Actions live
 * here and in workbench-stack.ts (stacked films), workbench-jobs.ts (scans, relaxation) and workbench-session.ts
 * (session records); autosave.ts saves. The UI renders the state; the worker does the work through `WorkbenchPort`.
 */
import type { FFModel } from '../core/defaults';
import type { Structure } from '../core/structure';
import type { MatchParams } from '../compute/geometry/geometry';
import type { BackendChoice } from '../compute/ff/select';
import type { InterfaceRequest, InterfaceSpec } from '../workers/protocol';
import type { ComputePort } from '../workers/client';
import { DEFAULTS } from '../core/defaults';
import type { InterfaceOptions, Placement, Session } from './session';
import { newSession } from './session';
import type { Store } from './store';
import { Autosave } from './autosave';
import { DEG, initialState, snapshotOf, wrap01, type NoteAt, type SessionSink, type WorkbenchState } from './workbench-model';
import { History, type Step } from './workbench-history';
import { addFilm, removeTopFilm, upperReqs } from './workbench-stack';
import { cancelJob, registryScan, relax, setBackend, setFFModel, zScan } from './workbench-jobs';
import { findMatches, moreMatches, selectMatch, setOptions, setRole, setTwist, twistScan } from './workbench-matches';
import { followStore, loadSession, startNew, toSession } from './workbench-session';
import { rebuild } from './workbench-build';

/** persist.ts (another module's owner) imports the sink type from here. */
export type { SessionSink } from './workbench-model';

/** What the workbench asks of the compute worker: its API bound to an AbortSignal (derived from workers/protocol.ts). */
export type WorkbenchPort = ComputePort;

export class Workbench {
  /** @internal the state object (replaced, never mutated); read it with get(). */
  state: WorkbenchState;
  private listeners = new Set<(s: WorkbenchState) => void>();
  /** Undo/redo (workbench-history.ts). */
  readonly history = new History();
  /** @internal */
  jobAbort: AbortController | null = null;
  /** @internal newest build request (older replies are dropped). */
  buildSeq = 0;
  /** @internal newest twist request (older replies are dropped). */
  twistSeq = 0;
  /** @internal session record fields the workbench does not interpret (kept as they were). */
  created = new Date().toISOString();
  unknown: Record<string, unknown> = {};
  /** True while a session is being restored (autosave and automatic roles wait). */
  restoring = false;
  readonly autosave: Autosave | null;

  constructor(
    readonly store: Store,
    readonly port: WorkbenchPort,
    sink: SessionSink | null = null,
    /** @internal */
    readonly now: () => number = () => performance.now(),
  ) {
    this.state = initialState(newSession());
    this.autosave = sink ? new Autosave(this, sink) : null;
    followStore(this);
  }

  get(): WorkbenchState {
    return this.state;
  }

  subscribe(fn: (s: WorkbenchState) => void): () => void {
    this.listeners.add(fn);
    fn(this.state);
    return () => this.listeners.delete(fn);
  }

  /** @internal */
  set(patch: Partial<WorkbenchState>): void {
    this.state = { ...this.state, ...patch, canUndo: this.history.canUndo, canRedo: this.history.canRedo };
    for (const fn of this.listeners) fn(this.state);
  }

  /** @internal */
  structure(id: string | null): Structure | null {
    return this.store.get().structures.find((e) => e.structure.id === id)?.structure ?? null;
  }

  /**
   * The film/substrate pair and options. `forSearch` takes the form as it is; otherwise facet and face stay
   * those the matches on screen were found with (the interface is kept until a new search replaces it).
   */
  request(forSearch = false): InterfaceRequest | null {
    const film = this.structure(this.state.filmId), substrate = this.structure(this.state.substrateId);
    if (!film || !substrate) return null;
    const o = this.state.options, b = forSearch ? null : this.state.builtOptions;
    return { film, substrate, options: { hkl: b?.hkl ?? o.hkl, layers: o.layers, vacuum: o.vacuum, face: b?.face ?? o.face, termination: o.termination, fixedLayers: o.fixedLayers, strain: o.strain, maxAtoms: DEFAULTS.maxAtoms } };
  }

  params(): MatchParams {
    const o = this.state.options;
    return { maxArea: o.maxArea, maxStrain: o.maxStrainPct / 100, maxAngle: o.maxAngleDeg * DEG, limit: DEFAULTS.matchLimit };
  }

  /** @internal */
  fail(e: unknown, at: NoteAt = this.state.errorAt): void {
    if ((e as Error).name === 'AbortError') return;
    // The app has no work-limit control: the max area is the way to a search that fits.
    this.set({ error: (e as Error).message.replace(' or raise the work limit (maxWork)', ''), errorAt: at, job: null });
  }

  /** A problem shown next to what caused it. */
  problem(text: string, at: NoteAt): void {
    this.set({ error: text, errorAt: at });
  }

  // ---------------------------------------------------------------- roles, options, matches (workbench-matches.ts)

  setRole(id: string, role: 'film' | 'substrate' | null): void { setRole(this, id, role); }

  /** Layers, vacuum, termination, fixed layers and strain side rebuild at once; facet, face and tolerances wait for the next search. */
  setOptions(o: Partial<InterfaceOptions>): void { setOptions(this, o); }

  findMatches(): Promise<void> { return findMatches(this); }

  twistScan(): Promise<void> { return twistScan(this); }

  /** The next matches past the list's cap (the chosen one stays). */
  moreMatches(): Promise<void> { return moreMatches(this); }

  selectMatch(index: number, history = true): Promise<void> { return selectMatch(this, index, history); }

  /** Turns the active film to `deg` (degrees); with no coincident cell there, nothing moves and the twist note says why. */
  setTwist(deg: number | null, film?: number): Promise<void> { return setTwist(this, deg, film); }

  // ---------------------------------------------------------------- stacks of films (workbench-stack.ts)

  addFilm(id: string, face: 'bottom' | 'top' = 'bottom'): Promise<void> { return addFilm(this, id, face); }

  removeTopFilm(): void { removeTopFilm(this); }

  /** Which film the placement controls (sliders, gizmos, keys, scans) act on: 0 = film 1. */
  selectFilm(k: number): void {
    this.set({ activeFilm: Math.max(0, Math.min(this.state.stack.length, Math.round(k))) });
  }

  // ---------------------------------------------------------------- placement, undo/redo

  /** Moves the active film (see selectFilm); `film` picks another one (0 = film 1). */
  setPlacement(p: Partial<Placement>, history = true, film = this.state.activeFilm): void {
    const cur = film > 0 ? this.state.stack[film - 1]?.placement : this.state.placement;
    if (!cur) return;
    if (history) this.remember();
    const shift = p.shift ? ([wrap01(p.shift[0]), wrap01(p.shift[1])] as [number, number]) : cur.shift;
    const next = { ...cur, ...p, shift };
    if (film === 0) this.set({ placement: next });
    else this.set({ stack: this.state.stack.map((f, i) => (i === film - 1 ? { ...f, placement: next } : f)) });
    void this.rebuild();
  }

  /** @internal records the current state as one undo step. */
  remember(): void {
    this.pushUndo(snapshotOf(this.state));
  }

  /** @internal */
  pushUndo(s: Step): void {
    this.history.push(s);
  }

  undo(): void {
    this.apply(this.history.undo(snapshotOf(this.state)));
  }

  redo(): void {
    this.apply(this.history.redo(snapshotOf(this.state)));
  }

  /** Goes to an undo step: all of it (interface, estimates, scans, relaxation), or its intent, rebuilt (after a reload). */
  private apply(s: Step | undefined): void {
    if (!s) return;
    ++this.buildSeq; // a build still on its way belongs to the state being left
    const whole = 'iface' in s;
    this.set({ ...s, activeFilm: Math.min(s.activeFilm, s.stack.length), error: null, shows: (whole ? s.iface : s.match) ? 'interface' : this.state.shows });
    if (!whole) void this.rebuild();
  }

  /** What the 3D view shows (a view option: never saved, never undone). */
  show(what: 'interface' | 'structure'): void {
    if (what !== this.state.shows) this.set({ shows: what === 'interface' && !this.state.iface ? 'structure' : what });
  }

  setHiddenLayers(hidden: number[]): void {
    this.set({ hiddenLayers: [...new Set(hidden)].sort((a, b) => a - b) });
  }

  /** Everything that determines the interface now on screen (null until a match is chosen). */
  spec(): InterfaceSpec | null {
    const request = this.request(), match = this.state.match, uppers = upperReqs(this);
    if (!request || !match || !uppers) return null;
    return { request, match, placement: this.state.placement, uppers };
  }

  /**
   * Builds the interface for the current match and placement and makes the live estimates, in one worker
   * round trip; the newest request wins (workbench-build.ts).
   */
  rebuild(): Promise<void> { return rebuild(this); }

  /** Estimates again for the interface on screen (after a change of force-field model or backend). */
  estimate(): Promise<void> {
    return this.rebuild();
  }

  setFFModel(model: FFModel): void { setFFModel(this, model); }

  setBackend(choice: BackendChoice): Promise<void> { return setBackend(this, choice); }

  // ---------------------------------------------------------------- scans and relaxation (workbench-jobs.ts)

  cancelJob(): void { cancelJob(this); }

  zScan(): Promise<void> { return zScan(this); }

  registryScan(grid = 12): Promise<void> { return registryScan(this, grid); }

  relax(): Promise<void> { return relax(this); }

  // ---------------------------------------------------------------- sessions (workbench-session.ts, autosave.ts)

  toSession(): Session { return toSession(this); }

  load(s: Session): Promise<void> { return loadSession(this, s); }

  rename(name: string): void {
    this.set({ session: { ...this.state.session, name: name.trim() || 'Untitled session' } });
  }

  /** Saves now if anything is unsaved. */
  flush(): Promise<void> {
    return this.autosave?.flush() ?? Promise.resolve();
  }

  /** Replies still on their way (builds, twists, jobs) belong to what is being replaced: they are dropped. */
  supersede(): void {
    ++this.buildSeq;
    ++this.twistSeq;
    this.jobAbort?.abort();
    this.jobAbort = null;
  }

  /** Starts a fresh session (the current one stays saved). */
  startNew(): void { startNew(this); }
}
