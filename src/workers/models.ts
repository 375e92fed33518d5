/**
 * The shipped predictors as the browser worker loads them: manifest and model card bundled, ONNX files as
 * same-origin assets (hashed, precached). Loaded on first use.
 */
import manifest from '../../models/manifest.json';
import modelCard from '../../models/MODEL_CARD.md?raw';
import { browserOrt } from '../compute/ml/ort-browser';
import { Predictor, type ModelManifest } from '../compute/ml/predictor';

const urls: Record<string, string> = {
  'ebind.onnx': new URL('../../models/ebind.onnx', import.meta.url).href,
  'zsep.onnx': new URL('../../models/zsep.onnx', import.meta.url).href,
};

let predictor: Promise<Predictor> | null = null;

export function loadPredictor(): Promise<Predictor> {
  predictor ??= Predictor.create(browserOrt(), manifest as unknown as ModelManifest, async (file) => {
    const url = urls[file];
    if (!url) throw new Error(`model file ${file} is not bundled`);
    const r = await fetch(url);
    if (!r.ok) throw new Error(`${file}: HTTP ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  });
  predictor.catch(() => (predictor = null));
  return predictor;
}

export { modelCard, manifest };
