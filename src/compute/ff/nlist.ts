/**
 * The Verlet neighbour list in TypeScript, written to be read: the reference for what a list holds and when it
 * is rebuilt, and an f64 evaluation over it. A list holds every pair of atoms in different groups within
 * cutoff + skin at the build, each with the in-plane image of its partner; it is reused until some atom has moved
 * more than half the skin since the build (then no pair can have come within the cutoff unlisted), as
 * wasm/src/ff_nlist.rs and LAMMPS do. The answers are the exact sum's (cpu.ts); the list is a cache.
 * The WebGPU list kernel (nlist-webgpu.ts) evaluates these lists, built here (O(N² · images), no cell list: the
 * reference) or by wasm's cell-list builder (wasmPairList, the same pairs).
 */
import { addPair, imageRanges, shiftedPair, type EnergyForces, type FFSystem, type ShiftedPair } from './cpu';
import { pairTable, type FFParams } from './model';
import { shifted, type FFBackend } from './ops';
import { NEIGHBOUR_SKIN, same, wasmListPairs, type NeighbourListStats } from './nlist-wasm';
import type { HeterolabWasm } from '../geometry/wasm';

export interface PairList {
  /** Pair k: atom i[k] (the higher group) and the image of atom j[k] shifted by ia[k]·a + ib[k]·b. */
  i: Uint32Array;
  j: Uint32Array;
  ia: Int32Array;
  ib: Int32Array;
  /** Each atom's wrap into the cell at the build: position − wrap_a·a − wrap_b·b lies in the cell (2 per atom). */
  wrap: Int32Array;
  /** Positions at the build (Å), images relative to them. */
  reference: Float64Array;
  cutoff: number;
  skin: number;
}

/** Each atom's wrap into the cell (PairList.wrap) and the wrapped positions (Å). */
function wrapped(sys: FFSystem): { wrap: Int32Array; w: Float64Array } {
  const n = sys.numbers.length, c = sys.cell, pos = sys.positions;
  const det = c[0] * c[4] - c[1] * c[3];
  const wrap = new Int32Array(2 * n), w = new Float64Array(3 * n);
  for (let a = 0; a < n; a++) {
    const x = pos[3 * a], y = pos[3 * a + 1];
    const u = Math.floor((x * c[4] - y * c[3]) / det), v = Math.floor((c[0] * y - c[1] * x) / det);
    wrap.set([u, v], 2 * a);
    w.set([x - u * c[0] - v * c[3], y - u * c[1] - v * c[4], pos[3 * a + 2]], 3 * a);
  }
  return { wrap, w };
}

/** Builds the list of a system: the reference below, or wasm's cell-list builder (wasmPairList). */
export type ListBuilder = (sys: FFSystem, p: FFParams, skin: number) => PairList;

/** Every pair of different groups within cutoff + skin (Å) at sys.positions. */
export function buildPairList(sys: FFSystem, cutoff: number, skin: number): PairList {
  const n = sys.numbers.length, c = sys.cell, pos = sys.positions;
  // Wrapped coordinates keep the image ranges small whatever the unwrapped positions are.
  const { wrap, w } = wrapped(sys);
  const reach = cutoff + skin, reach2 = reach * reach;
  const [na, nb] = imageRanges(c, reach, Math.hypot(c[0], c[1]) + Math.hypot(c[3], c[4])) // wrapped atoms are at most |a| + |b| apart;
  const I: number[] = [], J: number[] = [], IA: number[] = [], IB: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (sys.role[i] <= sys.role[j]) continue;
      for (let ka = -na; ka <= na; ka++)
        for (let kb = -nb; kb <= nb; kb++) {
          const dx = w[3 * j] + ka * c[0] + kb * c[3] - w[3 * i];
          const dy = w[3 * j + 1] + ka * c[1] + kb * c[4] - w[3 * i + 1];
          const dz = w[3 * j + 2] - w[3 * i + 2];
          if (dx * dx + dy * dy + dz * dz >= reach2) continue;
          // Back to images of the unwrapped positions: w_j + k·a − w_i = r_j + (k − wrap_j + wrap_i)·a − r_i.
          I.push(i), J.push(j), IA.push(ka - wrap[2 * j] + wrap[2 * i]), IB.push(kb - wrap[2 * j + 1] + wrap[2 * i + 1]);
        }
    }
  return { i: Uint32Array.from(I), j: Uint32Array.from(J), ia: Int32Array.from(IA), ib: Int32Array.from(IB), wrap, reference: pos.slice(), cutoff, skin };
}

/**
 * The list built by wasm (ff_nlist.rs, cell lists: O(N) where the reference is O(N²)), same pairs (the
 * conformance suite checks it), read through its exported API.
 */
export function wasmPairList(g: HeterolabWasm): ListBuilder {
  return (sys, p, skin) => {
    const q = wasmListPairs(g, sys, p, skin), m = q.length / 4;
    const [i, j, ia, ib] = [new Uint32Array(m), new Uint32Array(m), new Int32Array(m), new Int32Array(m)];
    for (let k = 0; k < m; k++) (i[k] = q[4 * k]), (j[k] = q[4 * k + 1]), (ia[k] = q[4 * k + 2]), (ib[k] = q[4 * k + 3]);
    return { i, j, ia, ib, wrap: wrapped(sys).wrap, reference: sys.positions.slice(), cutoff: p.cutoff, skin };
  };
}

/** True when some atom has moved more than half the skin from where the list was built. */
export function isStale(list: PairList, positions: Float64Array): boolean {
  if (positions.length !== list.reference.length) return true;
  const h2 = 0.25 * list.skin * list.skin;
  for (let a = 0; a < positions.length; a += 3) {
    const dx = positions[a] - list.reference[a], dy = positions[a + 1] - list.reference[a + 1], dz = positions[a + 2] - list.reference[a + 2];
    if (dx * dx + dy * dy + dz * dz > h2) return true;
  }
  return false;
}

/**
 * One list per system (cell, atoms, groups, model, cutoff), rebuilt when stale; `onBuild` sees each new list
 * (the WebGPU backend uploads it there).
 */
export class PairListCache {
  private cur: { list: PairList; cell: Float64Array; numbers: Uint8Array; role: Uint8Array; p: FFParams } | null = null;
  private counts: NeighbourListStats = { builds: 0, listed: 0 };
  constructor(
    readonly skin: number = NEIGHBOUR_SKIN,
    private build: ListBuilder = (sys, p, skin) => buildPairList(sys, p.cutoff, skin),
  ) {}

  get(sys: FFSystem, p: FFParams, onBuild?: (l: PairList) => void): PairList {
    const c = this.cur;
    const sameSystem = c && c.p.model === p.model && c.p.cutoff === p.cutoff && same(c.cell, sys.cell) && same(c.numbers, sys.numbers) && same(c.role, sys.role);
    if (sameSystem && !isStale(c.list, sys.positions)) return c.list;
    if (!sameSystem) this.counts = { builds: 0, listed: 0 };
    const list = this.build(sys, p, this.skin);
    this.cur = { list, cell: sys.cell.slice(), numbers: sys.numbers.slice(), role: sys.role.slice(), p: { ...p } };
    this.counts = { builds: this.counts.builds + 1, listed: list.i.length };
    onBuild?.(list);
    return list;
  }

  stats(): NeighbourListStats {
    return { ...this.counts };
  }

  clear(): void {
    this.cur = null;
    this.counts = { builds: 0, listed: 0 };
  }
}

/** Energy, forces and pairs within the cutoff of `sys` over a list built for it (f64, the exact sum's terms). */
export function pairListEnergyForces(sys: FFSystem, list: PairList, p: FFParams): EnergyForces {
  const t = pairTable(sys.numbers, p.model);
  const c = sys.cell, pos = sys.positions;
  const forces = new Float64Array(pos.length);
  const terms = new Map<number, ShiftedPair>();
  let energy = 0, pairs = 0;
  for (let k = 0; k < list.i.length; k++) {
    const i = list.i[k], j = list.j[k];
    const s = t.index[sys.numbers[i]] * t.n + t.index[sys.numbers[j]];
    let q = terms.get(s);
    if (!q) terms.set(s, (q = shiftedPair(t, s, p.cutoff)));
    const dx = pos[3 * j] + list.ia[k] * c[0] + list.ib[k] * c[3] - pos[3 * i];
    const dy = pos[3 * j + 1] + list.ia[k] * c[1] + list.ib[k] * c[4] - pos[3 * i + 1];
    const e = addPair(q, i, j, dx, dy, pos[3 * j + 2] - pos[3 * i + 2], forces);
    if (e === null) continue;
    energy += e;
    pairs++;
  }
  return { energy, forces, pairs };
}

export interface NeighbourBackend extends FFBackend {
  readonly skin: number;
  /** Counters of the current list (zeros before the first call). */
  stats(): NeighbourListStats;
  dispose(): void;
}

/** The reference neighbour-list backend (TypeScript, f64); energiesForShifts evaluates each shifted system. */
export function cpuNeighbourBackend(o: { skin?: number } = {}): NeighbourBackend {
  const cache = new PairListCache(o.skin);
  return {
    kind: 'cpu',
    skin: cache.skin,
    stats: () => cache.stats(),
    dispose: () => cache.clear(),
    async energyForces(sys, p) {
      return pairListEnergyForces(sys, cache.get(sys, p), p);
    },
    async energiesForShifts(sys, group, shifts, p) {
      const out = new Float64Array(shifts.length / 3);
      for (let k = 0; k < out.length; k++) {
        const s = shifted(sys, group, shifts[3 * k], shifts[3 * k + 1], shifts[3 * k + 2]);
        out[k] = pairListEnergyForces(s, cache.get(s, p), p).energy;
      }
      return out;
    },
  };
}
