import { describe, expect, it } from 'vitest';
import { energyForces } from '../../src/compute/ff/cpu';
import { FF_MODELS, type FFParams } from '../../src/compute/ff/model';
import { cpuBackend, type FFBackend } from '../../src/compute/ff/ops';
import { wasmBackend } from '../../src/compute/ff/wasm-backend';
import { cases } from '../helpers/ff-cases';
import { geometry } from '../helpers/geometry';

/**
 * One conformance suite for every force-field backend against the TypeScript reference. Tolerance for the f64
 * backends: 1e-10 relative. (The WebGPU backend, f32, is not built yet.)
 */

describe('force-field conformance against the TypeScript reference', async () => {
  const list = await cases();
  const ref = cpuBackend(energyForces);
  const backends: FFBackend[] = [wasmBackend(await geometry())];
  for (const b of backends)
    for (const model of FF_MODELS)
    for (const [name, sys] of list) {
      const P: FFParams = { model, cutoff: 12 };
      it(`${b.kind} ${model}: ${name}`, async () => {
        const want = await ref.energyForces(sys, P);
        const got = await b.energyForces(sys, P);
        expect(got.pairs).toBe(want.pairs);
        expect(Math.abs(got.energy - want.energy)).toBeLessThanOrEqual(1e-10 * Math.abs(want.energy) + 1e-14);
        const scale = Math.max(...want.forces.map(Math.abs));
        for (let i = 0; i < want.forces.length; i++) expect(Math.abs(got.forces[i] - want.forces[i])).toBeLessThanOrEqual(1e-10 * scale + 1e-14);
        if (sys.numbers.length > 1000) return; // shifted copies of the big case add minutes to the reference, not coverage
        const shifts = Float64Array.from([0, 0, 0, 0.3, -0.2, 0.1, 0, 0, 1.5]);
        const e1 = await ref.energiesForShifts(sys, 1, shifts, P);
        const e2 = await b.energiesForShifts(sys, 1, shifts, P);
        for (let k = 0; k < 3; k++) expect(Math.abs(e2[k] - e1[k])).toBeLessThanOrEqual(1e-10 * Math.abs(e1[k]) + 1e-14);
      });
    }
  it('covers a system of thousands of atoms', () => {
    expect(Math.max(...list.map(([, s]) => s.numbers.length))).toBeGreaterThan(2000);
  });
});
