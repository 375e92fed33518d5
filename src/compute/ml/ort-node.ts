import type { OrtLike } from './predictor';

/** onnxruntime-web's wasm build in Node (the same inference code as the browser), one thread. */
export async function nodeOrt(): Promise<OrtLike> {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  return ort as unknown as OrtLike;
}
