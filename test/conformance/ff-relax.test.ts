import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { systemFromStructure } from '../../src/compute/ff/system';
import { FF_MODELS, type FFParams } from '../../src/compute/ff/model';
import { relaxRigid, shifted, zScan, zSeparation } from '../../src/compute/ff/ops';
import { wasmBackend } from '../../src/compute/ff/wasm-backend';
import { readStructureFile } from '../../src/io/registry';
import { cases } from '../helpers/ff-cases';
import { geometry } from '../helpers/geometry';

/** Issue 12 bug 4: a rigid-body relaxation ends in the same minimum from any reasonable start. */
async function grapheneOnCu() {
  const name = 'graphene_Cu111.extxyz';
  const r = await readStructureFile(name, readFileSync(new URL(`../fixtures/ff/${name}`, import.meta.url)));
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.issue)}`);
  return systemFromStructure(r.structures[0]);
}

describe('rigid relaxation does not depend on the start', async () => {
  const b = wasmBackend(await geometry());
  const base = await grapheneOnCu();
  for (const model of FF_MODELS)
    it(`graphene on Cu(111), ${model}: starts at 3.0, 3.6, 4.6 and 6.0 Å end within 0.01 Å of each other and of the z-scan minimum at the final registry`, async () => {
      const P: FFParams = { model, cutoff: 12 };
      const zs: number[] = [];
      let last = base;
      for (const z of [3.0, 3.6, 4.6, 6.0]) {
        const start = shifted(base, 1, 0, 0, z - zSeparation(base, 1));
        const seen: [number, number][] = [];
        const r = await relaxRigid(b, start, P, {}, (done, total) => seen.push([done, total]));
        expect(r.converged).toBe(true);
        // Progress ends full even when FIRE needs fewer steps than the reporting interval after the bracket.
        expect(seen.at(-1)).toEqual([500, 500]);
        zs.push(r.films[0].zSeparation);
        last = r.system;
        // Displacements stay relative to the structure passed in.
        expect(r.films[0].displacement[2]).toBeCloseTo(r.films[0].zSeparation - z, 9);
      }
      // The film may slide to a better registry, so the z-scan that checks the minimum is taken where it ended.
      const scan = await zScan(b, last, 1, Array.from({ length: 41 }, (_, k) => 2 + 0.1 * k), P);
      for (const z of zs) expect(Math.abs(z - scan.min.z)).toBeLessThan(0.01);
    });
  it('a stack of two films: the same minimum from a compressed and a stretched start', async () => {
    const [, stack] = (await cases())[3];
    const P: FFParams = { model: 'uff', cutoff: 12 };
    const seps: number[][] = [];
    for (const dz of [-0.4, 1.5]) {
      const start = shifted(shifted(stack, 2, 0, 0, 2 * dz), 1, 0, 0, dz);
      const r = await relaxRigid(b, start, P, { fmax: 0.005, maxSteps: 1000 });
      expect(r.converged).toBe(true);
      seps.push(r.films.map((f) => f.zSeparation));
    }
    for (let k = 0; k < 2; k++) expect(Math.abs(seps[0][k] - seps[1][k])).toBeLessThan(0.01);
  });
});
