import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortedError, ComputeClient, WorkerCrashedError } from './client';
import { HEARTBEAT } from './protocol';

/** A worker that never answers (hung or dead), and can be made to crash. */
class SilentWorker extends EventTarget {
  terminated = false;
  postMessage(): void {}
  terminate(): void {
    this.terminated = true;
  }
  crash(message: string): void {
    this.dispatchEvent(Object.assign(new Event('error'), { message }));
  }
}

/** A worker busy in an async wait: it answers heartbeats (on its event loop) but not the call yet. */
class WaitingWorker extends SilentWorker {
  heartbeats = 0;
  postMessage(m?: unknown): void {
    if ((m as { type?: string })?.type === HEARTBEAT) (this.heartbeats++, queueMicrotask(() => this.dispatchEvent(Object.assign(new Event('message'), { data: m }))));
  }
}

describe('compute client', () => {
  afterEach(() => void vi.useRealTimers());

  it('a hung worker (silent with a call in flight) is restarted after hangMs and the call fails with a message', async () => {
    vi.useFakeTimers();
    const spawned: SilentWorker[] = [];
    const c = new ComputeClient(() => (spawned.push(new SilentWorker()), spawned.at(-1) as unknown as Worker));
    c.hangMs = 4000;
    const crashes: string[] = [];
    c.onCrash = (why) => crashes.push(why);
    const call = c.api().readFiles([]);
    const failed = expect(call).rejects.toThrow(/the compute worker stopped \(it did not answer for 4 s\); it has been restarted/);
    await vi.advanceTimersByTimeAsync(3000);
    expect(spawned).toHaveLength(1); // not yet: 3 s of silence is still work
    await vi.advanceTimersByTimeAsync(1500);
    await failed;
    expect(spawned).toHaveLength(2);
    expect(spawned[0].terminated).toBe(true);
    expect(crashes).toEqual(['it did not answer for 4 s']);
  });

  it('a worker that answers heartbeats is busy, not hung: its call stays in flight past hangMs', async () => {
    vi.useFakeTimers();
    const spawned: WaitingWorker[] = [];
    const c = new ComputeClient(() => (spawned.push(new WaitingWorker()), spawned.at(-1) as unknown as Worker));
    c.hangMs = 4000;
    let settled = false;
    void c.api().status().then(() => (settled = true), () => (settled = true));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(settled).toBe(false);
    expect(spawned).toHaveLength(1);
    expect(spawned[0].heartbeats).toBeGreaterThanOrEqual(15);
  });

  it('an idle worker is not watched: no heartbeat and no restart without calls in flight', async () => {
    vi.useFakeTimers();
    const spawned: WaitingWorker[] = [];
    const c = new ComputeClient(() => (spawned.push(new WaitingWorker()), spawned.at(-1) as unknown as Worker));
    c.hangMs = 4000;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(spawned).toHaveLength(1);
    expect(spawned[0].heartbeats).toBe(0);
  });

  it('a crashed worker fails the pending calls with a message, is restarted, and says so', async () => {
    const spawned: SilentWorker[] = [];
    const c = new ComputeClient(() => (spawned.push(new SilentWorker()), spawned.at(-1) as unknown as Worker));
    const crashes: string[] = [];
    c.onCrash = (why) => crashes.push(why);
    const a = c.api().status(), b = c.api().readFiles([]);
    spawned[0].crash('out of memory');
    await expect(a).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(b).rejects.toThrow(/the compute worker stopped \(out of memory\); it has been restarted/);
    expect(spawned).toHaveLength(2);
    expect(spawned[0].terminated).toBe(true);
    expect(crashes).toEqual(['out of memory']);
    // The dead worker's late events do nothing; the new one takes calls.
    spawned[0].crash('again');
    expect(spawned).toHaveLength(2);
  });

  it('aborting one job restarts the worker and fails every other call in flight as aborted, not as a hang', async () => {
    const spawned: SilentWorker[] = [];
    const c = new ComputeClient(() => (spawned.push(new SilentWorker()), spawned.at(-1) as unknown as Worker));
    const ac = new AbortController();
    const job = c.api(ac.signal).status(), other = c.api().status();
    ac.abort();
    await expect(job).rejects.toBeInstanceOf(AbortedError);
    await expect(other).rejects.toBeInstanceOf(AbortedError);
    expect(spawned).toHaveLength(2);
  });
});
