/**
 * The session record: everything the workbench needs to come back exactly as the user left it, versioned
 * (DESIGN.md §9). One `restoreSession(unknown)` validates, migrates, fills defaults and keeps unknown fields;
 * IndexedDB loads and imported session files both go through it. The record is JSON-safe (typed arrays become
 * tagged number arrays), so the same object is stored in IndexedDB and written to a session file.
 */
import { DEFAULTS, FF_MODELS, type FFModel } from '../core/defaults';
import type { Structure } from '../core/structure';
import type { LatticeMatch } from '../compute/geometry/geometry';
import type { LayerFaces, StructureKind } from '../core/layer';
import { screenFrom, type ScreenRecord } from './screen-record';
import { fromJson, MAX_SESSION_CHARS, parseJson, SessionError, toJson } from './session-json';
import { DEFAULT_OPTIONS, DEFAULT_PLACEMENT, facesFrom, kindFrom, matchFrom, numberIn, optionsFrom, placementFrom, structureFrom, type InterfaceOptions, type Placement } from './session-fields';

// The record's codec and field checks live in session-json.ts and session-fields.ts; their public names are here.
export { MAX_SESSION_CHARS, MAX_SESSION_DEPTH, SessionError, toJson } from './session-json';
export { DEFAULT_OPTIONS, DEFAULT_PLACEMENT, Z_SEPARATION_RANGE, type InterfaceOptions, type Placement } from './session-fields';

export const SESSION_TYPE = 'heterolab-session';
export const SCHEMA_VERSION = 2;

/**
 * A further film stacked on the interface (schema 2). Its match is against the cell of everything below it
 * (substrateMatrix = how much that cell grows); placement is its z (Å) above the film below and its shift
 * (fractions of the whole stack's cell); twistDeg is the angle dialled for it (null = from the free search).
 */
export interface StackFilm {
  filmId: string;
  face: 'bottom' | 'top';
  match: LatticeMatch;
  twistDeg: number | null;
  placement: Placement;
}

export interface SessionStructure {
  structure: Structure;
  file: string;
  kind: StructureKind;
  /** Species of its layer's faces (optional; written since face names by element). */
  faces?: LayerFaces;
}

export interface Session {
  type: typeof SESSION_TYPE;
  schemaVersion: number;
  id: string;
  name: string;
  /** ISO times */
  created: string;
  modified: string;
  /** Increases with every save; a tab that finds a higher stored revision knows another tab wrote since. */
  revision: number;
  structures: SessionStructure[];
  filmId: string | null;
  substrateId: string | null;
  options: InterfaceOptions;
  match: LatticeMatch | null;
  placement: Placement;
  /** Film 1's dialled twist (degrees; null = from the free search). Schema 2. */
  twistDeg: number | null;
  /** Films stacked on film 1, bottom to top. Schema 2. */
  stack: StackFilm[];
  ffModel: FFModel;
  /** The screen page's screen and its finished rows (null or absent: none); see screen-record.ts. */
  screen?: ScreenRecord | null;
  [unknown: string]: unknown;
}

export function newSession(name = 'Untitled session'): Session {
  const now = new Date().toISOString();
  return {
    type: SESSION_TYPE,
    schemaVersion: SCHEMA_VERSION,
    id: `session-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    name,
    created: now,
    modified: now,
    revision: 0,
    structures: [],
    filmId: null,
    substrateId: null,
    options: { ...DEFAULT_OPTIONS },
    match: null,
    placement: { ...DEFAULT_PLACEMENT, shift: [0, 0] },
    twistDeg: null,
    stack: [],
    ffModel: DEFAULTS.ffModel,
    screen: null,
  };
}

/**
 * Migrations: MIGRATIONS[k - 1] turns a version-k record into version k + 1 (pure functions, in order). A change
 * to the schema bumps SCHEMA_VERSION, appends a step here and adds test/fixtures/sessions/v<k>.json.
 */
const MIGRATIONS: ((s: Record<string, unknown>) => Record<string, unknown>)[] = [
  // 1 → 2: stacks of films and film 1's dialled twist. A version-1 session had one film, placed from its match.
  (s) => ({ ...s, schemaVersion: 2, stack: [], twistDeg: null }),
];

/** Validates and upgrades anything claiming to be a session (from IndexedDB or a file). Throws SessionError. */
export function restoreSession(input: unknown): Session {
  if (typeof input === 'string' && input.length > MAX_SESSION_CHARS) throw new SessionError(`the session file has ${input.length} characters; the limit is ${MAX_SESSION_CHARS}`);
  const raw = fromJson(typeof input === 'string' ? parseJson(input) : input) as Record<string, unknown>;
  if (!raw || typeof raw !== 'object' || raw.type !== SESSION_TYPE) throw new SessionError('not a heterolab session (type is missing or different)');
  let s = raw;
  let v = s.schemaVersion;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new SessionError(`bad or missing schemaVersion (${String(v)})`);
  if (v > SCHEMA_VERSION) throw new SessionError(`this session was saved by a newer heterolab (schema ${v}; this one reads up to ${SCHEMA_VERSION}); update the app`);
  for (; v < SCHEMA_VERSION; v++) s = MIGRATIONS[v - 1](s);
  const d = newSession();
  if (s.structures !== undefined && !Array.isArray(s.structures)) throw new SessionError('structures must be a list');
  const structures = ((s.structures ?? []) as unknown[]).map((e, k) => {
    const r = (e ?? {}) as Record<string, unknown>;
    return { structure: structureFrom(r.structure, `structure ${k + 1}${typeof r.file === 'string' ? ` (${r.file.slice(0, 80)})` : ''}`), file: String(r.file ?? 'unnamed'), kind: kindFrom(r.kind, k), ...facesFrom(r.faces) };
  });
  const ids = new Set(structures.map((e) => e.structure.id));
  const ref = (x: unknown) => (typeof x === 'string' && ids.has(x) ? x : null);
  const twist = (x: unknown, what: string) => (x === null ? null : numberIn(x, what, -360, 360, NaN));
  const stack = (Array.isArray(s.stack) ? s.stack : []).map((e, k): StackFilm => {
    const r = (e ?? {}) as Record<string, unknown>;
    const where = `stacked film ${k + 2}`;
    if (typeof r.filmId !== 'string' || !ids.has(r.filmId)) throw new SessionError(`${where}: its structure (${String(r.filmId)}) is not in the session`);
    const t = twist(r.twistDeg, `${where}: twistDeg`);
    return { filmId: r.filmId, face: r.face === 'top' ? 'top' : 'bottom', match: matchFrom(r.match, where), twistDeg: Number.isNaN(t) ? null : t, placement: placementFrom(r.placement, `${where}: placement`) };
  });
  const t1 = twist(s.twistDeg, 'twistDeg');
  return {
    ...s, // unknown fields survive a round trip through an older build
    type: SESSION_TYPE,
    schemaVersion: SCHEMA_VERSION,
    id: typeof s.id === 'string' ? s.id : d.id,
    name: typeof s.name === 'string' && s.name.trim() ? s.name : d.name,
    created: typeof s.created === 'string' ? s.created : d.created,
    modified: typeof s.modified === 'string' ? s.modified : d.modified,
    revision: typeof s.revision === 'number' && Number.isFinite(s.revision) ? s.revision : 0,
    structures,
    filmId: ref(s.filmId),
    substrateId: ref(s.substrateId),
    options: optionsFrom(s.options),
    match: s.match === null || s.match === undefined ? null : matchFrom(s.match, 'film 1'),
    placement: placementFrom(s.placement, 'placement'),
    twistDeg: Number.isNaN(t1) ? null : t1,
    stack: s.match ? stack : [], // stacked films sit on film 1's cell: without a match there is nothing to stack on
    ffModel: (FF_MODELS as readonly string[]).includes(s.ffModel as string) ? (s.ffModel as FFModel) : DEFAULTS.ffModel,
    screen: s.screen === null || s.screen === undefined ? null : screenOf(s.screen),
  };
}

function screenOf(x: unknown): ScreenRecord {
  try {
    return screenFrom(x);
  } catch (e) {
    throw new SessionError((e as Error).message);
  }
}

/** The session as a file: pretty JSON with typed arrays tagged. */
export function sessionToText(s: Session): string {
  return JSON.stringify(toJson(s));
}

