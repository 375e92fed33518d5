/**
 * The only module that touches heterolab's wasm. Raw C ABI (DESIGN.md §5): allocate with hl_alloc, write into
 * a view of memory.buffer, call, read back, free. Views are rebuilt after every call (memory growth detaches
 * them) and never held across an await.
 */
export interface GeometryExports {
  memory: WebAssembly.Memory;
  hl_alloc(bytes: number): number;
  hl_free(ptr: number, bytes: number): void;
  hl_abi_version(): number;
  hl_cell_volume(cellPtr: number): number;
  hl_wrap_positions(cellPtr: number, posPtr: number, n: number, pbcMask: number): number;
}

export const ABI_VERSION = 1;
const STATUS: Record<number, string> = { 1: 'null pointer', 2: 'singular cell', 3: 'non-finite coordinate' };

export class GeometryWasm {
  private constructor(private x: GeometryExports) {}

  /** Instantiates from the module's bytes (Node reads the file; the browser fetches its URL). */
  static async fromBytes(bytes: BufferSource): Promise<GeometryWasm> {
    const { instance } = await WebAssembly.instantiate(bytes, {});
    const x = instance.exports as unknown as GeometryExports;
    const v = x.hl_abi_version();
    if (v !== ABI_VERSION) throw new Error(`heterolab.wasm ABI ${v}, expected ${ABI_VERSION}: rebuild with npm run build:wasm`);
    return new GeometryWasm(x);
  }

  private withF64<T>(data: ArrayLike<number>[], body: (ptrs: number[]) => T): T {
    const ptrs = data.map((d) => {
      const p = this.x.hl_alloc(Math.max(8, d.length * 8));
      if (!p) throw new Error('wasm allocation failed');
      new Float64Array(this.x.memory.buffer, p, d.length).set(d);
      return p;
    });
    try {
      return body(ptrs);
    } finally {
      ptrs.forEach((p, i) => this.x.hl_free(p, Math.max(8, data[i].length * 8)));
    }
  }

  cellVolume(cell: ArrayLike<number>): number {
    return this.withF64([cell], ([c]) => this.x.hl_cell_volume(c));
  }

  /** Wraps Cartesian positions (Å) into the cell along periodic axes; returns a new array. */
  wrapPositions(cell: ArrayLike<number>, positions: ArrayLike<number>, pbc: readonly boolean[]): Float64Array {
    const n = positions.length / 3;
    return this.withF64([cell, positions], ([c, p]) => {
      const status = this.x.hl_wrap_positions(c, p, n, (pbc[0] ? 1 : 0) | (pbc[1] ? 2 : 0) | (pbc[2] ? 4 : 0));
      if (status !== 0) throw new RangeError(`wrap_positions: ${STATUS[status] ?? `status ${status}`}`);
      return new Float64Array(this.x.memory.buffer, p, 3 * n).slice();
    });
  }
}
