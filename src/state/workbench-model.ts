/**
 * The workbench's state, in slices: user intent (roles, options, the chosen match, per-film placements), results
 * derived from it by the worker (matches, the built interface, live estimates, scans), what the view shows, the
 * running job and the session. Selectors here are the one place that reads across slices.
 */
import type { FFModel } from '../core/defaults';
import type { Structure } from '../core/structure';
import type { Mat2 } from '../core/linalg';
import { mul2 } from '../core/linalg';
import { reduceTwist } from '../core/twist';
import { DEFAULTS } from '../core/defaults';
import type { LatticeMatch } from '../compute/geometry/geometry';
import type { RegistryScanResult, ZScanResult } from '../compute/ff/ops';
import type { BackendChoice } from '../compute/ff/select';
import type { InterfaceEstimate } from '../compute/ml/estimate';
import type { FFEvaluation, FFStatus } from '../workers/protocol';
import type { Termination } from '../compute/interface/types';
import { DEFAULT_OPTIONS, DEFAULT_PLACEMENT, type InterfaceOptions, type Placement, type Session, type StackFilm } from './session';

export const DEG = Math.PI / 180;

export type JobKind = 'matches' | 'twist scan' | 'stacking a film' | 'z-scan' | 'registry scan' | 'relaxation';

/** Where a message belongs on the page: it is shown next to the control that caused it. */
export type NoteAt = 'roles' | 'options' | 'twist' | 'stack' | 'scans';

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

export type RelaxResult = { backend: string; iterations: number; converged: boolean; bindingEnergy: number; zSeparation: number; registry: [number, number]; films: number };
export type SaveStatus = 'new' | 'saved' | 'saving' | 'unsaved' | 'error' | 'conflict';

export interface WorkbenchState {
  // -- intent (saved in the session, undoable)
  filmId: string | null;
  substrateId: string | null;
  /** The options form as the user left it. */
  options: InterfaceOptions;
  /** The options the matches on screen were found with (the interface keeps them until a new search). */
  builtOptions: InterfaceOptions | null;
  match: LatticeMatch | null;
  /** Film twist (degrees) the user dialled in; null = matches from the free search. */
  twistDeg: number | null;
  placement: Placement;
  /** Films stacked on film 1 (bottom to top), each with its own match, twist and placement. */
  stack: StackFilm[];
  /** The film the placement controls act on: 0 = film 1, k = stack[k − 1]. */
  activeFilm: number;
  ffModel: FFModel;
  // -- results (from the worker)
  matches: LatticeMatch[] | null;
  /** Atoms of the interface each match would build. */
  matchAtoms: number[];
  /** Matches the last search found (the list holds the first `matches.length`). */
  matchesTotal: number;
  /** Twist period (degrees) of the film on the substrate, from their lattices (60° for two hexagonal lattices). */
  twistPeriodDeg: number;
  /** Twist period (degrees) of each stacked film on the cell below it (its own: 60° for h-BN on graphene on Cu(100), whose film 1 repeats every 30°). */
  stackPeriodsDeg: number[];
  hklNote: string;
  /** The built facet's distinct terminations (species Z of the top plane and the one below), as the last search found them. */
  terminations: Termination[];
  /** What the user must know about the built interface and how the pair was prepared. */
  warnings: string[];
  scan: { twistDeg: number; strainPct: number | null }[] | null;
  iface: Structure | null;
  live: Live;
  zscan: (ZScanResult & { backend: string }) | null;
  /** `base`: the film's shift when the scan was made (map shifts are relative to it); `filmAtoms`: atoms of the scanned film. */
  registry: (RegistryScanResult & { backend: string; base: [number, number]; filmAtoms: number }) | null;
  relax: RelaxResult | null;
  // -- view (never saved)
  /** What the 3D view shows: the built interface or the structure selected in the list. */
  shows: 'interface' | 'structure';
  /** Layers hidden in the 3D view (0 = substrate, k = film k). */
  hiddenLayers: number[];
  // -- machinery
  backend: BackendChoice;
  ffStatus: FFStatus | null;
  /** The running job; done/total once it has reported progress. */
  job: { kind: JobKind; started: number; done?: number; total?: number } | null;
  /** The latest problem, and where on the page it belongs. */
  error: string | null;
  errorAt: NoteAt;
  /** What the workbench did on its own (e.g. assigned roles), shown where it happened. */
  note: { at: NoteAt; text: string } | null;
  canUndo: boolean;
  canRedo: boolean;
  /** `epoch` grows whenever another session replaces this one (autosave starts over from it). */
  session: { id: string; name: string; revision: number; status: SaveStatus; message?: string; epoch: number };
}

/** The part of the state an undo step restores: everything the user sees about the interface. */
export type Snapshot = Pick<WorkbenchState, typeof SNAPSHOT_KEYS[number]>;
export const SNAPSHOT_KEYS = ['filmId', 'substrateId', 'options', 'builtOptions', 'match', 'twistDeg', 'placement', 'stack', 'activeFilm', 'matches', 'matchAtoms', 'matchesTotal', 'stackPeriodsDeg', 'hklNote', 'terminations', 'warnings', 'scan', 'iface', 'live', 'zscan', 'registry', 'relax'] as const;

export function snapshotOf(s: WorkbenchState): Snapshot {
  const o = {} as Record<string, unknown>;
  for (const k of SNAPSHOT_KEYS) o[k] = s[k];
  return o as Snapshot;
}

/** What persistence offers the workbench (IndexedDB in the app, a fake in tests). */
export interface SessionSink {
  save(s: Session, baseRevision: number): Promise<{ ok: true; revision: number } | { ok: false; reason: 'conflict' | 'error'; message: string }>;
}

export function initialState(session: { id: string; name: string }, epoch = 0): WorkbenchState {
  return {
    filmId: null, substrateId: null, options: { ...DEFAULT_OPTIONS }, builtOptions: null, match: null, twistDeg: null,
    placement: { ...DEFAULT_PLACEMENT, shift: [0, 0] }, stack: [], activeFilm: 0, ffModel: DEFAULTS.ffModel,
    matches: null, matchAtoms: [], matchesTotal: 0, twistPeriodDeg: 60, stackPeriodsDeg: [], hklNote: '', terminations: [], warnings: [], scan: null, iface: null,
    live: { pending: false }, zscan: null, registry: null, relax: null,
    shows: 'structure', hiddenLayers: [],
    backend: 'auto', ffStatus: null, job: null, error: null, errorAt: 'options', note: null, canUndo: false, canRedo: false,
    session: { id: session.id, name: session.name, revision: 0, status: 'new', epoch },
  };
}

// ---------------------------------------------------------------- selectors

/** The fields a session record keeps (structures come from the app store): a change here is worth saving. */
export const sessionSlice = (s: WorkbenchState) => [s.filmId, s.substrateId, s.options, s.builtOptions, s.match, s.placement, s.twistDeg, s.stack, s.ffModel, s.session.name] as const;

/** The placement of the film the controls act on. */
export function activePlacement(s: WorkbenchState): Placement {
  return s.activeFilm > 0 ? s.stack[s.activeFilm - 1]?.placement ?? s.placement : s.placement;
}

/** A twist (radians) in degrees, reduced into the pair's twist period: the one convention the UI shows. */
export function shownTwist(t: number, periodDeg: number): number {
  return (reduceTwist(t, periodDeg * DEG) * 180) / Math.PI;
}

/** The twist period (degrees) film `k` turns in (0 = film 1 on the substrate, k = stacked film k + 1 on the cell below it). */
export function periodDeg(s: WorkbenchState, k: number): number {
  // Until a stacked film's period has come back from the worker, film 1's stands in (the next build sets it).
  return k > 0 ? s.stackPeriodsDeg[k - 1] ?? s.twistPeriodDeg : s.twistPeriodDeg;
}

/**
 * That film's twist (degrees, reduced into its own twist period): where the film is, its match's twist
 * (the cell found for a dialled angle lies within the angle tolerance of it, not on it); as dialled before any match.
 */
export function activeTwist(s: WorkbenchState): number {
  const f = s.activeFilm > 0 ? s.stack[s.activeFilm - 1] : null;
  const m = f ? f.match : s.match;
  return m ? shownTwist(m.twist, periodDeg(s, s.activeFilm)) : dialledTwist(s);
}

/** That film's twist as last dialled (degrees, reduced), else where it is: what the [ and ] keys step from. */
export function dialledTwist(s: WorkbenchState): number {
  const f = s.activeFilm > 0 ? s.stack[s.activeFilm - 1] : null;
  const dialled = f ? f.twistDeg : s.twistDeg;
  const m = f ? f.match : s.match;
  return shownTwist(dialled !== null ? dialled * DEG : m ? m.twist : 0, periodDeg(s, s.activeFilm));
}

/** How much the cell grows over film 1's match for these stacked films (integer, acts on row vectors). */
export function stackGrowth(stack: StackFilm[]): Mat2 {
  let g: Mat2 = [[1, 0], [0, 1]];
  for (const f of stack) g = mul2(f.match.substrateMatrix as Mat2, g);
  return g;
}

/** Options that only rebuild the interface on screen (the matches stay). */
export const REBUILD_OPTIONS = ['layers', 'vacuum', 'termination', 'fixedLayers', 'strain'] as const;

/** Options that change which matches exist (facet, face, tolerances); REBUILD_OPTIONS only rebuild. */
export const MATCH_OPTIONS = ['hkl', 'face', 'maxArea', 'maxStrainPct', 'maxAngleDeg'] as const;

/** What the options form changed since the matches on screen were found (empty when nothing is pending). */
export function pendingOptions(s: WorkbenchState): string[] {
  const b = s.builtOptions;
  if (!b) return [];
  const label: Record<typeof MATCH_OPTIONS[number], string> = { hkl: 'facet', face: 'film face', maxArea: 'max area', maxStrainPct: 'max strain', maxAngleDeg: 'max angle' };
  return MATCH_OPTIONS.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(s.options[k])).map((k) => label[k]);
}

export function fmtN(x: number): string {
  return String(Math.round(x * 100) / 100);
}

export function wrap01(x: number): number {
  const f = x - Math.floor(x);
  return f > 1 - 1e-12 ? 0 : f;
}
