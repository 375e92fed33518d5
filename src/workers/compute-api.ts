import type { Structure } from '../core/structure';
import type { LatticeMatch, MatchParams } from '../compute/geometry/geometry';
import { atomsFor, buildStack, cellBelow, prepare, search, searchOnCell, stackAtoms, type Placement, type Prepared, type PrepareOptions, type SearchMode, type UpperFilm } from '../compute/geometry/pipeline';
import { extractLayer } from '../compute/geometry/geometry';
import type { GeometryWasm } from '../compute/geometry/wasm';
import { readStructureFile } from '../io/registry';
import { writeStructure } from '../io/write';
import { conventionalStandardCell } from '../io/space-groups';
import type { ComputeApi, FFBenchRow, FFStatus, FileInput, InterfaceRequest, MatchesReply, ReadReport, UpperRequest, WorkerStatus } from './protocol';
import { makeStructure } from '../core/structure';
import type { FFParams } from '../compute/ff/model';
import { bindingEnergy, registryScan, relaxRigid, withFilmsAbove, zScan, zSeparation } from '../compute/ff/ops';
import { selectBackend, type BackendChoice, type SelectedBackend } from '../compute/ff/select';
import { systemFromStructure } from '../compute/ff/system';
import { wasmBackend } from '../compute/ff/wasm-backend';
import { estimateInterface, type Prior } from '../compute/ml/estimate';
import { forceFieldPrior } from '../compute/ml/prior';
import type { Predictor } from '../compute/ml/predictor';

/**
 * The worker's API as a plain object, so Node tests can call exactly what the browser worker exposes.
 * `geometry` resolves to the instantiated wasm (fetched in the browser, read from disk in Node).
 */
export function createComputeApi(
  geometry: Promise<GeometryWasm>,
  gpu?: () => GPU | undefined,
  models?: { predictor: () => Promise<Predictor>; card: string },
): ComputeApi & { prepared(req: InterfaceRequest): Promise<Prepared> } {
  let ff: Promise<SelectedBackend> | null = null;
  const priors = new Map<string, Prior>();
  const ffEnv = async () => ({ gpu: gpu?.(), geometry: await geometry.catch(() => null) });
  const backend = () => (ff ??= ffEnv().then((env) => selectBackend('auto', env)));
  const status = (b: SelectedBackend): FFStatus => ({ choice: b.choice, kind: b.kind, adapter: b.adapter, notices: [...b.notices] });
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
  // Upper films of a stack as 2D layers (face down as asked), cached like the prepared pairs.
  const layers = new Map<string, Structure>();
  const layerFor = async (film: Structure, face: 'bottom' | 'top', vacuum: number) => {
    const key = `${film.id}:${film.revision}|${face}|${vacuum}`;
    let L = layers.get(key);
    if (!L) {
      L = extractLayer(await geometry, film, { flip: face === 'top', vacuum }).structure;
      layers.set(key, L);
      if (layers.size > 16) layers.delete(layers.keys().next().value!);
    }
    return L;
  };
  const uppersFor = (req: InterfaceRequest, us: UpperRequest[]): Promise<UpperFilm[]> =>
    Promise.all(us.map(async (u) => ({ layer: await layerFor(u.film, u.face, req.options.vacuum ?? 15), match: u.match, zSeparation: u.zSeparation, shift: u.shift })));

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
      return { film: prepared.film, slab: prepared.slab, hklNote: note, matches: r.matches, atoms: r.matches.map((m) => atomsFor(prepared, m)), scan: r.scan };
    },

    async buildInterface(req: InterfaceRequest, match: LatticeMatch, placement: Placement, uppers: UpperRequest[] = []): Promise<Structure> {
      const { prepared } = await prepareFor(req);
      return buildStack(await geometry, prepared, match, placement, await uppersFor(req, uppers)).structure;
    },

    async findUpperMatches(req, match, below, film, face, params, mode) {
      const { prepared } = await prepareFor(req);
      const us = await uppersFor(req, below);
      const layer = await layerFor(film, face, req.options.vacuum ?? 15);
      const cell = cellBelow(prepared, match, us, us.length);
      const r = searchOnCell(await geometry, layer, cell, params, mode);
      const atoms = r.matches.map((m) => stackAtoms(prepared, match, [...us, { layer, match: m }]));
      return { matches: r.matches, atoms, cellArea: Math.abs(cell[0][0] * cell[1][1] - cell[0][1] * cell[1][0]) };
    },

    async ffConfigure(choice: BackendChoice): Promise<FFStatus> {
      ff = ffEnv().then((env) => selectBackend(choice, env));
      return status(await ff);
    },

    async ffEvaluate(s, p) {
      const b = await backend();
      const sys = systemFromStructure(s);
      const r = await b.energyForces(sys, p);
      return { energy: r.energy, bindingEnergy: bindingEnergy(r.energy, sys), zSeparation: zSeparation(sys, 1), pairs: r.pairs, forces: r.forces, backend: b.kind, model: p.model };
    },

    async ffZScan(s, zs, p, group = 1, progress) {
      const b = await backend();
      // In a stack, the films above move with the scanned one: only the gap under it changes.
      return { ...(await zScan(b, withFilmsAbove(systemFromStructure(s), group), group, zs, p, progress)), backend: b.kind };
    },

    async ffRegistryScan(s, nx, ny, p, relaxZ, group = 1, progress) {
      const b = await backend();
      return { ...(await registryScan(b, systemFromStructure(s), group, nx, ny, p, relaxZ, progress)), backend: b.kind };
    },

    async ffRelax(s, p, o, progress) {
      const b = await backend();
      const { system, ...r } = await relaxRigid(b, systemFromStructure(s), p, o, progress);
      const structure = makeStructure({ numbers: s.numbers, positions: system.positions, cell: s.cell, pbc: s.pbc, arrays: s.arrays, info: s.info });
      return { ...r, structure, backend: b.kind };
    },

    async predict(s: Structure, strain: number, priorKey?: string) {
      if (!models) throw new Error('no models are bundled with this build');
      const g = await geometry;
      // The prior always runs on wasm (f64), whatever the interactive backend is: models were trained on it.
      // It depends on the interface cell, not on where the film sits, so sliders reuse it.
      const b = wasmBackend(g);
      let prior = priorKey ? priors.get(priorKey) : undefined;
      if (!prior) {
        prior = await forceFieldPrior(b, s);
        if (priorKey) priors.set(priorKey, prior);
        if (priors.size > 32) priors.delete(priors.keys().next().value!);
      }
      return estimateInterface(await models.predictor(), b, s, strain, prior);
    },

    async writeStructure(s, format) {
      return writeStructure(s, format);
    },

    async modelInfo() {
      if (!models) throw new Error('no models are bundled with this build');
      const m = (await models.predictor()).manifest;
      const t = (k: 'ebind' | 'zsep') => ({ model: m.targets[k].model, unit: m.targets[k].unit, leaveOneFilmOutRmse: m.targets[k].heldOut.leaveOneFilmOut.rmse, leaveOneSubstrateOutRmse: m.targets[k].heldOut.leaveOneSubstrateOut.rmse });
      return { name: m.name, version: m.version, card: models.card, ebind: t('ebind'), zsep: t('zsep') };
    },

    async ffBench(s: Structure, choice: BackendChoice, p: FFParams, grid: number, repeats: number): Promise<FFBenchRow[]> {
      const b = await selectBackend(choice, await ffEnv());
      const sys = systemFromStructure(s);
      const rows: FFBenchRow[] = [];
      let r = await b.energyForces(sys, p); // warm-up: pipelines, JIT
      let t0 = performance.now();
      for (let k = 0; k < repeats; k++) r = await b.energyForces(sys, p);
      rows.push({ backend: b.kind, atoms: s.numbers.length, what: 'energy+forces', configurations: 1, ms: (performance.now() - t0) / repeats, pairs: r.pairs });
      const shifts = new Float64Array(3 * grid * grid);
      for (let i = 0; i < grid; i++)
        for (let j = 0; j < grid; j++) {
          const k = i * grid + j;
          shifts[3 * k] = (i / grid) * s.cell[0] + (j / grid) * s.cell[3];
          shifts[3 * k + 1] = (i / grid) * s.cell[1] + (j / grid) * s.cell[4];
        }
      await b.energiesForShifts(sys, 1, shifts.subarray(0, 3), p);
      t0 = performance.now();
      await b.energiesForShifts(sys, 1, shifts, p);
      rows.push({ backend: b.kind, atoms: s.numbers.length, what: 'registry scan', configurations: grid * grid, ms: performance.now() - t0, pairs: r.pairs * grid * grid });
      return rows;
    },

    async prepared(req: InterfaceRequest): Promise<Prepared> {
      return (await prepareFor(req)).prepared;
    },
  };
}

export type { PrepareOptions };
