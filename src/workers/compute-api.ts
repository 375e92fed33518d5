import type { HeterolabWasm } from '../compute/geometry/wasm';
import { InterfaceService } from '../compute/interface/service';
import { describeStructure } from '../compute/interface/kind';
import { readStructureFile, tooLargeIssue } from '../io/registry';
import { MAX_FILE_BYTES } from '../core/validate';
import { writeStructure } from '../io/write';
import { writableFormats } from '../io/formats';
import { conventionalStandardCell } from '../io/space-groups';
import type { ComputeApi, FFStatus, FileInput, ReadReport, WorkerStatus } from './protocol';
import { ffBench, ffListCheck, ffTableCheck } from './ff-bench';
import type { BackendChoice, SelectedBackend } from '../compute/ff/select';
import type { Predictor } from '../compute/ml/predictor';
import { definitionHash, janusOf, newStageTimes, runJob, screenJobs, type ScreenDefinition } from '../compute/screen/screen';

// The adapter is named only while WebGPU runs (after a lost device the wasm fallback has none).
const status = (b: SelectedBackend): FFStatus => ({ choice: b.choice, kind: b.kind, adapter: b.kind === 'webgpu' ? b.adapter : undefined, notices: [...b.notices] });

/**
 * The worker's API as a plain object over one interface service, so Node tests call exactly what the browser
 * worker exposes. `geometry` resolves to the instantiated wasm (fetched in the browser, read from disk in Node).
 */
export function createComputeApi(
  geometry: Promise<HeterolabWasm>,
  gpu?: () => GPU | undefined,
  models?: { predictor: () => Promise<Predictor>; card: string },
): ComputeApi & { service: InterfaceService } {
  let screen: ScreenDefinition | null = null;
  const service = new InterfaceService({ geometry, gpu, predictor: models?.predictor, standardCell: conventionalStandardCell });
  return {
    service,
    async status(): Promise<WorkerStatus> {
      const chosen = service.configuredFF();
      const ff = chosen ? { ff: status(await chosen) } : {};
      try {
        await geometry;
        return { geometry: 'wasm', ...ff };
      } catch (e) {
        return { geometry: 'unavailable', geometryError: (e as Error).message, ...ff };
      }
    },

    async readFiles(files: FileInput[]): Promise<ReadReport[]> {
      const out: ReadReport[] = [];
      for (const f of files) {
        const r = f.size !== undefined && f.size > MAX_FILE_BYTES ? { ok: false as const, issue: { ...tooLargeIssue(f.size), file: f.name } } : await readStructureFile(f.name, new Uint8Array(f.bytes));
        if (!r.ok) {
          out.push({ file: f.name, ok: false, issue: r.issue });
          continue;
        }
        // One 2D detection for every file (bonded components): the list, the roles and the face names read it.
        const g = await geometry.catch(() => null);
        out.push({ file: f.name, ok: true, structures: r.structures, warnings: r.warnings, ...(g ? { layers: r.structures.map((s) => describeStructure(g, s)) } : {}) });
      }
      return out;
    },

    matches: (req, params, mode, progress) => service.matches(req, params, mode, progress),
    upperMatches: (spec, film, face, params, mode) => service.upperMatches(spec, film, face, params, mode),
    build: (spec) => service.build(spec),
    place: (spec, est) => service.place(spec, est),
    evaluate: (s, p) => service.evaluate(s, p),
    async ffConfigure(choice: BackendChoice) {
      return status(await service.configureFF(choice));
    },
    zScan: (spec, film, zs, p, progress) => service.zScan(spec, film, zs, p, progress),
    registryScan: (spec, film, nx, ny, p, relaxZ, progress) => service.registryScan(spec, film, nx, ny, p, relaxZ, progress),
    relax: (spec, p, o, progress) => service.relax(spec, p, o, progress),

    async writableFormats() {
      return writableFormats().map((f) => ({ id: f.id, label: f.label, extension: f.extension, fileName: f.fileName }));
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

    async screenDefine(def) {
      const janus = await Promise.all(def.films.map((f) => janusOf(service, f)));
      screen = def;
      return { jobs: screenJobs(def, (f) => janus[def.films.indexOf(f)]), definition: definitionHash(def) };
    },
    async screenRun(jobs, progress) {
      if (!screen) throw new Error('no screen defined in this worker (call screenDefine first)');
      const times = newStageTimes(), rows = [];
      for (const j of jobs) {
        rows.push(await runJob(service, screen, j, times));
        progress?.(rows[rows.length - 1]);
      }
      return { rows, times };
    },

    ffBench: (s, choice, p, grid, repeats) => ffBench(geometry, gpu, s, choice, p, grid, repeats),
    ffTableCheck: (s, p, shifts) => ffTableCheck(geometry, gpu, s, p, shifts),
    ffListCheck: (s, p) => ffListCheck(geometry, gpu, s, p),
  };
}
