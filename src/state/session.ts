/**
 * The session record: everything the workbench needs to come back exactly as the user left it, versioned
 * (DESIGN.md §9). One `restoreSession(unknown)` validates, migrates, fills defaults and keeps unknown fields;
 * IndexedDB loads and imported session files both go through it. The record is JSON-safe (typed arrays become
 * tagged number arrays), so the same object is stored in IndexedDB and written to a session file.
 */
import { DEFAULTS, FF_MODELS, STRAIN_SIDES, type FFModel, type StrainSide } from '../core/defaults';
import { MAX_Z } from '../core/elements';
import { makeStructure, type Structure } from '../core/structure';
import { validateStructure } from '../core/validate';
import type { LatticeMatch } from '../compute/geometry/geometry';
import { STRUCTURE_KINDS, type LayerFaces, type StructureKind } from '../core/layer';
import { screenFrom, type ScreenRecord } from './screen-record';

export const SESSION_TYPE = 'heterolab-session';
export const SCHEMA_VERSION = 2;

/** The interface form as the user left it (UI units: strain in %, angle in degrees); the service gets PrepareOptions. */
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
  /** Which distinct termination of the facet is on top (0-based; the matches reply lists them). */
  termination: number;
  /** Bottom substrate planes fixed in exports (selective dynamics / fixed-atom flags). */
  fixedLayers: number;
  /** Which side takes the lattice mismatch. */
  strain: StrainSide;
}

/** Where the film sits on the substrate: z-separation (Å) and lateral shift (fractions of the supercell a, b). */
/** Where one film sits (z-separation in Å, shift in fractions of the cell): the interface service's definition. */
export type { Placement } from '../compute/interface/pipeline';
import type { Placement } from '../compute/interface/pipeline';

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

export const DEFAULT_OPTIONS: InterfaceOptions = { hkl: [...DEFAULTS.hkl], layers: DEFAULTS.slabLayers, vacuum: DEFAULTS.vacuum, face: DEFAULTS.face, maxArea: DEFAULTS.maxArea, maxStrainPct: DEFAULTS.maxStrainPct, maxAngleDeg: DEFAULTS.maxAngleDeg, termination: 0, fixedLayers: Math.floor(DEFAULTS.slabLayers / 2), strain: 'film' };
export const DEFAULT_PLACEMENT: Placement = { zSeparation: DEFAULTS.startZ, shift: [0, 0] };

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

export class SessionError extends Error {}

/** Deepest nesting a session record may have (a real one is under 10 levels deep). */
export const MAX_SESSION_DEPTH = 64;
/** Largest session text accepted (characters), as for structure files (MAX_FILE_BYTES in core/validate.ts). */
export const MAX_SESSION_CHARS = 256 * 1024 * 1024;
/**
 * z-separation range accepted from a session (Å). The low end is the CLI's `--z` minimum; the high end is wider
 * than the CLI's 50 Å because the app's PageUp key has no ceiling, and a session the app wrote must restore.
 */
export const Z_SEPARATION_RANGE: [number, number] = DEFAULTS.zSeparationRange;
/** Largest search area a session may ask for (Å²): far above any search that finishes, so only corrupt values fail. */
const MAX_SESSION_AREA = 100_000;
/** Registry shifts beyond this many cells (fractions) are refused as corrupt. */
const MAX_SHIFT = 1000;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const TYPED = { Uint8Array, Uint16Array, Float64Array } as const;
/** Values each stored typed array can hold: a value outside is refused, never wrapped (300 must not become 44, Ru). */
const TYPED_RANGE: Record<keyof typeof TYPED, [number, number, boolean]> = { Uint8Array: [0, 255, true], Uint16Array: [0, 65535, true], Float64Array: [-Infinity, Infinity, false] };

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

function typedFrom(o: Record<string, unknown>, path: string): ArrayBufferView {
  const name = o.$typed as keyof typeof TYPED;
  const C = TYPED[name];
  if (!C || !Array.isArray(o.data)) throw new SessionError(`${path}: bad typed array ${String(o.$typed)}`);
  const [lo, hi, integer] = TYPED_RANGE[name];
  const data = o.data as unknown[];
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number' || Number.isNaN(v) || (integer && !(Number.isInteger(v) && v >= lo && v <= hi))) {
      const what = path.endsWith('.numbers') ? `atom ${i + 1} has atomic number ${String(v)}, outside 1..${MAX_Z}` : `${path}[${i}] is ${JSON.stringify(v) ?? String(v)}, which a ${name} cannot hold${integer ? ` (whole numbers ${lo}..${hi})` : ''}`;
      throw new SessionError(path.endsWith('.numbers') ? `${path.replace(/\.numbers$/, '')}: ${what}` : what);
    }
  }
  return C.from(data as number[]);
}

/** Tagged typed arrays back to typed arrays, iteratively bounded: nesting deeper than MAX_SESSION_DEPTH is refused. */
function fromJson(x: unknown, path = 'session', depth = 0): unknown {
  if (ArrayBuffer.isView(x)) return x; // already restored (restoreSession is idempotent)
  if (depth > MAX_SESSION_DEPTH) throw new SessionError(`${path.slice(0, 120)}: the record is nested deeper than ${MAX_SESSION_DEPTH} levels; not a session heterolab wrote`);
  if (Array.isArray(x)) return x.map((v, k) => fromJson(v, `${path}[${k}]`, depth + 1));
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (typeof o.$typed === 'string') return typedFrom(o, path);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = fromJson(v, `${path}.${k}`, depth + 1);
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

/** Per-atom arrays and how many entries per atom each has; any other length is refused. */
const PER_ATOM: Record<string, number> = { selectiveDynamics: 3, occupancy: 1, role: 1, layerIndex: 1, labels: 1 };

/** A stored structure, checked exactly as a parsed file is (validateStructure: Z, finite coordinates, cell). */
function structureFrom(x: unknown, where: string): Structure {
  const s = x as Record<string, unknown>;
  const bad = (what: string) => new SessionError(`${where}: ${what}`);
  if (!(s?.numbers instanceof Uint8Array)) throw bad('numbers are missing');
  if (!(s.positions instanceof Float64Array) || s.positions.length !== 3 * s.numbers.length) throw bad('positions do not match the atoms');
  if (!(s.cell instanceof Float64Array) || s.cell.length !== 9) throw bad('cell must have 9 numbers');
  const arrays = (s.arrays ?? {}) as Record<string, unknown>;
  if (typeof arrays !== 'object') throw bad('arrays must be an object');
  for (const [k, per] of Object.entries(PER_ATOM)) {
    const a = arrays[k] as { length?: number } | undefined;
    if (a !== undefined && a !== null && a.length !== per * s.numbers.length) throw bad(`arrays.${k} has ${String(a.length)} entries for ${s.numbers.length} atoms`);
  }
  const st = makeStructure({
    numbers: s.numbers,
    positions: s.positions,
    cell: s.cell,
    pbc: Array.isArray(s.pbc) && s.pbc.length === 3 ? (s.pbc.map(Boolean) as Structure['pbc']) : [true, true, true],
    arrays: arrays as Structure['arrays'],
    info: s.info && typeof s.info === 'object' ? (s.info as Structure['info']) : {},
  });
  for (const v of validateStructure(st)) if (v.severity === 'error') throw bad(v.message);
  // Keep the stored identity: roles and the match refer to structures by id.
  return { ...st, id: typeof s.id === 'string' ? s.id : st.id, revision: typeof s.revision === 'number' ? s.revision : 0 };
}

/** A finite number in [lo, hi], the default when absent, a SessionError naming the field otherwise. */
function numberIn(x: unknown, what: string, lo: number, hi: number, dflt: number, integer = false): number {
  if (x === undefined || x === null) return dflt;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < lo || x > hi || (integer && !Number.isInteger(x)))
    throw new SessionError(`${what} is ${typeof x === 'number' ? x : JSON.stringify(x)?.slice(0, 40)}; it must be ${integer ? 'a whole number' : 'a number'} from ${lo} to ${hi}`);
  return x;
}

function placementFrom(x: unknown, where: string): Placement {
  const pl = (x ?? {}) as Record<string, unknown>;
  const [zlo, zhi] = Z_SEPARATION_RANGE;
  const zSeparation = numberIn(pl.zSeparation, `${where}.zSeparation (Å)`, zlo, zhi, DEFAULT_PLACEMENT.zSeparation);
  if (pl.shift !== undefined && !(Array.isArray(pl.shift) && pl.shift.length === 2)) throw new SessionError(`${where}.shift must be two fractions`);
  const sh = (pl.shift ?? [0, 0]) as unknown[];
  return { zSeparation, shift: [numberIn(sh[0], `${where}.shift[0]`, -MAX_SHIFT, MAX_SHIFT, 0), numberIn(sh[1], `${where}.shift[1]`, -MAX_SHIFT, MAX_SHIFT, 0)] };
}

/** Interface options with defaults filled, each checked against a range that admits everything the app or CLI can set. */
function optionsFrom(x: unknown): InterfaceOptions {
  const raw = (x && typeof x === 'object' ? x : {}) as Partial<InterfaceOptions>;
  const o = { ...DEFAULT_OPTIONS, ...raw } as InterfaceOptions;
  if (!Array.isArray(o.hkl) || o.hkl.length !== 3) throw new SessionError('options.hkl must be three integers');
  const hkl = o.hkl.map((h, k) => numberIn(h, `options.hkl[${k}]`, -100, 100, 0, true)) as [number, number, number];
  if (hkl.every((h) => h === 0)) throw new SessionError('options.hkl is 0 0 0; a Miller index needs a non-zero entry');
  return {
    ...o,
    hkl,
    layers: numberIn(o.layers, 'options.layers', 1, 1000, DEFAULT_OPTIONS.layers, true),
    vacuum: numberIn(o.vacuum, 'options.vacuum (Å)', 0, 1000, DEFAULT_OPTIONS.vacuum),
    face: o.face === 'top' ? 'top' : 'bottom',
    maxArea: numberIn(o.maxArea, 'options.maxArea (Å²)', 1, MAX_SESSION_AREA, DEFAULT_OPTIONS.maxArea),
    maxStrainPct: numberIn(o.maxStrainPct, 'options.maxStrainPct (%)', 0, 100, DEFAULT_OPTIONS.maxStrainPct),
    maxAngleDeg: numberIn(o.maxAngleDeg, 'options.maxAngleDeg (°)', 0, 180, DEFAULT_OPTIONS.maxAngleDeg),
    termination: numberIn(o.termination, 'options.termination', 0, 1000, 0, true),
    // Sessions before these options fixed half the slab layers, rounded down.
    fixedLayers: numberIn(raw.fixedLayers, 'options.fixedLayers', 0, 1000, Math.floor(numberIn(o.layers, 'options.layers', 1, 1000, DEFAULT_OPTIONS.layers, true) / 2), true),
    strain: STRAIN_SIDES.includes(o.strain) ? o.strain : 'film',
  };
}

/** A match as the search returns it: integer 2×2 supercell matrices with non-zero determinant, finite numbers. */
function matchFrom(x: unknown, where: string): LatticeMatch {
  const m = x as LatticeMatch | undefined;
  if (!m || typeof m !== 'object' || !Array.isArray(m.filmMatrix) || !Array.isArray(m.substrateMatrix)) throw new SessionError(`${where}: the match is missing or has no supercell matrices`);
  for (const key of ['filmMatrix', 'substrateMatrix'] as const) {
    const a = m[key] as unknown[];
    const flat = a.length === 2 && a.every((r) => Array.isArray(r) && r.length === 2) ? (a as number[][]).flat() : [];
    if (flat.length !== 4 || flat.some((v) => !Number.isInteger(v) || Math.abs(v) > 10_000) || flat[0] * flat[3] - flat[1] * flat[2] === 0)
      throw new SessionError(`${where}: match.${key} must be a 2×2 matrix of whole numbers with a non-zero determinant`);
  }
  numberIn(m.area, `${where}: match.area (Å²)`, 1e-6, 1e6, 1);
  return m;
}

/** Validates and upgrades anything claiming to be a session (from IndexedDB or a file). Throws SessionError. */
/** A structure's kind as stored: one of STRUCTURE_KINDS (an old record without one is bulk). */
function kindFrom(x: unknown, k: number): StructureKind {
  if (x === undefined) return 'bulk';
  if (typeof x === 'string' && (STRUCTURE_KINDS as readonly string[]).includes(x)) return x as StructureKind;
  throw new SessionError(`structure ${k + 1}: kind is ${JSON.stringify(x)?.slice(0, 40)}; it must be one of ${STRUCTURE_KINDS.join(', ')}`);
}

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

/** Layer faces from a record, if they are two lists of atomic numbers (else left out: faces are named by side). */
function facesFrom(x: unknown): { faces?: LayerFaces } {
  const f = x as Partial<LayerFaces> | undefined;
  const ok = (z: unknown) => Array.isArray(z) && z.length > 0 && z.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_Z);
  return f && ok(f.bottom) && ok(f.top) ? { faces: { bottom: [...f.bottom!], top: [...f.top!] } } : {};
}
