import { describe, expect, it } from 'vitest';
import { bondCutoff } from '../core/elements';
import { findBonds } from './bonds';

const pairs = (b: Uint32Array | null) => {
  const out: string[] = [];
  for (let k = 0; b && k < b.length; k += 2) out.push(`${b[k]}-${b[k + 1]}`);
  return out.sort();
};

describe('bonds by covalent radii', () => {
  it('uses r_a + r_b + 0.45 Å (Cordero radii: Mo 1.54, S 1.05)', () => {
    expect(bondCutoff(42, 16)).toBeCloseTo(1.54 + 1.05 + 0.45, 6);
  });

  it('bonds water O–H but not H–H, and a C–C chain only between neighbours', () => {
    // O at the origin, two H at 0.96 Å, 104.5° apart (H–H 1.52 Å > 2·0.31 + 0.45).
    const t = (104.5 / 2) * (Math.PI / 180);
    const water = [0, 0, 0, 0.96 * Math.sin(t), 0.96 * Math.cos(t), 0, -0.96 * Math.sin(t), 0.96 * Math.cos(t), 0];
    expect(pairs(findBonds(water, [8, 1, 1]))).toEqual(['0-1', '0-2']);
    const chain = [0, 1.54, 3.08, 4.62].flatMap((x) => [x, 0, 0]);
    expect(pairs(findBonds(chain, [6, 6, 6, 6]))).toEqual(['0-1', '1-2', '2-3']);
  });

  it('finds the same bonds as all pairs on a random cloud, and gives up past maxBonds', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const n = 300, xyz = Array.from({ length: 3 * n }, () => 12 * rnd()), zs = Array.from({ length: n }, (_, i) => [6, 8, 16, 42][i % 4]);
    const brute: string[] = [];
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const d = Math.hypot(xyz[3 * j] - xyz[3 * i], xyz[3 * j + 1] - xyz[3 * i + 1], xyz[3 * j + 2] - xyz[3 * i + 2]);
        if (d > 0.1 && d <= bondCutoff(zs[i], zs[j])) brute.push(`${i}-${j}`);
      }
    expect(brute.length).toBeGreaterThan(100);
    expect(pairs(findBonds(xyz, zs))).toEqual(brute.sort());
    expect(findBonds(xyz, zs, 10)).toBeNull();
  });
});
