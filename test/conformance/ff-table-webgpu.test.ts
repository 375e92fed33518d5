import { afterAll, describe, expect, it } from 'vitest';
import type { FFSystem } from '../../src/compute/ff/cpu';
import { FF_MODELS, type FFParams } from '../../src/compute/ff/model';
import { registryScan, relaxRigid, shifted, withFilmsAbove, zScan, type FFBackend } from '../../src/compute/ff/ops';
import { tabulatedBackend } from '../../src/compute/ff/tabulated';
import { wasmRigidTables, webgpuTabulatedBackend, type WebGPUTabulatedBackend } from '../../src/compute/ff/table-webgpu';
import { wasmBackend } from '../../src/compute/ff/wasm-backend';
import { requestDevice } from '../../src/compute/ff/webgpu';
import { cases, turnedLayer } from '../helpers/ff-cases';
import { geometry } from '../helpers/geometry';
import { nodeGPU } from '../helpers/node-gpu';

/**
 * The tabulated rigid-layer path on WebGPU (f32 lookups) against the exact pair sum (wasm, f64), in Node on
 * the `webgpu` package (SwiftShader here): energy within 1e-4 relative or 1e-5 eV per film atom; forces on the
 * top layer within 1e-3 of the largest force, net forces per layer within 1e-3 of the layer's summed force
 * magnitudes (the tolerances of ff-table.test.ts), over heights −0.6…+1.5 Å from the built one, registries,
 * twists, both models and a stack. The same tables on the host answer within f32 rounding.
 */
const gpu = await nodeGPU();
const all = await cases();
const g = await geometry();
const exact = wasmBackend(g);

if (!gpu.ok) console.warn(`WebGPU (Node) tabulated suites skipped: ${gpu.reason}`);

describe.skipIf(!gpu.ok)(`tabulated rigid layers on WebGPU in Node (${gpu.ok ? gpu.adapter : gpu.reason})`, () => {
  let device: GPUDevice | undefined;
  const made: WebGPUTabulatedBackend[] = [];
  afterAll(() => {
    for (const b of made) b.dispose();
    device?.destroy();
  });
  async function onGPU(sys: FFSystem, P: FFParams): Promise<WebGPUTabulatedBackend> {
    device ??= (await requestDevice(gpu.ok ? gpu.gpu : undefined)).device;
    const b = await webgpuTabulatedBackend(device, wasmRigidTables(g, sys, P), sys.cell);
    made.push(b);
    return b;
  }

  async function expectClose(tab: FFBackend, sys: FFSystem, P: FFParams): Promise<void> {
    const want = await exact.energyForces(sys, P);
    const have = await tab.energyForces(sys, P);
    const nfilm = sys.role.reduce((a, x) => a + (x > 0 ? 1 : 0), 0);
    expect(Math.abs(have.energy - want.energy)).toBeLessThanOrEqual(Math.max(1e-4 * Math.abs(want.energy), 1e-5 * nfilm));
    const top = Math.max(...sys.role);
    let fmax = 0;
    for (const f of want.forces) fmax = Math.max(fmax, Math.abs(f));
    for (let i = 0; i < sys.numbers.length; i++)
      if (sys.role[i] === top) for (let c = 0; c < 3; c++) expect(Math.abs(have.forces[3 * i + c] - want.forces[3 * i + c])).toBeLessThanOrEqual(1e-3 * fmax);
    for (let l = 0; l <= top; l++) {
      let scale = 0;
      const net = [0, 0, 0, 0, 0, 0];
      for (let i = 0; i < sys.numbers.length; i++) {
        if (sys.role[i] !== l) continue;
        scale += Math.hypot(want.forces[3 * i], want.forces[3 * i + 1], want.forces[3 * i + 2]);
        for (let c = 0; c < 3; c++) {
          net[c] += have.forces[3 * i + c];
          net[3 + c] += want.forces[3 * i + c];
        }
      }
      for (let c = 0; c < 3; c++) expect(Math.abs(net[c] - net[3 + c])).toBeLessThanOrEqual(1e-3 * scale);
    }
  }

  const turned = (sys: FFSystem, deg: number): FFSystem => turnedLayer(sys, Math.max(...sys.role), deg);

  const picks: [string, FFSystem][] = [all[0], all[1], all[3]];
  for (const model of FF_MODELS)
    for (const [name, sys] of picks)
      it(`${model}: ${name}, heights −0.6…+1.5 Å, registries and twists`, async () => {
        const P: FFParams = { model, cutoff: 12 };
        const tab = await onGPU(sys, P);
        for (const dz of [-0.6, -0.3, 0, 0.5, 1.5]) await expectClose(tab, shifted(withFilmsAbove(sys, 1), 1, 0, 0, dz), P);
        for (const [dx, dy] of [[0.41, -0.17], [1.3, 0.9]]) await expectClose(tab, shifted(sys, 1, dx, dy, 0), P);
        for (const deg of [7, 30]) await expectClose(await onGPU(turned(sys, deg), P), turned(sys, deg), P);
        if (Math.max(...sys.role) > 1) for (const dz of [-0.3, 0.5]) await expectClose(tab, shifted(sys, 2, 0.2, 0.1, dz), P);
      });

  it('thousands of atoms (7×7, d2): energy, forces and a batch of shifts', async () => {
    const [, sys] = all[2];
    const P: FFParams = { model: 'd2', cutoff: 12 };
    const tab = await onGPU(sys, P);
    await expectClose(tab, sys, P);
    const sh = Float64Array.from([0, 0, 0, 0.7, -0.4, 0.2, 3.3, 1.9, -0.3]);
    const [a, b] = [await tab.energiesForShifts(sys, 1, sh, P), await exact.energiesForShifts(sys, 1, sh, P)];
    for (let k = 0; k < 3; k++) expect(Math.abs(a[k] - b[k])).toBeLessThanOrEqual(1e-4 * Math.abs(b[k]));
  });

  it('the GPU lookups are the host tables in f32 (same coefficients, same interpolant), stack, both models', async () => {
    const [, sys] = all[3];
    for (const model of FF_MODELS) {
      const P: FFParams = { model, cutoff: 12 };
      const gb = await onGPU(sys, P);
      const host = tabulatedBackend(gb.tables);
      for (const s of [shifted(sys, 1, 0.3, -0.2, 0.4), shifted(sys, 2, -1.1, 0.5, -0.3)]) {
        const [a, b] = [await gb.energyForces(s, P), await host.energyForces(s, P)];
        expect(Math.abs(a.energy - b.energy)).toBeLessThanOrEqual(2e-5 * Math.abs(b.energy));
        let fmax = 0;
        for (const f of b.forces) fmax = Math.max(fmax, Math.abs(f));
        for (let i = 0; i < a.forces.length; i++) expect(Math.abs(a.forces[i] - b.forces[i])).toBeLessThanOrEqual(2e-5 * fmax);
      }
      // Several heights, a registry far outside the cell, and one shift below the tables (host exact sum).
      // f32 rounding is per lookup, so where layers' energies cancel the bound is per film atom (1e-6 eV).
      const nfilm = sys.role.filter((x) => x > 0).length;
      const sh = Float64Array.from([0, 0, 0, 0.5, 0.25, -0.4, 2.2, -1.3, 1.1, -37.7, 23.1, 0.1, 0, 0, -1.9]);
      for (const moved of [1, 2]) {
        const [ea, eb] = [await gb.energiesForShifts(sys, moved, sh, P), await host.energiesForShifts(sys, moved, sh, P)];
        for (let k = 0; k < 5; k++) expect(Math.abs(ea[k] - eb[k])).toBeLessThanOrEqual(Math.max(2e-5 * Math.abs(eb[k]), 1e-6 * nfilm));
      }
    }
  });

  it('a registry scan of more configurations than one dispatch holds (64×64, two batches) matches the host tables', async () => {
    const [, sys] = all[0];
    const P: FFParams = { model: 'uff', cutoff: 12 };
    const gb = await onGPU(sys, P);
    const [a, b] = [await registryScan(gb, sys, 1, 64, 64, P), await registryScan(tabulatedBackend(gb.tables), sys, 1, 64, 64, P)];
    expect(a.energy.length).toBe(4096);
    for (let k = 0; k < 4096; k++) expect(Math.abs(a.energy[k] - b.energy[k])).toBeLessThanOrEqual(2e-5 * Math.abs(b.energy[k]) + 1e-7);
  });

  it('z-scan, registry scan and rigid relaxation agree with the exact path', async () => {
    const [, sys] = all[1];
    const P: FFParams = { model: 'd2', cutoff: 12 };
    const tab = await onGPU(sys, P);
    const zs = Array.from({ length: 21 }, (_, k) => 2.4 + 0.1 * k);
    expect(Math.abs((await zScan(tab, sys, 1, zs, P)).min.z - (await zScan(exact, sys, 1, zs, P)).min.z)).toBeLessThan(0.005);
    const [rt, re] = [await registryScan(tab, sys, 1, 4, 4, P), await registryScan(exact, sys, 1, 4, 4, P)];
    for (let k = 0; k < 16; k++) expect(Math.abs(rt.energy[k] - re.energy[k])).toBeLessThanOrEqual(1e-4 * Math.abs(re.energy[k]));
    const [xt, xe] = [await relaxRigid(tab, sys, P), await relaxRigid(exact, sys, P)];
    expect(xt.converged && xe.converged).toBe(true);
    expect(Math.abs(xt.films[0].zSeparation - xe.films[0].zSeparation)).toBeLessThan(0.01);
    expect(Math.abs(xt.energy - xe.energy)).toBeLessThanOrEqual(1e-4 * Math.abs(xe.energy));
  });

  it('refuses calls after dispose, and other parameters than the tables were built for', async () => {
    const [, sys] = all[0];
    const tab = await onGPU(sys, { model: 'uff', cutoff: 12 });
    await expect(tab.energyForces(sys, { model: 'd2', cutoff: 12 })).rejects.toThrow(/tables are for uff/);
    tab.dispose();
    await expect(tab.energyForces(sys, { model: 'uff', cutoff: 12 })).rejects.toThrow(/disposed/);
  });
});
