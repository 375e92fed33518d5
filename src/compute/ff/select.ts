/**
 * Choosing a force-field backend, and falling back when WebGPU goes away. 'auto' prefers a hardware WebGPU
 * adapter, then wasm, then a software (fallback) WebGPU adapter, then the TypeScript reference: a software
 * adapter such as SwiftShader runs the kernel ~20× slower than wasm (34 s vs 1.5 s per z step at 5,304 atoms).
 * An explicit 'webgpu' runs on whatever adapter there is. Every fallback leaves a notice, and `kind` always
 * says which backend ran last.
 */
import type { HeterolabWasm } from '../geometry/wasm';
import { energyForces } from './cpu';
import { cpuBackend, type FFBackend } from './ops';
import { wasmBackend } from './wasm-backend';
import { requestAdapter, webgpuBackend, type WebGPUBackend } from './webgpu';

export type BackendChoice = 'auto' | 'webgpu' | 'wasm' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'wasm', 'cpu'];

export interface SelectedBackend extends FFBackend {
  /** What was asked for, and why something else runs (empty when the choice was honoured). */
  readonly choice: BackendChoice;
  readonly notices: string[];
  /** The GPU adapter, when WebGPU runs. */
  readonly adapter?: string;
  /** When WebGPU was selected: its device (and loss) and the backend that takes over, for other kernels on it. */
  readonly gpu?: GPUSelection;
}

export interface GPUSelection {
  device: GPUDevice;
  /** Resolves with the loss message (lostMessage in webgpu.ts). */
  lost: Promise<string>;
  /** What runs after a loss: wasm, or the TypeScript reference without it. */
  fallback: FFBackend;
}

/**
 * A backend that forwards to a WebGPU backend (exact, tabulated or neighbour list) until its device is lost or
 * a call fails, then to `fallback` for good, with a notice. Calls that fail mid-way on the GPU are re-run on the fallback, so no caller sees the loss.
 */
export function withFallback(gpu: FFBackend & Pick<WebGPUBackend, 'lost'>, fallback: FFBackend, notices: string[]): FFBackend {
  let current: FFBackend = gpu;
  const drop = (why: string) => {
    if (current === gpu) {
      // Backends on one device share the notices of its loss: said once.
      const notice = `${why}; continuing on ${fallback.kind}`;
      if (!notices.includes(notice)) notices.push(notice);
      current = fallback;
    }
  };
  void gpu.lost.then((reason) => drop(reason));
  const guard = async <T>(call: (b: FFBackend) => Promise<T>): Promise<T> => {
    if (current !== gpu) return call(current);
    try {
      return await call(gpu);
    } catch (e) {
      drop(`WebGPU failed (${(e as Error).message})`);
      return call(current);
    }
  };
  return {
    get kind() {
      return current.kind;
    },
    get tabulated() {
      return current.tabulated;
    },
    energyForces: (s, p) => guard((b) => b.energyForces(s, p)),
    energiesForShifts: (s, g, sh, p) => guard((b) => b.energiesForShifts(s, g, sh, p)),
  };
}

/** The backend for a choice. `gpu` is navigator.gpu (or the Node package's GPU); `geometry` the loaded wasm. */
export async function selectBackend(choice: BackendChoice, env: { gpu?: GPU; geometry?: HeterolabWasm | null }): Promise<SelectedBackend> {
  const notices: string[] = [];
  const cpu = cpuBackend(energyForces);
  const cpuSide: FFBackend = env.geometry ? wasmBackend(env.geometry) : cpu;
  if (!env.geometry && (choice === 'wasm' || choice === 'auto')) notices.push('the wasm module is not loaded; using the TypeScript reference (slow)');
  const wrap = (b: FFBackend, adapter?: string, gpu?: GPUSelection): SelectedBackend =>
    Object.defineProperties({ choice, notices, adapter, gpu } as SelectedBackend, {
      kind: { get: () => b.kind, enumerable: true },
      energyForces: { value: b.energyForces.bind(b) },
      energiesForShifts: { value: b.energiesForShifts.bind(b) },
    });
  if (choice === 'cpu') return wrap(cpu);
  if (choice === 'wasm') return wrap(cpuSide);
  try {
    const a = await requestAdapter(env.gpu);
    if (choice === 'auto' && a.software && env.geometry) {
      notices.push(`the WebGPU adapter (${a.label}) renders in software, slower than wasm; using wasm (choose webgpu to run it anyway)`);
      return wrap(cpuSide);
    }
    const device = await a.adapter.requestDevice();
    const gb = await webgpuBackend(device);
    return wrap(withFallback(gb, cpuSide, notices), a.label, { device, lost: gb.lost, fallback: cpuSide });
  } catch (e) {
    notices.push(`WebGPU unavailable (${(e as Error).message}); using ${cpuSide.kind}`);
    return wrap(cpuSide);
  }
}
