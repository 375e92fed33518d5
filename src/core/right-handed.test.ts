import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellArb as cellArbOf } from '../../test/helpers/cells';
import { cartesianToScaled, rightHanded } from './cell';
import { det3 } from './linalg';
import { makeStructure, type Pbc } from './structure';

const cellArb = cellArbOf({ flip: true });

describe('rightHanded', () => {
  it('gives det > 0, the same lattice and the same Cartesian positions, with per-axis data moved with its axis', () => {
    fc.assert(
      fc.property(cellArb, fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 6, maxLength: 6 }), (cell, xyz) => {
        const positions = Float64Array.from(xyz);
        const s = makeStructure({
          numbers: Uint8Array.of(42, 16),
          positions,
          cell,
          pbc: [true, false, true],
          arrays: { selectiveDynamics: Uint8Array.of(1, 0, 0, 0, 1, 1), role: Uint8Array.of(0, 1) },
        });
        const r = rightHanded(s);
        expect(det3(r.cell)).toBeGreaterThan(0);
        expect(Math.abs(det3(r.cell))).toBeCloseTo(Math.abs(det3(cell)), 9);
        expect(Array.from(r.positions)).toEqual(Array.from(positions));
        expect(Array.from(r.arrays.role!)).toEqual([0, 1]);
        // Same lattice: each new vector has integer coordinates in the old basis (and the volumes agree).
        const m = cartesianToScaled(cell, r.cell)!;
        for (const x of m) expect(Math.abs(x - Math.round(x))).toBeLessThan(1e-9);
        if (det3(cell) > 0) {
          expect(r).toBe(s);
        } else {
          // a and b were swapped: so are the pbc flags and the selective-dynamics flags along them.
          expect(r.pbc).toEqual([false, true, true] as Pbc);
          expect(Array.from(r.arrays.selectiveDynamics!)).toEqual([0, 1, 0, 1, 0, 1]);
          expect(r.revision).toBe(s.revision + 1);
        }
      }),
    );
  });
  it('leaves a molecule (no cell) alone', () => {
    const s = makeStructure({ numbers: Uint8Array.of(1), positions: new Float64Array(3) });
    expect(rightHanded(s)).toBe(s);
  });
});
