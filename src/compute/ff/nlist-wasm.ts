/**
 * The general (flexible-atom) force field with a Verlet neighbour list in wasm (wasm/src/ff_nlist.rs): pairs
 * within cutoff + skin listed once and reused until some atom has moved more than half the skin, as LAMMPS
 * does. Same pair terms, cutoff and answers as the exact kernels (cpu.ts defines them); the list is a cache.
 * One list per system (cell, atoms and groups); a call with another system or parameters makes a new list.
 */
import type { EnergyForces, FFSystem } from './cpu';
import type { HeterolabWasm } from '../geometry/wasm';
import { pairTable, type FFParams } from './model';
import { shifted, type FFBackend } from './ops';

/** Default skin (Å): a rigid or MD step moves atoms ≪ 0.5 Å, so rebuilds are rare; a thicker skin lists more pairs. */
export const NEIGHBOUR_SKIN = 1.0;

interface ListExports {
  hl_ffn_create(cell: number, group: number, species: number, n: number, pp: number, nspec: number, cutoff: number, skin: number): number;
  hl_ffn_free(h: number): void;
  hl_ffn_energy_forces(h: number, pos: number, n: number, forces: number): number;
  hl_ffn_pairs(h: number, pos: number, n: number): number;
  hl_fft_result_ptr(): number;
  hl_fft_result_len(): number;
  memory: WebAssembly.Memory;
}

export interface NeighbourListStats {
  /** List builds so far (the first included). */
  builds: number;
  /** Pairs listed at the last build (within cutoff + skin). */
  listed: number;
}

export interface WasmNeighbourBackend extends FFBackend {
  readonly skin: number;
  /** Counters of the current list (zeros before the first call). */
  stats(): NeighbourListStats;
  /** Frees the list in wasm memory (a later call makes a new one). */
  dispose(): void;
}

/** Element-wise equality of two numeric arrays (a list is reused only for the same cell, species and roles). */
export const same = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** A new list in wasm for the system (a handle; free it with hl_ffn_free). */
function createList(g: HeterolabWasm, sys: FFSystem, p: FFParams, skin: number): number {
  const x = g.exports as unknown as ListExports;
  if (typeof x.hl_ffn_create !== 'function') throw new Error('heterolab.wasm has no neighbour list: rebuild with npm run build:wasm');
  const t = pairTable(sys.numbers, p.model);
  const species = Uint8Array.from(sys.numbers, (z) => t.index[z]);
  const h = g.withArrays([sys.cell, sys.role, species, t.p], ([c, r, s, pp]) => x.hl_ffn_create(c, r, s, sys.numbers.length, pp, t.n, p.cutoff, skin));
  g.check('neighbour list', h);
  return h;
}

/**
 * The pairs the wasm list holds for sys (built at its positions): 4 numbers per pair (i, j, ka, kb), atom i of the
 * higher group and the image of atom j at r_j + ka·a + kb·b (nlist.ts turns them into a PairList).
 */
export function wasmListPairs(g: HeterolabWasm, sys: FFSystem, p: FFParams, skin: number): Float64Array {
  const x = g.exports as unknown as ListExports;
  if (typeof x.hl_ffn_pairs !== 'function') throw new Error('heterolab.wasm cannot export its neighbour list: rebuild with npm run build:wasm');
  const h = createList(g, sys, p, skin);
  try {
    const m = g.check('neighbour list', g.withArrays([sys.positions], ([pos]) => g.call('hl_ffn_pairs', (e) => (e as unknown as ListExports).hl_ffn_pairs(h, pos, sys.numbers.length))));
    return new Float64Array(x.memory.buffer, x.hl_fft_result_ptr(), 4 * m).slice();
  } finally {
    x.hl_ffn_free(h);
  }
}

export function wasmNeighbourBackend(g: HeterolabWasm, o: { skin?: number } = {}): WasmNeighbourBackend {
  const skin = o.skin ?? NEIGHBOUR_SKIN;
  const x = g.exports as unknown as ListExports;
  if (typeof x.hl_ffn_create !== 'function') throw new Error('heterolab.wasm has no neighbour list: rebuild with npm run build:wasm');
  const L = g.layout;
  let cur: { h: number; cell: Float64Array; numbers: Uint8Array; role: Uint8Array; p: FFParams } | null = null;
  let stats: NeighbourListStats = { builds: 0, listed: 0 };
  const dispose = () => {
    if (cur) x.hl_ffn_free(cur.h);
    cur = null;
    stats = { builds: 0, listed: 0 };
  };
  const listFor = (sys: FFSystem, p: FFParams): number => {
    if (cur && cur.p.model === p.model && cur.p.cutoff === p.cutoff && same(cur.cell, sys.cell) && same(cur.numbers, sys.numbers) && same(cur.role, sys.role)) return cur.h;
    dispose();
    const h = createList(g, sys, p, skin);
    cur = { h, cell: sys.cell.slice(), numbers: sys.numbers.slice(), role: sys.role.slice(), p: { ...p } };
    return h;
  };
  const evaluate = (sys: FFSystem, p: FFParams, forces: boolean): EnergyForces => {
    const h = listFor(sys, p);
    const n = sys.numbers.length;
    g.check('neighbour list', g.withArrays([sys.positions], ([pos]) => g.call('hl_ffn_energy_forces', (e) => (e as unknown as ListExports).hl_ffn_energy_forces(h, pos, n, forces ? 1 : 0))));
    const head = L.size('ffn_head');
    const r = new Float64Array(x.memory.buffer, x.hl_fft_result_ptr(), x.hl_fft_result_len());
    stats = { builds: r[L.off('ffn_head', 'builds')], listed: r[L.off('ffn_head', 'listed')] };
    return { energy: r[L.off('ffn_head', 'energy')], pairs: r[L.off('ffn_head', 'pairs')], forces: forces ? r.slice(head, head + 3 * n) : new Float64Array(0) };
  };
  return {
    kind: 'wasm',
    skin,
    stats: () => ({ ...stats }),
    dispose,
    async energyForces(sys, p) {
      return evaluate(sys, p, true);
    },
    async energiesForShifts(sys, group, shifts, p) {
      const out = new Float64Array(shifts.length / 3);
      for (let k = 0; k < out.length; k++) out[k] = evaluate(shifted(sys, group, shifts[3 * k], shifts[3 * k + 1], shifts[3 * k + 2]), p, false).energy;
      return out;
    },
  };
}
