import { describe, expect, it } from 'vitest';
import { bfgsMinimise, inversePositive2, maxBodyForce } from './bfgs';

describe('bfgsMinimise', () => {
  // An anisotropic, coupled quadratic bowl (two bodies, 6 coordinates) with its minimum away from the start.
  const K = [
    [40, 2, 0, 1, 0, 0],
    [2, 3, 0, 0, 0, 0],
    [0, 0, 200, 0, 0, 5],
    [1, 0, 0, 8, 1, 0],
    [0, 0, 0, 1, 8, 0],
    [0, 0, 5, 0, 0, 150],
  ];
  const q0 = Float64Array.from([0.3, -0.2, 0.05, 0.1, 0.4, -0.03]);
  const at = async (q: Float64Array) => {
    const f = new Float64Array(6);
    let e = 0;
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) (f[i] -= K[i][j] * q[j]), (e += 0.5 * q[i] * K[i][j] * q[j]);
    return { e, f };
  };
  it('reaches the minimum of a coupled quadratic in far fewer steps than coordinates × 10, energy going down', async () => {
    const seen: number[] = [];
    const r = await bfgsMinimise(async (q) => {
      const v = await at(q);
      seen.push(v.e);
      return v;
    }, q0, { fmax: 1e-6, maxSteps: 100, maxStep: 0.1, h0: new Float64Array(6).fill(1 / 50) });
    expect(maxBodyForce(r.f)).toBeLessThanOrEqual(1e-6);
    expect(r.steps).toBeLessThan(30);
    for (const x of r.q) expect(Math.abs(x)).toBeLessThan(1e-6);
    expect(r.e).toBeLessThan(seen[0]);
  });
  it('caps every step at maxStep', async () => {
    let last = q0.slice(), worst = 0;
    await bfgsMinimise(async (q) => {
      worst = Math.max(worst, ...q.map((x, i) => Math.abs(x - last[i])));
      last = q.slice();
      return at(q);
    }, q0, { fmax: 1e-6, maxSteps: 100, maxStep: 0.01, h0: new Float64Array(6).fill(1) });
    expect(worst).toBeLessThanOrEqual(0.01 + 1e-12);
  });
  it('starts from a full initial inverse Hessian when given one: the exact inverse makes the first step Newton', async () => {
    // Exact inverse of K by Gauss–Jordan; started from it, BFGS lands on the minimum in one step.
    const n = 6, A = K.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
    for (let c = 0; c < n; c++) {
      const p = A[c][c];
      A[c] = A[c].map((x) => x / p);
      for (let r = 0; r < n; r++) if (r !== c) A[r] = A[r].map((x, j) => x - A[r][c] * A[c][j]);
    }
    const h0 = Float64Array.from(A.flatMap((r) => r.slice(n)));
    const r = await bfgsMinimise(at, q0, { fmax: 1e-9, maxSteps: 100, maxStep: 1, h0 });
    expect(r.steps).toBe(1);
    expect(r.evaluations).toBe(2);
    // The caller's evaluation at q0 is used, not repeated.
    let calls = 0;
    const counted = (q: Float64Array) => (calls++, at(q));
    const again = await bfgsMinimise(counted, q0, { fmax: 1e-9, maxSteps: 100, maxStep: 1, h0, first: await at(q0) });
    expect([calls, again.evaluations, again.steps]).toEqual([1, 1, 1]);
    expect(Array.from(again.q)).toEqual(Array.from(r.q));
    expect(() => bfgsMinimise(at, q0, { fmax: 1e-9, maxSteps: 1, maxStep: 1, h0: new Float64Array(5) })).rejects.toThrow(/h0 has 5 values for 6/);
  });
});

describe('inversePositive2', () => {
  const mul = (m: number[], v: number[]) => [m[0] * v[0] + m[1] * v[1], m[1] * v[0] + m[2] * v[1]];
  it('is the inverse of a positive-definite 2×2 matrix', () => {
    const [xx, xy, yy] = inversePositive2(3, 1, 2, 1e-6);
    const e = mul([3, 1, 2], mul([xx, xy, yy], [0.3, -0.7]));
    expect(e[0]).toBeCloseTo(0.3, 12);
    expect(e[1]).toBeCloseTo(-0.7, 12);
  });
  it('flips negative eigenvalues and floors small ones, keeping the eigenvectors', () => {
    // [[1, 2], [2, 1]]: eigenvalues 3 along (1, 1), −1 along (1, −1) → inverse of 3 and 1.
    const [xx, xy, yy] = inversePositive2(1, 2, 1, 1e-6);
    expect(mul([xx, xy, yy], [1, 1]).map((x) => x * 3)).toEqual([expect.closeTo(1, 12), expect.closeTo(1, 12)]);
    expect(mul([xx, xy, yy], [1, -1])).toEqual([expect.closeTo(1, 12), expect.closeTo(-1, 12)]);
    // A flat direction gets 1 / floor.
    const f = inversePositive2(2, 0, 0, 0.01);
    expect(f[2]).toBeCloseTo(100, 10);
    expect(f[0]).toBeCloseTo(0.5, 12);
  });
});
