import fc from 'fast-check';
import { cellFromParameters } from '../../src/core/cell';
import { det3 } from '../../src/core/linalg';

const deg = Math.PI / 180;

/**
 * Random non-degenerate cells (a, b, c 2–30 Å, angles 60–120°). With `flip`, one vector is reversed three times
 * in four, so left-handed cells come as often as right-handed ones.
 */
export function cellArb(o: { flip?: boolean } = {}): fc.Arbitrary<Float64Array> {
  return fc
    .record({
      a: fc.double({ min: 2, max: 30, noNaN: true }),
      b: fc.double({ min: 2, max: 30, noNaN: true }),
      c: fc.double({ min: 2, max: 30, noNaN: true }),
      alpha: fc.double({ min: 60, max: 120, noNaN: true }),
      beta: fc.double({ min: 60, max: 120, noNaN: true }),
      gamma: fc.double({ min: 60, max: 120, noNaN: true }),
      flip: fc.integer({ min: 0, max: o.flip ? 3 : 0 }),
    })
    .map((p) => {
      const c = cellFromParameters({ ...p, alpha: p.alpha * deg, beta: p.beta * deg, gamma: p.gamma * deg });
      if (c && o.flip && p.flip < 3) for (let j = 0; j < 3; j++) c[3 * p.flip + j] *= -1;
      return c;
    })
    .filter((c): c is Float64Array => c !== null && Math.abs(det3(c)) > 1);
}
