import type { Structure } from '../../core/structure';
import type { FFBackend } from '../ff/ops';
import { relaxRigid } from '../ff/ops';
import { canonicalInterface, systemFromStructure } from '../ff/system';

/** The force-field model and settings whose results feed the predictors as a physics prior (features ff_*). */
export const PRIOR_PARAMS = { model: 'd2' as const, cutoff: 12 };

/**
 * Force-field prior for an interface: rigid-body relaxation of film 1 (x, y, z) from where it is, with the D2
 * model; returns its z-separation (Å) and binding energy (eV per film atom). Films are treated as rigid, so
 * the prior depends only on the starting geometry, never on any DFT result.
 */
export async function forceFieldPrior(b: FFBackend, s: Structure): Promise<{ zSeparation: number; bindingEnergy: number; converged: boolean }> {
  const r = await relaxRigid(b, systemFromStructure(canonicalInterface(s)), PRIOR_PARAMS, { fmax: 0.01, maxSteps: 400 });
  return { zSeparation: r.films[0].zSeparation, bindingEnergy: r.bindingEnergy, converged: r.converged };
}
