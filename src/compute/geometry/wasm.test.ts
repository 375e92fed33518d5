import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cartesianToScaled, cellVolume, scaledToCartesian, wrapScaled } from '../../core/cell';
import { GeometryWasm } from './wasm';

let g: GeometryWasm;
beforeAll(async () => {
  g = await GeometryWasm.fromBytes(readFileSync(new URL('./build/heterolab.wasm', import.meta.url)));
});

const cells = [
  [3.16, 0, 0, -1.58, 2.7366402759, 0, 0, 0, 20],
  [0, 2.04, 2.04, 2.04, 0, 2.04, 2.04, 2.04, 0],
  [5.1, 0.2, -0.3, 1.1, 4.8, 0.4, -0.7, 0.9, 7.3],
];

describe('wasm geometry kernel (compiled crate, run in Node)', () => {
  it('cell volume equals the TypeScript determinant', () => {
    for (const c of cells) expect(g.cellVolume(c)).toBeCloseTo(cellVolume(c), 12);
  });

  it('wraps positions exactly like the TypeScript reference', () => {
    for (const c of cells) {
      const pos = Float64Array.from({ length: 30 }, (_, i) => Math.sin(i * 7.1) * 25);
      const pbc = [true, true, false];
      const got = g.wrapPositions(c, pos, pbc);
      const f = cartesianToScaled(c, pos)!;
      const want = scaledToCartesian(c, wrapScaled(f, pbc));
      for (let i = 0; i < pos.length; i++) expect(got[i]).toBeCloseTo(want[i], 9);
    }
  });

  it('reports a singular cell as an error, not a trap', () => {
    expect(() => g.wrapPositions([1, 0, 0, 2, 0, 0, 0, 0, 1], [0, 0, 0], [true, true, true])).toThrow(/singular/);
    // The instance is still usable afterwards.
    expect(g.cellVolume(cells[0])).toBeCloseTo(cellVolume(cells[0]), 12);
  });
});
