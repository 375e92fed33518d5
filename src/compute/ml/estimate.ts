import type { Structure } from '../../core/structure';
import type { FFBackend } from '../ff/ops';
import { computeFeatures, type Features } from './features';
import type { PredictionResult, Predictor } from './predictor';
import { forceFieldPrior, PRIOR_PARAMS } from './prior';

export type Prior = Awaited<ReturnType<typeof forceFieldPrior>>;

export interface InterfaceEstimate extends PredictionResult {
  features: Features;
  /** The force-field prior the models read (model D2, rigid relaxation from the given geometry). */
  forceField: { model: string; zSeparation: number; bindingEnergy: number; converged: boolean; backend: string };
}

/**
 * Estimates for one interface: force-field prior, features, both ONNX models. Shared by the CLI's `predict`
 * and the app's worker, so both report the same numbers for the same interface.
 */
export async function estimateInterface(predictor: Predictor, ff: FFBackend, structure: Structure, strain: number, cachedPrior?: Prior): Promise<InterfaceEstimate> {
  const prior = cachedPrior ?? (await forceFieldPrior(ff, structure));
  const features = computeFeatures({ structure, strain, ff: prior });
  const [p] = await predictor.predict([features]);
  return { ...p, features, forceField: { model: PRIOR_PARAMS.model, ...prior, backend: ff.kind } };
}
