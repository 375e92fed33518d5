import { describe, expect, it } from 'vitest';
import { energyForces, type FFSystem } from './cpu';
import { D2_C6_R0, D2_DAMPING, D2_S6_PBE, JNM6_PER_MOL_IN_EV_A6 } from './d2-params';
import { FIT_CARBON_METAL, FIT_ELEMENTS, FIT_FALLBACK_SCALE } from './fit-params';
import { FFParameterError, FF_MODELS, pairTable, type FFModel } from './model';
import { KCAL_PER_MOL_IN_EV, UFF_LJ } from './uff-params';

const cell = Float64Array.from([40, 0, 0, -20, 34.64, 0, 0, 0, 30]);
/** One film atom of element z over one Au atom. */
const over = (z: number): FFSystem => ({ cell, positions: Float64Array.from([0, 0, 0, 0, 0, 3]), numbers: Uint8Array.from([79, z]), role: Uint8Array.from([0, 1]) });

function refusal(z: number, model: FFModel): FFParameterError {
  try {
    energyForces(over(z), { model, cutoff: 12 });
  } catch (e) {
    return e as FFParameterError;
  }
  throw new Error(`expected ${model} to refuse Z = ${z}`);
}

describe('elements a model does not cover (issue 12, bug 5)', () => {
  it('d2 refuses U (Z = 92) with an FFParameterError naming the element, the model and what to use', () => {
    const e = refusal(92, 'd2');
    expect(e).toBeInstanceOf(FFParameterError);
    expect(e.name).toBe('FFParameterError');
    expect(e.message).toMatch(/^the d2 force field has no parameters for U \(Z = 92\)/);
    expect(e.message).toMatch(/Z = 1\.\.86/);
    expect(e.message).toMatch(/uff/);
    expect([e.z, e.model]).toEqual([92, 'd2']);
  });
  it('fit refuses U the same way (it needs D2 damping radii); uff covers it', () => {
    const e = refusal(92, 'fit');
    expect(e).toBeInstanceOf(FFParameterError);
    expect(e.message).toMatch(/^the fit force field has no parameters for U \(Z = 92\).*uff/);
    expect(Number.isFinite(energyForces(over(92), { model: 'uff', cutoff: 12 }).energy)).toBe(true);
  });
  it('uff refuses Ds (Z = 110) and says no model covers it', () => {
    const e = refusal(110, 'uff');
    expect(e).toBeInstanceOf(FFParameterError);
    expect(e.message).toMatch(/^the uff force field has no parameters for Ds \(Z = 110\): it covers Z = 1\.\.103/);
  });
  it('every model is known to pairTable and an unknown one is refused', () => {
    for (const m of FF_MODELS) expect(pairTable(Uint8Array.from([6, 79]), m).n).toBe(2);
    expect(() => pairTable(Uint8Array.from([6]), 'lj' as FFModel)).toThrow(/unknown force-field model "lj"/);
  });
});

describe('the fit model', () => {
  const at = (t: ReturnType<typeof pairTable>, zi: number, zj: number) => t.p.subarray(4 * (t.index[zi] * t.n + t.index[zj]), 4 * (t.index[zi] * t.n + t.index[zj]) + 4);
  const fitted = new Map(FIT_ELEMENTS.map(([z, a, c]) => [z, [a, c]]));
  it('mixes the fitted per-element numbers geometrically, with d2 damping', () => {
    const t = pairTable(Uint8Array.from([16, 42]), 'fit');
    const [aS, cS] = fitted.get(16)!, [aMo, cMo] = fitted.get(42)!;
    const [A, C, R0, d] = at(t, 16, 42);
    expect(A).toBeCloseTo(Math.sqrt(aS * aMo), 6);
    expect(C / Math.sqrt(cS * cMo)).toBeCloseTo(1, 12);
    expect(R0).toBeCloseTo(D2_C6_R0[15][1] + D2_C6_R0[41][1], 12);
    expect(d).toBe(D2_DAMPING);
  });
  it('scales carbon–metal pairs by FIT_CARBON_METAL, not carbon–carbon', () => {
    const t = pairTable(Uint8Array.from([6, 29]), 'fit');
    const [aC, cC] = fitted.get(6)!, [aCu, cCu] = fitted.get(29)!;
    expect(at(t, 6, 29)[0] / (Math.sqrt(aC * aCu) * FIT_CARBON_METAL.wall)).toBeCloseTo(1, 12);
    expect(at(t, 6, 29)[1] / (Math.sqrt(cC * cCu) * FIT_CARBON_METAL.dispersion)).toBeCloseTo(1, 12);
    expect(at(t, 6, 6)[0] / aC).toBeCloseTo(1, 12);
  });
  it('falls back to d2 times the fitted global factors for an element outside the data (Se)', () => {
    expect(fitted.has(34)).toBe(false);
    const [, , x, dep] = UFF_LJ[33];
    const [A, C] = at(pairTable(Uint8Array.from([34]), 'fit'), 34, 34);
    expect(A / (FIT_FALLBACK_SCALE.wall * dep * KCAL_PER_MOL_IN_EV * x ** 12)).toBeCloseTo(1, 12);
    expect(C / (FIT_FALLBACK_SCALE.dispersion * D2_S6_PBE * D2_C6_R0[33][0] * JNM6_PER_MOL_IN_EV_A6)).toBeCloseTo(1, 12);
  });
});
