import { describe, expect, it } from 'vitest';
import { makeStructure, type Structure } from '../../core/structure';
import { mustRead } from '../../../test/helpers/fixtures';
import { layerSymmetry } from './symmetry';
import { symmetryOpsOfSpaceGroup } from './symmetry-ops';

/**
 * The film symmetry-operation count against the point-group orders of the layers' layer groups (cited in
 * symmetry.ts): graphene D6h 24, 1H-MoS2 D3h 12, Janus MoSSe C3v 6, 1T D3d 12. A supercell and more vacuum
 * give the same count; a displaced atom lowers it.
 */
const fixture = async (name: string) => (await mustRead(name)).structures[0];

/** A 1T-MX2 layer (M at the origin, X above and below on the two other hexagonal sites), a in Å, vacuum c. */
function oneT(a = 3.4, c = 20, dz = 1.5): Structure {
  const cell = Float64Array.from([a, 0, 0, -a / 2, (a * Math.sqrt(3)) / 2, 0, 0, 0, c]);
  const frac = [[0, 0, 0.5], [1 / 3, 2 / 3, 0.5 + dz / c], [2 / 3, 1 / 3, 0.5 - dz / c]];
  const positions = Float64Array.from(frac.flatMap(([u, v, w]) => [0, 1, 2].map((k) => u * cell[k] + v * cell[3 + k] + w * cell[6 + k])));
  return makeStructure({ numbers: Uint8Array.from([40, 52, 52]), positions, cell, pbc: [true, true, true] });
}

/** n × n in-plane supercell. */
function supercell(s: Structure, n: number): Structure {
  const numbers: number[] = [], pos: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < s.numbers.length; k++) {
        numbers.push(s.numbers[k]);
        for (let x = 0; x < 3; x++) pos.push(s.positions[3 * k + x] + i * s.cell[x] + j * s.cell[3 + x]);
      }
  const cell = Float64Array.from(s.cell);
  for (let x = 0; x < 6; x++) cell[x] *= n;
  return makeStructure({ numbers: Uint8Array.from(numbers), positions: Float64Array.from(pos), cell, pbc: [true, true, true] });
}

describe('film symmetry-operation count', () => {
  it('graphene 24, 1H-MoS2 12, Janus MoSSe 6, 1T 12', async () => {
    expect((await layerSymmetry(await fixture('graphene.vasp')))?.operations).toBe(24);
    expect((await layerSymmetry(await fixture('MoS2_monolayer.vasp')))?.operations).toBe(12);
    expect((await layerSymmetry(await fixture('MoSSe_janus.vasp')))?.operations).toBe(6);
    const t = await layerSymmetry(oneT());
    expect(t?.operations).toBe(12);
    expect(t?.spaceGroup).toBe(164); // P-3m1, the 3D group of the 1T layer with vacuum
  });
  it('does not depend on a supercell or the vacuum; a displaced atom lowers it', async () => {
    expect((await layerSymmetry(supercell(await fixture('MoS2_monolayer.vasp'), 3)))?.operations).toBe(12);
    expect((await layerSymmetry(oneT(3.4, 35)))?.operations).toBe(12);
    const s = oneT();
    s.positions[3] += 0.2; // one X atom 0.2 Å off its site (20 × the tolerance)
    expect((await layerSymmetry(s))!.operations).toBeLessThan(12);
  });
});

describe('symmetry-operation count from the space-group number (symmetry-ops.ts)', () => {
  it('point-group orders at the ends of the crystal classes (ITA Vol. A)', () => {
    const table: [number, number][] = [[1, 1], [2, 2], [3, 2], [9, 2], [10, 4], [15, 4], [16, 4], [46, 4], [47, 8], [74, 8], [75, 4], [82, 4], [83, 8], [122, 8], [123, 16], [142, 16],
      [143, 3], [146, 3], [147, 6], [148, 6], [149, 6], [161, 6], [162, 12], [164, 12], [167, 12], [168, 6], [174, 6], [175, 12], [187, 12], [190, 12], [191, 24], [194, 24], [195, 12], [199, 12], [200, 24], [220, 24], [221, 48], [230, 48]];
    for (const [n, order] of table) expect([n, symmetryOpsOfSpaceGroup(n)]).toEqual([n, order]);
    for (const bad of [0, 231, 1.5, NaN, null, undefined]) expect(symmetryOpsOfSpaceGroup(bad)).toBeNaN();
  });
  it("equals moyo's own count of the cell's operations (modulo its translations) on every fixture layer", async () => {
    const layers = [await fixture('graphene.vasp'), await fixture('MoS2_monolayer.vasp'), await fixture('MoSSe_janus.vasp'), oneT(), supercell(await fixture('MoS2_monolayer.vasp'), 2)];
    const s = oneT();
    s.positions[3] += 0.2;
    layers.push(s);
    for (const l of layers) {
      const r = (await layerSymmetry(l))!;
      expect([r.spaceGroup, r.operations]).toEqual([r.spaceGroup, r.rotationCount]);
    }
  });
});
