import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberEnd, parseNumberAt, readNumberAt, scanFieldsAt, TextLines } from './fast-text';

const enc = (s: string) => new TextEncoder().encode(s);

describe('fast text scanning', () => {
  it('parseNumberAt equals Number() on every token (property, incl. invalid ones)', () => {
    const numeric = fc.oneof(
      fc.double({ noNaN: true }).map(String),
      fc.double({ min: -1e4, max: 1e4, noNaN: true }).map((x) => x.toFixed(10)),
      fc.double({ min: -1, max: 1, noNaN: true }).map((x) => x.toExponential(12).toUpperCase()),
      fc.stringMatching(/^[+-]?\d{0,20}(\.\d{0,20})?([eE][+-]?\d{1,3})?$/),
      fc.stringMatching(/^[+-.\deExa-f]{1,12}$/),
    );
    fc.assert(
      fc.property(numeric, (tok) => {
        const text = `  ${tok} `;
        expect(Object.is(parseNumberAt(enc(text), 2, 2 + tok.length), Number(tok)) || (Number.isNaN(Number(tok)) && Number.isNaN(parseNumberAt(enc(text), 2, 2 + tok.length)))).toBe(true);
      }),
      { seed: 11, numRuns: 5000 },
    );
    for (const tok of ['0.3333333333', '-0', '1.', '.5', '1e-5', '1E+22', '123456789012345678', '0x10', '1e', '-', 'NaN', 'Infinity'])
      expect(Object.is(parseNumberAt(enc(tok), 0, tok.length), Number(tok)) || Number.isNaN(Number(tok))).toBe(true);
  });
  it('readNumberAt reads the next token like Number() and reports where it ended (property)', () => {
    const tok = fc.oneof(
      fc.double({ noNaN: true }).map(String),
      fc.double({ min: -1e4, max: 1e4, noNaN: true }).map((x) => x.toFixed(12)),
      fc.stringMatching(/^[+-]?\d{0,18}(\.\d{0,25})?([eE][+-]?\d{1,3})?$/),
      fc.stringMatching(/^[+-.\dex]{1,8}$/),
    ).filter((t) => t !== ''); // an empty token is "no number here" (NaN), where Number('') is 0
    fc.assert(
      fc.property(fc.constantFrom('', ' ', '\t ', '  '), tok, fc.constantFrom('', ' ', ' T', '\r'), (pre, t, post) => {
        const text = pre + t + post;
        const x = readNumberAt(enc(text), 0, text.length);
        const want = Number(t);
        expect(Object.is(x, want) || (Number.isNaN(x) && Number.isNaN(want))).toBe(true);
        expect(numberEnd).toBe(pre.length + t.length);
      }),
      { seed: 5, numRuns: 5000 },
    );
    expect(Number.isNaN(readNumberAt(enc('   '), 0, 3))).toBe(true);
  });
  it('splits lines with \\n, \\r\\n and \\r', () => {
    for (const [text, want] of [['a\nb\n', ['a', 'b', '']], ['a\r\nb', ['a', 'b']], ['a\rb\r', ['a', 'b', '']], ['', ['']]] as const) {
      const l = new TextLines(text);
      expect(Array.from({ length: l.count }, (_, k) => l.line(k))).toEqual(want);
    }
    const l = new TextLines('x\n  \t\n\ny\n');
    expect([l.isBlank(0), l.isBlank(1), l.restBlank(1, 2), l.restBlank(1, 3)]).toEqual([false, true, true, false]);
  });
  it('finds fields by index', () => {
    const t = '  0.5\t-1.0  2e3 T ';
    const f = new Int32Array(10);
    expect(scanFieldsAt(enc(t), 0, t.length, f, 5)).toBe(4);
    expect([t.slice(f[0], f[1]), t.slice(f[6], f[7])]).toEqual(['0.5', 'T']);
    expect(scanFieldsAt(enc(t), 0, t.length, f, 2)).toBe(2);
  });
});
