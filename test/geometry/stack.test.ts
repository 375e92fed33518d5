// Stacks of films (issue 7, "add another film on top"): a further film is matched against the cell of
// everything below it; when that cell must grow, every layer below is carried into the grown cell unchanged.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HeterolabWasm } from '../../src/compute/geometry/wasm';
import { createComputeApi } from '../../src/workers/compute-api';
import { systemFromStructure } from '../../src/compute/ff/system';
import { zSeparation } from '../../src/compute/ff/ops';
import type { Structure } from '../../src/core/structure';
import { mustRead } from '../helpers/fixtures';

const geometry = HeterolabWasm.fromBytes(readFileSync(new URL('../../src/compute/geometry/build/heterolab.wasm', import.meta.url)));
const read = async (f: string) => (await mustRead(f)).structures[0];
const params = { maxArea: 120, maxStrain: 0.04, maxAngle: Math.PI / 180 };
const det = (m: number[][]) => Math.abs(m[0][0] * m[1][1] - m[0][1] * m[1][0]);
const count = (s: Structure, role: number) => s.arrays.role!.filter((r) => r === role).length;

/** In-plane fractional coordinates of `role`'s atoms in the 2D cell (a, b), wrapped to [0, 1). */
function fractions(s: Structure, role: number, a: number[], b: number[]): number[][] {
  const d = a[0] * b[1] - a[1] * b[0];
  const out: number[][] = [];
  for (let i = 0; i < s.numbers.length; i++) {
    if (s.arrays.role![i] !== role) continue;
    const x = s.positions[3 * i], y = s.positions[3 * i + 1];
    const u = (x * b[1] - y * b[0]) / d, v = (a[0] * y - a[1] * x) / d;
    out.push([u - Math.floor(u), v - Math.floor(v), s.positions[3 * i + 2], s.numbers[i]]);
  }
  return out;
}

describe('stacked films', () => {
  it('h-BN on graphene on Cu(111): each film sits at its own z above the one below, roles 1 and 2', async () => {
    const api = createComputeApi(geometry);
    const req = { film: await read('graphene.vasp'), substrate: await read('Cu_fcc_conventional.vasp'), options: { hkl: [1, 1, 1] as [number, number, number], layers: 3, maxAtoms: 20000 } };
    const m = (await api.matches(req, params, { kind: 'all' })).matches[0];
    const hbn = await read('hBN_bulk.vasp');
    const up = await api.upperMatches({ request: req, match: m, uppers: [] }, hbn, 'bottom', params, { kind: 'all' });
    expect(up.matches.length).toBeGreaterThan(0);
    expect(up.cellArea).toBeCloseTo(m.area, 6);
    const u = up.matches[0];
    // Sorted by area: the first match fits the cell below as it is or with the least growth.
    expect(det(u.substrateMatrix)).toBe(Math.min(...up.matches.map((x) => det(x.substrateMatrix))));
    const s = (await api.build({ request: req, match: m, placement: { zSeparation: 3.1, shift: [0, 0] }, uppers: [{ film: hbn, face: 'bottom', match: u, zSeparation: 3.4, shift: [0.25, 0.5] }] })).structure;
    expect(s.numbers.length).toBe(up.atoms[0]);
    const sys = systemFromStructure(s);
    expect(zSeparation(sys, 1)).toBeCloseTo(3.1, 6);
    expect(zSeparation(sys, 2)).toBeCloseTo(3.4, 6);
    expect(count(s, 2)).toBe(det(u.filmMatrix) * 2 * 1); // one B and one N per h-BN cell, one layer
    const area = Math.abs(s.cell[0] * s.cell[4] - s.cell[1] * s.cell[3]);
    expect(area).toBeCloseTo(m.area * det(u.substrateMatrix), 6);
  });

  it('at a given twist every upper match has that twist; a grown cell carries the layers below unchanged', async () => {
    const api = createComputeApi(geometry);
    const req = { film: await read('MoS2_monolayer.vasp'), substrate: await read('Au_fcc_conventional.vasp'), options: { hkl: [1, 1, 1] as [number, number, number], layers: 3, maxAtoms: 50000 } };
    const m = (await api.matches(req, params, { kind: 'all' })).matches[0];
    const gr = await read('graphene.vasp');
    const twist = (30 * Math.PI) / 180;
    const up = await api.upperMatches({ request: req, match: m, uppers: [] }, gr, 'bottom', { ...params, maxArea: 400 }, { kind: 'twist', twist });
    expect(up.matches.length).toBeGreaterThan(0);
    for (const x of up.matches) expect(Math.abs(Math.cos(6 * (x.twist - twist)) - 1)).toBeLessThan(1e-3);
    const u = up.matches.find((x) => det(x.substrateMatrix) > 1);
    expect(u, 'some match needs a larger cell').toBeDefined();
    const g = det(u!.substrateMatrix);
    // Film 1 unshifted in both, so every substrate and film-1 atom must coincide modulo the single cell.
    const single = (await api.build({ request: req, match: m, placement: { zSeparation: 3.0, shift: [0, 0] } })).structure;
    const stack = (await api.build({ request: req, match: m, placement: { zSeparation: 3.0, shift: [0, 0] }, uppers: [{ film: gr, face: 'bottom', match: u!, zSeparation: 3.3, shift: [0, 0] }] })).structure;
    expect(count(stack, 0)).toBe(g * count(single, 0));
    expect(count(stack, 1)).toBe(g * count(single, 1));
    expect(stack.numbers.length).toBe(up.atoms[up.matches.indexOf(u!)]);
    // Every substrate and film-1 atom of the grown stack is an atom of the single interface, modulo its cell.
    const a = [single.cell[0], single.cell[1]], b = [single.cell[3], single.cell[4]];
    for (const role of [0, 1]) {
      const want = fractions(single, role, a, b), got = fractions(stack, role, a, b);
      for (const p of got) {
        const near = want.some((q) => q[3] === p[3] && Math.abs(q[2] - p[2]) < 1e-6 && [0, 1].every((k) => Math.abs(((q[k] - p[k] + 1.5) % 1) - 0.5) < 1e-6));
        expect(near).toBe(true);
      }
    }
    // A film-1 shift is a fraction of the grown cell: (0.5, 0) of it moves film 1 by half the grown a vector.
    const moved = (await api.build({ request: req, match: m, placement: { zSeparation: 3.0, shift: [0.5, 0] }, uppers: [{ film: gr, face: 'bottom', match: u!, zSeparation: 3.3, shift: [0, 0] }] })).structure;
    const i1 = stack.arrays.role!.indexOf(1);
    expect(moved.positions[3 * i1] - stack.positions[3 * i1]).toBeCloseTo(stack.cell[0] / 2, 6);
    expect(moved.positions[3 * i1 + 1] - stack.positions[3 * i1 + 1]).toBeCloseTo(stack.cell[1] / 2, 6);
  });

  it('a film that cannot fit the cell below within the area limit gives no matches, not an error', async () => {
    const api = createComputeApi(geometry);
    const req = { film: await read('graphene.vasp'), substrate: await read('Cu_fcc_conventional.vasp'), options: { hkl: [1, 1, 1] as [number, number, number], layers: 3, maxAtoms: 20000 } };
    const m = (await api.matches(req, params, { kind: 'all' })).matches[0];
    const up = await api.upperMatches({ request: req, match: m, uppers: [] }, await read('MoS2_monolayer.vasp'), 'bottom', { ...params, maxArea: m.area * 1.01, maxStrain: 0.005 }, { kind: 'all' });
    expect(up.matches).toEqual([]);
  });
});
