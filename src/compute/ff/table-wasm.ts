/**
 * The tabulated rigid-layer force field in wasm (wasm/src/ff_table.rs, ffi_ff.rs): the same tables as
 * table.ts (planned here: lattice, species, grid, work limit), built and looked up in Rust. Tables stay in wasm
 * memory until `dispose()` (or until the backend is garbage-collected, where FinalizationRegistry exists).
 */
import type { EnergyForces, FFSystem } from './cpu';
import type { HeterolabWasm } from '../geometry/wasm';
import type { FFParams } from './model';
import type { FFBackend } from './ops';
import { planLayerTable, type LayerPlan, type TableOptions } from './table';
import { checkParams, displacements, movedLayers, rigidFrame, speciesMap, type RigidFrame } from './tabulated';

/** The exports of ffi_ff.rs (declared here; geometry/wasm.ts does not know them). */
interface TableExports {
  memory: WebAssembly.Memory;
  hl_fft_result_ptr(): number;
  hl_fft_result_len(): number;
  hl_fft_table_build(params: number, nparams: number, xyz: number, nb: number, pp: number, ns: number): number;
  hl_fft_table_free(h: number): void;
  hl_fft_table_data(h: number): number;
  hl_fft_lookup(h: number, s: number, x: number, y: number, z: number): number;
  hl_fft_set_create(n: number, ref: number, layer: number, nlayers: number, tables: number, spec: number): number;
  hl_fft_set_free(h: number): void;
  hl_fft_set_energies(h: number, group: number, d: number, moved: number, shifts: number, nshift: number): number;
  hl_fft_set_energy_forces(h: number, group: number, d: number): number;
}

/** Statuses of ffi_ff.rs (ERR_*). */
const ERRORS: Record<number, string> = { [-1]: 'null pointer', [-5]: 'bad parameter', [-9]: 'unknown handle' };

export function tableExports(g: HeterolabWasm): TableExports {
  const x = g.exports as unknown as TableExports;
  if (typeof x.hl_fft_table_build !== 'function') throw new Error('heterolab.wasm has no tabulated force field: rebuild with npm run build:wasm');
  return x;
}

function status(code: number, what: string): number {
  if (code < 0) throw new Error(`tabulated force field (wasm), ${what}: ${ERRORS[code] ?? `status ${code}`}`);
  return code;
}

function result(x: TableExports): Float64Array {
  return new Float64Array(x.memory.buffer, x.hl_fft_result_ptr(), x.hl_fft_result_len()).slice();
}

/** Builds one planned table in wasm; returns its handle. */
export function buildWasmTable(g: HeterolabWasm, plan: LayerPlan): number {
  const x = tableExports(g);
  const L = plan.exact;
  const params = [L.p1[0], L.p1[1], L.p2[0], L.p2[1], plan.top, plan.h0, plan.dz, L.cutoff, plan.nu, plan.nv, plan.nz, L.m1, L.m2];
  return status(g.withArrays([params, L.xyz, L.pp], ([p, xyz, pp]) => x.hl_fft_table_build(p, params.length, xyz, L.nb, pp, plan.species.length)), 'build');
}

/** A table's coefficients as wasm built them (for conformance with the TypeScript build). */
export function wasmTableData(g: HeterolabWasm, h: number): Float64Array {
  const x = tableExports(g);
  status(x.hl_fft_table_data(h), 'table data');
  return result(x);
}

/** One wasm lookup: (V, ∂V/∂x, ∂V/∂y, ∂V/∂z), eV and eV/Å. */
export function wasmLookup(g: HeterolabWasm, h: number, s: number, xx: number, y: number, z: number): Float64Array {
  const x = tableExports(g);
  status(x.hl_fft_lookup(h, s, xx, y, z), 'lookup');
  return result(x);
}

export interface WasmTabulatedBackend extends FFBackend {
  /** Table build time (ms), planning included. */
  readonly buildMs: number;
  readonly plans: LayerPlan[];
  /** Frees the tables in wasm memory; later calls throw. */
  dispose(): void;
}

const finalizer = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<() => void>((free) => free()) : null;

/** Builds the tables of every layer of `sys` with layers above it in wasm, and a backend over them. */
export function wasmTabulatedBackend(g: HeterolabWasm, sys: FFSystem, p: FFParams, o: TableOptions = {}): WasmTabulatedBackend {
  const t0 = Date.now();
  const x = tableExports(g);
  const F: RigidFrame = rigidFrame(sys, p);
  const nl = F.first.length, n = sys.numbers.length;
  const plans: LayerPlan[] = [];
  const handles = new Float64Array(nl).fill(-1);
  const spec = new Float64Array(nl * n).fill(-1);
  for (let l = 0; l < nl - 1; l++) {
    if (F.first[l] < 0) continue;
    const plan = planLayerTable(sys, l, p, o);
    plans.push(plan);
    handles[l] = buildWasmTable(g, plan);
    const idx = speciesMap(plan.species);
    for (let i = 0; i < n; i++) spec[l * n + i] = idx[sys.numbers[i]];
  }
  const set = status(g.withArrays([F.ref, F.layer, handles, spec], ([r, ly, h, s]) => x.hl_fft_set_create(n, r, ly, nl, h, s)), 'rigid set');
  let live = true;
  const free = () => {
    if (!live) return;
    live = false;
    x.hl_fft_set_free(set);
    for (const h of handles) if (h >= 0) x.hl_fft_table_free(h);
  };
  const alive = () => {
    if (!live) throw new Error('tabulated force field (wasm): the tables were disposed');
  };
  const backend: WasmTabulatedBackend = {
    kind: 'wasm',
    tabulated: true,
    buildMs: Date.now() - t0,
    plans,
    dispose: free,
    async energyForces(s: FFSystem, q: FFParams): Promise<EnergyForces> {
      alive();
      checkParams(F, q);
      const d = displacements(F, s);
      status(g.withArrays([s.role, d], ([gr, dd]) => x.hl_fft_set_energy_forces(set, gr, dd)), 'energy and forces');
      const r = result(x);
      return { energy: r[0], forces: r.slice(1, 1 + 3 * n), pairs: 0 };
    },
    async energiesForShifts(s, group, shifts, q) {
      alive();
      checkParams(F, q);
      const d = displacements(F, s);
      const moved = Uint8Array.from(movedLayers(F, s, group), (m) => (m ? 1 : 0));
      status(g.withArrays([s.role, d, moved, shifts], ([gr, dd, m, sh]) => x.hl_fft_set_energies(set, gr, dd, m, sh, shifts.length / 3)), 'energies');
      return result(x);
    },
  };
  finalizer?.register(backend, free);
  return backend;
}

/**
 * The backend for rigid-layer operations (z-scan, registry scan, pre-relaxation) of `sys`: the wasm tables
 * when every layer below another has a small primitive cell, else `exact` with a notice saying why. The caller
 * disposes the tables (`dispose`, a no-op for the exact fallback) when the interface changes other than by
 * rigid moves of its layers (new twist, strain, match, atoms).
 */
export function rigidLayersBackend(g: HeterolabWasm, sys: FFSystem, p: FFParams, exact: FFBackend, o: TableOptions = {}): { backend: FFBackend; dispose(): void; notice?: string } {
  try {
    const b = wasmTabulatedBackend(g, sys, p, o);
    return { backend: b, dispose: () => b.dispose() };
  } catch (e) {
    return { backend: exact, dispose: () => undefined, notice: `tabulated layers unavailable (${(e as Error).message}); using the exact pair sum on ${exact.kind}` };
  }
}
