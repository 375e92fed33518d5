import { proxy, transfer, wrap, type Remote } from 'comlink';
import type { Structure } from '../core/structure';
import type { LatticeMatch, MatchParams } from '../compute/geometry/geometry';
import type { Placement, SearchMode } from '../compute/geometry/pipeline';
import type { ComputeApi, FFBenchRow, FFEvaluation, FFStatus, FileInput, InterfaceRequest, MatchesReply, ReadReport, UpperRequest, WorkerStatus } from './protocol';
import type { FFParams } from '../compute/ff/model';
import type { BackendChoice } from '../compute/ff/select';
import type { Progress } from '../compute/ff/ops';

export class AbortedError extends Error {
  constructor() {
    super('aborted');
    this.name = 'AbortError';
  }
}

/**
 * The only caller of the compute worker. Every method takes an AbortSignal; aborting terminates the worker
 * (the only way to stop a running job) and starts a fresh one for the next call. An abort is not an error.
 */
export class ComputeClient {
  private worker!: Worker;
  private api!: Remote<ComputeApi>;

  constructor(private spawn: () => Worker) {
    this.respawn();
  }

  private respawn(): void {
    this.worker?.terminate();
    this.worker = this.spawn();
    this.api = wrap<ComputeApi>(this.worker);
  }

  private run<T>(call: (api: Remote<ComputeApi>) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(new AbortedError());
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        this.respawn();
        reject(new AbortedError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      call(this.api).then(
        (v) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }

  status(signal?: AbortSignal): Promise<WorkerStatus> {
    return this.run((a) => a.status(), signal);
  }

  /** Reads files in the worker; their buffers are transferred (the caller's copies become empty). */
  readFiles(files: FileInput[], signal?: AbortSignal): Promise<ReadReport[]> {
    return this.run((a) => a.readFiles(transfer(files, files.map((f) => f.bytes))), signal);
  }

  findInterfaceMatches(req: InterfaceRequest, params: MatchParams, mode: SearchMode, signal?: AbortSignal): Promise<MatchesReply> {
    return this.run((a) => a.findInterfaceMatches(req, params, mode), signal);
  }

  buildInterface(req: InterfaceRequest, match: LatticeMatch, placement: Placement, uppers: UpperRequest[] = [], signal?: AbortSignal): Promise<Structure> {
    return this.run((a) => a.buildInterface(req, match, placement, uppers), signal);
  }

  findUpperMatches(req: InterfaceRequest, match: LatticeMatch, below: UpperRequest[], film: Structure, face: 'bottom' | 'top', params: MatchParams, mode: SearchMode, signal?: AbortSignal) {
    return this.run((a) => a.findUpperMatches(req, match, below, film, face, params, mode), signal);
  }

  ffConfigure(choice: BackendChoice, signal?: AbortSignal): Promise<FFStatus> {
    this.ffChoice = choice;
    return this.run((a) => a.ffConfigure(choice), signal);
  }

  ffEvaluate(s: Structure, p: FFParams, signal?: AbortSignal): Promise<FFEvaluation> {
    return this.withFF((a) => a.ffEvaluate(s, p), signal);
  }

  // Progress callbacks cross to the worker as comlink proxies; the worker calls them without waiting.
  ffZScan(s: Structure, zs: number[], p: FFParams, group = 1, signal?: AbortSignal, progress?: Progress) {
    return this.withFF((a) => a.ffZScan(s, zs, p, group, progress && proxy(progress)), signal);
  }

  ffRegistryScan(s: Structure, nx: number, ny: number, p: FFParams, relaxZ: boolean, group = 1, signal?: AbortSignal, progress?: Progress) {
    return this.withFF((a) => a.ffRegistryScan(s, nx, ny, p, relaxZ, group, progress && proxy(progress)), signal);
  }

  ffRelax(s: Structure, p: FFParams, o: { fmax?: number; maxSteps?: number }, signal?: AbortSignal, progress?: Progress) {
    return this.withFF((a) => a.ffRelax(s, p, o, progress && proxy(progress)), signal);
  }

  predict(s: Structure, strain: number, priorKey?: string, signal?: AbortSignal) {
    return this.run((a) => a.predict(s, strain, priorKey), signal);
  }

  writeStructure(s: Structure, format: 'vasp' | 'cif' | 'extxyz', signal?: AbortSignal): Promise<string> {
    return this.run((a) => a.writeStructure(s, format), signal);
  }

  modelInfo(signal?: AbortSignal) {
    return this.run((a) => a.modelInfo(), signal);
  }

  ffBench(s: Structure, backend: BackendChoice, p: FFParams, grid: number, repeats: number, signal?: AbortSignal): Promise<FFBenchRow[]> {
    return this.run((a) => a.ffBench(s, backend, p, grid, repeats), signal);
  }

  /** The backend choice survives a respawned worker (after a cancel): it is re-sent before the next call. */
  private ffChoice: BackendChoice = 'auto';
  private ffSent: Remote<ComputeApi> | null = null;
  private withFF<T>(call: (api: Remote<ComputeApi>) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.run(async (a) => {
      if (this.ffSent !== a && this.ffChoice !== 'auto') await a.ffConfigure(this.ffChoice);
      this.ffSent = a;
      return call(a);
    }, signal);
  }
}

export { proxy };
