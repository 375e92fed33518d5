import { describe, expect, it } from 'vitest';
import { energyForces, type FFSystem } from '../../src/compute/ff/cpu';
import type { FFParams } from '../../src/compute/ff/model';
import { cpuBackend, type FFBackend } from '../../src/compute/ff/ops';
import { wasmBackend } from '../../src/compute/ff/wasm-backend';
import { buildInterface, extractLayer, findMatches, inPlaneBasis, makeSlab, type IntMatrix2 } from '../../src/compute/geometry/geometry';
import { mustRead } from '../helpers/fixtures';
import { geometry } from '../helpers/geometry';

/**
 * One conformance suite for every force-field backend against the TypeScript reference. Tolerance for the f64
 * backends: 1e-10 relative. (The WebGPU backend, f32, is not built yet.)
 */
const P: FFParams = { model: 'uff', cutoff: 12 };

async function cases(): Promise<[string, FFSystem][]> {
  const g = await geometry();
  const read = async (n: string) => (await mustRead(n)).structures[0];
  const film = extractLayer(g, await read('MoS2_monolayer.vasp'), { vacuum: 10 });
  const slab = makeSlab(g, await read('Au_fcc_conventional.vasp'), { hkl: [1, 1, 1], layers: 3, vacuum: 10, maxAtoms: 10000 });
  const ms = findMatches(g, inPlaneBasis(film.structure), inPlaneBasis(slab.structure), { maxArea: 100, maxStrain: 0.05, maxAngle: Math.PI / 180 });
  const times = (m: IntMatrix2, k: number) => m.map((r) => r.map((x) => x * k)) as IntMatrix2;
  const iface = (k: number, z: number): FFSystem => {
    const s = buildInterface(g, slab.structure, [{ layer: film.structure, filmMatrix: times(ms[0].filmMatrix, k), zSeparation: z, shift: [0.13, 0.27] }], {
      substrateMatrix: times(ms[0].substrateMatrix, k),
      vacuum: 12,
      maxAtoms: 100000,
    }).structure;
    return { cell: s.cell, positions: s.positions, numbers: s.numbers, group: s.arrays.role! };
  };
  const cell = Float64Array.from([2.5, 0, 0, -1.25, 2.165, 0, 0, 0, 20]);
  return [
    ['MoS2 on Au(111), one coincidence cell (cutoff longer than the cell)', iface(1, 3.1)],
    ['the same, 3×3 (hundreds of atoms)', iface(3, 3.3)],
    ['one atom over one atom', { cell, positions: Float64Array.from([0, 0, 0, 0.3, 0.2, 3.4]), numbers: Uint8Array.from([79, 6]), group: Uint8Array.from([0, 1]) }],
    ['atoms exactly on cell faces', { cell, positions: Float64Array.from([0, 0, 0, 2.5, 0, 0, -1.25, 2.165, 3.3, 1.25, 2.165, 3.3]), numbers: Uint8Array.from([29, 29, 16, 42]), group: Uint8Array.from([0, 0, 1, 1]) }],
  ];
}

describe('force-field conformance against the TypeScript reference', async () => {
  const list = await cases();
  const ref = cpuBackend(energyForces);
  const backends: FFBackend[] = [wasmBackend(await geometry())];
  for (const b of backends)
    for (const [name, sys] of list) {
      it(`${b.kind}: ${name}`, async () => {
        const want = await ref.energyForces(sys, P);
        const got = await b.energyForces(sys, P);
        expect(got.pairs).toBe(want.pairs);
        expect(Math.abs(got.energy - want.energy)).toBeLessThanOrEqual(1e-10 * Math.abs(want.energy) + 1e-14);
        const scale = Math.max(...want.forces.map(Math.abs));
        for (let i = 0; i < want.forces.length; i++) expect(Math.abs(got.forces[i] - want.forces[i])).toBeLessThanOrEqual(1e-10 * scale + 1e-14);
        const shifts = Float64Array.from([0, 0, 0, 0.3, -0.2, 0.1, 0, 0, 1.5]);
        const e1 = await ref.energiesForShifts(sys, 1, shifts, P);
        const e2 = await b.energiesForShifts(sys, 1, shifts, P);
        for (let k = 0; k < 3; k++) expect(Math.abs(e2[k] - e1[k])).toBeLessThanOrEqual(1e-10 * Math.abs(e1[k]) + 1e-14);
      });
    }
  it('covers a system of hundreds of atoms', () => {
    expect(Math.max(...list.map(([, s]) => s.numbers.length))).toBeGreaterThan(400);
  });
});
