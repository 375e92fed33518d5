import { describe, expect, it } from 'vitest';
import { cartesianToScaled } from '../../src/core/cell';
import type { Structure } from '../../src/core/structure';
import { detectFormat } from '../../src/io/detect';
import { readStructureFile } from '../../src/io/registry';
import { poscarOrder, writeStructure, type WriteFormat } from '../../src/io/write';
import { goodFixtureNames, mustRead } from '../helpers/fixtures';

/** Same atoms up to the POSCAR species grouping: compare in poscarOrder, positions modulo lattice translations. */
function expectSameStructure(a: Structure, b: Structure, reordered: boolean) {
  expect(b.numbers.length).toBe(a.numbers.length);
  const order = reordered ? poscarOrder(a.numbers) : Int32Array.from(a.numbers, (_, i) => i);
  for (let k = 0; k < 9; k++) expect(b.cell[k]).toBeCloseTo(a.cell[k], 7);
  const periodic = a.pbc.some(Boolean);
  const fa = periodic ? cartesianToScaled(a.cell, a.positions)! : a.positions;
  const fb = periodic ? cartesianToScaled(b.cell, b.positions)! : b.positions;
  order.forEach((i, k) => {
    expect(b.numbers[k]).toBe(a.numbers[i]);
    for (let c = 0; c < 3; c++) {
      let d = fb[3 * k + c] - fa[3 * i + c];
      if (periodic) d -= Math.round(d);
      expect(Math.abs(d)).toBeLessThan(1e-8);
    }
    if (a.arrays.selectiveDynamics && b.arrays.selectiveDynamics)
      expect(Array.from(b.arrays.selectiveDynamics.subarray(3 * k, 3 * k + 3))).toEqual(Array.from(a.arrays.selectiveDynamics.subarray(3 * i, 3 * i + 3)));
  });
}

const NAMES: Record<WriteFormat, string> = { vasp: 'out.vasp', cif: 'out.cif', extxyz: 'out.extxyz' };

describe('write → read round trip over every writable format and every fixture', () => {
  for (const name of goodFixtureNames()) {
    for (const format of ['vasp', 'cif', 'extxyz'] as WriteFormat[]) {
      it(`${name} → ${format}`, async () => {
        const { structures } = await mustRead(name);
        for (const s of structures) {
          if (!s.pbc.some(Boolean) && format !== 'extxyz') continue; // a molecule has no POSCAR/CIF form
          const text = writeStructure(s, format);
          expect(detectFormat(NAMES[format], text).format).toBe(format);
          const r = await readStructureFile(NAMES[format], text);
          if (!r.ok) throw new Error(`re-read failed: ${JSON.stringify(r.issue)}`);
          expect(r.structures.length).toBe(1);
          const back = r.structures[0];
          if (format === 'cif') {
            // CIF stores parameters, not vectors: compare in fractional coordinates after orienting both alike.
            expect(back.numbers.length).toBe(s.numbers.length);
            const fa = cartesianToScaled(s.cell, s.positions)!;
            const fb = cartesianToScaled(back.cell, back.positions)!;
            for (let i = 0; i < fa.length; i++) {
              const d = fb[i] - fa[i];
              expect(Math.abs(d - Math.round(d))).toBeLessThan(1e-8);
            }
            expect(Array.from(back.numbers)).toEqual(Array.from(s.numbers));
          } else {
            expectSameStructure(s, back, format === 'vasp');
          }
        }
      });
    }
  }
});

describe('format detection', () => {
  const TABLE: [name: string, text: string, format: string | null, by: string][] = [
    ['POSCAR', 'anything', 'vasp', 'name'],
    ['CONTCAR_relaxed', 'anything', 'vasp', 'name'],
    ['MoS2.POSCAR.vasp', 'x', 'vasp', 'name'],
    ['x.txt', '# comment\ndata_foo\n', 'cif', 'content'],
    ['x.dat', '{"lattice": 1}', 'json', 'content'],
    ['x.dat', '3\nLattice="1 0 0 0 1 0 0 0 1" Properties=species:S:1:pos:R:3\n', 'extxyz', 'content'],
    ['x.dat', '3\nwater\n', 'xyz', 'content'],
    ['x.cif', 'no signature', 'cif', 'extension'],
    ['x.vasp', 'no signature', 'vasp', 'extension'],
    ['structure', 'Cu\n1.0\n3 0 0\n0 3 0\n0 0 3\nCu\n1\nDirect\n0 0 0\n', 'vasp', 'heuristic'],
    ['notes', 'hello\nworld\n', null, 'none'],
  ];
  for (const [name, text, format, by] of TABLE)
    it(`${name}: ${JSON.stringify(text.slice(0, 20))} → ${format} by ${by}`, () => {
      expect(detectFormat(name, text)).toEqual({ format, by });
    });
});
