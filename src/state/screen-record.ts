/**
 * A screen kept in a session (issue 14): the screen page's form, the definition hash of the screen it ran, how
 * many pairs it has and the rows finished so far, so a cancelled or reloaded screen comes back and resumes.
 * Checked on restore like the rest of the session (restoreSession calls screenFrom): bounded, typed, and a
 * row that is not a row heterolab writes refuses the record instead of reaching the table.
 */
import type { ScreenRow } from '../core/screen-table';

/** The screen form as the user left it (UI units: strain in %, angle in degrees). */
export interface ScreenForm {
  families: ('janus' | 'common-2d')[];
  filmFilter: string;
  metals: string[];
  /** Miller indices as written, e.g. "111". */
  facets: string[];
  /** Å² */
  maxArea: number;
  /** percent */
  maxStrainPct: number;
  /** degrees */
  maxAngleDeg: number;
}

export interface ScreenRecord {
  form: ScreenForm;
  /** definitionHash of the screen the rows belong to. */
  definition: string;
  /** Pairs in that screen. */
  total: number;
  /** Finished pairs, each once, by job index. */
  rows: ScreenRow[];
}

/** Most rows a session keeps: 500 films × 50 metals × 3 facets × 2 faces is 150,000. */
export const MAX_SCREEN_ROWS = 250_000;
const MAX_TEXT = 2000;

export class ScreenRecordError extends Error {}

const bad = (what: string) => new ScreenRecordError(`screen: ${what}`);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const text = (x: unknown, what: string, max = MAX_TEXT): string => {
  if (typeof x !== 'string' || x.length > max) throw bad(`${what} must be text of at most ${max} characters`);
  return x;
};
function numberIn(x: unknown, what: string, lo: number, hi: number): number {
  if (!isNum(x) || x < lo || x > hi) throw bad(`${what} is ${JSON.stringify(x)?.slice(0, 40)}; it must be a number from ${lo} to ${hi}`);
  return x;
}
function list<T>(x: unknown, what: string, max: number, item: (v: unknown, k: number) => T): T[] {
  if (!Array.isArray(x) || x.length > max) throw bad(`${what} must be a list of at most ${max}`);
  return x.map(item);
}

function formFrom(x: unknown): ScreenForm {
  const f = (x ?? {}) as Record<string, unknown>;
  return {
    families: list(f.families, 'form.families', 2, (v) => {
      if (v !== 'janus' && v !== 'common-2d') throw bad(`form.families has ${JSON.stringify(v)}`);
      return v;
    }),
    filmFilter: text(f.filmFilter ?? '', 'form.filmFilter', 200),
    metals: list(f.metals, 'form.metals', 500, (v, k) => text(v, `form.metals[${k}]`, 100)),
    facets: list(f.facets, 'form.facets', 50, (v, k) => {
      if (typeof v !== 'string' || !/^-?\d-?\d-?\d$/.test(v)) throw bad(`form.facets[${k}] must be Miller indices like "111"`);
      return v;
    }),
    maxArea: numberIn(f.maxArea, 'form.maxArea (Å²)', 1, 100_000),
    maxStrainPct: numberIn(f.maxStrainPct, 'form.maxStrainPct (%)', 0, 100),
    maxAngleDeg: numberIn(f.maxAngleDeg, 'form.maxAngleDeg (°)', 0, 180),
  };
}

const NUMBER_FIELDS = ['area', 'nAtoms', 'strain', 'twistDeg', 'ffZSeparation', 'ffBindingEnergy', 'mlZSeparation', 'mlZSeparationSigma', 'mlBindingEnergy', 'mlBindingEnergySigma', 'formationEnergy', 'pStable'] as const;
const TEXT_FIELDS = ['film', 'face', 'substrate', 'hkl'] as const;

function rowFrom(x: unknown, k: number, total: number): ScreenRow {
  const r = x as Record<string, unknown>;
  const where = `row ${k + 1}`;
  if (!r || typeof r !== 'object') throw bad(`${where} is not a row`);
  if (!Number.isInteger(r.index) || (r.index as number) < 0 || (r.index as number) >= total) throw bad(`${where}: index ${JSON.stringify(r.index)} is not a pair of this screen (0..${total - 1})`);
  for (const f of TEXT_FIELDS) text(r[f], `${where}.${f}`, 200);
  if (r.faceSide !== 'bottom' && r.faceSide !== 'top') throw bad(`${where}.faceSide must be bottom or top`);
  // Stored rows come back through toJson, which writes a non-finite number as null: null is a missing value.
  for (const f of NUMBER_FIELDS) if (r[f] !== undefined && r[f] !== null && !isNum(r[f])) throw bad(`${where}.${f} must be a number or empty`);
  if (r.stable !== null && r.stable !== undefined && !['stable', 'unstable', 'undecided'].includes(r.stable as string)) throw bad(`${where}.stable is ${JSON.stringify(r.stable)}`);
  if (r.error !== undefined && r.error !== null) text(r.error, `${where}.error`);
  return r as unknown as ScreenRow;
}

/** Validates a stored screen (from IndexedDB or a session file). Throws ScreenRecordError naming the field. */
export function screenFrom(x: unknown): ScreenRecord {
  const s = x as Record<string, unknown>;
  if (!s || typeof s !== 'object') throw bad('not a screen record');
  const total = numberIn(s.total, 'total (pairs)', 0, 10_000_000);
  if (!Number.isInteger(total)) throw bad('total (pairs) must be a whole number');
  const rows = list(s.rows, 'rows', MAX_SCREEN_ROWS, (v, k) => rowFrom(v, k, total));
  const seen = new Set<number>();
  for (const r of rows) {
    if (seen.has(r.index)) throw bad(`pair ${r.index} has two rows`);
    seen.add(r.index);
  }
  return { form: formFrom(s.form), definition: text(s.definition, 'definition', 200), total, rows };
}
