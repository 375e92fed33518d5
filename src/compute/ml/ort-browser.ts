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

/**
 * A model file's bytes from `url`, refused with a message that names the file when it is missing or is not
 * the file the manifest was built with (truncated download, corrupted cache, another build's model): ORT's
 * own error for bad bytes ("protobuf parsing failed") says neither which file nor what to do.
 */
export async function fetchModel(url: string, file: string, sha256: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${file}: HTTP ${r.status}, the model file is missing from this server; the force-field estimates still work`);
  const bytes = new Uint8Array(await r.arrayBuffer());
  const digest = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
  if (digest !== sha256) throw new Error(`${file} is corrupt or from another build (${bytes.length} bytes, sha256 ${digest.slice(0, 12)}…, expected ${sha256.slice(0, 12)}…); reload, or clear this site's data to fetch it again`);
  return bytes;
}
