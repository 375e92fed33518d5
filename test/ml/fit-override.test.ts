import { afterEach, describe, expect, it } from 'vitest';
import { FIT_CARBON_METAL, FIT_ELEMENTS, FIT_FALLBACK_SCALE } from '../../src/compute/ff/fit-params';
import { pairTable, useFitParameters } from '../../src/compute/ff/model';

/**
 * The training pipeline's held-out prior (models/prior_folds.py → `heterolab features --fit-params`) swaps the
 * `fit` numbers for one process: the swap must reach the pair table every backend reads, and null must restore
 * the shipped numbers exactly.
 */
describe('useFitParameters (held-out priors for training)', () => {
  afterEach(() => useFitParameters(null));
  const numbers = Uint8Array.from([6, 29, 16, 42]);
  const shipped = { elements: FIT_ELEMENTS, fallback: FIT_FALLBACK_SCALE, carbonMetal: FIT_CARBON_METAL };
  it('the shipped numbers given explicitly give the same table', () => {
    const ref = pairTable(numbers, 'fit').p;
    useFitParameters(shipped);
    expect(pairTable(numbers, 'fit').p).toEqual(ref);
  });
  it('other numbers change the fit table (not d2), and null restores it', () => {
    const ref = pairTable(numbers, 'fit').p, d2 = pairTable(numbers, 'd2').p;
    useFitParameters({ ...shipped, elements: FIT_ELEMENTS.map(([z, a, c]) => [z, a, z === 42 ? 4 * c : c] as const) });
    const t = pairTable(numbers, 'fit');
    const mo = t.index[42], s = t.index[16], k = 4 * (mo * t.n + s);
    expect(t.p[k + 1] / ref[k + 1]).toBeCloseTo(2, 12); // C_ij = √(C_i C_j): 4 × C_Mo doubles C_MoS
    expect(t.p[k] / ref[k]).toBeCloseTo(1, 12);
    expect(pairTable(numbers, 'd2').p).toEqual(d2);
    useFitParameters(null);
    expect(pairTable(numbers, 'fit').p).toEqual(ref);
  });
});
