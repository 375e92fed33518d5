import { describe, expect, it } from 'vitest';
import { mustRead } from '../../test/helpers/fixtures';
import { parseKeyValues, parseXyz } from './xyz';

describe('XYZ / extended XYZ reader', () => {
  it('parses ASE key=value comment lines', () => {
    const kv = parseKeyValues('Lattice="1 0 0 0 1 0 0 0 1" Properties=species:S:1:pos:R:3 energy=-1.5 flag pbc="T T F" name={a b}')!;
    expect(kv.get('Lattice')).toBe('1 0 0 0 1 0 0 0 1');
    expect(kv.get('energy')).toBe('-1.5');
    expect(kv.get('flag')).toBe('T');
    expect(kv.get('pbc')).toBe('T T F');
    expect(kv.get('name')).toBe('a b');
    expect(parseKeyValues('Lattice="1 2 3')).toBeNull();
  });
  it('reads every frame of a multi-frame file, with cell and pbc', async () => {
    const { structures } = await mustRead('frames.extxyz');
    expect(structures.length).toBe(2);
    expect(structures[1].cell[0]).toBe(3.1);
    expect(structures[1].positions[3]).toBe(1.55);
    expect(structures[0].info.energy).toBe('-7.5');
  });
  it('plain XYZ has no cell and no periodicity', async () => {
    const { structures: [s] } = await mustRead('water.xyz');
    expect(s.pbc).toEqual([false, false, false]);
    expect(Array.from(s.numbers)).toEqual([8, 1, 1]);
  });
  it('atomic numbers in a Z:I:1 column, and move_mask as selective dynamics', () => {
    const r = parseXyz('2\nLattice="3 0 0 0 3 0 0 0 3" Properties=Z:I:1:pos:R:3:move_mask:L:3\n29 0 0 0 F F F\n29 1.5 1.5 0 T T T\n');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(Array.from(r.structures[0].numbers)).toEqual([29, 29]);
      expect(Array.from(r.structures[0].arrays.selectiveDynamics!)).toEqual([0, 0, 0, 1, 1, 1]);
    }
  });
  it('pbc true without a Lattice is an error on the comment line', () => {
    const r = parseXyz('1\npbc="T T T"\nH 0 0 0\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issue).toMatchObject({ code: 'missing-field', line: 2 });
  });
});
