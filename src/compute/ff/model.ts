import { D2_C6_R0, D2_DAMPING, D2_S6_PBE, JNM6_PER_MOL_IN_EV_A6 } from './d2-params';
import { KCAL_PER_MOL_IN_EV, UFF_LJ } from './uff-params';

/**
 * Force-field models. Every model is one pair form, so all backends share one kernel:
 *
 *   E(r) = A / r^12 − C / r^6 · f(r),   f(r) = 1 / (1 + exp(−d (r / R0 − 1)))   (f = 1 when d = 0)
 *
 * - 'uff': Lennard-Jones 12-6 with UFF parameters and geometric mixing (uff-params.ts):
 *   A = D x^12, C = 2 D x^6, no damping.
 * - 'd2': Grimme's D2 damped dispersion (d2-params.ts; C = s6 C6_ij, R0 = R0_ij, d = 20, s6 = 0.75 for PBE)
 *   plus UFF's repulsive wall A = D x^12 for the Pauli repulsion that D2 leaves to the density functional.
 *   D2 rather than D3(BJ): two numbers per element ship in a few hundred bytes and the pair form stays one
 *   kernel on CPU, wasm and WGSL; D3 needs ~32k reference C6 values and coordination numbers, a precision a
 *   rigid-body pre-relaxation before DFT does not use.
 */
export type FFModel = 'uff' | 'd2';
export const FF_MODELS: readonly FFModel[] = ['uff', 'd2'];

export interface FFParams {
  model: FFModel;
  /** Cutoff radius (Å). Energies and forces are force-shifted so both go continuously to zero there. */
  cutoff: number;
}

export const DEFAULT_CUTOFF = 12;

/** Per-pair parameters of the species present, n × n row-major. */
export interface PairTable {
  /** Index of each atomic number in the table (−1 when absent). */
  index: Int16Array;
  n: number;
  /** A (eV Å^12), C (eV Å^6), R0 (Å); 4 numbers per pair: A, C, R0, and d (damping steepness, 0 = none). */
  p: Float64Array;
}

export class FFParameterError extends Error {}

function uff(z: number): readonly [number, string, number, number] {
  const row = UFF_LJ[z - 1];
  if (!row) throw new FFParameterError(`UFF has no van der Waals parameters for Z = ${z} (it covers Z = 1..103)`);
  return row;
}

function d2(z: number): readonly [number, number] {
  const row = D2_C6_R0[z - 1];
  if (!row) throw new FFParameterError(`D2 has no dispersion parameters for Z = ${z} (it covers Z = 1..86); use --model uff`);
  return row;
}

/** Pair parameters for the species present. Throws FFParameterError for an element the model does not cover. */
export function pairTable(numbers: Uint8Array, model: FFModel): PairTable {
  if (model !== 'uff' && model !== 'd2') throw new FFParameterError(`unknown force-field model "${model}" (known: ${FF_MODELS.join(', ')})`);
  const species = [...new Set(numbers)].sort((a, b) => a - b);
  const index = new Int16Array(256).fill(-1);
  species.forEach((z, k) => (index[z] = k));
  const n = species.length;
  const p = new Float64Array(4 * n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const a = uff(species[i]), b = uff(species[j]);
      const x = Math.sqrt(a[2] * b[2]);
      const depth = Math.sqrt(a[3] * b[3]) * KCAL_PER_MOL_IN_EV;
      const k = 4 * (i * n + j);
      p[k] = depth * x ** 12;
      if (model === 'uff') p[k + 1] = 2 * depth * x ** 6;
      else {
        const [c6i, r0i] = d2(species[i]), [c6j, r0j] = d2(species[j]);
        p[k + 1] = D2_S6_PBE * Math.sqrt(c6i * c6j) * JNM6_PER_MOL_IN_EV_A6;
        p[k + 2] = r0i + r0j;
        p[k + 3] = D2_DAMPING;
      }
    }
  return { index, n, p };
}

/** Pair energy (eV) at r (Å) and its derivative dE/dr (eV/Å), for parameters A, C, R0, d as in PairTable. */
export function pairEnergy(a: number, c: number, r0: number, d: number, r: number): [number, number] {
  const ir6 = 1 / r ** 6;
  const rep = a * ir6 * ir6;
  if (d === 0) return [rep - c * ir6, (-12 * rep + 6 * c * ir6) / r];
  const f = 1 / (1 + Math.exp(-d * (r / r0 - 1)));
  const df = (d / r0) * f * (1 - f);
  return [rep - c * ir6 * f, (-12 * rep + 6 * c * ir6 * f) / r - c * ir6 * df];
}

/** UFF pair energy (eV) at r (Å) in its own form D[(x/r)^12 − 2(x/r)^6], and dE/dr (eV/Å). */
export function ljPair(x: number, d: number, r: number): [number, number] {
  const s6 = (x / r) ** 6;
  const s12 = s6 * s6;
  return [d * (s12 - 2 * s6), (12 * d * (s6 - s12)) / r];
}
