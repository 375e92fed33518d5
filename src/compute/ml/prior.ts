import type { Structure } from '../../core/structure';
import type { FFBackend } from '../ff/ops';
import { relaxRigid, shifted, zSeparation } from '../ff/ops';
import { canonicalInterface, systemFromStructure } from '../ff/system';

/** The force-field model and settings whose results feed the predictors as a physics prior (features ff_*). */
export const PRIOR_PARAMS = { model: 'd2' as const, cutoff: 12 };
/** Starting z-separation (Å) of the prior's relaxation. */
export const PRIOR_START_Z = 3.2;

/**
 * Force-field prior for an interface: rigid-body relaxation of film 1 (x, y, z) with the D2 model, from the
 * film's registry at z = PRIOR_START_Z; returns its z-separation (Å) and binding energy (eV per film atom).
 * Films are rigid, so the prior depends only on the unrelaxed geometry, never on any DFT result.
 */
export async function forceFieldPrior(b: FFBackend, s: Structure): Promise<{ zSeparation: number; bindingEnergy: number; converged: boolean }> {
  // Start every relaxation from the same z-separation, so the prior (and the prediction) does not depend on
  // where the user happened to put the film: the models predict the relaxed interface.
  const sys0 = systemFromStructure(canonicalInterface(s));
  const sys = shifted(sys0, 1, 0, 0, PRIOR_START_Z - zSeparation(sys0, 1));
  const r = await relaxRigid(b, sys, PRIOR_PARAMS, { fmax: 0.01, maxSteps: 400 });
  return { zSeparation: r.films[0].zSeparation, bindingEnergy: r.bindingEnergy, converged: r.converged };
}
