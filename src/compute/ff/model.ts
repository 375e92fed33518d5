import { KCAL_PER_MOL_IN_EV, UFF_LJ } from './uff-params';

/** Force-field models. 'uff': Lennard-Jones 12-6 with UFF parameters and geometric mixing (uff-params.ts). */
export type FFModel = 'uff';

export interface FFParams {
  model: FFModel;
  /** Cutoff radius (Å). Energies and forces are force-shifted so both go continuously to zero there. */
  cutoff: number;
}

export const DEFAULT_CUTOFF = 12;

/** Per-pair Lennard-Jones parameters: minimum position x (Å) and depth D (eV), UFF form D[(x/r)^12 − 2(x/r)^6]. */
export interface PairTable {
  /** Index of each atomic number in the table (−1 when absent). */
  index: Int16Array;
  n: number;
  /** x_ij (Å) and D_ij (eV), n × n, row-major. */
  x: Float64Array;
  d: Float64Array;
}

export class FFParameterError extends Error {}

/** Pair parameters for the species present. Throws FFParameterError for an element the model does not cover. */
export function pairTable(numbers: Uint8Array, model: FFModel): PairTable {
  if (model !== 'uff') throw new FFParameterError(`unknown force-field model "${model}"`);
  const species = [...new Set(numbers)].sort((a, b) => a - b);
  const index = new Int16Array(256).fill(-1);
  species.forEach((z, k) => (index[z] = k));
  const n = species.length;
  const x = new Float64Array(n * n);
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const a = UFF_LJ[species[i] - 1], b = UFF_LJ[species[j] - 1];
      if (!a || !b) throw new FFParameterError(`UFF has no van der Waals parameters for Z = ${!a ? species[i] : species[j]} (it covers Z = 1..103)`);
      x[i * n + j] = Math.sqrt(a[2] * b[2]);
      d[i * n + j] = Math.sqrt(a[3] * b[3]) * KCAL_PER_MOL_IN_EV;
    }
  return { index, n, x, d };
}

/** UFF pair energy (eV) at r (Å), and its derivative dE/dr (eV/Å). */
export function ljPair(x: number, d: number, r: number): [number, number] {
  const s6 = (x / r) ** 6;
  const s12 = s6 * s6;
  return [d * (s12 - 2 * s6), (12 * d * (s6 - s12)) / r];
}
