/**
 * The shipped predictors as the browser worker loads them: manifest and model card bundled, ONNX files as
 * same-origin assets (hashed, precached). Loaded on first use.
 */
import manifest from '../../models/manifest.json';
import modelCard from '../../models/MODEL_CARD.md?raw';
import { browserOrt, fetchModel } from '../compute/ml/ort-browser';
import { Predictor, type ModelManifest } from '../compute/ml/predictor';

const urls: Record<string, string> = {
  'ebind.onnx': new URL('../../models/ebind.onnx', import.meta.url).href,
  'zsep.onnx': new URL('../../models/zsep.onnx', import.meta.url).href,
};

let predictor: Promise<Predictor> | null = null;

export function loadPredictor(): Promise<Predictor> {
  const m = manifest as unknown as ModelManifest;
  predictor ??= Predictor.create(browserOrt(), m, async (file) => {
    const url = urls[file];
    const target = Object.values(m.targets).find((t) => t.file === file);
    if (!url || !target) throw new Error(`model file ${file} is not bundled`);
    return fetchModel(url, file, target.sha256);
  });
  predictor.catch(() => (predictor = null));
  return predictor;
}

export { modelCard, manifest };
