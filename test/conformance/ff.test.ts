import { describe, expect, it } from 'vitest';
import { energyForces } from '../../src/compute/ff/cpu';
import { FF_MODELS, type FFParams } from '../../src/compute/ff/model';
import { cpuBackend, type FFBackend } from '../../src/compute/ff/ops';
import { wasmBackend } from '../../src/compute/ff/wasm-backend';
import { cases, expectSameAsReference } from '../helpers/ff-cases';
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
        // Shifted copies of the big case add minutes to the reference, not coverage.
        await expectSameAsReference(ref, b, sys, P, 1e-10, 1e-14, sys.numbers.length > 1000 ? null : [0, 0, 0, 0.3, -0.2, 0.1, 0, 0, 1.5]);
      });
    }
  it('covers a system of thousands of atoms', () => {
    expect(Math.max(...list.map(([, s]) => s.numbers.length))).toBeGreaterThan(2000);
  });
});
