import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findMatches, type Basis2 } from '../../src/compute/geometry/geometry';
import { geometry } from '../helpers/geometry';

interface Ref {
  params: { max_area_ratio_tol: number; max_area: number; max_length_tol: number; max_angle_tol: number };
  pairs: {
    film: string;
    substrate: string;
    filmVectors: Basis2;
    substrateVectors: Basis2;
    matches: { area: number; substrateArea: number; vectorStrain: [number, number]; filmMultiple: number; substrateMultiple: number }[];
  }[];
}
const REF = JSON.parse(readFileSync(new URL('../fixtures/geometry/zsl_pymatgen.json', import.meta.url), 'utf8')) as Ref;
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 + 1e-6 * Math.abs(b);

describe('coincidence search agrees with pymatgen ZSLGenerator (same tolerances)', () => {
  it('covers at least 12 pairs with matches', () => {
    expect(REF.pairs.filter((p) => p.matches.length > 0).length).toBeGreaterThanOrEqual(12);
  });
  for (const pair of REF.pairs) {
    it(`${pair.film} on ${pair.substrate}: every pymatgen match, and no other`, async () => {
      const g = await geometry();
      const p = REF.params;
      const ours = findMatches(g, pair.filmVectors, pair.substrateVectors, {
        maxArea: p.max_area,
        areaRatioTol: p.max_area_ratio_tol,
        maxStrain: p.max_length_tol,
        maxAngle: p.max_angle_tol,
        angleRelative: true,
        dedupe: false,
        limit: 1_000_000,
        robust: false,
      });
      const fa = Math.abs(pair.filmVectors[0][0] * pair.filmVectors[1][1] - pair.filmVectors[0][1] * pair.filmVectors[1][0]);
      const det = (m: number[][]) => Math.abs(m[0][0] * m[1][1] - m[0][1] * m[1][0]);
      const used = new Set<number>();
      for (const r of pair.matches) {
        const k = ours.findIndex(
          (m, i) =>
            !used.has(i) &&
            det(m.filmMatrix) === r.filmMultiple &&
            det(m.substrateMatrix) === r.substrateMultiple &&
            close(m.area, r.substrateArea) &&
            close(det(m.filmMatrix) * fa, r.area) &&
            close(m.vectorStrains[0], r.vectorStrain[0]) &&
            close(m.vectorStrains[1], r.vectorStrain[1]),
        );
        expect(k, `pymatgen match ${JSON.stringify(r)} not found`).toBeGreaterThanOrEqual(0);
        used.add(k);
      }
      expect(ours.length).toBe(pair.matches.length);
      // Whatever pairing pymatgen used, the map we report takes the film supercell onto the substrate's.
      for (const m of ours.filter((x) => !x.mirror))
        for (let v = 0; v < 2; v++) {
          const f = m.filmVectors[v];
          const s = m.substrateVectors[v];
          expect(m.map[0] * f[0] + m.map[1] * f[1]).toBeCloseTo(s[0], 9);
          expect(m.map[2] * f[0] + m.map[3] * f[1]).toBeCloseTo(s[1], 9);
        }
    });
  }
});
