// Browser builds: Vite emits heterolab.wasm as a hashed asset and gives its same-origin URL.
export { default as geometryWasmUrl } from './build/heterolab.wasm?url';
