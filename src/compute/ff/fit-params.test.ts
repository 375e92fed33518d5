import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseXyz } from '../../io/xyz';
import { energyForces } from './cpu';
import { cpuBackend, zScan } from './ops';
import { systemFromStructure } from './system';

/**
 * `fit` through the CPU reference reproduces the fitting script's z-scan minima (models/ff-fit/check/, written by
 * models/ff-fit/fit.py with its numpy twin of the pair sum): so the shipped table is the one that was fitted and
 * evaluated, and the script's pair sum is the project's.
 */
const DIR = new URL('../../../models/ff-fit/check/', import.meta.url);
const checks: { file: string; name: string; zMin: number; energyMin: number; bindingEnergyMin: number }[] = JSON.parse(readFileSync(new URL('checks.json', DIR), 'utf8'));

describe('fit model against the fitting script', () => {
  it('has checks for several systems', () => expect(checks.length).toBeGreaterThanOrEqual(4));
  for (const c of checks)
    it(`${c.name}: z-scan minimum ${c.zMin} Å`, async () => {
      const r = parseXyz(readFileSync(new URL(c.file, DIR)));
      if (!r.ok) throw new Error(`${c.file}: ${r.issue.message}`);
      const sys = systemFromStructure(r.structures[0]);
      const zs = Array.from({ length: 41 }, (_, k) => c.zMin - 1 + k * 0.05);
      const res = await zScan(cpuBackend(energyForces), sys, 1, zs, { model: 'fit', cutoff: 12 });
      expect(Math.abs(res.min.z - c.zMin)).toBeLessThan(0.01);
      expect(Math.abs(res.min.energy - c.energyMin)).toBeLessThan(1e-4 * Math.abs(c.energyMin));
      expect(Math.abs(res.min.bindingEnergy - c.bindingEnergyMin)).toBeLessThan(1e-4 * Math.abs(c.bindingEnergyMin));
    });
});
