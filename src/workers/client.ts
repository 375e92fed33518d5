import { proxy, transfer, wrap, type Remote } from 'comlink';
import type { BackendChoice } from '../compute/ff/select';
import { COMPUTE_METHODS, type ComputeApi, type FileInput } from './protocol';

export class AbortedError extends Error {
  constructor() {
    super('aborted');
    this.name = 'AbortError';
  }
}

/** The worker died (an uncaught error, or out of memory) while a call was pending; it has been restarted. */
export class WorkerCrashedError extends Error {
  constructor(why: string) {
    super(`the compute worker stopped (${why}); it has been restarted and nothing you had is lost, so try again`);
    this.name = 'WorkerCrashedError';
  }
}

/** The worker's API bound to one AbortSignal: the same methods and types as ComputeApi, generated from its list. */
export type ComputePort = (signal?: AbortSignal) => ComputeApi;

/** Buffers in a method's first argument that move to the worker instead of being copied. */
const TRANSFER: Partial<Record<keyof ComputeApi, (args: unknown[]) => Transferable[]>> = {
  readFiles: ([files]) => (files as FileInput[]).map((f) => f.bytes),
};

/** Bytes of typed arrays in a value (what a reply cost to structured-clone), for the round-trip statistics. */
function typedBytes(v: unknown, depth = 0): number {
  if (ArrayBuffer.isView(v)) return v.byteLength;
  if (!v || typeof v !== 'object' || depth > 6) return 0;
  let n = 0;
  for (const x of Object.values(v)) n += typedBytes(x, depth + 1);
  return n;
}

/**
 * The only caller of the compute worker. `api(signal)` gives every ComputeApi method, bound to a signal;
 * aborting terminates the worker (the only way to stop a running job) and starts a fresh one for the next
 * call. An abort is not an error. Function arguments (progress callbacks) cross as comlink proxies.
 */
export class ComputeClient {
  private worker!: Worker;
  private remote!: Remote<ComputeApi>;
  /** Round trips made and typed-array bytes received, for benchmarks. */
  readonly stats = { calls: 0, bytesIn: 0 };
  /** The backend choice survives a respawned worker (after a cancel): it is re-sent before the next call. */
  private ffChoice: BackendChoice = 'auto';
  private ffSent: Remote<ComputeApi> | null = null;

  /** Rejecters of the calls in flight on the current worker, so a crash can fail them instead of hanging. */
  private pending = new Set<(e: Error) => void>();
  /** Called after the worker crashed and was restarted (the app shows it). */
  onCrash: ((why: string) => void) | null = null;

  constructor(private spawn: () => Worker) {
    this.respawn();
  }

  /** Stops the worker for good (pool members that are done). */
  close(): void {
    this.worker.terminate();
  }

  /** A fresh worker; calls still in flight on the old one fail with `why` (they can never be answered). */
  private respawn(why: Error = new AbortedError()): void {
    this.worker?.terminate();
    const orphans = [...this.pending];
    this.pending.clear();
    for (const f of orphans) f(why);
    const w = (this.worker = this.spawn());
    this.remote = wrap<ComputeApi>(w);
    const crashed = (why: string) => {
      if (w !== this.worker) return;
      this.respawn(new WorkerCrashedError(why));
      this.onCrash?.(why);
    };
    w.addEventListener('error', (e) => crashed((e as ErrorEvent).message || 'an uncaught error'));
    w.addEventListener('messageerror', () => crashed('a message it could not read'));
  }

  /** The API bound to `signal`. */
  readonly api: ComputePort = (signal) => {
    const out = {} as Record<string, unknown>;
    for (const m of COMPUTE_METHODS) out[m] = (...args: unknown[]) => this.call(m, args, signal);
    return out as unknown as ComputeApi;
  };

  private async call(method: keyof ComputeApi, args: unknown[], signal?: AbortSignal): Promise<unknown> {
    if (signal?.aborted) throw new AbortedError();
    if (method === 'ffConfigure') this.ffChoice = args[0] as BackendChoice;
    const wire = args.map((a) => (typeof a === 'function' ? proxy(a) : a));
    const t = TRANSFER[method];
    if (t) wire[0] = transfer(wire[0], t(args));
    return new Promise((resolve, reject) => {
      const fail = (e: Error) => {
        signal?.removeEventListener('abort', onAbort);
        this.pending.delete(fail);
        reject(e);
      };
      const onAbort = () => this.respawn(); // fails this call (and any other in flight) as aborted
      this.pending.add(fail);
      signal?.addEventListener('abort', onAbort, { once: true });
      const r = this.remote;
      const configure = this.ffSent !== r && this.ffChoice !== 'auto' && method !== 'ffConfigure' ? r.ffConfigure(this.ffChoice) : Promise.resolve();
      this.ffSent = r;
      configure
        .then(() => (r[method] as unknown as (...a: unknown[]) => Promise<unknown>)(...wire))
        .then(
          (v) => {
            signal?.removeEventListener('abort', onAbort);
            this.pending.delete(fail);
            this.stats.calls++;
            this.stats.bytesIn += typedBytes(v);
            resolve(v);
          },
          (e) => fail(e as Error),
        );
    });
  }
}

export { proxy };
