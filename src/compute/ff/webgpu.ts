/// <reference types="@webgpu/types" />
/**
 * The force field on WebGPU (WGSL, f32), behind the same FFBackend interface as the CPU and wasm paths.
 * Where it wins is batching: a whole registry grid or z-scan is one dispatch (one thread per atom and
 * configuration). Pipelines are built once per device; buffers are pooled by size. f32 limits agreement with
 * the f64 reference to about 1e-4 relative, which the conformance suite checks.
 */
import type { EnergyForces, FFSystem } from './cpu';
import { pairEnergy, pairTable, type FFParams, type PairTable } from './model';
import type { FFBackend } from './ops';
import { FF_WGSL, MAX_SPECIES, TILE } from './ff-wgsl';

interface Pipelines {
  energies: GPUComputePipeline;
  energyForces: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

const pipelines = new WeakMap<GPUDevice, Promise<Pipelines>>();

/** Pipelines for a device, built once; rejects with the compiler's message when the shader does not compile. */
function pipelinesFor(device: GPUDevice): Promise<Pipelines> {
  let p = pipelines.get(device);
  if (!p) {
    p = buildPipelines(device);
    pipelines.set(device, p);
  }
  return p;
}

async function buildPipelines(device: GPUDevice): Promise<Pipelines> {
  const module = device.createShaderModule({ code: FF_WGSL, label: 'heterolab force field' });
  const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
  if (errors.length) throw new WebGPUUnavailable(`force-field shader: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
  const storage = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
  const layout = device.createBindGroupLayout({
    entries: [storage(0, 'uniform'), storage(1, 'read-only-storage'), storage(2, 'read-only-storage'), storage(3, 'read-only-storage'), storage(4, 'read-only-storage'), storage(5, 'storage')],
  });
  const pl = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  return {
    layout,
    energies: await device.createComputePipelineAsync({ layout: pl, compute: { module, entryPoint: 'energies' } }),
    energyForces: await device.createComputePipelineAsync({ layout: pl, compute: { module, entryPoint: 'energyForces' } }),
  };
}

/** Buffers reused across calls, keyed by usage and a power-of-two size class. */
export class BufferPool {
  private free = new Map<string, GPUBuffer[]>();
  constructor(private device: GPUDevice) {}
  take(size: number, usage: number): GPUBuffer {
    const cls = Math.max(256, 2 ** Math.ceil(Math.log2(size)));
    const key = `${usage}:${cls}`;
    return this.free.get(key)?.pop() ?? this.device.createBuffer({ size: cls, usage });
  }
  give(b: GPUBuffer, usage: number): void {
    const key = `${usage}:${b.size}`;
    const list = this.free.get(key) ?? [];
    list.push(b);
    this.free.set(key, list);
  }
  destroy(): void {
    for (const l of this.free.values()) for (const b of l) b.destroy();
    this.free.clear();
  }
}

export const STORAGE = 0x80 | 0x8; // STORAGE | COPY_DST (numeric so this module loads where GPUBufferUsage is absent)
export const UNIFORM = 0x40 | 0x8;
export const OUT = 0x80 | 0x4; // STORAGE | COPY_SRC
export const READ = 0x1 | 0x8; // MAP_READ | COPY_DST

/** The pair table of a system, refused beyond MAX_SPECIES species (the kernels keep it in workgroup memory). */
export function gpuPairTable(sys: FFSystem, p: FFParams): PairTable {
  const t = pairTable(sys.numbers, p.model);
  if (t.n > MAX_SPECIES) throw new WebGPUUnavailable(`the WebGPU kernel takes at most ${MAX_SPECIES} species, this system has ${t.n}`);
  return t;
}

/** Pair parameters as PAIR_TERM_WGSL reads them: (A, C, R0, d), (E(rc), E'(rc), 0, 0) per species pair. */
export function packPairs(t: PairTable, cutoff: number): Float32Array {
  const pp = new Float32Array(8 * t.n * t.n);
  for (let k = 0; k < t.n * t.n; k++) {
    const [a, cc, r0, d] = [t.p[4 * k], t.p[4 * k + 1], t.p[4 * k + 2], t.p[4 * k + 3]];
    const [ec, fc] = pairEnergy(a, cc, r0, d, cutoff);
    pp.set([a, cc, r0, d, ec, fc, 0, 0], 8 * k);
  }
  return pp;
}

/** The message a backend on `device` gives when the device is lost (select.ts shows it as the fallback notice). */
export function lostMessage(device: GPUDevice): Promise<string> {
  return device.lost.then((info) => `WebGPU device lost (${info.reason ?? 'unknown'}): ${info.message}`);
}

/** Host-side preparation shared by both kernels: positions wrapped in-plane, packed tables, image ranges. */
function pack(sys: FFSystem, p: FFParams, shiftSpan: [number, number]) {
  const n = sys.numbers.length;
  const t = gpuPairTable(sys, p);
  const c = sys.cell;
  const det = c[0] * c[4] - c[1] * c[3];
  const ha = Math.abs(det) / Math.hypot(c[3], c[4]);
  const hb = Math.abs(det) / Math.hypot(c[0], c[1]);
  const pos = new Float32Array(4 * n);
  const meta = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const x = sys.positions[3 * i], y = sys.positions[3 * i + 1];
    const fu = Math.floor((x * c[4] - y * c[3]) / det), fv = Math.floor((c[0] * y - c[1] * x) / det);
    // Wrapping in f64 before the f32 conversion keeps coordinates small, so f32 differences stay exact enough.
    pos[4 * i] = x - fu * c[0] - fv * c[3];
    pos[4 * i + 1] = y - fu * c[1] - fv * c[4];
    pos[4 * i + 2] = sys.positions[3 * i + 2];
    meta[i] = sys.role[i] | (t.index[sys.numbers[i]] << 8);
  }
  const pp = packPairs(t, p.cutoff);
  // Wrapped fractional differences lie in (−1, 1); shifts of the moved group add their own span.
  const na = Math.ceil(p.cutoff / ha) + 1 + Math.ceil(shiftSpan[0]);
  const nb = Math.ceil(p.cutoff / hb) + 1 + Math.ceil(shiftSpan[1]);
  const params = new ArrayBuffer(48);
  const u = new Uint32Array(params), iv = new Int32Array(params), f = new Float32Array(params);
  u[0] = n;
  u[3] = t.n;
  iv[4] = na;
  iv[5] = nb;
  f[6] = p.cutoff;
  f.set([c[0], c[1], c[3], c[4]], 8);
  return { n, pos, meta, pp, params, u };
}

export class WebGPUUnavailable extends Error {}

export interface WebGPUBackend extends FFBackend {
  readonly device: GPUDevice;
  /** Resolves with a message when the device is lost; callers fall back to a CPU backend. */
  readonly lost: Promise<string>;
  destroy(): void;
}

/** What an adapter says about itself: a label for notices, and whether it renders in software. */
export interface AdapterDescription {
  label: string;
  /** A fallback adapter (the adapter says so) or a CPU rasteriser (SwiftShader, llvmpipe, WARP). */
  software: boolean;
}

/** Renderer names of software adapters, as they appear in vendor/architecture/description/device text. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

export function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const a = adapter as GPUAdapter & { info?: GPUAdapterInfo & { isFallbackAdapter?: boolean }; isFallbackAdapter?: boolean };
  const info = a.info;
  const text = [info?.vendor, info?.architecture, info?.description, info?.device].filter(Boolean) as string[];
  const label = text.slice(0, 3).join(' ') || 'unknown adapter';
  // isFallbackAdapter moved from GPUAdapter to GPUAdapterInfo; either place counts.
  const fallback = info?.isFallbackAdapter === true || a.isFallbackAdapter === true;
  return { label, software: fallback || text.some((t) => SOFTWARE_ADAPTER.test(t)) };
}

/** Request an adapter from a GPU object (navigator.gpu in browsers, the `webgpu` package in Node). */
export async function requestAdapter(gpu: GPU | undefined): Promise<{ adapter: GPUAdapter } & AdapterDescription> {
  if (!gpu) throw new WebGPUUnavailable('this environment has no WebGPU (navigator.gpu is missing)');
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new WebGPUUnavailable('WebGPU is present but no adapter is available');
  return { adapter, ...describeAdapter(adapter) };
}

/** Request an adapter and device; `adapter` is the adapter's label, `software` whether it renders on the CPU. */
export async function requestDevice(gpu: GPU | undefined): Promise<{ device: GPUDevice; adapter: string; software: boolean }> {
  const a = await requestAdapter(gpu);
  return { device: await a.adapter.requestDevice(), adapter: a.label, software: a.software };
}

/** The WebGPU backend on a device; resolves once the pipelines are compiled. */
export async function webgpuBackend(device: GPUDevice): Promise<WebGPUBackend> {
  const pl = await pipelinesFor(device);
  const pool = new BufferPool(device);
  let lostReason: string | null = null;
  const lost = lostMessage(device).then((m) => (lostReason = m));

  async function run(entry: 'energies' | 'energyForces', k: ReturnType<typeof pack>, shifts: Float32Array, nconf: number, outLen: number): Promise<Float32Array> {
    if (lostReason) throw new WebGPUUnavailable(lostReason);
    const upload = (data: ArrayBufferView, usage: number) => {
      const b = pool.take(Math.max(16, data.byteLength), usage);
      device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
      return [b, usage] as const;
    };
    const bufs = [upload(new Uint8Array(k.params), UNIFORM), upload(k.pos, STORAGE), upload(k.meta, STORAGE), upload(k.pp, STORAGE), upload(shifts, STORAGE)];
    const outBytes = 16 * outLen;
    const out = pool.take(outBytes, OUT);
    const read = pool.take(outBytes, READ);
    const bind = device.createBindGroup({
      layout: pl.layout,
      entries: [...bufs.map(([b], i) => ({ binding: i, resource: { buffer: b } })), { binding: 5, resource: { buffer: out } }],
    });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(entry === 'energies' ? pl.energies : pl.energyForces);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.ceil(k.n / TILE), nconf);
    pass.end();
    enc.copyBufferToBuffer(out, 0, read, 0, outBytes);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(1 /* GPUMapMode.READ */, 0, outBytes);
    const result = new Float32Array(read.getMappedRange(0, outBytes).slice(0));
    read.unmap();
    for (const [b, usage] of bufs) pool.give(b, usage);
    pool.give(out, OUT);
    pool.give(read, READ);
    return result;
  }

  return {
    kind: 'webgpu',
    device,
    lost,
    async energyForces(sys: FFSystem, p: FFParams): Promise<EnergyForces> {
      const k = pack(sys, p, [0, 0]);
      k.u[1] = 1;
      k.u[2] = 256; // no group moves
      const r = await run('energyForces', k, new Float32Array(4), 1, k.n);
      const forces = new Float64Array(3 * k.n);
      let energy = 0;
      for (let i = 0; i < k.n; i++) {
        forces[3 * i] = r[4 * i];
        forces[3 * i + 1] = r[4 * i + 1];
        forces[3 * i + 2] = r[4 * i + 2];
        energy += r[4 * i + 3];
      }
      // The pair count comes from the energies kernel (one configuration, no shift): cheap next to forces.
      const e = await run('energies', { ...k }, new Float32Array(4), 1, k.n);
      let pairs = 0;
      for (let i = 0; i < k.n; i++) pairs += e[4 * i + 1];
      return { energy, forces, pairs };
    },
    async energiesForShifts(sys: FFSystem, group: number, shifts: Float64Array, p: FFParams): Promise<Float64Array> {
      const m = shifts.length / 3;
      const c = sys.cell;
      const det = c[0] * c[4] - c[1] * c[3];
      let su = 0, sv = 0;
      const sh = new Float32Array(4 * m);
      for (let q = 0; q < m; q++) {
        const dx = shifts[3 * q], dy = shifts[3 * q + 1];
        su = Math.max(su, Math.abs((dx * c[4] - dy * c[3]) / det));
        sv = Math.max(sv, Math.abs((c[0] * dy - c[1] * dx) / det));
        sh.set([dx, dy, shifts[3 * q + 2], 0], 4 * q);
      }
      const k = pack(sys, p, [su, sv]);
      k.u[2] = group;
      const out = new Float64Array(m);
      // Batches bounded so one dispatch stays well under a second even on a software adapter.
      const perBatch = Math.max(1, Math.min(65535, Math.floor(4e6 / Math.max(1, k.n))));
      for (let q0 = 0; q0 < m; q0 += perBatch) {
        const nq = Math.min(perBatch, m - q0);
        k.u[1] = nq;
        const r = await run('energies', k, sh.subarray(4 * q0, 4 * (q0 + nq)), nq, nq * k.n);
        for (let q = 0; q < nq; q++) {
          let e = 0;
          for (let i = 0; i < k.n; i++) e += r[4 * (q * k.n + i)];
          out[q0 + q] = e;
        }
      }
      return out;
    },
    destroy() {
      pool.destroy();
      device.destroy();
    },
  };
}
