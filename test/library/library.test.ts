import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractLayer, inPlaneBasis, makeSlab } from '../../src/compute/geometry/geometry';
import { cellParameters } from '../../src/core/cell';
import { conventionalStandardCell } from '../../src/io/space-groups';
import { atomicNumber, symbolOf } from '../../src/core/elements';
import { findLibraryEntry, LIBRARY, libraryStructure, listLibrary } from '../../src/core/library/library';
import { hexArea } from '../../src/core/library/layer-geometry';
import { formationFromBinding } from '../../src/core/library/two-d-data';
import type { LayerEntry, MetalEntry } from '../../src/core/library/types';
import { elementCounts, type Structure } from '../../src/core/structure';
import { geometry } from '../helpers/geometry';

const layers = LIBRARY.filter((e): e is LayerEntry => e.kind === 'layer');
const metals = LIBRARY.filter((e): e is MetalEntry => e.kind === 'bulk');

/** Element counts of a formula such as "In2SSe" or "MoS2". */
function parseFormula(f: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const [, el, n] of f.matchAll(/([A-Z][a-z]?)(\d*)/g)) m.set(el, (m.get(el) ?? 0) + (n ? Number(n) : 1));
  return m;
}
function countsBySymbol(s: Structure): Map<string, number> {
  return new Map([...elementCounts(s.numbers)].map(([z, n]) => [symbolOf(z), n]));
}
/** Shortest distance (Å) between two atoms, over the in-plane periodic images (and along c for bulk). */
function shortestDistance(s: Structure, images3d: boolean): number {
  const n = s.numbers.length, c = s.cell, p = s.positions;
  let best = Infinity;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let a = -1; a <= 1; a++)
        for (let b = -1; b <= 1; b++)
          for (let k = images3d ? -1 : 0; k <= (images3d ? 1 : 0); k++) {
            if (i === j && a === 0 && b === 0 && k === 0) continue;
            const d = [0, 1, 2].map((x) => p[3 * j + x] + a * c[x] + b * c[3 + x] + k * c[6 + x] - p[3 * i + x]);
            best = Math.min(best, Math.hypot(d[0], d[1], d[2]));
          }
  return best;
}
const area2 = (b: number[][]) => Math.abs(b[0][0] * b[1][1] - b[0][1] * b[1][0]);

describe('library contents', () => {
  it('holds ≥ 19 cubic metals, ≥ 51 Janus layers and the common 2D materials, with unique ids', () => {
    expect(metals.length).toBeGreaterThanOrEqual(19);
    expect(listLibrary({ family: 'janus' }).length).toBeGreaterThanOrEqual(51);
    for (const id of ['Ag', 'Al', 'Au', 'Cu', 'Ir', 'Ni', 'Pb', 'Pd', 'Pt', 'Rh', 'Cr', 'Fe', 'Mo', 'Nb', 'Ta', 'V', 'W'])
      expect(findLibraryEntry(id)?.family).toBe('metal');
    for (const id of ['graphene', 'hBN', 'MoS2-1H', 'WS2-1H', 'MoSe2-1H', 'WSe2-1H', 'phosphorene', 'In2SSe', 'Ga2SSe', 'BiTeI-1T', 'MoSSe-1H', 'mosse-1t'])
      expect(findLibraryEntry(id), id).toBeDefined();
    expect(new Set(LIBRARY.map((e) => e.id.toLowerCase())).size).toBe(LIBRARY.length);
    expect(findLibraryEntry('unobtainium')).toBeUndefined();
    expect(() => libraryStructure('unobtainium')).toThrow(/no library entry "unobtainium"/);
  });
  it('filters by family, element and text', () => {
    const withTe = listLibrary({ family: 'janus', element: 'te' });
    expect(withTe.length).toBeGreaterThan(10);
    expect(withTe.every((e) => e.elements.includes('Te') && e.family === 'janus')).toBe(true);
    expect(listLibrary({ text: 'mosse' }).map((e) => e.id)).toEqual(['MoSSe-1H', 'MoSSe-1T']);
  });
  it('every entry says where its numbers come from; estimates say so', () => {
    for (const e of LIBRARY) {
      expect(e.source.length, e.id).toBeGreaterThan(10);
      expect(e.method.length, e.id).toBeGreaterThan(5);
      if (e.estimated) expect(e.method, e.id).toMatch(/estimated/);
    }
    for (const e of layers) {
      expect(e.phaseInferred === true, e.id).toBe(/phase inferred/.test(e.method));
      if (e.formationEnergyEstimated) expect(e.formationEnergyMethod, e.id).toMatch(/estimated/);
      if (e.formationEnergy !== null) expect(e.formationEnergy, e.id).toBeGreaterThan(0);
    }
  });
});

describe('numbers carried over from the C2DB table', () => {
  // Independent read of the shared table: every C2DB-sourced Janus entry has its row's a and thickness.
  const tsv = readFileSync(new URL('../../../shared/data/c2db-bilayers/janus-like-monolayers.tsv', import.meta.url), 'utf8')
    .trim().split('\n').slice(1).map((l) => l.split('\t'));
  it('a, thickness and binding-derived formation energy match the row named by the entry', () => {
    const fromC2db = layers.filter((e) => e.family === 'janus' && !e.estimated);
    expect(fromC2db.length).toBe(42);
    for (const e of fromC2db) {
      const row = tsv.find((r) => e.source.includes(`id ${r[0]}`));
      expect(row, e.id).toBeDefined();
      expect(e.a, e.id).toBe(Number(row![4]));
      expect(e.thickness, e.id).toBe(Number(row![5]));
      expect(e.formationEnergy!, e.id).toBeCloseTo((Number(row![7]) * Number(row![3])) / 1000 / 3, 3);
      // The row's formula holds the same elements.
      expect(new Set(row![1].slice(1).replace(/-\d+$/, '').match(/[A-Z][a-z]?/g)), e.id).toEqual(new Set(e.elements));
    }
  });
  it('the formation-energy estimate reproduces Hetero2d for MoS2 within 10 %', () => {
    // Hetero2d's DFT formation energy of MoS2 is 0.0724 eV/atom; the BiDB binding energy of 1H MoS2 is 26.514 meV/Å².
    const est = formationFromBinding(26.514, hexArea(3.184), 3);
    expect(Math.abs(est - 0.0724) / 0.0724).toBeLessThan(0.1);
    expect((findLibraryEntry('MoS2-1H') as LayerEntry).formationEnergy).toBe(0.0724);
  });
});

describe('every 2D layer', () => {
  it.each(layers.map((e) => [e.id, e] as const))('%s: composition, a, thickness, 2D detection, faces', async (_id, e) => {
    const g = await geometry();
    const s = libraryStructure(e);
    expect(countsBySymbol(s)).toEqual(scaled(parseFormula(e.formula), s.numbers.length));
    const p = cellParameters(s.cell);
    expect(p.a).toBeCloseTo(e.a, 9);
    expect(p.gamma * 180 / Math.PI).toBeCloseTo(e.cell2d === 'hexagonal' ? 120 : 90, 9);
    const zs = Array.from({ length: s.numbers.length }, (_, i) => s.positions[3 * i + 2]);
    expect(Math.max(...zs) - Math.min(...zs)).toBeCloseTo(e.thickness, 9);
    expect(p.c).toBeCloseTo(e.thickness + 15, 9);
    // No two atoms closer than a chemical bond allows (a wrong site layout shows up here).
    expect(shortestDistance(s, false)).toBeGreaterThan(1.3);
    // Symmetry, found independently by moyo: the prototype's space group (the cell with vacuum is a 3D crystal).
    const expectedGroup = e.prototype === 'phosphorene' ? null : e.family === 'janus' ? 156 : { '1H': 187, '1T': 164, 'III-VI': 187, honeycomb: e.elements.length === 1 ? 191 : 187 }[e.prototype];
    if (expectedGroup !== null) expect((await conventionalStandardCell(s))?.number).toBe(expectedGroup);
    const layer = extractLayer(g, s, { vacuum: 15 });
    expect(layer.componentRanks).toEqual([2]);
    expect(layer.structure.numbers.length).toBe(s.numbers.length);
    expect(layer.thickness).toBeCloseTo(e.thickness, 6);
    expect(layer.janus).toBe(e.family === 'janus');
    if (e.prototype === '1H' || e.prototype === '1T') {
      // 1H: the top chalcogen sits straight above the bottom one (prism); 1T: over the other hollow (octahedron).
      const [xb, , yt] = [0, 1, 2].map((i) => [s.positions[3 * i], s.positions[3 * i + 1]]);
      const stacked = Math.hypot(xb[0] - yt[0], xb[1] - yt[1]) < 1e-9;
      expect(stacked).toBe(e.prototype === '1H');
    }
    if (e.faces) {
      expect(layer.faces).toEqual({ bottom: [atomicNumber(e.faces.bottom)], top: [atomicNumber(e.faces.top)] });
      const flipped = extractLayer(g, libraryStructure(e, { flip: true }), { vacuum: 15 });
      expect(flipped.faces).toEqual({ bottom: [atomicNumber(e.faces.top)], top: [atomicNumber(e.faces.bottom)] });
    }
  });
});

/** Formula counts scaled to the cell's atom count (a formula is per formula unit). */
function scaled(f: Map<string, number>, atoms: number): Map<string, number> {
  const per = [...f.values()].reduce((x, y) => x + y, 0);
  return new Map([...f].map(([k, n]) => [k, (n * atoms) / per]));
}

describe('every metal', () => {
  const cases = {
    fcc: [[[1, 1, 1], Math.sqrt(3) / 4, 1 / Math.sqrt(3)], [[1, 1, 0], 1 / Math.sqrt(2), 1 / (2 * Math.sqrt(2))], [[1, 0, 0], 1 / 2, 1 / 2]],
    bcc: [[[1, 1, 0], 1 / Math.sqrt(2), 1 / Math.sqrt(2)], [[1, 0, 0], 1, 1 / 2], [[1, 1, 1], Math.sqrt(3), 1 / (2 * Math.sqrt(3))]],
  } as const;
  it.each(metals.map((e) => [e.id, e] as const))('%s: lattice constant, nearest neighbours, (111)/(110)/(100) slabs', async (_id, e) => {
    const s = libraryStructure(e);
    expect(s.numbers.length).toBe(e.prototype === 'fcc' ? 4 : 2);
    expect([...s.numbers].every((z) => z === atomicNumber(e.id))).toBe(true);
    const p = cellParameters(s.cell);
    for (const x of [p.a, p.b, p.c]) expect(x).toBeCloseTo(e.a, 12);
    const std = await conventionalStandardCell(s);
    expect(std?.number).toBe(e.prototype === 'fcc' ? 225 : 229);
    expect(cellParameters(std!.structure.cell).a).toBeCloseTo(e.a, 9);
    expect(shortestDistance(s, true)).toBeCloseTo(e.prototype === 'fcc' ? e.a / Math.sqrt(2) : (e.a * Math.sqrt(3)) / 2, 9);
    const g = await geometry();
    for (const [hkl, area, spacing] of cases[e.prototype]) {
      const r = makeSlab(g, s, { hkl: [...hkl], layers: 4, vacuum: 12, maxAtoms: 1000 });
      expect(r.nPlanes).toBe(4);
      expect(r.structure.numbers.length).toBe(4);
      expect(area2(inPlaneBasis(r.structure))).toBeCloseTo(area * e.a * e.a, 6);
      expect(r.structure.cell[8]).toBeCloseTo(3 * spacing * e.a + 12, 6);
    }
  });
});
