/**
 * The worker side of the in-app force-field benchmark (bench.html) and of the Chromium conformance check of
 * the tabulated layers on WebGPU. Exact rows count pair terms inside the cutoff; table rows count lookups
 * (one per atom and layer below it), so both rates can be compared with a GPU's claims.
 */
import type { Structure } from '../core/structure';
import type { HeterolabWasm } from '../compute/geometry/wasm';
import type { FFParams } from '../compute/ff/model';
import type { FFBackend } from '../compute/ff/ops';
import { systemFromStructure } from '../compute/ff/system';
import { selectBackend, type BackendChoice } from '../compute/ff/select';
import { wasmTabulatedBackend } from '../compute/ff/table-wasm';
import { lookupCount, wasmRigidTables, webgpuTabulatedBackend } from '../compute/ff/table-webgpu';
import { wasmBackend } from '../compute/ff/wasm-backend';
import { requestDevice } from '../compute/ff/webgpu';
import type { FFBenchRow, FFListCheck, FFTableCheck } from './protocol';
import { wasmNeighbourBackend } from '../compute/ff/nlist-wasm';
import { webgpuNeighbourBackend } from '../compute/ff/nlist-webgpu';
import { wasmPairList } from '../compute/ff/nlist';
import { shifted } from '../compute/ff/ops';
import type { FFSystem } from '../compute/ff/cpu';

/** In-plane shifts (Å) of a grid × grid registry scan over the cell. */
function registryShifts(cell: ArrayLike<number>, grid: number): Float64Array {
  const shifts = new Float64Array(3 * grid * grid);
  for (let i = 0; i < grid; i++)
    for (let j = 0; j < grid; j++) {
      const k = i * grid + j;
      shifts[3 * k] = (i / grid) * cell[0] + (j / grid) * cell[3];
      shifts[3 * k + 1] = (i / grid) * cell[1] + (j / grid) * cell[4];
    }
  return shifts;
}

/** Energy+forces (mean of `repeats` after a warm-up) and one batched registry scan of film 1. */
async function timeBackend(b: FFBackend, sys: FFSystem, p: FFParams, shifts: Float64Array, repeats: number, table: boolean, lookups: number): Promise<FFBenchRow[]> {
  const atoms = sys.numbers.length, m = shifts.length / 3;
  let r = await b.energyForces(sys, p); // warm-up: pipelines, JIT
  let t0 = performance.now();
  for (let k = 0; k < repeats; k++) r = await b.energyForces(sys, p);
  const ef = (performance.now() - t0) / repeats;
  await b.energiesForShifts(sys, 1, shifts.subarray(0, 3), p);
  t0 = performance.now();
  await b.energiesForShifts(sys, 1, shifts, p);
  const scan = performance.now() - t0;
  return [
    { backend: b.kind, atoms, what: table ? 'table energy+forces' : 'energy+forces', configurations: 1, ms: ef, pairs: r.pairs, lookups },
    { backend: b.kind, atoms, what: table ? 'table registry scan' : 'registry scan', configurations: m, ms: scan, pairs: r.pairs * m, lookups: lookups * m },
  ];
}

/** Energy+forces through the neighbour list of `kind` (wasm or WebGPU), reused: mean of `repeats` after the build. */
async function timeList(g: HeterolabWasm | null, gpu: (() => GPU | undefined) | undefined, kind: FFBackend['kind'], sys: FFSystem, p: FFParams, repeats: number): Promise<FFBenchRow[]> {
  if (kind === 'cpu' || (kind === 'wasm' && !g)) return [];
  const device = kind === 'webgpu' ? (await requestDevice(gpu?.())).device : null;
  const nl = device ? await webgpuNeighbourBackend(device, { build: g ? wasmPairList(g) : undefined }) : wasmNeighbourBackend(g!);
  try {
    let r = await nl.energyForces(sys, p); // the build, and warm-up
    const t0 = performance.now();
    for (let k = 0; k < repeats; k++) r = await nl.energyForces(sys, p);
    return [{ backend: kind, atoms: sys.numbers.length, what: 'list energy+forces', configurations: 1, ms: (performance.now() - t0) / repeats, pairs: r.pairs, lookups: 0 }];
  } finally {
    nl.dispose();
    device?.destroy();
  }
}

/**
 * Times the exact pair sum on one backend, then the tabulated layers on the same kind (wasm tables, or the
 * wasm-built tables uploaded to WebGPU), with the table build as its own row.
 */
export async function ffBench(geometry: Promise<HeterolabWasm>, gpu: (() => GPU | undefined) | undefined, s: Structure, choice: BackendChoice, p: FFParams, grid: number, repeats: number): Promise<FFBenchRow[]> {
  const g = await geometry.catch(() => null);
  const b = await selectBackend(choice, { gpu: gpu?.(), geometry: g });
  const sys = systemFromStructure(s);
  const shifts = registryShifts(s.cell, grid);
  const rows = [...(await timeBackend(b, sys, p, shifts, repeats, false, 0)), ...(await timeList(g, gpu, b.kind, sys, p, repeats))];
  if (!g || (b.kind !== 'wasm' && b.kind !== 'webgpu')) return rows;
  const t0 = performance.now();
  const T = wasmRigidTables(g, sys, p);
  const lookups = lookupCount(T, sys.role);
  const build = { backend: b.kind, atoms: s.numbers.length, what: 'table build' as const, configurations: 1, ms: performance.now() - t0, pairs: 0, lookups: 0 };
  if (b.kind === 'wasm') {
    const t1 = performance.now();
    const wt = wasmTabulatedBackend(g, sys, p);
    build.ms = performance.now() - t1;
    try {
      return [...rows, build, ...(await timeBackend(wt, sys, p, registryShifts(s.cell, 4 * grid), repeats, true, lookups))];
    } finally {
      wt.dispose();
    }
  }
  const { device } = await requestDevice(gpu?.());
  try {
    const t1 = performance.now();
    const gt = await webgpuTabulatedBackend(device, T, sys.cell);
    build.ms += performance.now() - t1;
    return [...rows, build, ...(await timeBackend(gt, sys, p, registryShifts(s.cell, 4 * grid), repeats, true, lookups))];
  } finally {
    device.destroy();
  }
}

/** A WebGPU device for a check, or why there is none (the check then reports a skip with that reason). */
async function deviceOrSkip(gpu: (() => GPU | undefined) | undefined): Promise<Awaited<ReturnType<typeof requestDevice>> | { skip: string }> {
  try {
    return await requestDevice(gpu?.());
  } catch (e) {
    return { skip: (e as Error).message };
  }
}

/** The WebGPU tables and the exact wasm sum on film 1 shifted by each of `shifts` (Å), and on a 4×4 scan. */
export async function ffTableCheck(geometry: Promise<HeterolabWasm>, gpu: (() => GPU | undefined) | undefined, s: Structure, p: FFParams, shifts: [number, number, number][]): Promise<FFTableCheck> {
  const g = await geometry;
  const dev = await deviceOrSkip(gpu);
  if ('skip' in dev) return dev;
  try {
    const sys = systemFromStructure(s);
    const exact = wasmBackend(g);
    const table = await webgpuTabulatedBackend(dev.device, wasmRigidTables(g, sys, p), sys.cell);
    const configs = [];
    for (const [dx, dy, dz] of shifts) {
      const positions = sys.positions.slice();
      for (let i = 0; i < sys.numbers.length; i++)
        if (sys.role[i] === 1) {
          positions[3 * i] += dx;
          positions[3 * i + 1] += dy;
          positions[3 * i + 2] += dz;
        }
      const moved = { ...sys, positions };
      const [e, t] = [await exact.energyForces(moved, p), await table.energyForces(moved, p)];
      configs.push({ exact: { energy: e.energy, forces: e.forces }, table: { energy: t.energy, forces: t.forces } });
    }
    const scan = registryShifts(s.cell, 4);
    return { adapter: dev.adapter, configs, scan: { exact: await exact.energiesForShifts(sys, 1, scan, p), table: await table.energiesForShifts(sys, 1, scan, p) } };
  } finally {
    dev.device.destroy();
  }
}

/**
 * The neighbour list on WebGPU (skin 1 Å, lists built by wasm) and the exact wasm sum through the states of the conformance suite:
 * at the build; every atom moved < 0.49 Å (list reused); film 1 0.3 Å closer (reused); one film atom 0.6 Å down
 * (> skin/2: rebuilt); film 1 shifted by 0.37 a (rebuilt).
 */
export async function ffListCheck(geometry: Promise<HeterolabWasm>, gpu: (() => GPU | undefined) | undefined, s: Structure, p: FFParams): Promise<FFListCheck> {
  const g = await geometry;
  const dev = await deviceOrSkip(gpu);
  if ('skip' in dev) return dev;
  const nl = await webgpuNeighbourBackend(dev.device, { skin: 1.0, build: wasmPairList(g) });
  try {
    const sys = systemFromStructure(s), exact = wasmBackend(g);
    const jiggled = { ...sys, positions: sys.positions.map((x, k) => x + 0.28 * Math.sin(1.7 * k + 0.3)) }; // |move| ≤ 0.28·√3 < 0.49 Å
    const far = shifted(sys, 1, 0, 0, 0);
    far.positions[3 * far.role.indexOf(1) + 2] -= 0.6;
    const states: [string, FFSystem][] = [['at the build', sys], ['every atom moved < skin/2', jiggled], ['film 0.3 Å closer', shifted(sys, 1, 0.2, 0, -0.3)], ['one atom 0.6 Å away', far], ['film shifted by 0.37 a', shifted(sys, 1, 0.37 * sys.cell[0], 1.5, 0.8)]];
    const out = [];
    for (const [what, x] of states) {
      const [e, l] = [await exact.energyForces(x, p), await nl.energyForces(x, p)];
      out.push({ what, builds: nl.stats().builds, exact: { energy: e.energy, forces: e.forces, pairs: e.pairs }, list: { energy: l.energy, forces: l.forces, pairs: l.pairs } });
    }
    return { adapter: dev.adapter, states: out };
  } finally {
    nl.dispose();
    dev.device.destroy();
  }
}
