import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpaceGroupTables, parseSymOp, settingForNumber, settingForSymbol, type SpaceGroupTables, type SymOp } from '../../src/io/space-groups';

let t: SpaceGroupTables;
beforeAll(async () => {
  t = await loadSpaceGroupTables();
});

const key = (o: SymOp) => `${o.rotation.join(',')}|${o.translation.map((x) => ((Math.round(x * 1e6) % 1e6) + 1e6) % 1e6).join(',')}`;
const ops = (list: string[]) => new Set(list.map((s) => key(parseSymOp(s)!)));

/**
 * A sample checked by hand against the International Tables for Crystallography Vol. A (2016): order of the
 * group in the conventional cell, and a few general-position operations copied from the ITA pages.
 */
const SAMPLE: [symbol: string, number: number, order: number, someOps: string[]][] = [
  ['P 1', 1, 1, ['x,y,z']],
  ['P -1', 2, 2, ['-x,-y,-z']],
  ['P 1 21/c 1', 14, 4, ['-x,y+1/2,-z+1/2', 'x,-y+1/2,z+1/2']],
  ['P m m m', 47, 8, ['-x,y,-z']],
  ['P 42/m n m', 136, 16, ['-y+1/2,x+1/2,z+1/2', 'y,x,-z']],
  ['R -3 m', 166, 36, ['-y,x-y,z', 'x+2/3,y+1/3,z+1/3']],
  ['P 3 2 1', 150, 6, ['y,x,-z']],
  ['P 63/m m c', 194, 24, ['x-y,x,z+1/2', '-x,-y,z+1/2', 'y,x,-z']],
  ['P 6 m m', 183, 12, ['-y,-x,z']],
  ['F m -3 m', 225, 192, ['z,x,y', 'x,y+1/2,z+1/2', '-y,x,z']],
  ['I m -3 m', 229, 96, ['x+1/2,y+1/2,z+1/2', 'y,z,x']],
  ['F d -3 m', 227, 192, ['-x+3/4,-y+1/4,z+1/2', 'x,y+1/2,z+1/2']],
  ['I a -3 d', 230, 96, ['-x+1/2,-y,z+1/2']],
];

describe('space-group tables from moyo, checked against the International Tables on a sample', () => {
  for (const [symbol, number, order, someOps] of SAMPLE) {
    it(`${symbol} (No. ${number})`, () => {
      const e = settingForSymbol(t, symbol)!;
      expect(e.number).toBe(number);
      const got = new Set(t.operations(e).map(key));
      expect(got.size).toBe(order);
      for (const k of ops(someOps)) expect(got.has(k), `missing ${someOps.find((s) => key(parseSymOp(s)!) === k)}`).toBe(true);
      expect(settingForNumber(t, number)!.number).toBe(number);
    });
  }
  it('accepts the symbol spellings files use', () => {
    for (const s of ['Fm-3m', 'F m -3 m', 'F 4/m -3 2/m', 'fm-3m']) expect(settingForSymbol(t, s)!.number).toBe(225);
    expect(settingForSymbol(t, 'P63/mmc')!.number).toBe(194);
    expect(settingForSymbol(t, 'P 6_3/m m c')!.number).toBe(194);
    expect(settingForSymbol(t, 'R -3 m :R')!.setting).toBe('R');
    expect(settingForSymbol(t, 'R-3m')!.setting).toBe('H');
    expect(settingForSymbol(t, 'F d -3 m :1')!.setting).toBe('1');
    expect(settingForSymbol(t, 'Fd-3m')!.setting).toBe('2');
    expect(settingForSymbol(t, 'Q 7/z')).toBeNull();
  });
  it('every one of the 230 numbers has operations that form a group (closure mod lattice translations)', () => {
    for (let n = 1; n <= 230; n++) {
      const list = t.operations(settingForNumber(t, n)!);
      const set = new Set(list.map(key));
      // Closure check on a sample of products (all products is 230 × up to 192² — too slow for a unit test).
      for (let i = 0; i < list.length; i += Math.max(1, Math.floor(list.length / 12)))
        for (let j = 0; j < list.length; j += Math.max(1, Math.floor(list.length / 12))) {
          const a = list[i], b = list[j];
          const rot = new Array(9).fill(0);
          for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) rot[3 * r + c] += a.rotation[3 * r + k] * b.rotation[3 * k + c];
          const tr = [0, 1, 2].map((r) => a.rotation[3 * r] * b.translation[0] + a.rotation[3 * r + 1] * b.translation[1] + a.rotation[3 * r + 2] * b.translation[2] + a.translation[r]);
          expect(set.has(key({ rotation: rot, translation: tr })), `No. ${n} not closed`).toBe(true);
        }
    }
  });
});

describe('symmetry-operation strings', () => {
  it('parses the forms CIFs use', () => {
    expect(parseSymOp('-x+1/2, y, z-0.25')).toEqual({ rotation: [-1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0.5, 0, -0.25] });
    expect(parseSymOp("'1/2+x,x-y,-z'")).toEqual({ rotation: [1, 0, 0, 1, -1, 0, 0, 0, -1], translation: [0.5, 0, 0] });
    expect(parseSymOp('X,Y,Z')).toEqual({ rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0] });
    for (const bad of ['x,y', 'x,y,q', 'x,,z', 'x,y,z,w', '']) expect(parseSymOp(bad)).toBeNull();
  });
});

describe('historic space-group spellings (issue 17, item 8)', () => {
  // Checked against the ITA numbers (pymatgen's and spglib's tables give the same): each old spelling names one group.
  const OLD: [string, number, string][] = [
    ['P m 3 m', 221, 'Pm-3m'],
    ['Pm3m', 221, 'Pm-3m'],
    ['F m 3 m', 225, 'Fm-3m'],
    ['F d 3 m', 227, 'Fd-3m'],
    ['I a 3 d', 230, 'Ia-3d'],
    ['I m 3 m', 229, 'Im-3m'],
    ['P n 3 m', 224, 'Pn-3m'],
    ['R -3 m H', 166, 'H'],
    ['F d -3 m S', 227, '1'],
    ['F d -3 m Z', 227, '2'],
  ];
  for (const [symbol, number, what] of OLD)
    it(`"${symbol}" → No. ${number} (${what})`, () => {
      const e = settingForSymbol(t, symbol)!;
      expect(e).not.toBeNull();
      expect(e.number).toBe(number);
      if (what.length === 1) expect(e.setting.toUpperCase()).toBe(what);
    });
  it('an exact symbol wins over the barless reading, and a symbol of no group stays unknown', () => {
    expect(settingForSymbol(t, 'P 3')!.number).toBe(143); // P3 itself, not P-3 (147)
    expect(settingForSymbol(t, 'R 3')!.number).toBe(146);
    expect(settingForSymbol(t, 'P 6 m 2')!.number).toBe(187); // P-6m2
    expect(settingForSymbol(t, 'P 3 m')).toBeNull(); // neither P3m1 nor P-3m1 written out: not guessed
    expect(settingForSymbol(t, 'Q 7/z')).toBeNull();
  });
});
