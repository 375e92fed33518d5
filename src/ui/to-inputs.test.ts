import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES } from '../core/validate';
import { toInputs } from './app';

// A dropped file over the limit must not be read on the page (issue 17: a 1 GB drop was read in full first).
describe('toInputs', () => {
  it('reads files under the limit and hands only the size of one over it to the worker', async () => {
    let reads = 0;
    const file = (name: string, size: number) => ({ name, size, arrayBuffer: async () => (reads++, new ArrayBuffer(4)) }) as unknown as File;
    const got = await toInputs([file('small.vasp', 4), file('huge.cif', 2 ** 30)]);
    expect(reads).toBe(1);
    expect(got[0]).toEqual({ name: 'small.vasp', bytes: new ArrayBuffer(4) });
    expect(got[1].name).toBe('huge.cif');
    expect(got[1].bytes.byteLength).toBe(0);
    expect(got[1].size).toBe(2 ** 30);
    expect(got[1].size! > MAX_FILE_BYTES).toBe(true);
  });
});
