/**
 * The fields of a session record other than its envelope (DESIGN.md §9): interface options, placements, matches,
 * stored structures and layer faces. Each has its type and default here and one check that restoreSession
 * (session.ts, the only restore path) applies, naming the field and the accepted range when a value is refused.
 */
import { DEFAULTS, STRAIN_SIDES, type StrainSide } from '../core/defaults';
import { MAX_Z } from '../core/elements';
import { makeStructure, type Structure } from '../core/structure';
import { validateStructure } from '../core/validate';
import type { LatticeMatch } from '../compute/geometry/geometry';
import { STRUCTURE_KINDS, type LayerFaces, type StructureKind } from '../core/layer';
import { SessionError } from './session-json';

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

/** Where one film sits (z-separation in Å, shift in fractions of the cell): the interface service's definition. */
export type { Placement } from '../compute/interface/pipeline';
import type { Placement } from '../compute/interface/pipeline';

export const DEFAULT_OPTIONS: InterfaceOptions = { hkl: [...DEFAULTS.hkl], layers: DEFAULTS.slabLayers, vacuum: DEFAULTS.vacuum, face: DEFAULTS.face, maxArea: DEFAULTS.maxArea, maxStrainPct: DEFAULTS.maxStrainPct, maxAngleDeg: DEFAULTS.maxAngleDeg, termination: 0, fixedLayers: Math.floor(DEFAULTS.slabLayers / 2), strain: 'film' };
export const DEFAULT_PLACEMENT: Placement = { zSeparation: DEFAULTS.startZ, shift: [0, 0] };

/**
 * z-separation range accepted from a session (Å). The low end is the CLI's `--z` minimum; the high end is wider
 * than the CLI's 50 Å because the app's PageUp key has no ceiling, and a session the app wrote must restore.
 */
export const Z_SEPARATION_RANGE: [number, number] = DEFAULTS.zSeparationRange;
/** Largest search area a session may ask for (Å²): far above any search that finishes, so only corrupt values fail. */
const MAX_SESSION_AREA = 100_000;
/** Registry shifts beyond this many cells (fractions) are refused as corrupt. */
const MAX_SHIFT = 1000;

/** Per-atom arrays and how many entries per atom each has; any other length is refused. */
const PER_ATOM: Record<string, number> = { selectiveDynamics: 3, occupancy: 1, role: 1, layerIndex: 1, labels: 1 };

/** A stored structure, checked exactly as a parsed file is (validateStructure: Z, finite coordinates, cell). */
export function structureFrom(x: unknown, where: string): Structure {
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
export function numberIn(x: unknown, what: string, lo: number, hi: number, dflt: number, integer = false): number {
  if (x === undefined || x === null) return dflt;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < lo || x > hi || (integer && !Number.isInteger(x)))
    throw new SessionError(`${what} is ${typeof x === 'number' ? x : JSON.stringify(x)?.slice(0, 40)}; it must be ${integer ? 'a whole number' : 'a number'} from ${lo} to ${hi}`);
  return x;
}

export function placementFrom(x: unknown, where: string): Placement {
  const pl = (x ?? {}) as Record<string, unknown>;
  const [zlo, zhi] = Z_SEPARATION_RANGE;
  const zSeparation = numberIn(pl.zSeparation, `${where}.zSeparation (Å)`, zlo, zhi, DEFAULT_PLACEMENT.zSeparation);
  if (pl.shift !== undefined && !(Array.isArray(pl.shift) && pl.shift.length === 2)) throw new SessionError(`${where}.shift must be two fractions`);
  const sh = (pl.shift ?? [0, 0]) as unknown[];
  return { zSeparation, shift: [numberIn(sh[0], `${where}.shift[0]`, -MAX_SHIFT, MAX_SHIFT, 0), numberIn(sh[1], `${where}.shift[1]`, -MAX_SHIFT, MAX_SHIFT, 0)] };
}

/** Interface options with defaults filled, each checked against a range that admits everything the app or CLI can set. */
export function optionsFrom(x: unknown): InterfaceOptions {
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
export function matchFrom(x: unknown, where: string): LatticeMatch {
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

/** A structure's kind as stored: one of STRUCTURE_KINDS (an old record without one is bulk). */
export function kindFrom(x: unknown, k: number): StructureKind {
  if (x === undefined) return 'bulk';
  if (typeof x === 'string' && (STRUCTURE_KINDS as readonly string[]).includes(x)) return x as StructureKind;
  throw new SessionError(`structure ${k + 1}: kind is ${JSON.stringify(x)?.slice(0, 40)}; it must be one of ${STRUCTURE_KINDS.join(', ')}`);
}

/** Layer faces from a record, if they are two lists of atomic numbers (else left out: faces are named by side). */
export function facesFrom(x: unknown): { faces?: LayerFaces } {
  const f = x as Partial<LayerFaces> | undefined;
  const ok = (z: unknown) => Array.isArray(z) && z.length > 0 && z.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_Z);
  return f && ok(f.bottom) && ok(f.top) ? { faces: { bottom: [...f.bottom!], top: [...f.top!] } } : {};
}
