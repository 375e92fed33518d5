import { describe, expect, it } from 'vitest';
import { bfgsMinimise, maxBodyForce } from './bfgs';

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
});
