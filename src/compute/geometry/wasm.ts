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
  hl_result_ptr(): number;
  hl_result_len(): number;
  hl_match(lat: number, params: number): number;
  hl_twist_scan(lat: number, params: number, from: number, to: number, steps: number): number;
  hl_slab(cell: number, pos: number, numbers: number, n: number, params: number): number;
  hl_layer(cell: number, pos: number, numbers: number, radii: number, n: number, pbcMask: number, flip: number, vacuum: number): number;
  hl_interface(input: number, len: number): number;
  hl_ff_energy_forces(cell: number, pos: number, group: number, species: number, n: number, pp: number, nspec: number, cutoff: number): number;
  hl_ff_energies_for_shifts(cell: number, pos: number, group: number, species: number, n: number, pp: number, nspec: number, cutoff: number, moved: number, shifts: number, nshift: number): number;
}

/** Inputs of the force-field kernels: structure, groups, per-atom species index into n × n pair tables. */
export interface FFKernelInput {
  cell: Float64Array;
  positions: Float64Array;
  group: Uint8Array;
  species: Uint8Array;
  nspec: number;
  /** Pair parameters A (eV Å^12), C (eV Å^6), R0 (Å), d per species pair: 4 × nspec², see ff/model.ts. */
  pp: Float64Array;
  cutoff: number;
}

export const ABI_VERSION = 3;
const STATUS: Record<number, string> = { 1: 'null pointer', 2: 'singular cell', 3: 'non-finite coordinate' };

/** Negative statuses of the geometry kernels (wasm/src/ffi.rs ERR_*). */
export const KERNEL_ERRORS: Record<number, string> = {
  [-1]: 'null-pointer',
  [-2]: 'singular',
  [-3]: 'bad-miller',
  [-4]: 'too-many-atoms',
  [-5]: 'bad-parameter',
  [-6]: 'not-layered',
  [-7]: 'no-atoms',
  [-8]: 'bad-termination',
};

/** A kernel refused its input; `code` names why and `detail` is the number it reported (e.g. the atom count). */
export class GeometryError extends Error {
  constructor(
    public code: string,
    message: string,
    public detail?: number,
  ) {
    super(message);
    this.name = 'GeometryError';
  }
}

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

  /** Copies arrays into wasm memory (Float64Array/number[] as f64, Uint8Array as u8), runs body, frees. */
  withArrays<T>(data: (ArrayLike<number> | Uint8Array)[], body: (ptrs: number[]) => T): T {
    const sizes = data.map((d) => Math.max(8, d instanceof Uint8Array ? d.length : d.length * 8));
    const ptrs = data.map((d, i) => {
      const p = this.x.hl_alloc(sizes[i]);
      if (!p) throw new GeometryError('out-of-memory', 'wasm allocation failed');
      if (d instanceof Uint8Array) new Uint8Array(this.x.memory.buffer, p, d.length).set(d);
      else new Float64Array(this.x.memory.buffer, p, d.length).set(d);
      return p;
    });
    try {
      return body(ptrs);
    } finally {
      ptrs.forEach((p, i) => this.x.hl_free(p, sizes[i]));
    }
  }

  private withF64<T>(data: ArrayLike<number>[], body: (ptrs: number[]) => T): T {
    return this.withArrays(data, body);
  }

  /** The result buffer of the last kernel call, copied out (views die when memory grows). */
  result(): Float64Array {
    const len = this.x.hl_result_len();
    return new Float64Array(this.x.memory.buffer, this.x.hl_result_ptr(), len).slice();
  }

  /** Force-field energy (eV), pair count and forces (eV/Å) — the wasm twin of compute/ff/cpu.ts. */
  ffEnergyForces(k: FFKernelInput): { energy: number; pairs: number; forces: Float64Array } {
    const n = k.group.length;
    const code = this.withArrays([k.cell, k.positions, k.group, k.species, k.pp], ([c, p, g, s, pp]) => this.x.hl_ff_energy_forces(c, p, g, s, n, pp, k.nspec, k.cutoff));
    if (code < 0) throw new GeometryError(KERNEL_ERRORS[code] ?? 'error', `force field: ${KERNEL_ERRORS[code] ?? code}`);
    const r = this.result();
    return { energy: r[0], pairs: r[1], forces: r.slice(2, 2 + 3 * n) };
  }

  /** Energies (eV) of rigid displacements (3 per configuration, Å) of group `moved`. */
  ffEnergiesForShifts(k: FFKernelInput, moved: number, shifts: Float64Array): Float64Array {
    const n = k.group.length;
    const m = shifts.length / 3;
    const code = this.withArrays([k.cell, k.positions, k.group, k.species, k.pp, shifts], ([c, p, g, s, pp, sh]) =>
      this.x.hl_ff_energies_for_shifts(c, p, g, s, n, pp, k.nspec, k.cutoff, moved, sh, m),
    );
    if (code < 0) throw new GeometryError(KERNEL_ERRORS[code] ?? 'error', `force field: ${KERNEL_ERRORS[code] ?? code}`);
    return this.result();
  }

  /** Raw kernel access for the typed wrapper in geometry.ts. */
  get exports(): GeometryExports {
    return this.x;
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
