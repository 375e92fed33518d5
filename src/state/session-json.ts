/**
 * The session record's JSON form (DESIGN.md §9): typed arrays become tagged number arrays and back, with the
 * depth, size and value-range checks that let restoreSession refuse a corrupt record instead of misreading it.
 */
import { MAX_Z } from '../core/elements';

export class SessionError extends Error {}

/** Deepest nesting a session record may have (a real one is under 10 levels deep). */
export const MAX_SESSION_DEPTH = 64;
/** Largest session text accepted (characters), as for structure files (MAX_FILE_BYTES in core/validate.ts). */
export const MAX_SESSION_CHARS = 256 * 1024 * 1024;

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
export function fromJson(x: unknown, path = 'session', depth = 0): unknown {
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

/** JSON.parse with its failure as a SessionError (the file is not a session). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SessionError(`not valid JSON: ${(e as Error).message}`);
  }
}
