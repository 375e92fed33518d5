/// <reference types="@webgpu/types" />
/**
 * The tabulated rigid-layer force field on WebGPU (table-wgsl.ts): the tables of tabulated.ts (built by the
 * TypeScript reference or by wasm) uploaded once, then every energy, force or scan costs one f32 lookup per
 * (atom, layer below it) on the GPU. The host keeps what is cheap and exact in f64: the layer displacements,
 * which atoms see which table, the per-layer reactions, and the exact sum for atoms below a table's lowest
 * height (a configuration with such an atom is evaluated on the host tables, as tabulated.ts does).
 */
import type { EnergyForces, FFSystem } from './cpu';
import type { HeterolabWasm } from '../geometry/wasm';
import type { FFParams } from './model';
import type { FFBackend } from './ops';
import { lookup, planLayerTable, type LayerTable, type TableOptions } from './table';
import { buildWasmTable, rigidLayersBackend, tableExports, wasmTableData } from './table-wasm';
import { withFallback, type GPUSelection } from './select';
import { checkParams, displacements, movedLayers, rigidFrame, speciesMap, tabulatedEnergy, type RigidTables } from './tabulated';
import { TABLE_WGSL, TAB_BYTES } from './table-wgsl';
import { TILE } from './ff-wgsl';
import { BufferPool, OUT, READ, STORAGE, UNIFORM, WebGPUUnavailable } from './webgpu';

/** The rigid tables of `sys` built in wasm (fast) with the coefficients copied out, in tabulated.ts's form. */
export function wasmRigidTables(g: HeterolabWasm, sys: FFSystem, p: FFParams, o: TableOptions = {}): RigidTables {
  const t0 = Date.now();
  const frame = rigidFrame(sys, p);
  const tables: (LayerTable | undefined)[] = [];
  const speciesIndex: (Int16Array | undefined)[] = [];
  for (let l = 0; l < frame.first.length - 1; l++) {
    if (frame.first[l] < 0) continue;
    const plan = planLayerTable(sys, l, p, o);
    const h = buildWasmTable(g, plan);
    try {
      tables[l] = { ...plan, data: wasmTableData(g, h) };
    } finally {
      tableExports(g).hl_fft_table_free(h);
    }
    speciesIndex[l] = speciesMap(plan.species);
  }
  return { ...frame, tables, speciesIndex, buildMs: Date.now() - t0 };
}

/** Lookups one configuration costs: (atom, layer below it) pairs in different groups of `group`. */
export function lookupCount(T: RigidTables, group: Uint8Array): number {
  let count = 0;
  T.tables.forEach((t, l) => {
    if (!t) return;
    const gg = group[T.first[l]];
    for (let i = 0; i < T.layer.length; i++) if (T.layer[i] > l && group[i] !== gg) count++;
  });
  return count;
}

interface TablePipelines {
  layout: GPUBindGroupLayout;
  energies: GPUComputePipeline;
  gradients: GPUComputePipeline;
}

const pipelines = new WeakMap<GPUDevice, Promise<TablePipelines>>();

async function buildPipelines(device: GPUDevice): Promise<TablePipelines> {
  const module = device.createShaderModule({ code: TABLE_WGSL, label: 'heterolab tabulated layers' });
  const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
  if (errors.length) throw new WebGPUUnavailable(`tabulated-layer shader: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
  const entry = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
  const ro = 'read-only-storage' as const;
  const layout = device.createBindGroupLayout({ entries: [entry(0, 'uniform'), entry(1, ro), entry(2, ro), entry(3, ro), entry(4, ro), entry(5, ro), entry(6, 'storage')] });
  const pl = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const make = (entryPoint: string) => device.createComputePipelineAsync({ layout: pl, compute: { module, entryPoint } });
  return { layout, energies: await make('tableEnergies'), gradients: await make('tableGradients') };
}

/** Table headers (struct Tab) and all coefficients in one f32 array, for the tables present. */
export function packTables(T: RigidTables): { layers: number[]; headers: ArrayBuffer; coef: Float32Array } {
  const layers = T.tables.flatMap((t, l) => (t ? [l] : []));
  const headers = new ArrayBuffer(Math.max(1, layers.length) * TAB_BYTES);
  const f = new Float32Array(headers), u = new Uint32Array(headers);
  let size = 0;
  for (const l of layers) size += T.tables[l]!.data.length;
  const coef = new Float32Array(Math.max(4, size));
  let off = 0;
  layers.forEach((l, k) => {
    const t = T.tables[l]!;
    const { p1, p2 } = t.lattice;
    const det = p1[0] * p2[1] - p1[1] * p2[0];
    const q = (k * TAB_BYTES) / 4;
    f.set([p2[1] / det, -p2[0] / det, -p1[1] / det, p1[0] / det, t.top, t.h0, t.dz, t.exact.cutoff], q);
    u.set([t.nu, t.nv, t.nz, off, l, 0, 0, 0], q + 8);
    coef.set(t.data, off);
    off += t.data.length;
  });
  return { layers, headers, coef };
}

export interface WebGPUTabulatedBackend extends FFBackend {
  readonly tables: RigidTables;
  /** Frees the GPU buffers (not the device); later calls throw. */
  dispose(): void;
}

/**
 * A backend over rigid tables on a WebGPU device; the coefficients are uploaded here, once. `cell` is the
 * supercell of the system the tables were built from (rows a, b, c in Å; a and b are used).
 */
export async function webgpuTabulatedBackend(device: GPUDevice, T: RigidTables, cell: ArrayLike<number>): Promise<WebGPUTabulatedBackend> {
  let pp = pipelines.get(device);
  if (!pp) pipelines.set(device, (pp = buildPipelines(device)));
  const pl = await pp;
  const n = T.numbers.length, nl = T.first.length;
  const { layers, headers, coef } = packTables(T);
  const ntab = layers.length;
  const fixed = (data: Float32Array | ArrayBuffer): GPUBuffer => {
    const b = device.createBuffer({ size: Math.max(16, data.byteLength), usage: STORAGE });
    device.queue.writeBuffer(b, 0, data instanceof ArrayBuffer ? data : (data.buffer as ArrayBuffer), 0, data.byteLength);
    return b;
  };
  // Only atoms with a table below them go to the GPU (the substrate's are never looked up): cand[a] is the
  // system index of GPU atom a. Reference positions are wrapped into the supercell in f64 (every table
  // repeats with the supercell), so the f32 coordinates stay small; w carries the layer.
  const cand: number[] = [];
  for (let i = 0; i < n; i++) if (layers.some((l) => l < T.layer[i])) cand.push(i);
  const m = cand.length;
  const c = [cell[0], cell[1], cell[3], cell[4]];
  const det = c[0] * c[3] - c[1] * c[2];
  const atomData = new ArrayBuffer(16 * Math.max(1, m));
  const af = new Float32Array(atomData), au = new Uint32Array(atomData);
  cand.forEach((i, a) => {
    const x = T.ref[3 * i], y = T.ref[3 * i + 1];
    const fu = Math.floor((x * c[3] - y * c[2]) / det), fv = Math.floor((c[0] * y - c[1] * x) / det);
    af.set([x - fu * c[0] - fv * c[2], y - fu * c[1] - fv * c[3], T.ref[3 * i + 2]], 4 * a);
    au[4 * a + 3] = T.layer[i];
  });
  const tabBuf = fixed(headers), coefBuf = fixed(coef), atomBuf = fixed(atomData);
  const pool = new BufferPool(device);
  let live = true;

  /** Species index of GPU atom a in table k at [k·m + a], or −1 where they do not interact (same or lower layer, same group). */
  function specFor(group: Uint8Array): Int32Array {
    const s = new Int32Array(Math.max(1, ntab * m)).fill(-1);
    layers.forEach((l, k) => {
      const gg = group[T.first[l]], idx = T.speciesIndex[l]!;
      cand.forEach((i, a) => {
        if (T.layer[i] > l && group[i] !== gg) s[k * m + a] = idx[T.numbers[i]];
      });
    });
    return s;
  }

  /** Per (table, layer above): the lowest reference z (Å) of an interacting atom, to find atoms below h0. */
  function lowest(spec: Int32Array): Float64Array {
    const low = new Float64Array(ntab * nl).fill(Infinity);
    for (let k = 0; k < ntab; k++)
      cand.forEach((i, a) => {
        if (spec[k * m + a] >= 0) low[k * nl + T.layer[i]] = Math.min(low[k * nl + T.layer[i]], T.ref[3 * i + 2]);
      });
    return low;
  }

  /** True when some atom sits below the lowest tabulated height of a table under layer displacements d. */
  function belowTables(low: Float64Array, d: Float64Array): boolean {
    for (let k = 0; k < ntab; k++) {
      const l = layers[k], t = T.tables[l]!;
      for (let li = 0; li < nl; li++) if (low[k * nl + li] + d[3 * li + 2] - d[3 * l + 2] - t.top < t.h0) return true;
    }
    return false;
  }

  /** Layer displacements as vec4 per (configuration, layer), in-plane parts wrapped into the supercell. */
  function packDisp(ds: Float64Array[]): Float32Array {
    const out = new Float32Array(4 * nl * ds.length);
    ds.forEach((d, q) => {
      for (let l = 0; l < nl; l++) {
        const x = d[3 * l], y = d[3 * l + 1];
        const fu = Math.floor((x * c[3] - y * c[2]) / det), fv = Math.floor((c[0] * y - c[1] * x) / det);
        out.set([x - fu * c[0] - fv * c[2], y - fu * c[1] - fv * c[3], d[3 * l + 2], 0], 4 * (q * nl + l));
      }
    });
    return out;
  }

  async function dispatch(pipeline: GPUComputePipeline, spec: Int32Array, disp: Float32Array, nconf: number, groups: [number, number], outLen: number): Promise<Float32Array> {
    if (!live) throw new Error('tabulated force field (WebGPU): the tables were disposed');
    const taken: [GPUBuffer, number][] = [];
    const take = (size: number, usage: number) => {
      const b = pool.take(size, usage);
      taken.push([b, usage]);
      return b;
    };
    const upload = (data: ArrayBufferView, usage: number) => {
      const b = take(Math.max(16, data.byteLength), usage);
      device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
      return b;
    };
    const params = upload(Uint32Array.from([m, nconf, ntab, nl]), UNIFORM);
    const specBuf = upload(spec, STORAGE), dispBuf = upload(disp, STORAGE);
    const bytes = 16 * outLen;
    const out = take(bytes, OUT), read = take(bytes, READ);
    const bind = device.createBindGroup({
      layout: pl.layout,
      entries: [params, tabBuf, coefBuf, atomBuf, specBuf, dispBuf, out].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(groups[0], groups[1]);
    pass.end();
    enc.copyBufferToBuffer(out, 0, read, 0, bytes);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(1 /* GPUMapMode.READ */, 0, bytes);
    const r = new Float32Array(read.getMappedRange(0, bytes).slice(0));
    read.unmap();
    for (const [b, usage] of taken) pool.give(b, usage);
    return r;
  }

  const wgs = Math.max(1, Math.ceil(m / TILE));
  return {
    kind: 'webgpu',
    tabulated: true,
    tables: T,
    dispose() {
      live = false;
      pool.destroy();
      for (const b of [tabBuf, coefBuf, atomBuf]) b.destroy();
    },
    async energyForces(sys: FFSystem, p: FFParams): Promise<EnergyForces> {
      checkParams(T, p);
      const d = displacements(T, sys);
      const spec = specFor(sys.role);
      const forces = new Float64Array(3 * n);
      let energy = 0;
      if (ntab) {
        const r = await dispatch(pl.gradients, spec, packDisp([d]), 1, [wgs, ntab], ntab * m);
        const v = new Float64Array(4);
        layers.forEach((l, k) => {
          const t = T.tables[l]!;
          let rx = 0, ry = 0, rz = 0;
          for (let a = 0; a < m; a++) {
            const i = cand[a], si = spec[k * m + a];
            if (si < 0) continue;
            const q = 4 * (k * m + a), li = T.layer[i];
            const z = T.ref[3 * i + 2] + d[3 * li + 2] - d[3 * l + 2];
            if (z - t.top < t.h0) {
              // Below the table: the exact sum on the host, as table.ts answers there.
              lookup(t, si, T.ref[3 * i] + d[3 * li] - d[3 * l], T.ref[3 * i + 1] + d[3 * li + 1] - d[3 * l + 1], z, v);
            } else v.set(r.subarray(q, q + 4));
            energy += v[0];
            forces[3 * i] -= v[1];
            forces[3 * i + 1] -= v[2];
            forces[3 * i + 2] -= v[3];
            rx += v[1];
            ry += v[2];
            rz += v[3];
          }
          // The layer's reaction spread evenly over its atoms (tabulated.ts spreadReaction).
          let ng = 0;
          for (let i = 0; i < n; i++) if (T.layer[i] === l) ng++;
          for (let i = 0; i < n; i++)
            if (T.layer[i] === l) {
              forces[3 * i] += rx / ng;
              forces[3 * i + 1] += ry / ng;
              forces[3 * i + 2] += rz / ng;
            }
        });
      }
      return { energy, forces, pairs: 0 };
    },
    async energiesForShifts(sys, group, shifts, p) {
      checkParams(T, p);
      const d0 = displacements(T, sys);
      const moved = movedLayers(T, sys, group);
      const nconf = shifts.length / 3;
      const ds = Array.from({ length: nconf }, (_, q) => {
        const d = d0.slice();
        moved.forEach((mv, l) => {
          if (mv) for (let cc = 0; cc < 3; cc++) d[3 * l + cc] += shifts[3 * q + cc];
        });
        return d;
      });
      const out = new Float64Array(nconf);
      if (!ntab) return out;
      const spec = specFor(sys.role);
      const low = lowest(spec);
      // Batches of ~2.5e5 threads: enough to fill a GPU, and a dispatch of about a second on SwiftShader.
      const perBatch = Math.max(1, Math.min(65535, Math.floor(2.5e5 / (wgs * TILE))));
      for (let q0 = 0; q0 < nconf; q0 += perBatch) {
        const nq = Math.min(perBatch, nconf - q0);
        const r = await dispatch(pl.energies, spec, packDisp(ds.slice(q0, q0 + nq)), nq, [wgs, nq], nq * wgs);
        for (let q = 0; q < nq; q++) {
          const d = ds[q0 + q];
          if (belowTables(low, d)) {
            out[q0 + q] = tabulatedEnergy(T, sys.role, d);
            continue;
          }
          let e = 0;
          for (let w = 0; w < wgs; w++) e += r[4 * (q * wgs + w)];
          out[q0 + q] = e;
        }
      }
      return out;
    },
  };
}

/**
 * Rigid-layer tables for the interface service when WebGPU runs: built in wasm on the first call, looked up on
 * the selected device; when that device is lost or a call fails, the calls continue on tables built in wasm
 * (table-wasm.ts), with the exact backend's notice (select.ts withFallback, said once per loss).
 */
export function webgpuRigidLayersBackend(g: HeterolabWasm, gpu: GPUSelection, sys: FFSystem, p: FFParams, notices: string[], o: TableOptions = {}): { backend: FFBackend; dispose(): void } {
  let onGPU: Promise<WebGPUTabulatedBackend> | null = null;
  let onWasm: ReturnType<typeof rigidLayersBackend> | null = null;
  const gpuTables = () => (onGPU ??= webgpuTabulatedBackend(gpu.device, wasmRigidTables(g, sys, p, o), sys.cell));
  const wasmTables = () => (onWasm ??= rigidLayersBackend(g, sys, p, gpu.fallback, o)).backend;
  const gpuSide: FFBackend & { lost: Promise<string> } = {
    kind: 'webgpu',
    tabulated: true,
    lost: gpu.lost,
    energyForces: async (s, q) => (await gpuTables()).energyForces(s, q),
    energiesForShifts: async (s, group, sh, q) => (await gpuTables()).energiesForShifts(s, group, sh, q),
  };
  const wasmSide: FFBackend = {
    kind: gpu.fallback.kind, // the wasm tables, or the exact sum there when they cannot be built
    tabulated: true,
    energyForces: (s, q) => wasmTables().energyForces(s, q),
    energiesForShifts: (s, group, sh, q) => wasmTables().energiesForShifts(s, group, sh, q),
  };
  return {
    backend: withFallback(gpuSide, wasmSide, notices),
    dispose() {
      void onGPU?.then((b) => b.dispose(), () => undefined);
      onWasm?.dispose();
    },
  };
}
