import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { energyForces, type FFSystem } from '../../src/compute/ff/cpu';
import { cpuBackend } from '../../src/compute/ff/ops';
import { wasmBackend } from '../../src/compute/ff/wasm-backend';
import { readStructureFile } from '../../src/io/registry';
import { FIXTURES } from '../helpers/fixtures';
import { geometry } from '../helpers/geometry';

interface Ref {
  model: 'uff';
  cutoff: number;
  systems: { file: string; energy: number; forces: number[]; natoms: number; lammps: string }[];
}
const REF = JSON.parse(readFileSync(`${FIXTURES}ff/lammps_reference.json`, 'utf8')) as Ref;

describe('force field against LAMMPS (pair_style lj/smooth/linear, same UFF parameters and cutoff)', async () => {
  const backends = [cpuBackend(energyForces), wasmBackend(await geometry())];
  for (const sys of REF.systems)
    for (const b of backends)
      it(`${b.kind}: ${sys.file} (${sys.natoms} atoms, LAMMPS ${sys.lammps})`, async () => {
        const name = sys.file.split('/').pop()!;
        const r = await readStructureFile(name, readFileSync(`${FIXTURES}ff/${name}`));
        if (!r.ok) throw new Error(r.issue.message);
        const s = r.structures[0];
        const ff: FFSystem = { cell: s.cell, positions: s.positions, numbers: s.numbers, role: s.arrays.role! };
        const got = await b.energyForces(ff, { model: REF.model, cutoff: REF.cutoff });
        expect(Math.abs(got.energy - sys.energy)).toBeLessThanOrEqual(1e-6 * Math.abs(sys.energy));
        const scale = Math.max(...sys.forces.map(Math.abs));
        for (let i = 0; i < sys.forces.length; i++) expect(Math.abs(got.forces[i] - sys.forces[i])).toBeLessThanOrEqual(1e-6 * scale);
      });
});
