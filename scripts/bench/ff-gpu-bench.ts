// npm run bench -- ff-gpu: the WebGPU force field in Node (the `webgpu` package; here Dawn on SwiftShader,
// a CPU implementation, so these numbers prove the kernels run, not GPU speed). MoS2 on Au(111), d2, 12 Å:
//  - exact tiled kernel: pair terms inside the cutoff per second (energy+forces, registry scan)
//  - tabulated layers: table build, lookups per second (one per film atom and layer below it)
//  - neighbour list (skin 1 Å, reused): pair terms inside the cutoff per second; the host list build timed
// next to wasm in the same process. Needs VK_ICD_FILENAMES (set below to Chromium's SwiftShader when unset).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { FFSystem } from '../../src/compute/ff/cpu';
import type { FFParams } from '../../src/compute/ff/model';
import type { FFBackend } from '../../src/compute/ff/ops';
import { wasmBackend } from '../../src/compute/ff/wasm-backend';
import { wasmTabulatedBackend } from '../../src/compute/ff/table-wasm';
import { lookupCount, wasmRigidTables, webgpuTabulatedBackend } from '../../src/compute/ff/table-webgpu';
import { requestDevice, webgpuBackend } from '../../src/compute/ff/webgpu';
import { wasmNeighbourBackend } from '../../src/compute/ff/nlist-wasm';
import { webgpuNeighbourBackend } from '../../src/compute/ff/nlist-webgpu';
import { wasmPairList } from '../../src/compute/ff/nlist';
import { buildInterface, extractLayer, findMatches, inPlaneBasis, makeSlab, type IntMatrix2 } from '../../src/compute/geometry/geometry';
import { HeterolabWasm } from '../../src/compute/geometry/wasm';
import { readStructureFile } from '../../src/io/registry';

process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
const { create, globals } = await import('webgpu');
Object.assign(globalThis, globals);
const gpu = create([]) as unknown as GPU;
const { device, adapter } = await requestDevice(gpu);

const g = await HeterolabWasm.fromBytes(readFileSync('src/compute/geometry/build/heterolab.wasm'));
const read = async (f: string) => {
  const r = await readStructureFile(f, readFileSync(f));
  if (!r.ok) throw new Error(r.issue.message);
  return r.structures[0];
};
const film = extractLayer(g, await read('test/fixtures/structures/MoS2_monolayer.vasp'), { vacuum: 10 }).structure;
const slab = makeSlab(g, await read('test/fixtures/structures/Au_fcc_conventional.vasp'), { hkl: [1, 1, 1], layers: 4, vacuum: 10, maxAtoms: 1e6 }).structure;
const m = findMatches(g, inPlaneBasis(film), inPlaneBasis(slab), { maxArea: 100, maxStrain: 0.05, maxAngle: Math.PI / 180 })[0];
const times = (x: IntMatrix2, k: number) => x.map((r) => r.map((v) => v * k)) as IntMatrix2;
const system = (k: number): FFSystem => {
  const s = buildInterface(g, slab, [{ layer: film, filmMatrix: times(m.filmMatrix, k), zSeparation: 3.1, shift: [0.1, 0.2] }], { substrateMatrix: times(m.substrateMatrix, k), vacuum: 12, maxAtoms: 1e6 }).structure;
  return { cell: s.cell, positions: s.positions, numbers: s.numbers, role: s.arrays.role! };
};
const P: FFParams = { model: 'd2', cutoff: 12 };

function gridShifts(sys: FFSystem, n: number): Float64Array {
  const shifts = new Float64Array(3 * n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      shifts[3 * (i * n + j)] = (i / n) * sys.cell[0] + (j / n) * sys.cell[3];
      shifts[3 * (i * n + j) + 1] = (i / n) * sys.cell[1] + (j / n) * sys.cell[4];
    }
  return shifts;
}
/** Median time (ms) of at least 3 runs or 2 s of runs, after a warm-up (pipelines, JIT). */
async function ms(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const ts: number[] = [];
  const t0 = performance.now();
  while (ts.length < 3 && performance.now() - t0 < 2000) {
    const a = performance.now();
    await fn();
    ts.push(performance.now() - a);
  }
  return ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)];
}
const e2 = (x: number) => x.toExponential(2);

console.log(`WebGPU adapter: ${adapter}`);
console.log('| backend | atoms | operation | configs | ms | configs/s | pair terms/s | lookups/s |');
console.log('|---|---|---|---|---|---|---|---|');
const row = (b: string, n: number, what: string, c: number, t: number, pairs: number, lookups: number) =>
  console.log(`| ${b} | ${n} | ${what} | ${c} | ${t.toFixed(1)} | ${((c / t) * 1000).toFixed(1)} | ${pairs ? e2((pairs / t) * 1000) : '–'} | ${lookups ? e2((lookups / t) * 1000) : '–'} |`);
const exactGpu = await webgpuBackend(device);
// The neighbour list, reused (the flexible path): wasm and WebGPU at 57, 513 and ~2,000 atoms.
for (const k of [1, 3, 6]) {
  const sys = system(k), n = sys.numbers.length;
  const lists = [['wasm', 'wasm', wasmNeighbourBackend(g)], ['webgpu', 'TypeScript', await webgpuNeighbourBackend(device)], ['webgpu', 'wasm', await webgpuNeighbourBackend(device, { build: wasmPairList(g) })]] as const;
  for (const [name, builder, b] of lists) {
    const t0 = performance.now();
    const pairs = (await b.energyForces(sys, P)).pairs;
    if (name === 'webgpu') console.log(`| webgpu | ${n} | list build (${builder}) + upload + first call | 1 | ${(performance.now() - t0).toFixed(0)} | – | – | – |`);
    row(name, n, 'list energy+forces (reused)', 1, await ms(() => b.energyForces(sys, P)), pairs, 0);
    if (b.stats().builds !== 1) throw new Error(`${name}: the list was rebuilt (${b.stats().builds} builds)`);
    b.dispose();
  }
}
for (const k of [1, 3]) {
  const sys = system(k), n = sys.numbers.length;
  const grid = k === 1 ? 24 : 6;
  const sh = gridShifts(sys, grid);
  const exact: [string, FFBackend][] = [['wasm', wasmBackend(g)], ['webgpu', exactGpu]];
  for (const [name, b] of exact) {
    const pairs = (await b.energyForces(sys, P)).pairs;
    row(name, n, 'energy+forces', 1, await ms(() => b.energyForces(sys, P)), pairs, 0);
    row(name, n, 'registry scan', grid * grid, await ms(() => b.energiesForShifts(sys, 1, sh, P)), pairs * grid * grid, 0);
  }
  const t0 = performance.now();
  const T = wasmRigidTables(g, sys, P);
  const tg = await webgpuTabulatedBackend(device, T, sys.cell);
  const build = performance.now() - t0;
  const tw = wasmTabulatedBackend(g, sys, P);
  const lookups = lookupCount(T, sys.role);
  const big = gridShifts(sys, 4 * grid);
  for (const [name, b] of [['wasm', tw], ['webgpu', tg]] as const) {
    row(name, n, 'table energy+forces', 1, await ms(() => b.energyForces(sys, P)), 0, lookups);
    row(name, n, 'table registry scan', 16 * grid * grid, await ms(() => b.energiesForShifts(sys, 1, big, P)), 0, lookups * 16 * grid * grid);
  }
  console.log(`| webgpu | ${n} | table build (wasm) + upload | 1 | ${build.toFixed(0)} | – | – | – |`);
  tw.dispose();
  tg.dispose();
}
device.destroy();
