/// <reference lib="webworker" />
import { expose, transfer } from 'comlink';
import moyoWasmUrl from '@spglib/moyo-wasm/moyo_wasm_bg.wasm?url';
import { GeometryWasm } from '../compute/geometry/wasm';
import { geometryWasmUrl } from '../compute/geometry/wasm-url';
import { readStructureFile } from '../io/registry';
import { setSpaceGroupInit } from '../io/space-groups';
import type { ComputeApi, FileInput, ReadReport, WorkerStatus } from './protocol';

// Browser side of io's platform hooks: moyo's wasm is fetched from our own origin when a CIF needs it.
setSpaceGroupInit(async (m) => {
  await m.default({ module_or_path: moyoWasmUrl });
});

const geometry: Promise<GeometryWasm> = fetch(geometryWasmUrl)
  .then((r) => {
    if (!r.ok) throw new Error(`heterolab.wasm: HTTP ${r.status}`);
    return r.arrayBuffer();
  })
  .then((b) => GeometryWasm.fromBytes(b));
geometry.catch(() => undefined); // reported through status()

const api: ComputeApi = {
  async status(): Promise<WorkerStatus> {
    try {
      await geometry;
      return { geometry: 'wasm' };
    } catch (e) {
      return { geometry: 'unavailable', geometryError: (e as Error).message };
    }
  },

  async readFiles(files: FileInput[]): Promise<ReadReport[]> {
    const out: ReadReport[] = [];
    const buffers: ArrayBuffer[] = [];
    for (const f of files) {
      const r = await readStructureFile(f.name, new Uint8Array(f.bytes));
      if (!r.ok) {
        out.push({ file: f.name, ok: false, issue: r.issue });
        continue;
      }
      out.push({ file: f.name, ok: true, structures: r.structures, warnings: r.warnings });
      for (const s of r.structures) buffers.push(s.positions.buffer as ArrayBuffer, s.numbers.buffer as ArrayBuffer);
    }
    // Positions and numbers move to the main thread without a copy.
    return transfer(out, [...new Set(buffers)]);
  },
};

expose(api);
