/**
 * Coincidence searches shared between the pairs of a screen. The search reads nothing but the film's and the
 * slab's in-plane lattice vectors and the limits, so pairs with bit-identical inputs get the same matches: both
 * faces of a Janus layer (screen.ts searches both on the face-down layer) and films or substrates whose lattice
 * vectors are exactly equal. The key is exact, so a hit returns what a fresh search would. Bounded (LRU).
 */
import { inPlaneBasis, type Basis2, type MatchParams, type SearchOutcome } from '../geometry/geometry';
import type { HeterolabWasm } from '../geometry/wasm';
import { search } from '../interface/pipeline';
import type { Prepared } from '../interface/pipeline';

const basisKey = (b: Basis2) => b.flat().join(',');

export function searchKey(p: Prepared, params: MatchParams): string {
  return `${basisKey(inPlaneBasis(p.film.structure))}|${basisKey(inPlaneBasis(p.slab.structure))}|${JSON.stringify(params)}`;
}

export class SearchCache {
  private map = new Map<string, Promise<SearchOutcome>>();
  hits = 0;
  misses = 0;

  /**
   * Entries kept (a few kB each). The CLI and the pool run a pair's two faces one after the other, so a short
   * memory catches them; more would only help films whose lattices are exactly another's.
   */
  constructor(private max = 256) {}

  /** The matches of the prepared pair under `params`, searched once per distinct pair of lattices. */
  search(g: HeterolabWasm, p: Prepared, params: MatchParams): Promise<SearchOutcome> {
    const k = searchKey(p, params);
    const hit = this.map.get(k);
    if (hit) {
      this.hits++;
      this.map.delete(k); // most recently used goes last
      this.map.set(k, hit);
      return hit;
    }
    this.misses++;
    const r = search(g, p, params, { kind: 'all' });
    r.catch(() => this.map.delete(k));
    this.map.set(k, r);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    return r;
  }
}
