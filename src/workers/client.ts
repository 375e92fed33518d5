import { proxy, transfer, wrap, type Remote } from 'comlink';
import type { BackendChoice } from '../compute/ff/select';
import { COMPUTE_METHODS, HEARTBEAT, type ComputeApi, type FileInput } from './protocol';

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

/** How long a worker with calls in flight may stay silent (no reply, progress or heartbeat) before it counts as hung (ms). */
export const HANG_MS = 120_000;

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
  /** Called after the worker crashed or hung and was restarted (the app shows it). */
  onCrash: ((why: string) => void) | null = null;
  /**
   * A busy worker cannot answer anything, so a hang is told from work by silence: with calls in flight, a
   * heartbeat is sent every hangMs/4 and answered whenever the worker's event loop is free (e.g. while it
   * waits for the GPU or a download); replies and progress count too. hangMs of silence (ms) and it is hung.
   */
  hangMs = HANG_MS;
  private lastSign = 0;
  private watchdog: ReturnType<typeof setInterval> | null = null;

  constructor(private spawn: () => Worker) {
    this.respawn();
  }

  /** Stops the worker for good (pool members that are done). */
  close(): void {
    this.stopWatchdog();
    this.worker.terminate();
  }

  private alive = (): void => {
    this.lastSign = Date.now();
  };

  /** Watches for a hang while calls are in flight (and only then: an idle worker costs nothing). */
  private startWatchdog(): void {
    if (this.watchdog) return;
    this.alive();
    // hangMs is read now: a change takes effect from the next quiet spell.
    this.watchdog = setInterval(() => {
      if (this.pending.size === 0) return this.stopWatchdog();
      const quiet = Date.now() - this.lastSign;
      if (quiet >= this.hangMs) return this.crashed(this.worker, `it did not answer for ${Math.round(quiet / 1000)} s`);
      this.worker.postMessage({ type: HEARTBEAT });
    }, Math.max(10, this.hangMs / 4));
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }

  /** A call is done: with none left in flight, the watchdog stops (the next call starts a fresh quiet spell). */
  private settle(fail: (e: Error) => void): void {
    this.pending.delete(fail);
    if (this.pending.size === 0) this.stopWatchdog();
  }

  /** Worker `w` died or hung: fail what it had, start a fresh one, say so (late events of an old worker do nothing). */
  private crashed(w: Worker, why: string): void {
    if (w !== this.worker) return;
    this.respawn(new WorkerCrashedError(why));
    this.onCrash?.(why);
  }

  /** A fresh worker; calls still in flight on the old one fail with `why` (they can never be answered). */
  private respawn(why: Error = new AbortedError()): void {
    this.worker?.terminate();
    const orphans = [...this.pending];
    this.pending.clear();
    for (const f of orphans) f(why);
    this.stopWatchdog();
    const w = (this.worker = this.spawn());
    this.remote = wrap<ComputeApi>(w);
    w.addEventListener('message', this.alive);
    w.addEventListener('error', (e) => {
      e.preventDefault(); // handled: restarted and said so (not also an uncaught error on the page)
      this.crashed(w, (e as ErrorEvent).message || 'an uncaught error');
    });
    w.addEventListener('messageerror', () => this.crashed(w, 'a message it could not read'));
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
    // A progress report is a sign of life (a long job on a busy worker answers nothing else).
    const wire = args.map((a) => (typeof a === 'function' ? proxy((...x: unknown[]) => (this.alive(), (a as (...y: unknown[]) => unknown)(...x))) : a));
    const t = TRANSFER[method];
    if (t) wire[0] = transfer(wire[0], t(args));
    return new Promise((resolve, reject) => {
      const fail = (e: Error) => {
        signal?.removeEventListener('abort', onAbort);
        this.settle(fail);
        reject(e);
      };
      const onAbort = () => this.respawn(); // fails this call (and any other in flight) as aborted
      this.pending.add(fail);
      this.startWatchdog();
      signal?.addEventListener('abort', onAbort, { once: true });
      const r = this.remote;
      const configure = this.ffSent !== r && this.ffChoice !== 'auto' && method !== 'ffConfigure' ? r.ffConfigure(this.ffChoice) : Promise.resolve();
      this.ffSent = r;
      configure
        .then(() => (r[method] as unknown as (...a: unknown[]) => Promise<unknown>)(...wire))
        .then(
          (v) => {
            signal?.removeEventListener('abort', onAbort);
            this.settle(fail);
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
