/**
 * Stability as a probability: P(stable) = P(E_bind > E_form) for a binding-energy estimate with σ and a film
 * formation energy with σ, both taken as independent normal errors:
 * P = Φ((E_bind − E_form) / √(σ_bind² + σ_form²)).
 */

/** A film's formation energy (eV/atom) with its uncertainty and where it came from. */
export interface FormationEnergy {
  value: number;
  sigma: number;
  source: string;
}

export interface Stability {
  /** Point estimate: E_bind > E_form. */
  stable: boolean;
  /** P(E_bind > E_form), 0..1. */
  pStable: number;
  formationEnergy: FormationEnergy;
}

/** erf(x), Abramowitz & Stegun (1964) 7.1.26, |error| ≤ 1.5e-7. */
export function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

export function stability(bind: { value: number; sigma: number }, form: FormationEnergy): Stability {
  const s = Math.hypot(bind.sigma, form.sigma);
  const d = bind.value - form.value;
  const pStable = s > 0 ? 0.5 * (1 + erf(d / (s * Math.SQRT2))) : d > 0 ? 1 : 0;
  return { stable: d > 0, pStable, formationEnergy: form };
}

/** Element counts of a formula such as "MoS2" or "TeZn", reduced by their gcd (so "Mo2S4" equals "MoS2"). */
export function formulaKey(f: string): string {
  const counts = new Map<string, number>();
  for (const m of f.matchAll(/([A-Z][a-z]?)(\d*)/g)) counts.set(m[1], (counts.get(m[1]) ?? 0) + (m[2] ? Number(m[2]) : 1));
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  const g = [...counts.values()].reduce(gcd, 0) || 1;
  return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([e, n]) => `${e}${n / g}`).join('');
}
