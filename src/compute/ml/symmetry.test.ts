import { describe, expect, it } from 'vitest';
import { makeStructure, type Structure } from '../../core/structure';
import { mustRead } from '../../../test/helpers/fixtures';
import { layerSymmetry } from './symmetry';

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
