import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellArb as cellArbOf } from '../../test/helpers/cells';
import { cartesianToScaled, cellFromParameters, cellHeights, cellParameters, cellVolume, scaledToCartesian, wrapScaled } from './cell';
import { atomicNumber, element, MAX_Z } from './elements';
import { det3 } from './linalg';
import { findVacuumLayer } from './layer';
import { findOverlaps, validateStructure } from './validate';
import { formula, makeStructure, supercell } from './structure';

const deg = Math.PI / 180;
const cellArb = cellArbOf();

describe('element table', () => {
  it('has every element 1..118 once, with positive mass and radius and a colour', () => {
    for (let z = 1; z <= MAX_Z; z++) {
      const e = element(z);
      expect(e.z).toBe(z);
      expect(e.mass).toBeGreaterThan(0);
      expect(e.covalentRadius).toBeGreaterThan(0.2);
      expect(e.color).toMatch(/^#[0-9a-f]{6}$/);
      expect(atomicNumber(e.symbol)).toBe(z);
    }
  });
  it('holds the cited values for a few elements', () => {
    expect(element(42)).toMatchObject({ symbol: 'Mo', name: 'Molybdenum', mass: 95.95, covalentRadius: 1.54 });
    expect(element(79)).toMatchObject({ symbol: 'Au', mass: 196.967, covalentRadius: 1.36 });
    expect(element(6).covalentRadius).toBe(0.73); // Cordero's sp2 carbon, as mendeleev tabulates it
  });
  it('reads symbols from labels only when asked to be lenient', () => {
    expect(atomicNumber('Fe1')).toBe(0);
    expect(atomicNumber('Fe1', true)).toBe(26);
    expect(atomicNumber('Te2-', true)).toBe(52);
    expect(atomicNumber('CO1', true)).toBe(6);
    expect(atomicNumber('Xx', true)).toBe(0);
  });
});

describe('cell helpers', () => {
  it('scaled → Cartesian → scaled round trip (property)', () => {
    fc.assert(
      fc.property(cellArb, fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 3, maxLength: 30 }), (cell, xs) => {
        const f = Float64Array.from(xs.slice(0, xs.length - (xs.length % 3)));
        const back = cartesianToScaled(cell, scaledToCartesian(cell, f))!;
        for (let i = 0; i < f.length; i++) expect(back[i]).toBeCloseTo(f[i], 9);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
  it('volume equals the determinant and the parameter formula (property)', () => {
    fc.assert(
      fc.property(cellArb, (cell) => {
        const p = cellParameters(cell);
        const ca = Math.cos(p.alpha), cb = Math.cos(p.beta), cg = Math.cos(p.gamma);
        const v = p.a * p.b * p.c * Math.sqrt(1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg);
        expect(cellVolume(cell)).toBeCloseTo(v, 6);
        const h = cellHeights(cell);
        expect(h[2] * Math.hypot(...crossAB(cell))).toBeCloseTo(v, 6);
      }),
      { seed: 7, numRuns: 200 },
    );
  });
  it('parameters → cell → parameters round trip, a along x and b in the xy plane', () => {
    const c = cellFromParameters({ a: 3.16, b: 3.16, c: 12.3, alpha: 90 * deg, beta: 90 * deg, gamma: 120 * deg })!;
    expect([c[1], c[2], c[5]]).toEqual([0, 0, 0]);
    const p = cellParameters(c);
    expect(p.gamma / deg).toBeCloseTo(120, 10);
    expect(p.c).toBeCloseTo(12.3, 12);
    expect(cellFromParameters({ a: 1, b: 1, c: 1, alpha: 10 * deg, beta: 10 * deg, gamma: 170 * deg })).toBeNull();
  });
  it('wraps into [0, 1) only along periodic axes', () => {
    const f = Float64Array.from([-0.25, 1.0, 2.5, -1e-17, 0.999999, -3]);
    wrapScaled(f, [true, true, false]);
    expect(Array.from(f)).toEqual([0.75, 0, 2.5, 0, 0.999999, -3]);
  });
});

function crossAB(c: Float64Array): [number, number, number] {
  return [c[1] * c[5] - c[2] * c[4], c[2] * c[3] - c[0] * c[5], c[0] * c[4] - c[1] * c[3]];
}

const fccPrim = () =>
  makeStructure({
    numbers: Uint8Array.from([79]),
    positions: new Float64Array(3),
    cell: Float64Array.from([0, 2.04, 2.04, 2.04, 0, 2.04, 2.04, 2.04, 0]),
    pbc: [true, true, true],
    arrays: { selectiveDynamics: Uint8Array.from([1, 0, 1]) },
  });

describe('structure', () => {
  it('formula is reduced and alphabetical', () => {
    expect(formula(Uint8Array.from([42, 16, 16, 42, 16, 16]))).toBe('MoS2');
    expect(formula(Uint8Array.from([42, 16, 16, 42, 16, 16]), false)).toBe('Mo2S4');
    expect(formula(Uint8Array.from([14, 8, 8]))).toBe('O2Si');
    expect(formula(Uint8Array.from([]))).toBe('');
  });
  it('supercell has |det M| × N atoms, the right volume and no duplicate sites', () => {
    const s = fccPrim();
    for (const m of [[-1, 1, 1, 1, -1, 1, 1, 1, -1], [2, 0, 0, 0, 2, 0, 0, 0, 2], [1, 1, 0, -1, 1, 0, 0, 0, 3]]) {
      const sc = supercell(s, m);
      expect(sc.numbers.length).toBe(Math.abs(det3(m)));
      expect(Math.abs(cellVolume(sc.cell))).toBeCloseTo(Math.abs(det3(m)) * Math.abs(cellVolume(s.cell)), 9);
      expect(findOverlaps(sc, 0.5).count).toBe(0);
      expect(sc.arrays.selectiveDynamics!.length).toBe(3 * sc.numbers.length);
    }
    expect(() => supercell(s, [1, 0, 0, 1, 0, 0, 0, 0, 1])).toThrow(/singular/);
  });
});

describe('validation', () => {
  it('finds overlaps across periodic images, and agrees with brute force', () => {
    const cell = Float64Array.from([5, 0, 0, 1, 4, 0, 0.5, 0.3, 6]);
    const rnd = (i: number) => ((Math.sin(i * 12.9898) * 43758.5453) % 1 + 1) % 1;
    for (let trial = 0; trial < 12; trial++) {
      const n = 40 + 30 * (trial % 3);
      const f = Float64Array.from({ length: 3 * n }, (_, i) => rnd(i + 1000 * trial) * 1.2 - 0.1);
      const s = makeStructure({ numbers: new Uint8Array(n).fill(6), positions: scaledToCartesian(cell, f), cell, pbc: [true, true, true] });
      const cutoff = [1.3, 0.6, 0.35, 0.9][trial % 4]; // 1 to several bins per axis
      let brute = 0;
      for (let i = 0; i < n; i++)
        for (let j = i; j < n; j++)
          for (let a = -2; a <= 2; a++) for (let b = -2; b <= 2; b++) for (let c = -2; c <= 2; c++) {
            if (i === j && !(a > 0 || (a === 0 && (b > 0 || (b === 0 && c > 0))))) continue;
            const d = [0, 1, 2].map((k) => s.positions[3 * j + k] + a * cell[k] + b * cell[3 + k] + c * cell[6 + k] - s.positions[3 * i + k]);
            if (Math.hypot(...d) < cutoff) brute++;
          }
      const got = findOverlaps(s, cutoff);
      expect(got.count).toBe(brute);
      if (got.first) expect(got.first[2]).toBeLessThan(cutoff);
    }
  });
  it('reports errors and warnings', () => {
    const ok = fccPrim();
    expect(validateStructure(ok)).toEqual([]);
    const nan = { ...ok, positions: Float64Array.from([NaN, 0, 0]) };
    expect(validateStructure(nan)[0]).toMatchObject({ code: 'non-finite', severity: 'error' });
    const sing = { ...ok, cell: Float64Array.from([1, 0, 0, 2, 0, 0, 0, 0, 1]) };
    expect(validateStructure(sing)[0].code).toBe('singular-cell');
    const two = makeStructure({ numbers: Uint8Array.from([1, 1]), positions: Float64Array.from([0, 0, 0, 0.1, 0, 0]) });
    expect(validateStructure(two)[0]).toMatchObject({ code: 'overlap', severity: 'warning' });
  });
  it('recognises a layer with vacuum and leaves bulk alone', () => {
    const layer = makeStructure({
      numbers: Uint8Array.from([42, 16, 16]),
      positions: Float64Array.from([0, 0, 10, 0, 1.82, 11.58, 0, 1.82, 8.42]),
      cell: Float64Array.from([3.16, 0, 0, -1.58, 2.7367, 0, 0, 0, 20]),
      pbc: [true, true, true],
    });
    const l = findVacuumLayer(layer)!;
    expect(l.axis).toBe(2);
    expect(l.thickness).toBeCloseTo(3.16, 6);
    expect(l.vacuum).toBeCloseTo(16.84, 6);
    expect(findVacuumLayer(fccPrim())).toBeNull();
  });
});
