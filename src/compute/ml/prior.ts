import { DEFAULTS, type FFModel } from '../../core/defaults';
import type { Structure } from '../../core/structure';
import type { FFBackend } from '../ff/ops';
import { relaxRigid, shifted, zSeparation } from '../ff/ops';
import { canonicalInterface, systemFromStructure } from '../ff/system';

/** The force-field model and settings whose results feed the predictors as a physics prior (features ff_*). */
export const PRIOR_PARAMS = { model: DEFAULTS.ffModel, cutoff: DEFAULTS.cutoff };
/** Starting z-separation (Å) of the prior's relaxation. */
export const PRIOR_START_Z = DEFAULTS.startZ;

/**
 * Force-field prior for an interface: rigid-body relaxation of film 1 (x, y, z) with PRIOR_PARAMS' model, from
 * the film's registry at z = PRIOR_START_Z; returns its z-separation (Å) and binding energy (eV per film atom).
 * Films are rigid, so the prior depends only on the unrelaxed geometry. (The `fit` model's parameters were
 * fitted to the Hetero2d DFT records themselves: see MODEL_CARD.md for what that means for held-out numbers.)
 * `model` other than the prior's is for the training pipeline's comparison of priors only.
 */
export async function forceFieldPrior(b: FFBackend, s: Structure, model: FFModel = PRIOR_PARAMS.model): Promise<{ zSeparation: number; bindingEnergy: number; converged: boolean }> {
  // Start every relaxation from the same z-separation, so the prior (and the prediction) does not depend on
  // where the user happened to put the film: the models predict the relaxed interface.
  const sys0 = systemFromStructure(canonicalInterface(s));
  const sys = shifted(sys0, 1, 0, 0, PRIOR_START_Z - zSeparation(sys0, 1));
  const r = await relaxRigid(b, sys, { ...PRIOR_PARAMS, model }, { fmax: 0.01, maxSteps: 400 });
  return { zSeparation: r.films[0].zSeparation, bindingEnergy: r.bindingEnergy, converged: r.converged };
}
