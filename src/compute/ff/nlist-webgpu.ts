/// <reference types="@webgpu/types" />
/**
 * The force field through a Verlet neighbour list on WebGPU (f32): a list of nlist.ts (built on the host,
 * rebuilt only when an atom moved more than half the skin) uploaded in CSR form with both directions of each pair,
 * so one thread per atom sums its own energy and force without atomics; the host adds the per-atom terms in f64.
 * Same force-shifted pair term as the exact kernels (PAIR_TERM_WGSL). Positions are sent wrapped into the cell by
 * the wraps of the build, so f32 coordinates stay small while the images in the list stay valid.
 */
import type { EnergyForces, FFSystem } from './cpu';
import type { FFParams } from './model';
import { PairListCache, type ListBuilder, type NeighbourBackend, type PairList } from './nlist';
import { shifted } from './ops';
import { PAIR_TERM_WGSL, TILE } from './ff-wgsl';
import { OUT, READ, STORAGE, UNIFORM, WebGPUUnavailable, gpuPairTable, lostMessage, packPairs } from './webgpu';

export const NLIST_WGSL = /* wgsl */ `
struct Params {
  n: u32,
  nspec: u32,
  cutoff: f32,
  _pad: f32,
};

const TILE: u32 = ${TILE}u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> pos: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> atomSpec: array<u32>;
@group(0) @binding(3) var<storage, read> pp: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> start: array<u32>;
@group(0) @binding(5) var<storage, read> nbr: array<u32>;
@group(0) @binding(6) var<storage, read> off: array<vec2<f32>>;
@group(0) @binding(7) var<storage, read_write> out: array<vec4<f32>>;

${PAIR_TERM_WGSL}

// Thread i: out[2i] = (F_i, E_i / 2) over its listed partners within the cutoff, out[2i + 1].x = their number.
@compute @workgroup_size(${TILE})
fn listForces(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  loadPairs(lid, P.nspec);
  workgroupBarrier();
  let i = gid.x;
  if (i >= P.n) { return; }
  let pi = pos[i].xyz;
  let si = atomSpec[i] * P.nspec;
  let rc2 = P.cutoff * P.cutoff;
  var e = 0.0;
  var f = vec3<f32>(0.0);
  var count = 0.0;
  for (var q = start[i]; q < start[i + 1u]; q++) {
    let j = nbr[q];
    let o = off[q];
    let pj = pos[j];
    let d = vec3<f32>(pj.x + o.x - pi.x, pj.y + o.y - pi.y, pj.z - pi.z);
    let r2 = dot(d, d);
    if (r2 >= rc2) { continue; }
    let r = sqrt(r2);
    let t = pairTerm(si + atomSpec[j], r, P.cutoff);
    e += 0.5 * t.x;
    f += (t.y / r) * d; // F_i = E'(r) d / r with d = r_j − r_i
    count += 1.0;
  }
  out[2u * i] = vec4<f32>(f, e);
  out[2u * i + 1u] = vec4<f32>(count, 0.0, 0.0, 0.0);
}
`;

interface ListPipeline {
  layout: GPUBindGroupLayout;
  pipeline: GPUComputePipeline;
}

const pipelines = new WeakMap<GPUDevice, Promise<ListPipeline>>();

async function buildPipeline(device: GPUDevice): Promise<ListPipeline> {
  const module = device.createShaderModule({ code: NLIST_WGSL, label: 'heterolab neighbour list' });
  const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
  if (errors.length) throw new WebGPUUnavailable(`neighbour-list shader: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
  const entry = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
  const ro = 'read-only-storage' as const;
  const layout = device.createBindGroupLayout({ entries: [entry(0, 'uniform'), ...[1, 2, 3, 4, 5, 6].map((b) => entry(b, ro)), entry(7, 'storage')] });
  const pipeline = await device.createComputePipelineAsync({ layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module, entryPoint: 'listForces' } });
  return { layout, pipeline };
}

/** Both directions of each listed pair by atom (CSR): partners and image offsets (Å) in wrapped coordinates. */
export function fullList(list: PairList, cell: ArrayLike<number>): { start: Uint32Array; nbr: Uint32Array; off: Float32Array } {
  const n = list.wrap.length / 2, m = list.i.length;
  const start = new Uint32Array(n + 1);
  for (let k = 0; k < m; k++) start[list.i[k] + 1]++, start[list.j[k] + 1]++;
  for (let a = 0; a < n; a++) start[a + 1] += start[a];
  const fill = start.slice(0, n);
  const nbr = new Uint32Array(Math.max(1, 2 * m)), off = new Float32Array(Math.max(2, 4 * m));
  const w = list.wrap;
  for (let k = 0; k < m; k++) {
    const i = list.i[k], j = list.j[k];
    // The image of j seen from i in wrapped coordinates (nlist.ts: k_wrapped = image + wrap_j − wrap_i).
    const ka = list.ia[k] + w[2 * j] - w[2 * i], kb = list.ib[k] + w[2 * j + 1] - w[2 * i + 1];
    const ox = ka * cell[0] + kb * cell[3], oy = ka * cell[1] + kb * cell[4];
    let q = fill[i]++;
    nbr[q] = j;
    off.set([ox, oy], 2 * q);
    q = fill[j]++;
    nbr[q] = i;
    off.set([-ox, -oy], 2 * q);
  }
  return { start, nbr, off };
}

export interface WebGPUNeighbourBackend extends NeighbourBackend {
  readonly device: GPUDevice;
  /** Resolves with a message when the device is lost (select.ts's fallback notice). */
  readonly lost: Promise<string>;
}

/**
 * The neighbour-list backend on a device; resolves once the pipeline is compiled. `build` makes the lists (default
 * the TypeScript reference; wasmPairList(g) is O(N) and the choice from thousands of atoms).
 */
export async function webgpuNeighbourBackend(device: GPUDevice, o: { skin?: number; build?: ListBuilder } = {}): Promise<WebGPUNeighbourBackend> {
  const pl = await (pipelines.get(device) ?? (pipelines.set(device, buildPipeline(device)), pipelines.get(device)!));
  const cache = new PairListCache(o.skin, o.build);
  let lostReason: string | null = null;
  const lost = lostMessage(device).then((m) => (lostReason = m));
  // GPU state of the current list: fixed buffers (list, species, parameters) and per-call ones sized for it.
  let gpu: { list: PairList; bufs: GPUBuffer[]; pos: GPUBuffer; out: GPUBuffer; read: GPUBuffer; bind: GPUBindGroup; n: number } | null = null;
  const release = () => {
    if (gpu) for (const b of [...gpu.bufs, gpu.pos, gpu.out, gpu.read]) b.destroy();
    gpu = null;
  };
  const upload = (data: ArrayBufferView | ArrayBuffer, usage: number): GPUBuffer => {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    const b = device.createBuffer({ size: Math.max(16, Math.ceil(bytes.byteLength / 4) * 4), usage });
    device.queue.writeBuffer(b, 0, bytes as Uint8Array<ArrayBuffer>);
    return b;
  };
  const onBuild = (sys: FFSystem, p: FFParams) => (list: PairList) => {
    release();
    const t = gpuPairTable(sys, p);
    const n = sys.numbers.length;
    const { start, nbr, off } = fullList(list, sys.cell);
    const params = new ArrayBuffer(16);
    new Uint32Array(params).set([n, t.n]);
    new Float32Array(params)[2] = p.cutoff;
    const spec = Uint32Array.from(sys.numbers, (z) => t.index[z]);
    const bufs = [upload(params, UNIFORM), upload(spec, STORAGE), upload(packPairs(t, p.cutoff), STORAGE), upload(start, STORAGE), upload(nbr, STORAGE), upload(off, STORAGE)];
    const pos = device.createBuffer({ size: 16 * n, usage: STORAGE });
    const out = device.createBuffer({ size: 32 * n, usage: OUT });
    const read = device.createBuffer({ size: 32 * n, usage: READ });
    const [pb, sb, ppb, stb, nb, ob] = bufs;
    const bind = device.createBindGroup({ layout: pl.layout, entries: [pb, pos, sb, ppb, stb, nb, ob, out].map((buffer, binding) => ({ binding, resource: { buffer } })) });
    gpu = { list, bufs, pos, out, read, bind, n };
  };

  async function evaluate(sys: FFSystem, p: FFParams): Promise<EnergyForces> {
    if (lostReason) throw new WebGPUUnavailable(lostReason);
    const list = cache.get(sys, p, onBuild(sys, p));
    if (!gpu || gpu.list !== list) throw new Error('neighbour list (WebGPU): the list on the GPU is not the current one');
    const { n, pos, out, read, bind } = gpu;
    const c = sys.cell, w = list.wrap;
    const pf = new Float32Array(4 * n);
    for (let a = 0; a < n; a++) {
      // Wrapped in f64 by the build's wraps before the f32 conversion (the list's images assume them).
      pf[4 * a] = sys.positions[3 * a] - w[2 * a] * c[0] - w[2 * a + 1] * c[3];
      pf[4 * a + 1] = sys.positions[3 * a + 1] - w[2 * a] * c[1] - w[2 * a + 1] * c[4];
      pf[4 * a + 2] = sys.positions[3 * a + 2];
    }
    device.queue.writeBuffer(pos, 0, pf);
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pl.pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.ceil(n / TILE));
    pass.end();
    enc.copyBufferToBuffer(out, 0, read, 0, 32 * n);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(1 /* GPUMapMode.READ */, 0, 32 * n);
    const r = new Float32Array(read.getMappedRange(0, 32 * n).slice(0));
    read.unmap();
    const forces = new Float64Array(3 * n);
    let energy = 0, count = 0;
    for (let a = 0; a < n; a++) {
      forces[3 * a] = r[8 * a];
      forces[3 * a + 1] = r[8 * a + 1];
      forces[3 * a + 2] = r[8 * a + 2];
      energy += r[8 * a + 3];
      count += r[8 * a + 4];
    }
    return { energy, forces, pairs: Math.round(count / 2) };
  }

  return {
    kind: 'webgpu',
    device,
    lost,
    skin: cache.skin,
    stats: () => cache.stats(),
    dispose() {
      release();
      cache.clear();
    },
    energyForces: evaluate,
    async energiesForShifts(sys, group, shifts, p) {
      const e = new Float64Array(shifts.length / 3);
      for (let k = 0; k < e.length; k++) e[k] = (await evaluate(shifted(sys, group, shifts[3 * k], shifts[3 * k + 1], shifts[3 * k + 2]), p)).energy;
      return e;
    },
  };
}
