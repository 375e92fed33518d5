import type { Structure } from '../core/structure';
import type { LatticeMatch, MatchParams } from '../compute/geometry/geometry';
import { build, prepare, search, type Placement, type Prepared, type PrepareOptions, type SearchMode } from '../compute/geometry/pipeline';
import type { GeometryWasm } from '../compute/geometry/wasm';
import { readStructureFile } from '../io/registry';
import { conventionalStandardCell } from '../io/space-groups';
import type { ComputeApi, FileInput, InterfaceRequest, MatchesReply, ReadReport, WorkerStatus } from './protocol';

/**
 * The worker's API as a plain object, so Node tests can call exactly what the browser worker exposes.
 * `geometry` resolves to the instantiated wasm (fetched in the browser, read from disk in Node).
 */
export function createComputeApi(geometry: Promise<GeometryWasm>): ComputeApi & { prepared(req: InterfaceRequest): Promise<Prepared> } {
  // The last few prepared film/substrate pairs, keyed by structures and options: moving a slider reuses them.
  const cache = new Map<string, Promise<{ prepared: Prepared; note: string }>>();
  const prepareFor = (req: InterfaceRequest) => {
    const key = `${req.film.id}:${req.film.revision}|${req.substrate.id}:${req.substrate.revision}|${JSON.stringify(req.options)}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = (async () => {
        const g = await geometry;
        const std = req.options.hklCell === 'given' ? null : await conventionalStandardCell(req.substrate);
        const note = std ? `hkl in the conventional standard cell of ${std.symbol} (No. ${std.number})` : 'hkl in the cell as given';
        return { prepared: prepare(g, req.film, std?.structure ?? req.substrate, req.options), note };
      })();
      cache.set(key, hit);
      hit.catch(() => cache.delete(key));
      if (cache.size > 8) cache.delete(cache.keys().next().value!);
    }
    return hit;
  };

  return {
    async status(): Promise<WorkerStatus> {
      try {
        await geometry;
        return { geometry: 'wasm' };
      } catch (e) {
        return { geometry: 'unavailable', geometryError: (e as Error).message };
      }
    },

    async readFiles(files: FileInput[]): Promise<ReadReport[]> {
      const out: ReadReport[] = [];
      for (const f of files) {
        const r = await readStructureFile(f.name, new Uint8Array(f.bytes));
        out.push(r.ok ? { file: f.name, ok: true, structures: r.structures, warnings: r.warnings } : { file: f.name, ok: false, issue: r.issue });
      }
      return out;
    },

    async findInterfaceMatches(req: InterfaceRequest, params: MatchParams, mode: SearchMode): Promise<MatchesReply> {
      const { prepared, note } = await prepareFor(req);
      const r = search(await geometry, prepared, params, mode);
      return { film: prepared.film, slab: prepared.slab, hklNote: note, matches: r.matches, scan: r.scan };
    },

    async buildInterface(req: InterfaceRequest, match: LatticeMatch, placement: Placement): Promise<Structure> {
      const { prepared } = await prepareFor(req);
      return build(await geometry, prepared, match, placement).structure;
    },

    async prepared(req: InterfaceRequest): Promise<Prepared> {
      return (await prepareFor(req)).prepared;
    },
  };
}

export type { PrepareOptions };
