/**
 * onnxruntime-web's wasm build for the browser worker, with its .wasm file served from our own origin (the
 * app makes no request elsewhere) and precached by the service worker. Tree ensembles (ai.onnx.ml) run on this
 * build, not on the WebGPU one. One thread: the page is not cross-origin isolated, and the models are small.
 */
import * as ort from 'onnxruntime-web/wasm';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import type { OrtLike } from './predictor';

export function browserOrt(): OrtLike {
  ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  return ort as unknown as OrtLike;
}
