import { readFileSync } from 'node:fs';
import { HeterolabWasm } from '../../src/compute/geometry/wasm';

let g: Promise<HeterolabWasm> | null = null;
/** The compiled crate, as the CLI and worker load it. */
export function geometry(): Promise<HeterolabWasm> {
  g ??= HeterolabWasm.fromBytes(readFileSync(new URL('../../src/compute/geometry/build/heterolab.wasm', import.meta.url)));
  return g;
}
