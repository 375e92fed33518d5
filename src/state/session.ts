/**
 * The session record: everything the workbench needs to come back exactly as the user left it, versioned
 * (DESIGN.md §9). One `restoreSession(unknown)` validates, migrates, fills defaults and keeps unknown fields;
 * IndexedDB loads and imported session files both go through it. The record is JSON-safe (typed arrays become
 * tagged number arrays), so the same object is stored in IndexedDB and written to a session file.
 */
import { makeStructure, type Structure } from '../core/structure';
import type { LatticeMatch } from '../compute/geometry/geometry';
import type { StructureKind } from './store';

export const SESSION_TYPE = 'heterolab-session';
export const SCHEMA_VERSION = 2;

export interface InterfaceOptions {
  hkl: [number, number, number];
  layers: number;
  /** Å */
  vacuum: number;
  face: 'bottom' | 'top';
  /** Å² */
  maxArea: number;
  /** percent */
  maxStrainPct: number;
  /** degrees (UI edge) */
  maxAngleDeg: number;
}

/** Where the film sits on the substrate: z-separation (Å) and lateral shift (fractions of the supercell a, b). */
export interface Placement {
  zSeparation: number;
  shift: [number, number];
}

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
  ffModel: 'uff' | 'd2';
  [unknown: string]: unknown;
}

export const DEFAULT_OPTIONS: InterfaceOptions = { hkl: [1, 1, 1], layers: 4, vacuum: 15, face: 'bottom', maxArea: 100, maxStrainPct: 5, maxAngleDeg: 1 };
export const DEFAULT_PLACEMENT: Placement = { zSeparation: 3.2, shift: [0, 0] };

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
    ffModel: 'd2',
  };
}

export class SessionError extends Error {}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const TYPED = { Uint8Array, Uint16Array, Float64Array } as const;

/** JSON-safe copy: typed arrays become {"$typed": "Float64Array", "data": [...]}. */
export function toJson(x: unknown): Json {
  if (x === undefined) return null;
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    const name = x.constructor.name;
    if (!(name in TYPED)) throw new SessionError(`cannot store a ${name}`);
    return { $typed: name, data: Array.from(x as unknown as ArrayLike<number>) };
  }
  if (Array.isArray(x)) return x.map(toJson);
  if (x && typeof x === 'object') {
    const o: Record<string, Json> = {};
    for (const [k, v] of Object.entries(x)) if (v !== undefined) o[k] = toJson(v);
    return o;
  }
  if (typeof x === 'number' && !Number.isFinite(x)) return null;
  return x as Json;
}

function fromJson(x: unknown): unknown {
  if (ArrayBuffer.isView(x)) return x; // already restored (restoreSession is idempotent)
  if (Array.isArray(x)) return x.map(fromJson);
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (typeof o.$typed === 'string' && Array.isArray(o.data)) {
      const C = TYPED[o.$typed as keyof typeof TYPED];
      if (!C || !o.data.every((v) => typeof v === 'number')) throw new SessionError(`bad typed array ${String(o.$typed)}`);
      return C.from(o.data as number[]);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = fromJson(v);
    return out;
  }
  return x;
}

/**
 * Migrations: MIGRATIONS[k - 1] turns a version-k record into version k + 1 (pure functions, in order). A change
 * to the schema bumps SCHEMA_VERSION, appends a step here and adds test/fixtures/sessions/v<k>.json.
 */
const MIGRATIONS: ((s: Record<string, unknown>) => Record<string, unknown>)[] = [
  // 1 → 2: stacks of films and film 1's dialled twist. A version-1 session had one film, placed from its match.
  (s) => ({ ...s, schemaVersion: 2, stack: [], twistDeg: null }),
];

function structureFrom(x: unknown, where: string): Structure {
  const s = x as Record<string, unknown>;
  const bad = (what: string) => new SessionError(`${where}: ${what}`);
  if (!(s?.numbers instanceof Uint8Array)) throw bad('numbers are missing');
  if (!(s.positions instanceof Float64Array) || s.positions.length !== 3 * s.numbers.length) throw bad('positions do not match the atoms');
  if (!(s.cell instanceof Float64Array) || s.cell.length !== 9) throw bad('cell must have 9 numbers');
  const st = makeStructure({
    numbers: s.numbers,
    positions: s.positions,
    cell: s.cell,
    pbc: Array.isArray(s.pbc) && s.pbc.length === 3 ? (s.pbc.map(Boolean) as Structure['pbc']) : [true, true, true],
    arrays: (s.arrays as Structure['arrays']) ?? {},
    info: (s.info as Structure['info']) ?? {},
  });
  // Keep the stored identity: roles and the match refer to structures by id.
  return { ...st, id: typeof s.id === 'string' ? s.id : st.id, revision: typeof s.revision === 'number' ? s.revision : 0 };
}

/** Validates and upgrades anything claiming to be a session (from IndexedDB or a file). Throws SessionError. */
export function restoreSession(input: unknown): Session {
  const raw = fromJson(typeof input === 'string' ? parseJson(input) : input) as Record<string, unknown>;
  if (!raw || typeof raw !== 'object' || raw.type !== SESSION_TYPE) throw new SessionError('not a heterolab session (type is missing or different)');
  let s = raw;
  let v = s.schemaVersion;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new SessionError(`bad or missing schemaVersion (${String(v)})`);
  if (v > SCHEMA_VERSION) throw new SessionError(`this session was saved by a newer heterolab (schema ${v}; this one reads up to ${SCHEMA_VERSION}); update the app`);
  for (; v < SCHEMA_VERSION; v++) s = MIGRATIONS[v - 1](s);
  const d = newSession();
  const structures = Array.isArray(s.structures)
    ? s.structures.map((e, k) => {
        const r = e as Record<string, unknown>;
        return { structure: structureFrom(r.structure, `structure ${k + 1}`), file: String(r.file ?? 'unnamed'), kind: (r.kind as StructureKind) ?? 'bulk' };
      })
    : [];
  const ids = new Set(structures.map((e) => e.structure.id));
  const ref = (x: unknown) => (typeof x === 'string' && ids.has(x) ? x : null);
  const opt = { ...DEFAULT_OPTIONS, ...((s.options as object) ?? {}) } as InterfaceOptions;
  const num = (x: unknown, dflt: number) => (typeof x === 'number' && Number.isFinite(x) ? x : dflt);
  const placement = (x: unknown): Placement => {
    const pl = (x ?? {}) as Partial<Placement>;
    return { zSeparation: num(pl.zSeparation, DEFAULT_PLACEMENT.zSeparation), shift: Array.isArray(pl.shift) && pl.shift.length === 2 ? [num(pl.shift[0], 0), num(pl.shift[1], 0)] : [0, 0] };
  };
  const stack = (Array.isArray(s.stack) ? s.stack : []).map((e, k): StackFilm => {
    const r = (e ?? {}) as Record<string, unknown>;
    const where = `stacked film ${k + 2}`;
    if (typeof r.filmId !== 'string' || !ids.has(r.filmId)) throw new SessionError(`${where}: its structure (${String(r.filmId)}) is not in the session`);
    const m = r.match as LatticeMatch | undefined;
    if (!m || !Array.isArray(m.filmMatrix) || !Array.isArray(m.substrateMatrix)) throw new SessionError(`${where}: the match is missing or has no supercell matrices`);
    return { filmId: r.filmId, face: r.face === 'top' ? 'top' : 'bottom', match: m, twistDeg: typeof r.twistDeg === 'number' && Number.isFinite(r.twistDeg) ? r.twistDeg : null, placement: placement(r.placement) };
  });
  return {
    ...s, // unknown fields survive a round trip through an older build
    type: SESSION_TYPE,
    schemaVersion: SCHEMA_VERSION,
    id: typeof s.id === 'string' ? s.id : d.id,
    name: typeof s.name === 'string' && s.name.trim() ? s.name : d.name,
    created: typeof s.created === 'string' ? s.created : d.created,
    modified: typeof s.modified === 'string' ? s.modified : d.modified,
    revision: num(s.revision, 0),
    structures,
    filmId: ref(s.filmId),
    substrateId: ref(s.substrateId),
    options: opt,
    match: (s.match as LatticeMatch) ?? null,
    placement: placement(s.placement),
    twistDeg: typeof s.twistDeg === 'number' && Number.isFinite(s.twistDeg) ? s.twistDeg : null,
    stack: s.match ? stack : [], // stacked films sit on film 1's cell: without a match there is nothing to stack on
    ffModel: s.ffModel === 'uff' ? 'uff' : 'd2',
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SessionError(`not valid JSON: ${(e as Error).message}`);
  }
}

/** The session as a file: pretty JSON with typed arrays tagged. */
export function sessionToText(s: Session): string {
  return JSON.stringify(toJson(s));
}
