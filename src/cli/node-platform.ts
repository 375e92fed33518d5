import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setSpaceGroupInit } from '../io/space-groups';

/** Node side of the platform hooks io needs: moyo's wasm is read from node_modules synchronously. */
export function installNodePlatform(): void {
  setSpaceGroupInit((m) => {
    const require = createRequire(import.meta.url);
    m.initSync({ module: readFileSync(require.resolve('@spglib/moyo-wasm/moyo_wasm_bg.wasm')) });
  });
}
