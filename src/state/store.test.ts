import { describe, expect, it } from 'vitest';
import { makeStructure } from '../core/structure';
import type { ReadReport } from '../workers/protocol';
import { WorkerCrashedError } from '../workers/client';
import { Store } from './store';

const s = () => makeStructure({ numbers: Uint8Array.from([1]), positions: new Float64Array(3) });

describe('store', () => {
  it('adds structures from good files and messages from bad ones, keeping what was loaded', async () => {
    let next: ReadReport[] = [];
    const store = new Store(() => ({ readFiles: async () => next, status: async () => ({ geometry: 'wasm' as const }) }), () => 'molecule');
    next = [{ file: 'a.xyz', ok: true, structures: [s()], warnings: [{ code: 'ignored', message: 'note' }] }];
    await store.addFiles([{ name: 'a.xyz', bytes: new ArrayBuffer(1) }]);
    expect(store.get().structures.length).toBe(1);
    const first = store.get().selectedId;
    next = [{ file: 'bad.cif', ok: false, issue: { code: 'syntax', message: 'boom', line: 3, file: 'bad.cif' } }];
    await store.addFiles([{ name: 'bad.cif', bytes: new ArrayBuffer(1) }]);
    expect(store.get().structures.length).toBe(1);
    expect(store.get().selectedId).toBe(first);
    expect(store.get().messages.map((m) => m.severity)).toEqual(['error', 'warning']);
    expect(store.get().messages[0].issue).toMatchObject({ file: 'bad.cif', line: 3 });
  });
  it('an internal failure is shown apart from bad-input messages', async () => {
    const store = new Store(() => ({ readFiles: async () => { throw new Error('worker died'); }, status: async () => ({ geometry: 'wasm' as const }) }), () => 'bulk');
    await store.addFiles([{ name: 'x', bytes: new ArrayBuffer(1) }]);
    expect(store.get().messages[0]).toMatchObject({ severity: 'internal' });
    expect(store.get().busy).toBe(false);
  });

  it('a crashed or hung worker is a fault, not a bug: an error naming the files that were not read', async () => {
    const store = new Store(() => ({ readFiles: async () => { throw new WorkerCrashedError('it did not answer for 120 s'); }, status: async () => ({ geometry: 'wasm' as const }) }), () => 'bulk');
    await store.addFiles([{ name: 'a.cif', bytes: new ArrayBuffer(1) }, { name: 'b.xyz', bytes: new ArrayBuffer(1) }]);
    expect(store.get().messages[0]).toMatchObject({ severity: 'error', issue: { message: expect.stringMatching(/^a\.cif, b\.xyz not read: the compute worker stopped \(it did not answer for 120 s\)/) } });
    expect(store.get().busy).toBe(false);
  });
});
