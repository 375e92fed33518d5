// The interface service on WebGPU (issue 15): large interfaces' scans and pre-relaxations use the rigid-layer
// tables on the GPU, and a device loss moves them to the wasm tables with the exact backend's notice.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HeterolabWasm } from '../../src/compute/geometry/wasm';
import { InterfaceService, RIGID_TABLE_MIN_ATOMS } from '../../src/compute/interface/service';
import type { InterfaceRequest, InterfaceSpec } from '../../src/compute/interface/types';
import { conventionalStandardCell } from '../../src/io/space-groups';
import { mustRead } from '../helpers/fixtures';
import { nodeGPU } from '../helpers/node-gpu';

const gpu = await nodeGPU();
if (!gpu.ok) console.warn(`WebGPU (Node) service suite skipped: ${gpu.reason}`);
const geometry = HeterolabWasm.fromBytes(readFileSync(new URL('../../src/compute/geometry/build/heterolab.wasm', import.meta.url)));
const read = async (f: string) => (await mustRead(f)).structures[0];

/** Graphene on Cu(111), 8 layers, the largest coincidence cell up to 200 Å² doubled along a and b (over RIGID_TABLE_MIN_ATOMS atoms). */
async function largeInterface(svc: InterfaceService): Promise<InterfaceSpec> {
  const request: InterfaceRequest = { film: await read('graphene.vasp'), substrate: await read('Cu_fcc_conventional.vasp'), options: { hkl: [1, 1, 1], layers: 8 } };
  const m = (await svc.matches(request, { maxArea: 200, maxStrain: 0.05, maxAngle: Math.PI / 180 }, { kind: 'all' })).matches;
  const big = m.reduce((a, b) => (b.area > a.area ? b : a));
  const times2 = <T extends number[][]>(x: T) => x.map((r) => r.map((v) => 2 * v)) as T;
  const match = { ...big, filmMatrix: times2(big.filmMatrix), substrateMatrix: times2(big.substrateMatrix), filmVectors: times2(big.filmVectors), substrateVectors: times2(big.substrateVectors), area: 4 * big.area };
  return { request, match, placement: { zSeparation: 3.3, shift: [0.3, 0.1] } };
}

describe.skipIf(!gpu.ok)(`interface service on WebGPU (${gpu.ok ? gpu.adapter : gpu.reason})`, () => {
  it('scans and the rigid relaxation of a large interface run on the WebGPU tables; after a device loss on the wasm tables, with one notice', async () => {
    const P = { model: 'd2' as const, cutoff: 12 };
    const onWasm = new InterfaceService({ geometry, standardCell: conventionalStandardCell });
    const onGPU = new InterfaceService({ geometry, standardCell: conventionalStandardCell, gpu: () => (gpu.ok ? gpu.gpu : undefined) });
    const selected = await onGPU.configureFF('webgpu');
    expect(selected.kind).toBe('webgpu');
    const spec = await largeInterface(onWasm);
    expect((await onGPU.build(spec)).structure.numbers.length).toBeGreaterThanOrEqual(RIGID_TABLE_MIN_ATOMS);
    const zs = [3.0, 3.2, 3.4, 3.6];
    const [zg, zw] = [await onGPU.zScan(spec, 1, zs, P), await onWasm.zScan(spec, 1, zs, P)];
    expect([zg.backend, zg.tabulated, zw.backend, zw.tabulated]).toEqual(['webgpu', true, 'wasm', true]);
    for (let k = 0; k < zs.length; k++) expect(Math.abs(zg.energy[k] - zw.energy[k])).toBeLessThanOrEqual(1e-4 * Math.abs(zw.energy[k]));
    const [rg, rw] = [await onGPU.registryScan(spec, 1, 3, 3, P, false), await onWasm.registryScan(spec, 1, 3, 3, P, false)];
    expect([rg.backend, rg.tabulated]).toEqual(['webgpu', true]);
    for (let k = 0; k < 9; k++) expect(Math.abs(rg.energy[k] - rw.energy[k])).toBeLessThanOrEqual(1e-4 * Math.abs(rw.energy[k]));
    const xg = await onGPU.relax(spec, P, {});
    expect([xg.backend, xg.tabulated]).toEqual(['webgpu', true]);
    expect(selected.notices).toEqual([]);
    // What a driver reset does to a page: the device goes, the scans continue on the wasm tables.
    selected.gpu!.device.destroy();
    await selected.gpu!.lost;
    const after = await onGPU.registryScan(spec, 1, 3, 3, P, false);
    expect([after.backend, after.tabulated]).toEqual(['wasm', true]);
    for (let k = 0; k < 9; k++) expect(Math.abs(after.energy[k] - rw.energy[k])).toBeLessThanOrEqual(1e-9 * Math.abs(rw.energy[k]));
    expect(selected.kind).toBe('wasm');
    // The exact backend and the tables lost the same device: one notice, the exact backend's.
    expect(selected.notices).toHaveLength(1);
    expect(selected.notices[0]).toMatch(/^WebGPU device lost \(destroyed\).*; continuing on wasm$/);
  }, 300_000);
});
