import { cartesianToScaled, scaledToCartesian } from '../core/cell';
import { makeStructure, type Structure } from '../core/structure';

/**
 * Space-group operations for CIFs that give only a symbol or number. The tables come from moyo
 * (@spglib/moyo-wasm, MIT OR Apache-2.0; the Rust successor of spglib, K. Shinohara et al.), which carries
 * the 530 Hall settings of the International Tables for Crystallography, Vol. A. It is loaded lazily: most
 * files list their operations and never need it. The host (worker or CLI) supplies how the wasm is initialised.
 */

/** A symmetry operation on fractional coordinates: x' = R·x + t (R row-major, integer entries). */
export interface SymOp {
  rotation: number[];
  translation: number[];
}

export interface SettingEntry {
  number: number;
  hallNumber: number;
  setting: string;
  hmShort: string;
  hmFull: string;
  hallSymbol: string;
}

export interface SpaceGroupTables {
  entries: SettingEntry[];
  operations(entry: SettingEntry): SymOp[];
}

type MoyoModule = typeof import('@spglib/moyo-wasm');
type Init = (m: MoyoModule) => Promise<void> | void;

let init: Init | null = null;
let tables: SpaceGroupTables | null = null;
let moyo: MoyoModule | null = null;
let pending: Promise<SpaceGroupTables> | null = null;

/** Tells io how to initialise moyo's wasm on this platform (browser: fetch its URL; Node: read the file). */
export function setSpaceGroupInit(fn: Init): void {
  init = fn;
}

export function spaceGroupTables(): SpaceGroupTables | null {
  return tables;
}

export function loadSpaceGroupTables(): Promise<SpaceGroupTables> {
  if (tables) return Promise.resolve(tables);
  if (!init) return Promise.reject(new Error('space-group tables: no initialiser set (setSpaceGroupInit)'));
  const doInit = init;
  pending ??= (async () => {
    const m = await import('@spglib/moyo-wasm');
    await doInit(m);
    moyo = m;
    const entries: SettingEntry[] = [];
    for (let h = 1; h <= 530; h++) {
      const e = m.hall_symbol_entry(h);
      entries.push({ number: e.number, hallNumber: e.hall_number, setting: e.setting, hmShort: e.hm_short, hmFull: e.hm_full, hallSymbol: e.hall_symbol });
    }
    const cache = new Map<number, SymOp[]>();
    tables = {
      entries,
      operations(entry) {
        let ops = cache.get(entry.hallNumber);
        if (!ops) {
          ops = m
            .operations_from_number(entry.number, { type: 'HallNumber', value: entry.hallNumber }, false)
            // moyo serialises nalgebra matrices column-major; transpose to our row-major convention.
            .map((o) => {
              const r = o.rotation;
              return { rotation: [r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]], translation: [...o.translation] };
            });
          cache.set(entry.hallNumber, ops);
        }
        return ops;
      },
    };
    return tables;
  })();
  return pending;
}

function norm(s: string): string {
  return s.replace(/[\s_]/g, '').toLowerCase();
}

/** Origin-choice and axes suffixes written without a colon in older files ("Fd-3mS", "R-3mH"); S and Z are ITA's origin choices 1 and 2. */
const BARE_SUFFIX: Record<string, string> = { H: 'H', R: 'R', S: '1', Z: '2' };

/**
 * Finds the setting a Hermann–Mauguin symbol names ("P 63/m m c", "Fm-3m", "R -3 m :H", "P 4/n m m :1",
 * "Fd-3m:2"). Without a setting suffix: origin choice 2 and hexagonal axes (the ITA standard that pymatgen
 * and most databases write), otherwise the first (standard) setting. Historic spellings are accepted when they
 * name one group only: without overbars ("P m 3 m" for Pm-3m, "F d 3 m", "I a 3 d", as older ICSD and
 * CRYSTMET files write cubic groups) and with the suffix after a space instead of a colon ("R -3 m H", "F d -3 m S").
 * Returns null when no entry matches, or when a spelling without overbars could mean two groups ("P 3": P3 or P-3).
 */
export function settingForSymbol(t: SpaceGroupTables, symbol: string): SettingEntry | null {
  let s = symbol.trim().replace(/^['"]|['"]$/g, '');
  let suffix = '';
  const m = /[:](\s*\w+)\s*$/.exec(s);
  if (m) {
    suffix = m[1].trim().toUpperCase();
    s = s.slice(0, m.index);
  }
  const pick = (cands: SettingEntry[]): SettingEntry | null => {
    if (cands.length === 0) return null;
    if (suffix) return cands.find((e) => e.setting.toUpperCase() === suffix) ?? null;
    return cands.find((e) => e.setting === '2') ?? cands.find((e) => e.setting === 'H') ?? cands[0];
  };
  const key = norm(s);
  const exact = pick(t.entries.filter((e) => norm(e.hmShort) === key || norm(e.hmFull) === key));
  if (exact) return exact;
  const bare = /^(.*\S)\s+([HRSZ])$/.exec(s);
  if (!suffix && bare) {
    suffix = BARE_SUFFIX[bare[2]];
    const hit = settingForSymbol(t, `${bare[1]}:${suffix}`);
    if (hit) return hit;
    suffix = '';
  }
  // Without overbars: accepted only when exactly one space-group number matches.
  const noBar = key.replace(/-/g, '');
  const loose = t.entries.filter((e) => norm(e.hmShort).replace(/-/g, '') === noBar || norm(e.hmFull).replace(/-/g, '') === noBar);
  return new Set(loose.map((e) => e.number)).size === 1 ? pick(loose) : null;
}

/** The standard setting for an ITA number 1..230 (origin choice 2, hexagonal axes), or null. */
export function settingForNumber(t: SpaceGroupTables, n: number): SettingEntry | null {
  const cands = t.entries.filter((e) => e.number === n);
  if (cands.length === 0) return null;
  return cands.find((e) => e.setting === '2') ?? cands.find((e) => e.setting === 'H') ?? cands[0];
}

/** Finds a setting by its Hall symbol (spaces and case ignored). */
export function settingForHall(t: SpaceGroupTables, hall: string): SettingEntry | null {
  const key = norm(hall.replace(/^['"]|['"]$/g, ''));
  return t.entries.find((e) => norm(e.hallSymbol) === key) ?? null;
}

/**
 * Parses one operation in xyz form ("-x+1/2, y, z-0.25", "x-y,x,1/2+z"). Returns null when it is not one.
 */
export function parseSymOp(text: string): SymOp | null {
  const parts = text.replace(/^['"]|['"]$/g, '').toLowerCase().split(',');
  if (parts.length !== 3) return null;
  const rotation = new Array<number>(9).fill(0);
  const translation = [0, 0, 0];
  for (let r = 0; r < 3; r++) {
    const p = parts[r].replace(/\s+/g, '');
    if (p === '') return null;
    const re = /([+-]?)(\d+(?:\.\d*)?(?:\/\d+(?:\.\d*)?)?|\.\d+)?\*?([xyz])?/y;
    let i = 0;
    while (i < p.length) {
      re.lastIndex = i;
      const m = re.exec(p);
      if (!m || m[0] === '' || (!m[2] && !m[3])) return null;
      const sign = m[1] === '-' ? -1 : 1;
      let value = 1;
      if (m[2]) {
        const [a, b] = m[2].split('/');
        value = b === undefined ? Number(a) : Number(a) / Number(b);
        if (!Number.isFinite(value)) return null;
      }
      if (m[3]) rotation[3 * r + 'xyz'.indexOf(m[3])] += sign * value;
      else translation[r] += sign * value;
      i = re.lastIndex;
    }
  }
  return { rotation, translation };
}

export interface Standardized {
  /** ITA number and Hermann–Mauguin symbol moyo found. */
  number: number;
  symbol: string;
  /** Conventional standard cell (rows, Å), fractional positions and atomic numbers. */
  cell: number[];
  positions: number[][];
  numbers: number[];
}

/**
 * Symmetry analysis with moyo (call loadSpaceGroupTables() first): the space group and the conventional
 * standard cell, in which Miller indices such as Au(111) are meant. `symprec` in Å.
 */
export function standardize(cell: ArrayLike<number>, fractional: number[][], numbers: ArrayLike<number>, symprec = 1e-3): Standardized | null {
  if (!moyo) return null;
  try {
    const d = moyo.analyze_cell(JSON.stringify({ lattice: { basis: Array.from(cell) }, positions: fractional, numbers: Array.from(numbers) }), symprec, 'Standard');
    return { number: d.number, symbol: d.hm_symbol, cell: [...d.std_cell.lattice.basis], positions: d.std_cell.positions.map((p) => [...p]), numbers: [...d.std_cell.numbers] };
  } catch {
    return null; // moyo rejects degenerate cells; callers keep the given cell and say so
  }
}

/**
 * The space group moyo finds for a cell (call loadSpaceGroupTables() first): its number, symbol and the
 * rotation parts (row-major) of the operations of the given cell, pure translations of a supercell included.
 * `symprec` in Å; null when moyo is not loaded or rejects the cell.
 */
export function cellOperations(cell: ArrayLike<number>, fractional: number[][], numbers: ArrayLike<number>, symprec: number): { number: number; symbol: string; rotations: number[][] } | null {
  if (!moyo) return null;
  try {
    const d = moyo.analyze_cell(JSON.stringify({ lattice: { basis: Array.from(cell) }, positions: fractional, numbers: Array.from(numbers) }), symprec, 'Standard');
    return { number: d.number, symbol: d.hm_symbol, rotations: d.operations.map((o) => [...o.rotation]) };
  } catch {
    return null;
  }
}

/**
 * The conventional standard cell of a bulk structure (loads moyo on first use), in which Miller indices such
 * as Au(111) are meant; null when the analysis fails (the caller keeps the given cell and says so).
 */
export async function conventionalStandardCell(s: Structure, symprec = 1e-3): Promise<{ structure: Structure; number: number; symbol: string } | null> {
  await loadSpaceGroupTables();
  const f = cartesianToScaled(s.cell, s.positions);
  if (!f) return null;
  const frac: number[][] = [];
  for (let i = 0; i < s.numbers.length; i++) frac.push([f[3 * i], f[3 * i + 1], f[3 * i + 2]]);
  const std = standardize(s.cell, frac, s.numbers, symprec);
  if (!std) return null;
  const cell = Float64Array.from(std.cell);
  const structure = makeStructure({ numbers: Uint8Array.from(std.numbers), positions: scaledToCartesian(cell, std.positions.flat()), cell, pbc: [true, true, true], info: { title: s.info.title } });
  return { structure, number: std.number, symbol: std.symbol };
}
