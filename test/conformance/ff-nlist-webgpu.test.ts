import { afterAll, describe, expect, it } from 'vitest';
import type { FFSystem } from '../../src/compute/ff/cpu';
import { FF_MODELS, type FFParams } from '../../src/compute/ff/model';
import { cpuNeighbourBackend, wasmPairList, type ListBuilder } from '../../src/compute/ff/nlist';
import { webgpuNeighbourBackend, type WebGPUNeighbourBackend } from '../../src/compute/ff/nlist-webgpu';
import type { FFBackend } from '../../src/compute/ff/ops';
import { wasmBackend } from '../../src/compute/ff/wasm-backend';
import { requestDevice } from '../../src/compute/ff/webgpu';
import { withFallback } from '../../src/compute/ff/select';
import { cases } from '../helpers/ff-cases';
import { geometry } from '../helpers/geometry';
import { interfaceOf, listStates } from '../helpers/nlist-cases';
import { nodeGPU } from '../helpers/node-gpu';

/**
 * The Verlet neighbour list on WebGPU (f32, lists built by nlist.ts or by wasm) against the exact pair sum (wasm, f64) in
 * Node on the `webgpu` package (SwiftShader here): energy within 1e-4 relative or 1e-5 eV per atom, forces within
 * 1e-3 of the largest, the same pair count, in every list state (reused below half the skin, rebuilt above).
 * ff-webgpu.test.ts fails CI when no adapter is there; here a missing adapter skips with the reason.
 */
const gpu = await nodeGPU();
const g = await geometry();
const exact = wasmBackend(g);
if (!gpu.ok) console.warn(`WebGPU (Node) neighbour-list suite skipped: ${gpu.reason}`);

async function expectClose(ref: FFBackend, got: FFBackend, sys: FFSystem, p: FFParams, what: string): Promise<{ e: number; f: number }> {
  const [want, have] = [await ref.energyForces(sys, p), await got.energyForces(sys, p)];
  expect([what, have.pairs]).toEqual([what, want.pairs]);
  const etol = Math.max(1e-4 * Math.abs(want.energy), 1e-5 * sys.numbers.length);
  const de = Math.abs(have.energy - want.energy);
  expect(de, `${what}: energy ${have.energy} vs ${want.energy}`).toBeLessThanOrEqual(etol);
  const scale = Math.max(...want.forces.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < want.forces.length; i++) worst = Math.max(worst, Math.abs(have.forces[i] - want.forces[i]));
  expect(worst, `${what}: worst force error (eV/Å)`).toBeLessThanOrEqual(1e-3 * scale);
  return { e: de / etol, f: worst / (1e-3 * scale) };
}

describe.skipIf(!gpu.ok)(`Verlet neighbour list on WebGPU in Node (${gpu.ok ? gpu.adapter : gpu.reason})`, () => {
  let device: GPUDevice | undefined;
  const made: WebGPUNeighbourBackend[] = [];
  afterAll(() => {
    for (const b of made) b.dispose();
    device?.destroy();
  });
  async function onGPU(skin?: number, build?: ListBuilder): Promise<WebGPUNeighbourBackend> {
    device ??= (await requestDevice(gpu.ok ? gpu.gpu : undefined)).device;
    const b = await webgpuNeighbourBackend(device, { skin, build });
    made.push(b);
    return b;
  }

  for (const [model, builder] of [['uff', 'the TypeScript reference'], ['d2', 'wasm']] as const)
    it(`${model}, ~2000 atoms, lists built by ${builder}: every list state against the exact sum; builds only when an atom moved > skin/2`, async () => {
      const P: FFParams = { model, cutoff: 12 };
      const nl = await onGPU(1.0, builder === 'wasm' ? wasmPairList(g) : undefined);
      const worst = { e: 0, f: 0 };
      for (const st of listStates(await interfaceOf(2000))) {
        const w = await expectClose(exact, nl, st.sys, P, st.what);
        worst.e = Math.max(worst.e, w.e);
        worst.f = Math.max(worst.f, w.f);
        expect([st.what, nl.stats().builds]).toEqual([st.what, st.builds]);
      }
      console.log(`WebGPU neighbour list, ${model}: worst error ${worst.e.toFixed(2)} of the energy tolerance, ${worst.f.toFixed(2)} of the force tolerance`);
    }, 300_000);

  it('the conformance cases (cutoff longer than the cell, stacked films, atoms on cell faces) and shifts', async () => {
    const nl = await onGPU();
    for (const [name, sys] of await cases()) {
      if (sys.numbers.length > 1500) continue; // the 7×7 case: the ~2000-atom states above cover that size
      for (const model of FF_MODELS) await expectClose(exact, nl, sys, { model, cutoff: 12 }, `${model}: ${name}`);
    }
    const [, sys] = (await cases())[1];
    const P: FFParams = { model: 'uff', cutoff: 12 };
    const sh = Float64Array.from([0, 0, 0, 0.3, -0.2, 0.1, 1.1, 0.4, -0.5, 0, 0, 1.5]);
    const [e1, e2] = [await exact.energiesForShifts(sys, 1, sh, P), await nl.energiesForShifts(sys, 1, sh, P)];
    for (let k = 0; k < 4; k++) expect(Math.abs(e2[k] - e1[k])).toBeLessThanOrEqual(1e-4 * Math.abs(e1[k]));
  }, 300_000);

  it('the same list evaluated in f64 on the host (nlist.ts) agrees; the list is the reference list', async () => {
    const nl = await onGPU();
    const cpu = cpuNeighbourBackend();
    const P: FFParams = { model: 'd2', cutoff: 12 };
    const [, sys] = (await cases())[3];
    await expectClose(cpu, nl, sys, P, 'stack, list at build');
    expect(nl.stats()).toEqual(cpu.stats());
  });

  it('device loss: the same call finishes on wasm with the notice of the exact backend', async () => {
    const own = (await requestDevice(gpu.ok ? gpu.gpu : undefined)).device;
    const nl = await webgpuNeighbourBackend(own);
    const notices: string[] = [];
    const b = withFallback(nl, exact, notices);
    const [, sys] = (await cases())[0];
    const P: FFParams = { model: 'uff', cutoff: 12 };
    const before = await b.energyForces(sys, P);
    expect(b.kind).toBe('webgpu');
    own.destroy();
    await nl.lost;
    const after = await b.energyForces(sys, P);
    expect(b.kind).toBe('wasm');
    expect(notices.join()).toMatch(/WebGPU device lost \(destroyed\).*continuing on wasm/);
    expect(Math.abs(after.energy - before.energy)).toBeLessThanOrEqual(1e-4 * Math.abs(after.energy));
  });
});
