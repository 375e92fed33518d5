import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalNumber, numberEnd, parseNumberAt, readNumberAt, scanFieldsAt, TextLines } from './fast-text';

const enc = (s: string) => new TextEncoder().encode(s);

describe('fast text scanning', () => {
  /** The reference: what a valid token means (Number() on a decimal), NaN for everything else. */
  const reference = (tok: string): number => (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(tok) ? Number(tok) : /^[+-]?Infinity$/.test(tok) ? Number(tok) : NaN);
  const same = (x: number, want: number) => expect(Object.is(x, want) || (Number.isNaN(x) && Number.isNaN(want)), `${x} vs ${want}`).toBe(true);
  it('decimalNumber: decimals are Number(), everything else (hex, empty, words, space) is NaN', () => {
    const table: [string, number][] = [
      ['0.3333333333', 0.3333333333], ['-0', -0], ['1.', 1], ['.5', 0.5], ['+2', 2], ['1e-5', 1e-5], ['1E+22', 1e22], ['1e999', Infinity],
      ['123456789012345678', 123456789012345678], ['Infinity', Infinity], ['-Infinity', -Infinity],
      ['0x10', NaN], ['0x1', NaN], ['0b1', NaN], ['0o7', NaN], ['1e', NaN], ['-', NaN], ['.', NaN], ['', NaN], [' 1', NaN], ['1 ', NaN],
      ['NaN', NaN], ['inf', NaN], ['1,5', NaN], ['1.5.2', NaN], ['e5', NaN], ['1d3', NaN], ['١', NaN],
    ];
    for (const [tok, want] of table) same(decimalNumber(tok), want);
  });
  it('parseNumberAt gives decimalNumber() on every token (property, incl. invalid ones, which must be NaN)', () => {
    const numeric = fc.oneof(
      fc.double({ noNaN: true }).map(String),
      fc.double({ min: -1e4, max: 1e4, noNaN: true }).map((x) => x.toFixed(10)),
      fc.double({ min: -1, max: 1, noNaN: true }).map((x) => x.toExponential(12).toUpperCase()),
      fc.stringMatching(/^[+-]?\d{0,20}(\.\d{0,20})?([eE][+-]?\d{1,3})?$/),
      fc.stringMatching(/^[+-.\deExa-f]{1,12}$/),
    );
    let invalid = 0;
    fc.assert(
      fc.property(numeric, (tok) => {
        const want = reference(tok);
        if (Number.isNaN(want)) invalid++;
        same(parseNumberAt(enc(`  ${tok} `), 2, 2 + tok.length), want);
        same(decimalNumber(tok), want);
      }),
      { seed: 11, numRuns: 5000 },
    );
    expect(invalid).toBeGreaterThan(500); // the property really covers invalid tokens
    for (const tok of ['0x10', '0X1F', '1e', '-', 'NaN', '1.2.3', '--1']) expect(parseNumberAt(enc(tok), 0, tok.length)).toBeNaN();
    for (const [tok, want] of [['0.3333333333', 0.3333333333], ['1.', 1], ['.5', 0.5], ['1e-5', 1e-5], ['1E+22', 1e22], ['123456789012345678', 123456789012345678], ['Infinity', Infinity]] as const)
      expect(parseNumberAt(enc(tok), 0, tok.length)).toBe(want);
  });
  it('readNumberAt reads the next token like decimalNumber() and reports where it ended (property)', () => {
    const tok = fc.oneof(
      fc.double({ noNaN: true }).map(String),
      fc.double({ min: -1e4, max: 1e4, noNaN: true }).map((x) => x.toFixed(12)),
      fc.stringMatching(/^[+-]?\d{0,18}(\.\d{0,25})?([eE][+-]?\d{1,3})?$/),
      fc.stringMatching(/^[+-.\dex]{1,8}$/),
    ).filter((t) => t !== ''); // an empty token is "no number here" (NaN), where Number('') is 0
    fc.assert(
      fc.property(fc.constantFrom('', ' ', '\t ', '  '), tok, fc.constantFrom('', ' ', ' T', '\r'), (pre, t, post) => {
        const text = pre + t + post;
        same(readNumberAt(enc(text), 0, text.length), reference(t));
        expect(numberEnd).toBe(pre.length + t.length);
      }),
      { seed: 5, numRuns: 5000 },
    );
    expect(readNumberAt(enc('   '), 0, 3)).toBeNaN();
    expect(readNumberAt(enc(' 0x1 2'), 0, 6)).toBeNaN();
    expect(numberEnd).toBe(4);
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
