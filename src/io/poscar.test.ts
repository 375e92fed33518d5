import { describe, expect, it } from 'vitest';
import { cartesianToScaled, cellVolume } from '../core/cell';
import { mustRead } from '../../test/helpers/fixtures';
import { parsePoscar } from './poscar';

describe('POSCAR / CONTCAR reader', () => {
  it('reads a VASP 5 monolayer exactly', async () => {
    const { structures: [s] } = await mustRead('MoS2_monolayer.vasp');
    expect(Array.from(s.numbers)).toEqual([42, 16, 16]);
    expect(s.cell[0]).toBeCloseTo(3.16, 12);
    expect(s.cell[8]).toBeCloseTo(23.17, 12);
    expect(s.pbc).toEqual([true, true, true]);
  });
  it('VASP 4: species from the comment line, with a warning', async () => {
    const { structures: [s], warnings } = await mustRead('MoS2_vasp4.poscar');
    expect(Array.from(s.numbers)).toEqual([42, 16, 16]);
    expect(warnings.join()).toMatch(/VASP 4.*Mo S/);
  });
  it('VASP 4: --species wins over the comment', () => {
    const text = 'whatever\n1\n3 0 0\n0 3 0\n0 0 3\n1 1\nDirect\n0 0 0\n.5 .5 .5\n';
    const r = parsePoscar(text, { species: ['Cs', 'Cl'] });
    expect(r.ok && Array.from(r.structures[0].numbers)).toEqual([55, 17]);
    const bad = parsePoscar(text, { species: ['Cs'] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issue).toMatchObject({ code: 'count-mismatch', line: 6 });
  });
  it('negative scale is the cell volume', async () => {
    const { structures: [s] } = await mustRead('Au_negative_scale.vasp');
    expect(cellVolume(s.cell)).toBeCloseTo(16.979328, 9);
  });
  it('three scale factors scale x, y, z of the lattice and of Cartesian positions', async () => {
    const { structures: [s] } = await mustRead('hBN_three_scales.vasp');
    expect(Array.from(s.cell.slice(0, 3))).toEqual([2.504, 0, 0]);
    expect(s.cell[8]).toBe(20);
    expect(s.positions[2]).toBe(10);
    const f = cartesianToScaled(s.cell, s.positions)!;
    expect(f[0]).toBeCloseTo(1 / 3, 9);
    expect(f[1]).toBeCloseTo(2 / 3, 9);
  });
  it('Cartesian coordinates are multiplied by the scale factor', async () => {
    const { structures: [s] } = await mustRead('graphite_cartesian.vasp');
    expect(s.cell[0]).toBeCloseTo(2.464, 12);
    expect(s.positions[2]).toBeCloseTo(1.677750, 12);
  });
  it('CONTCAR: selective dynamics kept per atom, velocity/predictor blocks tolerated', async () => {
    const { structures: [s], warnings } = await mustRead('Cu_CONTCAR');
    expect(Array.from(s.arrays.selectiveDynamics!)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(warnings.join()).toMatch(/7 line\(s\) after the coordinates/);
  });
  it('species with POTCAR suffixes (Mo_pv, VASP 6 hashes)', () => {
    const r = parsePoscar('x\n1\n3 0 0\n0 3 0\n0 0 3\nMo_pv/abc123 S\n1 1\nDirect\n0 0 0\n.5 .5 .5\n');
    expect(r.ok && Array.from(r.structures[0].numbers)).toEqual([42, 16]);
  });
});
