import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cartesianToScaled } from '../../src/core/cell';
import type { Structure } from '../../src/core/structure';
import {
  buildInterface,
  extractLayer,
  findMatches,
  findMatchesAtTwist,
  inPlaneBasis,
  interfaceAtomCount,
  makeSlab,
  twistScan,
  type Basis2,
} from '../../src/compute/geometry/geometry';
import { GeometryError } from '../../src/compute/geometry/wasm';
import { mustRead } from '../helpers/fixtures';
import { geometry } from '../helpers/geometry';

const first = async (name: string): Promise<Structure> => (await mustRead(name)).structures[0];
const area = (b: Basis2) => Math.abs(b[0][0] * b[1][1] - b[0][1] * b[1][0]);

describe('2D layers from fixtures', () => {
  it('extracts one MoS2 layer from 2H bulk and keeps a monolayer as it is', async () => {
    const g = await geometry();
    const bulk = extractLayer(g, await first('MoS2_2H.cif'), { vacuum: 15 });
    expect(bulk.componentRanks).toEqual([2, 2]);
    expect(bulk.structure.numbers.length).toBe(3);
    expect(bulk.faces).toEqual({ bottom: [16], top: [16] });
    const mono = extractLayer(g, await first('MoS2_monolayer.vasp'), { vacuum: 15 });
    expect(mono.thickness).toBeCloseTo(3.17, 9);
    expect(area(inPlaneBasis(mono.structure))).toBeCloseTo(3.16 * 3.16 * Math.sqrt(3) / 2, 9);
    for (const [name, n] of [['graphite.cif', 2], ['hBN_bulk.vasp', 2], ['WSe2_2H.cif', 3], ['graphene.vasp', 2]] as const)
      expect(extractLayer(g, await first(name), { vacuum: 15 }).structure.numbers.length).toBe(n);
  });
  it('Janus MoSSe: S faces down by default, --face top turns it over', async () => {
    const g = await geometry();
    const s = await first('MoSSe_janus.vasp');
    const down = extractLayer(g, s, { vacuum: 15 });
    const up = extractLayer(g, s, { vacuum: 15, flip: true });
    expect(down.janus).toBe(true);
    expect(down.faces).toEqual({ bottom: [16], top: [34] });
    expect(up.faces).toEqual({ bottom: [34], top: [16] });
  });
  it('a bulk metal and a molecule are refused with the reason', async () => {
    const g = await geometry();
    const au = await first('Au_fcc_conventional.vasp');
    const water = await first('water.xyz');
    expect(() => extractLayer(g, au, { vacuum: 15 })).toThrow(/3D/);
    expect(() => extractLayer(g, water, { vacuum: 15 })).toThrow(GeometryError);
  });
});

describe('slabs', () => {
  it('fcc (111), (110), (100): surface cells and plane spacings from the bulk lattice constant', async () => {
    const g = await geometry();
    const au = await first('Au_fcc_conventional.vasp');
    const a = 4.08;
    const cases: [[number, number, number], number, number][] = [
      [[1, 1, 1], (a * a * Math.sqrt(3)) / 4, a / Math.sqrt(3)],
      [[1, 1, 0], (a * a) / Math.sqrt(2), a / (2 * Math.sqrt(2))],
      [[1, 0, 0], (a * a) / 2, a / 2],
    ];
    for (const [hkl, cellArea, spacing] of cases) {
      const r = makeSlab(g, au, { hkl, layers: 5, vacuum: 12, maxAtoms: 1000 });
      expect(area(inPlaneBasis(r.structure))).toBeCloseTo(cellArea, 9);
      const zs = Array.from({ length: r.structure.numbers.length }, (_, i) => r.structure.positions[3 * i + 2]).sort((x, y) => x - y);
      for (let k = 1; k < zs.length; k++) expect(zs[k] - zs[k - 1]).toBeCloseTo(spacing, 9);
      // Bottom half fixed (selective dynamics F F F), layer indices 0..4.
      const sd = r.structure.arrays.selectiveDynamics!;
      const li = r.structure.arrays.layerIndex!;
      for (let i = 0; i < li.length; i++) expect(sd[3 * i]).toBe(li[i] < 2 ? 0 : 1);
      expect(r.structure.cell[8]).toBeCloseTo(4 * spacing + 12, 9);
    }
  });
  it('bcc (110) from a conventional cell: centred-rectangular cell of area a²/√2', async () => {
    const g = await geometry();
    const r = makeSlab(g, await first('W_bcc_conventional.vasp'), { hkl: [1, 1, 0], layers: 3, vacuum: 10, maxAtoms: 1000 });
    expect(area(inPlaneBasis(r.structure))).toBeCloseTo((3.16 * 3.16) / Math.sqrt(2), 9);
    expect(r.structure.numbers.length).toBe(3);
  });
  it('refuses bad parameters before allocating', async () => {
    const g = await geometry();
    const au = await first('Au_fcc_conventional.vasp');
    expect(() => makeSlab(g, au, { hkl: [0, 0, 0], layers: 4, vacuum: 10, maxAtoms: 100 })).toThrow(/Miller/);
    expect(() => makeSlab(g, au, { hkl: [1, 1, 1], layers: 500, vacuum: 10, maxAtoms: 100 })).toThrow(/500 atoms/);
    expect(() => makeSlab(g, au, { hkl: [1, 1, 1], layers: 4, vacuum: -1, maxAtoms: 100 })).toThrow(/out of range/);
    expect(() => makeSlab(g, au, { hkl: [1, 1, 1], layers: 4, vacuum: 10, termination: 3, maxAtoms: 100 })).toThrow(/termination/);
  });
});

describe('interfaces: invariants (property tests over matches)', () => {
  it('areas, atom counts, applied strain and interlayer distance hold for every match', async () => {
    const g = await geometry();
    const film = extractLayer(g, await first('MoSSe_janus.vasp'), { vacuum: 15 });
    const substrates = await Promise.all(['Au_fcc_conventional.vasp', 'Cu_fcc_conventional.vasp', 'W_bcc_conventional.vasp'].map(first));
    const slabs = [
      makeSlab(g, substrates[0], { hkl: [1, 1, 1], layers: 3, vacuum: 10, maxAtoms: 1000 }),
      makeSlab(g, substrates[1], { hkl: [1, 0, 0], layers: 3, vacuum: 10, maxAtoms: 1000 }),
      makeSlab(g, substrates[2], { hkl: [1, 1, 0], layers: 3, vacuum: 10, maxAtoms: 1000 }),
    ];
    const cases = slabs.flatMap((slab) =>
      findMatches(g, inPlaneBasis(film.structure), inPlaneBasis(slab.structure), { maxArea: 120, maxStrain: 0.05, maxAngle: Math.PI / 180 })
        .filter((m) => !m.mirror)
        .map((m) => ({ slab, m })),
    );
    expect(cases.length).toBeGreaterThan(5);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: cases.length - 1 }), fc.double({ min: 2.0, max: 4.5, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), async (k, z, sx, sy) => {
        const { slab, m } = cases[k];
        // Area of the substrate supercell = det(D) × area of the film supercell, det(D) = (1 + e1)(1 + e2).
        expect(m.area).toBeCloseTo(area(m.filmVectors) * (1 + m.principalStrains[0]) * (1 + m.principalStrains[1]), 8);
        const r = buildInterface(g, slab.structure, [{ layer: film.structure, filmMatrix: m.filmMatrix, zSeparation: z, shift: [sx, sy] }], { substrateMatrix: m.substrateMatrix, vacuum: 15, maxAtoms: 50_000 });
        const s = r.structure;
        const role = s.arrays.role!;
        const nSub = role.filter((x) => x === 0).length;
        expect(nSub).toBe(Math.abs(m.substrateMatrix[0][0] * m.substrateMatrix[1][1] - m.substrateMatrix[0][1] * m.substrateMatrix[1][0]) * slab.structure.numbers.length);
        expect(s.numbers.length).toBe(interfaceAtomCount(m, slab.structure.numbers.length, film.structure.numbers.length));
        // The map applied to the film is the one the match reports.
        r.filmMaps[0].forEach((x, i) => expect(x).toBeCloseTo(m.map[i], 10));
        // z-separation as defined: film bottom plane − substrate top plane (mean z).
        const zsOf = (pred: (i: number) => boolean) => Array.from({ length: s.numbers.length }, (_, i) => i).filter(pred).map((i) => s.positions[3 * i + 2]);
        const top = Math.max(...zsOf((i) => role[i] === 0));
        const subTop = zsOf((i) => role[i] === 0 && top - s.positions[3 * i + 2] < 0.3);
        const filmZ = zsOf((i) => role[i] === 1);
        const bottom = Math.min(...filmZ);
        const filmBottom = filmZ.filter((x) => x - bottom < 0.3);
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        expect(mean(filmBottom) - mean(subTop)).toBeCloseTo(z, 9);
        // No film–substrate pair closer than z − 0.3 Å (the plane tolerance), images included.
        const f = cartesianToScaled(s.cell, s.positions)!;
        let dmin = Infinity;
        for (let i = 0; i < s.numbers.length; i++) {
          if (role[i] !== 1) continue;
          for (let j = 0; j < s.numbers.length; j++) {
            if (role[j] !== 0) continue;
            for (let a = -1; a <= 1; a++)
              for (let b = -1; b <= 1; b++) {
                const du = f[3 * i] - f[3 * j] + a, dv = f[3 * i + 1] - f[3 * j + 1] + b, dw = f[3 * i + 2] - f[3 * j + 2];
                const x = du * s.cell[0] + dv * s.cell[3] + dw * s.cell[6];
                const y = du * s.cell[1] + dv * s.cell[4] + dw * s.cell[7];
                const zz = du * s.cell[2] + dv * s.cell[5] + dw * s.cell[8];
                dmin = Math.min(dmin, Math.hypot(x, y, zz));
              }
          }
        }
        expect(dmin).toBeGreaterThanOrEqual(z - 0.3);
        // The deformation applied to the film's positions is exactly D: undoing D and the registry shift puts
        // every film atom on a film lattice translation of an atom of the film's own cell.
        const D = m.map;
        const det = D[0] * D[3] - D[1] * D[2];
        const Di = [D[3] / det, -D[1] / det, -D[2] / det, D[0] / det];
        const shx = sx * s.cell[0] + sy * s.cell[3], shy = sx * s.cell[1] + sy * s.cell[4];
        const fl = film.structure;
        const fc2 = (x: number, y: number) => {
          const d2 = fl.cell[0] * fl.cell[4] - fl.cell[1] * fl.cell[3];
          return [(x * fl.cell[4] - y * fl.cell[3]) / d2, (fl.cell[0] * y - fl.cell[1] * x) / d2];
        };
        for (let i = 0; i < s.numbers.length; i++) {
          if (role[i] !== 1) continue;
          const px = s.positions[3 * i] - shx, py = s.positions[3 * i + 1] - shy;
          const q = fc2(Di[0] * px + Di[1] * py, Di[2] * px + Di[3] * py);
          const onLattice = Array.from({ length: fl.numbers.length }, (_, k) => k).some((k) => {
            if (fl.numbers[k] !== s.numbers[i]) return false;
            const o = fc2(fl.positions[3 * k], fl.positions[3 * k + 1]);
            return [0, 1].every((c) => Math.abs(q[c] - o[c] - Math.round(q[c] - o[c])) < 1e-8);
          });
          expect(onLattice).toBe(true);
        }
      }),
      { seed: 99, numRuns: 40 },
    );
  });
  it('searches refuse singular lattices and unbounded work before running', async () => {
    const g = await geometry();
    const hexb: Basis2 = [[2.5, 0], [-1.25, 2.165]];
    const flat: Basis2 = [[2.5, 0], [5, 0]];
    const p = { maxArea: 100, maxStrain: 0.03, maxAngle: 0.01 };
    expect(() => findMatches(g, flat, hexb, p)).toThrow(/singular/);
    expect(() => twistScan(g, hexb, flat, 0, 1, 10, p)).toThrow(/singular/);
    expect(() => findMatches(g, hexb, hexb, { ...p, maxArea: 1e7 })).toThrow(/would examine ~.* candidate supercells \(limit 15\.0 million\); lower the max area below \d+ Å²/);
    expect(() => twistScan(g, hexb, hexb, 0, 1, 0, p)).toThrow(/out of range/);
  });
  it('a fixed-twist search returns matches at that twist', async () => {
    const g = await geometry();
    const film = extractLayer(g, await first('graphene.vasp'), { vacuum: 15 });
    const ms = findMatchesAtTwist(g, inPlaneBasis(film.structure), inPlaneBasis(film.structure), (21.786789 * Math.PI) / 180, { maxArea: 40, maxStrain: 1e-6, maxAngle: 1e-4 });
    expect(ms[0].area / area(inPlaneBasis(film.structure))).toBeCloseTo(7, 6);
  });
});

describe('stacks, shared strain and de-duplication', () => {
  it('stacks two films, each at its own separation above the layer below', async () => {
    const g = await geometry();
    const slab = makeSlab(g, await first('Au_fcc_conventional.vasp'), { hkl: [1, 1, 1], layers: 3, vacuum: 10, maxAtoms: 1000 });
    const mos2 = extractLayer(g, await first('MoS2_monolayer.vasp'), { vacuum: 10 });
    const m = findMatches(g, inPlaneBasis(mos2.structure), inPlaneBasis(slab.structure), { maxArea: 100, maxStrain: 0.05, maxAngle: Math.PI / 180 })[0];
    // The second film is MoS2 again, in the same supercell (so the same film matrix fits the interface cell).
    const r = buildInterface(g, slab.structure, [
      { layer: mos2.structure, filmMatrix: m.filmMatrix, zSeparation: 3.0, shift: [0, 0] },
      { layer: mos2.structure, filmMatrix: m.filmMatrix, zSeparation: 3.4, shift: [0.5, 0] },
    ], { substrateMatrix: m.substrateMatrix, vacuum: 12, maxAtoms: 10000 });
    const s = r.structure;
    const zOf = (role: number) => Array.from({ length: s.numbers.length }, (_, i) => i).filter((i) => s.arrays.role![i] === role).map((i) => s.positions[3 * i + 2]);
    const [z0, z1, z2] = [zOf(0), zOf(1), zOf(2)];
    expect(Math.min(...z1) - Math.max(...z0)).toBeCloseTo(3.0, 9);
    expect(Math.min(...z2) - Math.max(...z1)).toBeCloseTo(3.4, 9);
    expect(r.filmMaps).toHaveLength(2);
  });
  it('shared strain deforms film and substrate half-way each', async () => {
    const g = await geometry();
    const slab = makeSlab(g, await first('Au_fcc_conventional.vasp'), { hkl: [1, 1, 1], layers: 2, vacuum: 10, maxAtoms: 1000 });
    const film = extractLayer(g, await first('MoS2_monolayer.vasp'), { vacuum: 10 });
    const m = findMatches(g, inPlaneBasis(film.structure), inPlaneBasis(slab.structure), { maxArea: 100, maxStrain: 0.05, maxAngle: Math.PI / 180 })[0];
    const r = buildInterface(g, slab.structure, [{ layer: film.structure, filmMatrix: m.filmMatrix, zSeparation: 3, shift: [0, 0] }], { substrateMatrix: m.substrateMatrix, strain: 'shared', vacuum: 10, maxAtoms: 10000 });
    const det = (x: number[]) => x[0] * x[3] - x[1] * x[2];
    // Area scale factors multiply to the full mismatch: det(D_film) / det(D_sub) = det(D_match).
    expect(det(r.filmMaps[0]) / det(r.substrateMap)).toBeCloseTo(det(m.map), 9);
    expect(det(r.substrateMap)).not.toBeCloseTo(1, 4);
  });
  it('de-duplication keeps one of each symmetry-equivalent match', async () => {
    const g = await geometry();
    const hex = (a: number): Basis2 => [[a, 0], [-a / 2, (a * Math.sqrt(3)) / 2]];
    const all = findMatches(g, hex(2.46), hex(2.885), { maxArea: 150, maxStrain: 0.03, maxAngle: 0.01, dedupe: false });
    const uniq = findMatches(g, hex(2.46), hex(2.885), { maxArea: 150, maxStrain: 0.03, maxAngle: 0.01 });
    expect(uniq.length).toBeLessThan(all.length);
    const keys = uniq.map((m) => `${m.area.toFixed(6)}|${m.principalStrains.map((x) => x.toFixed(8)).join()}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Nothing is lost: every match of the full list has a representative with the same area and strains.
    for (const m of all) expect(keys).toContain(`${m.area.toFixed(6)}|${m.principalStrains.map((x) => x.toFixed(8)).join()}`);
  });
});
