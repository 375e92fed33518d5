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
 * Net-force tolerance (eV/Å per film) of the prior's relaxation, by BFGS from the parabola-refined z bracket:
 * ~9 force evaluations after 18 scan energies per screen pair, where the z-scan + golden section + FIRE (to
 * 0.01 eV/Å) it replaced took ~27 after 56: 6.4 vs 19.1 CPU ms per pair over 250 pairs of the study's screen
 * (npm run bench -- screen-prior --stride 10). Against that old algorithm run to 1e-4 eV/Å, 249 of the 250 land
 * within 1e-3 Å and 1e-5 eV/atom (the old prior: 231); the odd one (MoOS-1H on Ta(100)) stays, as the old prior
 * did, on an in-plane saddle of the symmetric start registry (0, 0) that the tighter FIRE leaves.
 */
export const PRIOR_FMAX = 1e-4;
/** Tolerance (eV/Å) of the FIRE fallback when BFGS stalls: the prior's tolerance before BFGS. */
export const PRIOR_FALLBACK_FMAX = 0.01;

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
  const p = { ...PRIOR_PARAMS, model };
  let r = await relaxRigid(b, sys, p, { fmax: PRIOR_FMAX, maxSteps: 400, optimizer: 'bfgs' });
  // BFGS stalls on a few rough surfaces (~1 pair in 250 of the screen, e.g. CrSeTe-1H top on Fe(110)): FIRE
  // from where it stopped then settles it to the tolerance the prior had before BFGS (0.01 eV/Å).
  if (!r.converged) r = await relaxRigid(b, r.system, p, { fmax: PRIOR_FALLBACK_FMAX, maxSteps: 400, optimizer: 'fire', bracket: false });
  return { zSeparation: r.films[0].zSeparation, bindingEnergy: r.bindingEnergy, converged: r.converged };
}
