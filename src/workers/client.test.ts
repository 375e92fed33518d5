import { describe, expect, it } from 'vitest';
import { AbortedError, ComputeClient, WorkerCrashedError } from './client';

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

describe('compute client', () => {
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
