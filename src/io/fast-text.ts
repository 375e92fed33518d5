/**
 * The hot path of every atom line, on the file's bytes (no decoded copy of a large file), without
 * allocating: line offsets, white-space fields found by index, decimal numbers parsed in place. Anything
 * unusual falls back to decimalNumber() on the decoded token, which also gives the strict answer (NaN) the error
 * messages are built on. Lines and tokens are decoded as UTF-8 only when a parser needs them as text.
 */

const utf8 = new TextDecoder('utf-8');

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A decimal number token as structure files write them ("-1.5", ".5", "2e-3", "+1."), or ±Infinity spelled so;
 * NaN for anything else. Unlike Number(), no hex ("0x1"), binary, octal, empty string or surrounding space.
 */
export function decimalNumber(tok: string): number {
  if (DECIMAL.test(tok)) return Number(tok);
  return tok === 'Infinity' || tok === '+Infinity' ? Infinity : tok === '-Infinity' ? -Infinity : NaN;
}

/** decimalNumber of bytes [s, e). */
function decodeNumber(text: Uint8Array, s: number, e: number): number {
  return decimalNumber(utf8.decode(text.subarray(s, e)));
}

/** Line boundaries of a file's bytes (\n or \r\n; old-Mac \r when there is no \n). */
export class TextLines {
  readonly count: number;
  readonly bytes: Uint8Array;
  private readonly starts: Int32Array;

  /** Text (pasted) is encoded once; files arrive as bytes. */
  constructor(input: string | Uint8Array) {
    const b = typeof input === 'string' ? new TextEncoder().encode(input) : input;
    this.bytes = b;
    const sep = b.indexOf(10) < 0 && b.indexOf(13) >= 0 ? 13 : 10;
    let n = 1;
    for (let i = b.indexOf(sep); i >= 0; i = b.indexOf(sep, i + 1)) n++;
    const starts = new Int32Array(n + 1);
    let k = 1;
    for (let i = b.indexOf(sep); i >= 0; i = b.indexOf(sep, i + 1)) starts[k++] = i + 1;
    starts[n] = b.length + 1;
    this.starts = starts;
    this.count = n;
  }

  /** Bytes [s, e) as text. */
  slice(s: number, e: number): string {
    return utf8.decode(this.bytes.subarray(s, e));
  }

  start(k: number): number {
    return this.starts[k];
  }

  /** End of line k (exclusive), before any \r\n. */
  end(k: number): number {
    let e = this.starts[k + 1] - 1;
    if (e > this.starts[k] && this.bytes[e - 1] === 13) e--;
    return e;
  }

  line(k: number): string {
    return this.slice(this.start(k), this.end(k));
  }

  isBlank(k: number): boolean {
    return this.isBlankFrom(this.start(k), this.end(k));
  }

  /** True when bytes [s, e) are only white space. */
  isBlankFrom(s: number, e: number): boolean {
    const b = this.bytes;
    for (let i = s; i < e; i++) {
      const c = b[i];
      if (c !== 32 && c !== 9 && c !== 13) return false;
    }
    return true;
  }

  /** True when lines k .. k+n-1 are all blank or beyond the end of the text. */
  restBlank(k: number, n: number): boolean {
    for (let j = k; j < Math.min(this.count, k + n); j++) if (!this.isBlank(j)) return false;
    return true;
  }
}

/** Fields of bytes [s, e) separated by spaces/tabs: field k spans out[2k]..out[2k+1]. Returns how many (≤ max). */
export function scanFieldsAt(text: Uint8Array, s: number, e: number, out: Int32Array, max: number): number {
  let k = 0;
  let i = s;
  while (k < max) {
    let c = text[i];
    while (i < e && (c === 32 || c === 9 || c === 13)) c = text[++i];
    if (i >= e) break;
    out[2 * k] = i;
    while (i < e && c !== 32 && c !== 9 && c !== 13) c = text[++i];
    out[2 * k + 1] = i;
    k++;
  }
  return k;
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles up to 1e22

/**
 * Decimal number in bytes [s, e), exactly as decimalNumber() (so Number() on valid tokens) would give it. Fast path (Clinger): at most 15 significant
 * digits and |decimal exponent| ≤ 22, where mantissa and power of ten are exact doubles and one IEEE
 * multiplication or division rounds correctly. Everything else (and every invalid token) goes to decimalNumber().
 */
export function parseNumberAt(text: Uint8Array, s: number, e: number): number {
  let i = s;
  let c = text[i];
  let neg = false;
  if (c === 45) {
    neg = true;
    i++;
  } else if (c === 43) i++;
  let m = 0;
  let digits = 0;
  let frac = 0;
  let dot = false;
  let any = false;
  for (; i < e; i++) {
    c = text[i];
    if (c >= 48 && c <= 57) {
      any = true;
      if (m !== 0 || c !== 48) digits++;
      m = m * 10 + (c - 48);
      if (dot) frac++;
    } else if (c === 46 && !dot) dot = true;
    else break;
  }
  let exp = 0;
  if (i < e) {
    if (c !== 101 && c !== 69) return decodeNumber(text, s, e);
    i++;
    let eneg = false;
    c = text[i];
    if (c === 45 || c === 43) {
      eneg = c === 45;
      i++;
    }
    if (i >= e) return decodeNumber(text, s, e);
    for (; i < e; i++) {
      c = text[i];
      if (c < 48 || c > 57 || exp > 1000) return decodeNumber(text, s, e);
      exp = exp * 10 + (c - 48);
    }
    if (eneg) exp = -exp;
  }
  if (!any || digits > 15) return decodeNumber(text, s, e);
  const p = exp - frac;
  let r: number;
  if (p === 0) r = m;
  else if (p > 0 && p <= 22) r = m * POW10[p];
  else if (p < 0 && p >= -22) r = m / POW10[-p];
  else return decodeNumber(text, s, e);
  return neg ? -r : r;
}

/** End index of the number read by the last readNumberAt call. */
export let numberEnd = 0;

/**
 * Skips spaces/tabs from s, then reads one white-space delimited token in [s, e) as a number (parseNumberAt's
 * rules) and leaves its end in `numberEnd`. Returns NaN when there is no token (then numberEnd = e). One pass
 * over the characters instead of a field scan followed by a parse.
 */
export function readNumberAt(text: Uint8Array, s: number, e: number): number {
  let i = s;
  let c = text[i];
  while (i < e && (c === 32 || c === 9 || c === 13)) c = text[++i];
  if (i >= e) {
    numberEnd = e;
    return NaN;
  }
  const t0 = i;
  let neg = false;
  if (c === 45) {
    neg = true;
    c = text[++i];
  } else if (c === 43) c = text[++i];
  let m = 0;
  let digits = 0;
  // Integer part, then fraction: two tight loops.
  while (i < e && c >= 48 && c <= 57) {
    m = m * 10 + (c - 48);
    if (m !== 0) digits++;
    c = text[++i];
  }
  let frac = 0;
  let any = i > t0 + (neg || text[t0] === 43 ? 1 : 0);
  if (i < e && c === 46) {
    c = text[++i];
    while (i < e && c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      if (m !== 0) digits++;
      frac++;
      any = true;
      c = text[++i];
    }
  }
  if (i < e && c !== 32 && c !== 9 && c !== 13) {
    // Exponent or anything unusual: find the token's end and let parseNumberAt decide.
    let j = i;
    while (j < e && c !== 32 && c !== 9 && c !== 13) c = text[++j];
    numberEnd = j;
    return parseNumberAt(text, t0, j);
  }
  numberEnd = i;
  if (!any || digits > 15 || frac > 22) return decodeNumber(text, t0, i);
  const r = frac === 0 ? m : m / POW10[frac];
  return neg ? -r : r;
}
