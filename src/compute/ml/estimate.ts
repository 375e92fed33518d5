import type { Structure } from '../../core/structure';
import type { FFBackend } from '../ff/ops';
import { computeFeatures, type Features } from './features';
import type { PredictionResult, Predictor } from './predictor';
import { forceFieldPrior, PRIOR_PARAMS, PRIOR_START_Z } from './prior';
import type { FormationEnergy } from './stability';

/**
 * The force-field prior the ff_* features come from, as recorded in the manifest (`features --prior`). To swap
 * the prior model (e.g. a fitted interlayer model), change PRIOR_PARAMS in prior.ts and run `npm run train`:
 * the card then reports the new prior, and models trained on another prior warn here until retrained.
 */
export function priorId(model: string = PRIOR_PARAMS.model): string {
  return `force field ${model}, cutoff ${PRIOR_PARAMS.cutoff} Å, rigid-body relaxation from z = ${PRIOR_START_Z} Å (src/compute/ml/prior.ts)`;
}

export type Prior = Awaited<ReturnType<typeof forceFieldPrior>>;

export interface InterfaceEstimate extends PredictionResult {
  features: Features;
  /** The force-field prior the models read (PRIOR_PARAMS' model, rigid relaxation from the given geometry). */
  forceField: { model: string; zSeparation: number; bindingEnergy: number; converged: boolean; backend: string };
}

/**
 * Estimates for one interface: force-field prior, features, both ONNX models, the domain check and, when the
 * film's formation energy is given or known from training, P(stable). filmSpaceGroup: the ITA number of the
 * film's space group in its own cell (the interface service finds it with moyo), for film_symmetry_ops. Shared by the CLI's `predict`
 * and the app's worker, so both report the same numbers for the same interface.
 */
export async function estimateInterface(predictor: Predictor, ff: FFBackend, structure: Structure, strain: number, cachedPrior?: Prior, formation?: FormationEnergy, filmSpaceGroup?: number | null): Promise<InterfaceEstimate> {
  const prior = cachedPrior ?? (await forceFieldPrior(ff, structure));
  const features = computeFeatures({ structure, strain, ff: prior, filmSpaceGroup });
  const [p] = await predictor.predict([features], [formation]);
  const trainedOn = predictor.manifest.prior;
  if (trainedOn && trainedOn !== priorId()) {
    p.warnings.push(`models were trained with the prior "${trainedOn}", this build computes "${priorId()}": retrain (npm run train)`);
    p.inDomain = false;
  }
  return { ...p, features, forceField: { model: PRIOR_PARAMS.model, ...prior, backend: ff.kind } };
}
