import { afterAll, describe, expect, it } from 'vitest';
import { energyForces } from '../../src/compute/ff/cpu';
import { FF_MODELS, type FFParams } from '../../src/compute/ff/model';
import { cpuBackend, registryScan, zScan } from '../../src/compute/ff/ops';
import { requestDevice, webgpuBackend, type WebGPUBackend } from '../../src/compute/ff/webgpu';
import { MAX_SPECIES } from '../../src/compute/ff/ff-wgsl';
import { cases, expectSameAsReference } from '../helpers/ff-cases';
import { nodeGPU } from '../helpers/node-gpu';

/**
 * The force-field conformance suite on WebGPU in Node (the `webgpu` package: Dawn on SwiftShader here).
 * f32 kernel: energies and forces within 1e-4 relative of the f64 reference. The same suite runs in headless
 * Chromium from test/e2e.
 */
const gpu = await nodeGPU();
const ref = cpuBackend(energyForces);

describe.skipIf(!gpu.ok)(`force-field conformance on WebGPU in Node (${gpu.ok ? gpu.adapter : gpu.reason})`, async () => {
  let b: WebGPUBackend;
  const list = (await cases()).filter(([, s]) => s.numbers.length < 1000); // thousands of atoms: the Chromium run
  afterAll(() => b?.destroy());
  for (const model of FF_MODELS)
    for (const [name, sys] of list) {
      const P: FFParams = { model, cutoff: 12 };
      it(`webgpu ${model}: ${name}`, async () => {
        b ??= await webgpuBackend((await requestDevice(gpu.ok ? gpu.gpu : undefined)).device);
        await expectSameAsReference(ref, b, sys, P, 1e-4, 1e-7, [0, 0, 0, 0.3, -0.2, 0.1, 0, 0, 1.5, 7.1, -3.3, 0.2]);
      });
    }
  it('refuses systems with more species than the workgroup parameter table holds, naming the limit', async () => {
    b ??= await webgpuBackend((await requestDevice(gpu.ok ? gpu.gpu : undefined)).device);
    const n = MAX_SPECIES + 1;
    const sys = {
      cell: Float64Array.from([30, 0, 0, 0, 30, 0, 0, 0, 30]),
      positions: Float64Array.from({ length: 3 * n }, (_, k) => (k % 3 === 2 ? 3 * (Math.floor(k / 3) % 2) : 2.5 * Math.floor(k / 3))),
      numbers: Uint8Array.from({ length: n }, (_, i) => i + 1),
      role: Uint8Array.from({ length: n }, (_, i) => i % 2),
    };
    await expect(b.energyForces(sys, { model: 'uff', cutoff: 12 })).rejects.toThrow(new RegExp(`at most ${MAX_SPECIES} species, this system has ${n}`));
  });
  it('a batched registry scan and z-scan give the same maps and minima as the CPU reference', async () => {
    const [, sys] = list[0];
    const P: FFParams = { model: 'd2', cutoff: 12 };
    b ??= await webgpuBackend((await requestDevice(gpu.ok ? gpu.gpu : undefined)).device);
    const [rg, rc] = [await registryScan(b, sys, 1, 6, 6, P), await registryScan(ref, sys, 1, 6, 6, P)];
    // Symmetry-equivalent registries tie to f32 noise, so compare the maps and the minimum energy, not its index.
    for (let k = 0; k < rc.energy.length; k++) expect(Math.abs(rg.energy[k] - rc.energy[k])).toBeLessThanOrEqual(1e-4 * Math.abs(rc.energy[k]) + 1e-7);
    expect(Math.abs(rg.min.energy - rc.min.energy)).toBeLessThanOrEqual(1e-4 * Math.abs(rc.min.energy));
    const zs = Array.from({ length: 21 }, (_, k) => 2.4 + 0.1 * k);
    const [zg, zc] = [await zScan(b, sys, 1, zs, P), await zScan(ref, sys, 1, zs, P)];
    expect(Math.abs(zg.min.z - zc.min.z)).toBeLessThan(0.01);
  });
});

// In CI the WebGPU suites are required: a missing adapter fails here with its reason instead of skipping.
// Elsewhere a skip prints the reason, and the skipped suites carry it in their titles.
if (!gpu.ok) console.warn(`WebGPU (Node) suites skipped: ${gpu.reason}`);
it.runIf(process.env.CI === 'true')('WebGPU in Node is available in CI', () => {
  expect(gpu.ok ? 'available' : gpu.reason).toBe('available');
});

describe.skipIf(!gpu.ok)(`backend selection and device loss (${gpu.ok ? gpu.adapter : gpu.reason})`, () => {
  it('auto prefers wasm over the software (SwiftShader) adapter and names it; an explicit webgpu still runs on it', async () => {
    const { selectBackend } = await import('../../src/compute/ff/select');
    const { geometry } = await import('../helpers/geometry');
    const env = { gpu: gpu.ok ? gpu.gpu : undefined, geometry: await geometry() };
    const raw = gpu.ok ? gpu.info : undefined;
    // The Node package runs on Chromium's SwiftShader ICD here: a software adapter by its own account.
    expect(`${raw?.architecture} ${raw?.description}`).toMatch(/swiftshader/i);
    const auto = await selectBackend('auto', env);
    expect(auto.kind).toBe('wasm');
    expect(auto.adapter).toBeUndefined();
    expect(auto.notices.join()).toMatch(/WebGPU adapter \(.*swiftshader.*\) renders in software.*using wasm/i);
    const [, sys] = (await cases())[0];
    const P: FFParams = { model: 'uff', cutoff: 12 };
    const explicit = await selectBackend('webgpu', env);
    expect(explicit.kind).toBe('webgpu');
    expect(explicit.adapter).toContain(raw?.description);
    expect(explicit.notices).toEqual([]);
    const [e1, e2] = [await explicit.energyForces(sys, P), await auto.energyForces(sys, P)];
    expect(Math.abs(e1.energy - e2.energy)).toBeLessThanOrEqual(1e-4 * Math.abs(e2.energy));
  });
  it('when the device is lost the same call finishes on wasm, with a notice', async () => {
    const { withFallback } = await import('../../src/compute/ff/select');
    const { wasmBackend } = await import('../../src/compute/ff/wasm-backend');
    const { geometry } = await import('../helpers/geometry');
    const [, sys] = (await cases())[0];
    const P: FFParams = { model: 'uff', cutoff: 12 };
    const gb = await webgpuBackend((await requestDevice(gpu.ok ? gpu.gpu : undefined)).device);
    const notices: string[] = [];
    const b = withFallback(gb, wasmBackend(await geometry()), notices);
    const before = await b.energyForces(sys, P);
    expect(b.kind).toBe('webgpu');
    gb.device.destroy(); // what a driver reset does to a page; the backend must not care
    await gb.lost;
    const after = await b.energyForces(sys, P);
    expect(b.kind).toBe('wasm');
    expect(notices.join()).toMatch(/device lost.*continuing on wasm/);
    expect(Math.abs(after.energy - before.energy)).toBeLessThanOrEqual(1e-4 * Math.abs(after.energy));
  });
});
