import { describe, expect, it } from 'vitest';
import { Domain } from './domain';
import { erf, formulaKey, stability } from './stability';

describe('P(stable) = P(E_bind > E_form)', () => {
  it('erf matches tabulated values to 1.5e-7', () => {
    // erf(0.5) = 0.520499877813, erf(1) = 0.842700792950, erf(2) = 0.995322265019 (Abramowitz & Stegun table 7.1).
    for (const [x, v] of [[0, 0], [0.5, 0.520499877813], [1, 0.84270079295], [2, 0.995322265019], [-1, -0.84270079295]])
      expect(Math.abs(erf(x) - v)).toBeLessThan(1.5e-7);
  });
  it('combines both uncertainties: one σ above E_form is P = Φ(1) = 0.8413', () => {
    const form = { value: 0.1, sigma: 0.03, source: 'test' };
    const r = stability({ value: 0.15, sigma: 0.04 }, form); // difference 0.05 = 1 × √(0.04² + 0.03²)
    expect(r.stable).toBe(true);
    expect(r.pStable).toBeCloseTo(0.841345, 5);
    expect(stability({ value: 0.05, sigma: 0.04 }, form).pStable).toBeCloseTo(1 - 0.841345, 5);
    expect(stability({ value: 0.2, sigma: 0 }, { ...form, sigma: 0 }).pStable).toBe(1);
  });
  it('formula keys ignore element order and supercell multiples', () => {
    expect(formulaKey('ZnTe')).toBe(formulaKey('TeZn'));
    expect(formulaKey('Mo2S4')).toBe(formulaKey('MoS2'));
    expect(formulaKey('MoS2')).not.toBe(formulaKey('MoSe2'));
  });
});

describe('applicability domain (k nearest training rows)', () => {
  // Two features; training rows standardised already (mean 0, std 1): four corners of a unit square.
  const d = new Domain({
    k: 2, median: [0, 0], mean: [0, 0], std: [1, 1], rows: [[0, 0], [1, 0], [0, 1], [1, 1]], threshold: 1,
    reference: 'leave one substrate out', referenceDistances: [0.1, 0.2, 0.5, 0.9], newFilmDistances: [1, 2, 3, 4],
  });
  it('distance is the mean over the k nearest of √(Σ Δ² / features)', () => {
    const c = d.check(Float64Array.from([0, 0]));
    // Nearest: itself (0) and a neighbour at Δ = 1 in one feature: √(1/2).
    expect(c.distance).toBeCloseTo((0 + Math.sqrt(0.5)) / 2, 12);
    expect(c.percentile).toBe(0.5);
    expect(c.inDomain).toBe(true);
  });
  it('far inputs are out of domain; a missing feature takes the training median', () => {
    const far = d.check(Float64Array.from([5, 5]));
    expect(far.inDomain).toBe(false);
    expect(far.percentile).toBe(1);
    expect(far.percentileNewFilm).toBe(1);
    expect(d.check(Float64Array.from([NaN, 0])).distance).toBeCloseTo(d.check(Float64Array.from([0, 0])).distance, 12);
  });
});
