/// <reference lib="webworker" />
import { expose, transfer } from 'comlink';
import moyoWasmUrl from '@spglib/moyo-wasm/moyo_wasm_bg.wasm?url';
import { HeterolabWasm } from '../compute/geometry/wasm';
import { geometryWasmUrl } from '../compute/geometry/wasm-url';
import { setSpaceGroupInit } from '../io/space-groups';
import { createComputeApi } from './compute-api';
import { loadPredictor, modelCard } from './models';
import { HEARTBEAT, type ComputeApi, type FileInput } from './protocol';

// Browser side of io's platform hooks: moyo's wasm is fetched from our own origin when a CIF needs it.
setSpaceGroupInit(async (m) => {
  await m.default({ module_or_path: moyoWasmUrl });
});

const geometry: Promise<HeterolabWasm> = fetch(geometryWasmUrl)
  .then((r) => {
    if (!r.ok) throw new Error(`heterolab.wasm: HTTP ${r.status}`);
    return r.arrayBuffer();
  })
  .then((b) => HeterolabWasm.fromBytes(b));
geometry.catch(() => undefined); // reported through status()

// WebGPU is offered to dedicated workers where the browser supports it.
const api = createComputeApi(geometry, () => (self.navigator as Navigator & { gpu?: GPU }).gpu, { predictor: loadPredictor, card: modelCard });
const exposed: ComputeApi = {
  ...api,
  async readFiles(files: FileInput[]) {
    const out = await api.readFiles(files);
    // Positions and numbers move to the main thread without a copy.
    const buffers = out.flatMap((r) => (r.ok ? r.structures.flatMap((s) => [s.positions.buffer as ArrayBuffer, s.numbers.buffer as ArrayBuffer]) : []));
    return transfer(out, [...new Set(buffers)]);
  },
};
// Heartbeats are answered here, before comlink sees them (the client's hang detection, client.ts).
self.addEventListener('message', (e: MessageEvent) => {
  if (e.data?.type !== HEARTBEAT) return;
  e.stopImmediatePropagation();
  self.postMessage({ type: HEARTBEAT });
});
expose(exposed);
