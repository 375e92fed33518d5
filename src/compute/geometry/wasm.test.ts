import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeStructure } from '../../core/structure';
import {
  DEFAULT_MAX_WORK,
  buildInterface,
  estimateSearch,
  extractLayer,
  findMatches,
  findMatchesAtTwist,
  inPlaneBasis,
  makeSlab,
  searchMatches,
  searchMatchesChunked,
  twistScan,
  type Basis2,
  type MatchParams,
} from './geometry';
import { GeometryError, HeterolabWasm, Layout, type GeometryExports } from './wasm';
import { buildWasmTable, wasmLookup, wasmTableData, wasmTabulatedBackend } from '../ff/table-wasm';
import { buildLayerTable } from '../ff/table';
import { wasmListPairs, wasmNeighbourBackend } from '../ff/nlist-wasm';
import { wasmBackend } from '../ff/wasm-backend';

const bytes = readFileSync(new URL('./build/heterolab.wasm', import.meta.url));
const module = new WebAssembly.Module(bytes);
const kernels = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
const called = new Set<string>();

/** The real exports, each function wrapped to record that a test called it. */
function observed(): GeometryExports {
  const x = new WebAssembly.Instance(module, {}).exports as Record<string, unknown>;
  const out: Record<string, unknown> = { ...x };
  for (const k of kernels) out[k] = (...a: number[]) => (called.add(k), (x[k] as (...a: number[]) => number)(...a));
  return out as unknown as GeometryExports;
}

let g: HeterolabWasm;
beforeAll(() => {
  g = HeterolabWasm.fromExports(observed(), observed);
});

const hex = (a: number): Basis2 => [[a, 0], [-a / 2, (a * Math.sqrt(3)) / 2]];
/** MoS2 (a = 3.19 Å) on Au(111) (a = 4.078/√2 Å). */
const [mos2, au111] = [hex(3.19), hex(4.078 / Math.SQRT2)];
const params: MatchParams = { maxArea: 150, maxStrain: 0.05, maxAngle: 1e-3, angleRelative: true };

const auBulk = makeStructure({
  numbers: new Uint8Array([79, 79, 79, 79]),
  positions: Float64Array.from([0, 0, 0, 0, 2.039, 2.039, 2.039, 0, 2.039, 2.039, 2.039, 0]),
  cell: Float64Array.from([4.078, 0, 0, 0, 4.078, 0, 0, 0, 4.078]),
  pbc: [true, true, true],
  info: { title: 'Au' },
});
const graphene = makeStructure({
  numbers: new Uint8Array([6, 6]),
  positions: Float64Array.from([0, 0, 10, 1.23, 0.71014, 10]),
  cell: Float64Array.from([2.46, 0, 0, -1.23, 2.13042, 0, 0, 0, 20]),
  pbc: [true, true, true],
  info: { title: 'graphene' },
});

describe('the ABI table', () => {
  it('is read at load and gives the sizes TS relies on', () => {
    expect(g.layout.size('match')).toBe(32);
    expect(g.layout.off('match', 'mirror')).toBe(31);
    expect(g.layout.size('slab_params')).toBe(9);
  });

  it('refuses a build whose table does not match, naming what differs', () => {
    const x = new WebAssembly.Instance(module, {}).exports as unknown as GeometryExports;
    const [ptr, len] = [x.hl_layout_ptr(), x.hl_layout_len()];
    const json = new TextDecoder().decode(new Uint8Array(x.memory.buffer, ptr, len));
    const t = JSON.parse(json);
    t.records.match.fields.area = [16, 2];
    expect(() => Layout.check(JSON.stringify(t))).toThrow(/match\.area has length 2, expected 1.*npm run build:wasm/);
    expect(() => Layout.check(JSON.stringify({ ...JSON.parse(json), abi: 3 }))).toThrow(/ABI 3, expected 5/);
    expect(() => Layout.check('{')).toThrow(/not valid JSON/);
    const stale = { memory: x.memory } as unknown as GeometryExports;
    expect(() => HeterolabWasm.fromExports(stale)).toThrow(/no ABI table.*rebuild/);
  });

  it('packs parameter vectors by name and refuses missing or unknown fields', () => {
    expect(() => g.layout.pack('slab_params', { h: 1 })).toThrow(/slab_params\.k not given/);
    const full = { h: 1, k: 1, l: 1, layers: 4, min_thickness: 0, vacuum: 15, termination: 0, fixed_layers: 2, max_atoms: 100 };
    expect(() => g.layout.pack('slab_params', { ...full, extra: 1 })).toThrow(/no field extra/);
    expect(Array.from(g.layout.pack('slab_params', full))).toEqual([1, 1, 1, 4, 0, 15, 0, 2, 100]);
  });
});

describe('kernels (compiled crate, run in Node)', () => {
  it('hl_slab reads exactly the parameters it is sent (regression: it read 10 of 9)', () => {
    const s = makeSlab(g, auBulk, { hkl: [1, 1, 1], layers: 4, vacuum: 15, maxAtoms: 1000 });
    expect(s.nPlanes).toBe(4);
    expect(s.structure.numbers.length).toBe(4 * 1);
    // Raw call: 9 valid numbers followed by a NaN the kernel must not read; and a wrong length is refused.
    const q = [1, 1, 1, 4, 0, 15, 0, 2, 1000, NaN];
    const n = g.withArrays([auBulk.cell, auBulk.positions, auBulk.numbers, q], ([c, p, z, qp]) => g.exports.hl_slab(c, p, z, 4, qp, 9));
    expect(n).toBe(4);
    const bad = g.withArrays([auBulk.cell, auBulk.positions, auBulk.numbers, q], ([c, p, z, qp]) => g.exports.hl_slab(c, p, z, 4, qp, 10));
    expect(() => g.check('slab', bad)).toThrow(/slab: parameter vector has 10 numbers, the kernel takes 9/);
  });

  it('hl_layer and hl_interface build graphene on Au(111)', () => {
    const layer = extractLayer(g, graphene, { vacuum: 15 });
    expect(layer.structure.numbers.length).toBe(2);
    const slab = makeSlab(g, auBulk, { hkl: [1, 1, 1], layers: 3, vacuum: 15, maxAtoms: 1000 });
    const [m] = findMatches(g, inPlaneBasis(layer.structure), inPlaneBasis(slab.structure), { ...params, maxStrain: 0.2, limit: 1 });
    const r = buildInterface(g, slab.structure, [{ layer: layer.structure, filmMatrix: m.filmMatrix, zSeparation: 3.3, shift: [0, 0] }], { substrateMatrix: m.substrateMatrix, vacuum: 15, maxAtoms: 1000 });
    const det = (x: number[][]) => Math.abs(x[0][0] * x[1][1] - x[0][1] * x[1][0]);
    expect(r.structure.numbers.length).toBe(det(m.substrateMatrix) * 3 + det(m.filmMatrix) * 2);
    expect(Array.from(r.structure.arrays.role!).filter((x) => x === 1).length).toBe(det(m.filmMatrix) * 2);
    expect(r.filmMaps).toHaveLength(1);
  });

  it('hl_match_estimate and hl_match: the list is cut at the limit and the total says how many more exist', () => {
    const all = searchMatches(g, mos2, au111, { ...params, limit: 100000 }, { kind: 'all' });
    expect(all.total).toBe(all.matches.length);
    expect(all.total).toBeGreaterThan(10);
    const cut = searchMatches(g, mos2, au111, { ...params, limit: 10 }, { kind: 'all' });
    // Regression: the principal-strain filter ran after the cut, so fewer than `limit` came back (130 of 200
    // in the app; 9 of 10 here before the fix, checked).
    expect(cut.matches).toHaveLength(10);
    expect(cut.total).toBe(all.total);
    expect(cut.matches).toEqual(all.matches.slice(0, 10));
    expect(findMatches(g, mos2, au111, { ...params, limit: 10 })).toEqual(cut.matches);
    const est = estimateSearch(g, mos2, au111, params, { kind: 'all' });
    expect(est.work).toBeGreaterThan(0);
    expect(est.areaWithinLimit).toBe(params.maxArea);
  });

  it('hl_match refuses an oversized search before it starts, naming the limit and the area that fits', () => {
    const big = { ...params, maxArea: 5000 };
    const est = estimateSearch(g, mos2, au111, big, { kind: 'all' });
    expect(est.work).toBeGreaterThan(DEFAULT_MAX_WORK);
    let err: unknown;
    try {
      findMatches(g, mos2, au111, big);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GeometryError);
    expect((err as GeometryError).code).toBe('too-much-work');
    expect((err as GeometryError).message).toMatch(new RegExp(`limit 15.0 million\\); lower the max area below ${Math.floor(est.areaWithinLimit)} Å²`));
    // The area it names is accepted.
    expect(estimateSearch(g, mos2, au111, { ...big, maxArea: Math.floor(est.areaWithinLimit) }, { kind: 'all' }).work).toBeLessThanOrEqual(DEFAULT_MAX_WORK);
  });

  it('hl_match at one twist and hl_twist_scan', () => {
    const g0 = hex(2.46);
    const theta = (21.786789 * Math.PI) / 180;
    const ms = findMatchesAtTwist(g, g0, g0, theta, { maxArea: 60, maxStrain: 1e-6, maxAngle: 1e-4 });
    expect(ms[0].area / (2.46 * 2.46 * Math.sqrt(3) / 2)).toBeCloseTo(7, 6);
    // Regression: dedupe ran after the cut, so `limit: 2` gave 1 match at 10° and 30° (checked before the fix).
    for (const deg of [10, 30]) {
      const p = { maxArea: 500, maxStrain: 0.05, maxAngle: Math.PI / 180 };
      const all = searchMatches(g, mos2, au111, p, { kind: 'twist', twist: (deg * Math.PI) / 180 });
      expect(all.total).toBeGreaterThan(2);
      expect(findMatchesAtTwist(g, mos2, au111, (deg * Math.PI) / 180, { ...p, limit: 2 })).toEqual(all.matches.slice(0, 2));
    }
    const scan = twistScan(g, g0, hex(2.885), 0, Math.PI / 3, 13, { maxArea: 100, maxStrain: 0.02, maxAngle: 0.002 });
    expect(scan).toHaveLength(13);
    expect(scan[6].twist).toBeCloseTo(Math.PI / 6, 12);
    expect(scan.some((e) => e.match)).toBe(true);
  });

  it('hl_ff_energy_forces and hl_ff_energies_for_shifts: pair forces sum to zero, the shift energies agree', () => {
    const k = {
      cell: Float64Array.from([8, 0, 0, 0, 8, 0, 0, 0, 30]),
      positions: Float64Array.from([0, 0, 0, 1, 1, 3.2, 4, 4, 0.1]),
      role: new Uint8Array([0, 1, 0]),
      species: new Uint8Array([0, 0, 0]),
      nspec: 1,
      pp: Float64Array.from([1e4, 20, 3.4, 0]),
      cutoff: 12,
    };
    const r = g.ffEnergyForces(k);
    expect(Number.isFinite(r.energy) && r.energy !== 0).toBe(true);
    expect(r.forces).toHaveLength(9);
    for (let c = 0; c < 3; c++) expect(r.forces[c] + r.forces[3 + c] + r.forces[6 + c]).toBeCloseTo(0, 9);
    const e = g.ffEnergiesForShifts(k, 1, Float64Array.from([0, 0, 0, 0, 0, 0.5]));
    expect(e[0]).toBeCloseTo(r.energy, 9);
    expect(e[1]).not.toBeCloseTo(r.energy, 6);
    // A species index outside the pair table is a bad parameter (it was reported as a null pointer).
    expect(() => g.ffEnergyForces({ ...k, species: new Uint8Array([0, 1, 0]) })).toThrow(/force field: a parameter is out of range/);
  });

  it('hl_fft_*: the rigid-layer tables give the exact sum\'s energy and forces and free what they made', async () => {
    // Graphene 1×1 on a 3-plane Cu(111) slab, built with this instance.
    const cu = makeStructure({ numbers: new Uint8Array(4).fill(29), positions: Float64Array.from([0, 0, 0, 0, 1.8075, 1.8075, 1.8075, 0, 1.8075, 1.8075, 1.8075, 0]), cell: Float64Array.from([3.615, 0, 0, 0, 3.615, 0, 0, 0, 3.615]), pbc: [true, true, true] });
    const slab = makeSlab(g, cu, { hkl: [1, 1, 1], layers: 3, vacuum: 15, maxAtoms: 1000 });
    const gr = makeStructure({ numbers: new Uint8Array([6, 6]), positions: Float64Array.from([0, 0, 10, 1.2555, 0.7249, 10]), cell: Float64Array.from([2.511, 0, 0, -1.2555, 2.1746, 0, 0, 0, 20]), pbc: [true, true, true] });
    const layer = extractLayer(g, gr, { vacuum: 15 });
    const s = buildInterface(g, slab.structure, [{ layer: layer.structure, filmMatrix: [[1, 0], [0, 1]], zSeparation: 3.2, shift: [0, 0] }], { substrateMatrix: [[1, 0], [0, 1]], vacuum: 15, maxAtoms: 1000 }).structure;
    const sys = { cell: s.cell, positions: s.positions, numbers: s.numbers, role: s.arrays.role! };
    const P = { model: 'uff' as const, cutoff: 12 };
    const exact = await wasmBackend(g).energyForces(sys, P);
    const tab = wasmTabulatedBackend(g, sys, P);
    const r = await tab.energyForces(sys, P);
    expect(Math.abs(r.energy - exact.energy)).toBeLessThan(1e-4 * Math.abs(exact.energy));
    const e = await tab.energiesForShifts(sys, 1, Float64Array.from([0, 0, 0, 0.5, 0, 0]), P);
    expect(e[0]).toBeCloseTo(r.energy, 9);
    tab.dispose();
    const t = buildLayerTable(sys, 0, P);
    const h = buildWasmTable(g, t);
    expect(wasmTableData(g, h)).toHaveLength(t.data.length);
    expect(wasmLookup(g, h, 0, 0.3, 0.2, t.top + 3)[0]).toBeLessThan(0);
    (g.exports as unknown as { hl_fft_table_free(h: number): void }).hl_fft_table_free(h);
  });

  it('hl_ffn_*: the neighbour list gives the exact kernel\'s energy, refuses bad input and frees its list', async () => {
    const cell = Float64Array.from([2.5, 0, 0, -1.25, 2.165, 0, 0, 0, 20]);
    const sys = { cell, positions: Float64Array.from([0, 0, 0, 0.3, 0.2, 3.4]), numbers: Uint8Array.from([79, 6]), role: Uint8Array.from([0, 1]) };
    const P = { model: 'uff' as const, cutoff: 12 };
    const nl = wasmNeighbourBackend(g);
    const [a, b] = [await nl.energyForces(sys, P), await wasmBackend(g).energyForces(sys, P)];
    expect(a.pairs).toBe(b.pairs);
    expect(Math.abs(a.energy - b.energy)).toBeLessThan(1e-12 * Math.abs(b.energy));
    await expect(nl.energyForces({ ...sys, positions: Float64Array.from([0, 0, 0, 0.3, 0.2, NaN]) }, P)).rejects.toThrow(/neighbour list: a parameter is out of range/);
    nl.dispose();
  });

  it('hl_ffn_pairs: the list by atom (i, j and j\'s image), as many pairs as listed; refuses non-finite positions', async () => {
    const cell = Float64Array.from([2.5, 0, 0, -1.25, 2.165, 0, 0, 0, 20]);
    const sys = { cell, positions: Float64Array.from([0, 0, 0, 0.3, 0.2, 3.4]), numbers: Uint8Array.from([79, 6]), role: Uint8Array.from([0, 1]) };
    const P = { model: 'uff' as const, cutoff: 12 };
    const q = wasmListPairs(g, sys, P, 1.0);
    const nl = wasmNeighbourBackend(g, { skin: 1.0 });
    await nl.energyForces(sys, P);
    expect(q.length).toBe(4 * nl.stats().listed);
    nl.dispose();
    // One atom per group: every pair is (1, 0) and the images are distinct.
    const images = new Set<string>();
    for (let k = 0; k < q.length; k += 4) {
      expect([q[k], q[k + 1]]).toEqual([1, 0]);
      images.add(`${q[k + 2]} ${q[k + 3]}`);
    }
    expect(images.size).toBe(q.length / 4);
    expect(() => wasmListPairs(g, { ...sys, positions: Float64Array.from([0, 0, 0, 0.3, NaN, 3.4]) }, P, 1.0)).toThrow(/neighbour list: a parameter is out of range/);
  });

  it('hl_alloc / hl_free: allocation failure is an error, not a trap', () => {
    expect(g.exports.hl_alloc(0)).toBe(0);
    expect(g.exports.hl_alloc(2 ** 32 - 8)).toBe(0);
    const p = g.exports.hl_alloc(64);
    expect(p).toBeGreaterThan(0);
    g.exports.hl_free(p, 64);
  });
});

describe('search control', () => {
  it('chunks a search, reports progress and returns what the one-call search returns', async () => {
    const p = { ...params, maxArea: 400, limit: 30 };
    const whole = searchMatches(g, mos2, au111, p, { kind: 'all' });
    const seen: [number, number][] = [];
    const r = await searchMatchesChunked(g, mos2, au111, p, { kind: 'all' }, { onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)![0]).toBe(seen.at(-1)![1]);
    expect(seen.map((s) => s[0])).toEqual(seen.map((_, i) => i + 1));
    expect(r.total).toBe(whole.total);
    expect(r.matches).toEqual(whole.matches);
    const scanMode = { kind: 'scan' as const, from: 0, to: Math.PI / 3, steps: 61 };
    const sp = { maxArea: 400, maxStrain: 0.02, maxAngle: 0.002 };
    const chunked = await searchMatchesChunked(g, hex(2.46), au111, sp, scanMode);
    expect(chunked.scan).toEqual(searchMatches(g, hex(2.46), au111, sp, scanMode).scan);
  });

  it('stops between chunks when the signal aborts', async () => {
    const ac = new AbortController();
    let chunks = 0;
    const run = searchMatchesChunked(g, mos2, au111, { ...params, maxArea: 400 }, { kind: 'all' }, { signal: ac.signal, onProgress: () => (chunks++, ac.abort()) });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(chunks).toBe(1);
  });

  it('refuses an oversized chunked search before the first chunk', async () => {
    let chunks = 0;
    await expect(searchMatchesChunked(g, mos2, au111, { ...params, maxArea: 5000 }, { kind: 'all' }, { onProgress: () => chunks++ })).rejects.toThrow(/would examine ~.* candidate supercells \(limit 15.0 million\)/);
    expect(chunks).toBe(0);
  });

  it('turns a wasm trap into a GeometryError naming the kernel, and recovers', () => {
    // A real trap: a one-instruction module (`unreachable`) run inside the hl_match call.
    const trap = new WebAssembly.Instance(new WebAssembly.Module(Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 8, 1, 4, 116, 114, 97, 112, 0, 0, 10, 5, 1, 3, 0, 0, 11]))).exports.trap as () => void;
    let first = true;
    const make = () => {
      const x = observed();
      const real = x.hl_match;
      x.hl_match = (...a) => (first ? ((first = false), trap(), 0) : real(...a));
      return x;
    };
    const t = HeterolabWasm.fromExports(make(), make);
    expect(() => findMatches(t, mos2, au111, params)).toThrow(/^hl_match: the wasm kernel failed \(unreachable\) with \d+ MiB of memory in use/);
    expect(findMatches(t, mos2, au111, { ...params, limit: 3 })).toHaveLength(3);
  });
});

// Last in the file (vitest runs a file's tests in order): a new export without a test fails here.
describe('coverage of the exports', () => {
  it('every exported kernel was called by a test above', () => {
    expect(kernels.length).toBeGreaterThan(10);
    expect(kernels.filter((k) => !called.has(k))).toEqual([]);
  });
});
