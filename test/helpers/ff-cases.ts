import { expect } from 'vitest';
import type { FFSystem } from '../../src/compute/ff/cpu';
import type { FFParams } from '../../src/compute/ff/model';
import type { FFBackend } from '../../src/compute/ff/ops';
import { buildInterface, extractLayer, findMatches, inPlaneBasis, makeSlab, type IntMatrix2 } from '../../src/compute/geometry/geometry';
import { mustRead } from './fixtures';
import { geometry } from './geometry';

/** The force-field conformance cases every backend must pass. */
export async function cases(): Promise<[string, FFSystem][]> {
  const g = await geometry();
  const read = async (n: string) => (await mustRead(n)).structures[0];
  const film = extractLayer(g, await read('MoS2_monolayer.vasp'), { vacuum: 10 });
  const slab = makeSlab(g, await read('Au_fcc_conventional.vasp'), { hkl: [1, 1, 1], layers: 3, vacuum: 10, maxAtoms: 10000 });
  const ms = findMatches(g, inPlaneBasis(film.structure), inPlaneBasis(slab.structure), { maxArea: 100, maxStrain: 0.05, maxAngle: Math.PI / 180 });
  const times = (m: IntMatrix2, k: number) => m.map((r) => r.map((x) => x * k)) as IntMatrix2;
  const iface = (k: number, z: number, films = 1): FFSystem => {
    const layers = Array.from({ length: films }, (_, f) => ({ layer: film.structure, filmMatrix: times(ms[0].filmMatrix, k), zSeparation: z + 0.2 * f, shift: [0.13 + 0.3 * f, 0.27] as [number, number] }));
    const s = buildInterface(g, slab.structure, layers, {
      substrateMatrix: times(ms[0].substrateMatrix, k),
      vacuum: 12,
      maxAtoms: 100000,
    }).structure;
    return { cell: s.cell, positions: s.positions, numbers: s.numbers, role: s.arrays.role! };
  };
  const cell = Float64Array.from([2.5, 0, 0, -1.25, 2.165, 0, 0, 0, 20]);
  return [
    ['MoS2 on Au(111), one coincidence cell (cutoff longer than the cell)', iface(1, 3.1)],
    ['the same, 3×3 (hundreds of atoms)', iface(3, 3.3)],
    ['the same, 7×7 (thousands of atoms)', iface(7, 3.2)],
    ['two films stacked (film–film pairs count)', iface(2, 3.0, 2)],
    ['one atom over one atom', { cell, positions: Float64Array.from([0, 0, 0, 0.3, 0.2, 3.4]), numbers: Uint8Array.from([79, 6]), role: Uint8Array.from([0, 1]) }],
    ['atoms exactly on cell faces', { cell, positions: Float64Array.from([0, 0, 0, 2.5, 0, 0, -1.25, 2.165, 3.3, 1.25, 2.165, 3.3]), numbers: Uint8Array.from([29, 29, 16, 42]), role: Uint8Array.from([0, 0, 1, 1]) }],
  ];
}


/**
 * One conformance check: energy, pair count and forces of `got` against the reference, within `rel` relative
 * (forces relative to the largest reference force) plus `abs`; then the energies of `shifts` of film 1.
 */
export async function expectSameAsReference(ref: FFBackend, got: FFBackend, sys: FFSystem, p: FFParams, rel: number, abs: number, shifts: number[] | null): Promise<void> {
  const want = await ref.energyForces(sys, p);
  const have = await got.energyForces(sys, p);
  expect(have.pairs).toBe(want.pairs);
  expect(Math.abs(have.energy - want.energy)).toBeLessThanOrEqual(rel * Math.abs(want.energy) + abs);
  const scale = Math.max(...want.forces.map(Math.abs));
  for (let i = 0; i < want.forces.length; i++) expect(Math.abs(have.forces[i] - want.forces[i])).toBeLessThanOrEqual(rel * scale + abs);
  if (!shifts) return;
  const sh = Float64Array.from(shifts);
  const e1 = await ref.energiesForShifts(sys, 1, sh, p);
  const e2 = await got.energiesForShifts(sys, 1, sh, p);
  for (let k = 0; k < e1.length; k++) expect(Math.abs(e2[k] - e1[k])).toBeLessThanOrEqual(rel * Math.abs(e1[k]) + abs);
}

/** Layer `layer`'s atoms turned by `deg` degrees about the cell's centre (twisted variants of a case). */
export function turnedLayer(sys: FFSystem, layer: number, deg: number): FFSystem {
  const c = sys.cell, t = (deg * Math.PI) / 180;
  const cx = (c[0] + c[3]) / 2, cy = (c[1] + c[4]) / 2;
  const positions = sys.positions.slice();
  for (let i = 0; i < sys.numbers.length; i++) {
    if (sys.role[i] !== layer) continue;
    const x = positions[3 * i] - cx, y = positions[3 * i + 1] - cy;
    positions[3 * i] = cx + Math.cos(t) * x - Math.sin(t) * y;
    positions[3 * i + 1] = cy + Math.sin(t) * x + Math.cos(t) * y;
  }
  return { ...sys, positions };
}
