import { readFileSync } from 'node:fs';
import { GeometryWasm } from '../../src/compute/geometry/wasm';

let g: Promise<GeometryWasm> | null = null;
/** The compiled crate, as the CLI and worker load it. */
export function geometry(): Promise<GeometryWasm> {
  g ??= GeometryWasm.fromBytes(readFileSync(new URL('../../src/compute/geometry/build/heterolab.wasm', import.meta.url)));
  return g;
}
