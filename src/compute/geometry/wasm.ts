/**
 * The only module that touches heterolab's wasm. Raw C ABI (DESIGN.md §5): allocate with hl_alloc, write into
 * a view of memory.buffer, call, read back, free. Views are rebuilt after every call (memory growth detaches
 * them) and never held across an await. Record sizes, field offsets, parameter counts and status codes come
 * from the crate's ABI table (wasm/src/abi.rs, read through hl_layout_*), checked here at load: this file and
 * its callers name fields, never offsets.
 */
export interface GeometryExports {
  memory: WebAssembly.Memory;
  hl_alloc(bytes: number): number;
  hl_free(ptr: number, bytes: number): void;
  hl_layout_ptr(): number;
  hl_layout_len(): number;
  hl_result_ptr(): number;
  hl_result_len(): number;
  hl_match_estimate(lat: number, latLen: number, params: number, paramsLen: number): number;
  hl_match(lat: number, latLen: number, params: number, paramsLen: number): number;
  hl_twist_scan(lat: number, latLen: number, params: number, paramsLen: number): number;
  hl_slab(cell: number, pos: number, numbers: number, n: number, params: number, paramsLen: number): number;
  hl_layer(cell: number, pos: number, numbers: number, radii: number, n: number, pbcMask: number, flip: number, vacuum: number): number;
  hl_interface(input: number, len: number): number;
  hl_ff_energy_forces(cell: number, pos: number, group: number, species: number, n: number, pp: number, nspec: number, cutoff: number): number;
  hl_ff_energies_for_shifts(cell: number, pos: number, group: number, species: number, n: number, pp: number, nspec: number, cutoff: number, moved: number, shifts: number, nshift: number): number;
}

/** Inputs of the force-field kernels: structure, groups, per-atom species index into n × n pair tables. */
export interface FFKernelInput {
  cell: Float64Array;
  positions: Float64Array;
  role: Uint8Array;
  species: Uint8Array;
  nspec: number;
  /** Pair parameters A (eV Å^12), C (eV Å^6), R0 (Å), d per species pair: an `ff_pair` record each, see ff/model.ts. */
  pp: Float64Array;
  cutoff: number;
}

/** The ABI this wrapper speaks (abi.rs ABI_VERSION). */
export const ABI_VERSION = 5;

/**
 * What this wrapper reads and writes: record → field → length (a 2×2 matrix is 4 numbers, a position 3).
 * Offsets and sizes are not written here: they come from the table, and load fails if a field is missing or
 * has another length.
 */
const EXPECTED: Record<string, Record<string, number>> = {
  match_params: {
    max_area: 1, area_ratio_tol: 1, length_tol: 1, angle_tol: 1, angle_relative: 1, dedupe: 1, mode: 1, twist: 1, limit: 1, robust: 1,
    principal_filter: 1, exclude_mirror: 1, band_min: 1, band_max: 1, max_work: 1, scan_from: 1, scan_to: 1, scan_steps: 1, scan_first: 1, scan_count: 1,
  },
  lattices: { film_a: 2, film_b: 2, sub_a: 2, sub_b: 2 },
  match: { film_m: 4, sub_m: 4, film_sl: 4, sub_sl: 4, area: 1, d: 4, twist: 1, stretch: 4, principal: 2, vec_strain: 2, angle_mismatch: 1, mirror: 1 },
  match_head: { total: 1, shown: 1 },
  scan_entry: { found: 1 },
  estimate: { work: 1, max_work: 1, area_within_limit: 1, sub_cell_area: 1, band_top: 1 },
  slab_params: { h: 1, k: 1, l: 1, layers: 1, min_thickness: 1, vacuum: 1, termination: 1, fixed_layers: 1, max_atoms: 1 },
  slab_head: { natoms: 1, planes_per_repeat: 1, n_terminations: 1, repeat_height: 1, n_planes: 1, basis: 9, cell: 9 },
  slab_atom: { pos: 3, number: 1, layer: 1, fixed: 1 },
  layer_head: { natoms: 1, thickness: 1, n_components: 1, ranks: 8, cell: 9 },
  layer_atom: { pos: 3, number: 1, source: 1 },
  iface_params: { vacuum: 1, mode: 1, max_atoms: 1, n_films: 1 },
  iface_substrate: { a: 2, b: 2, sub_m: 4, natoms: 1 },
  iface_substrate_atom: { pos: 3, number: 1, layer: 1, fixed: 1 },
  iface_film: { a: 2, b: 2, film_m: 4, z_sep: 1, shift: 2, natoms: 1 },
  iface_film_atom: { pos: 3, number: 1 },
  iface_head: { natoms: 1, n_films: 1, cell: 9, substrate_map: 4 },
  iface_film_map: { map: 4 },
  iface_atom: { pos: 3, number: 1, role: 1, layer: 1, fixed: 1 },
  ff_pair: { a: 1, c: 1, r0: 1, d: 1 },
  ff_head: { energy: 1, pairs: 1 },
  ffn_head: { energy: 1, pairs: 1, builds: 1, listed: 1 },
};

/** Status names this wrapper and geometry.ts refer to. */
const EXPECTED_STATUS = ['null-pointer', 'singular', 'bad-miller', 'too-many-atoms', 'bad-parameter', 'not-layered', 'no-atoms', 'bad-termination', 'param-length', 'too-much-work'];

interface RecordLayout {
  size: number;
  fields: Record<string, [offset: number, length: number]>;
}
interface AbiTable {
  abi: number;
  records: Record<string, RecordLayout>;
  status: { code: number; name: string; message: string }[];
}

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

/** The crate's ABI table, checked against EXPECTED. */
export class Layout {
  constructor(private t: AbiTable) {}

  /** Parses and checks the table; throws an Error naming every mismatch. */
  static check(json: string): Layout {
    let t: AbiTable;
    try {
      t = JSON.parse(json) as AbiTable;
    } catch (e) {
      throw new Error(`heterolab.wasm: its ABI table is not valid JSON (${(e as Error).message}); rebuild with npm run build:wasm`);
    }
    const bad: string[] = [];
    if (t.abi !== ABI_VERSION) bad.push(`ABI ${t.abi}, expected ${ABI_VERSION}`);
    for (const [rec, fields] of Object.entries(EXPECTED)) {
      const r = t.records?.[rec];
      if (!r) bad.push(`no record ${rec}`);
      else for (const [f, len] of Object.entries(fields)) if (r.fields[f]?.[1] !== len) bad.push(`${rec}.${f} has length ${r.fields[f]?.[1] ?? 'none'}, expected ${len}`);
    }
    const entry = t.records?.scan_entry?.fields.match;
    if (entry?.[1] !== t.records?.match?.size) bad.push('scan_entry.match is not one match record');
    for (const s of EXPECTED_STATUS) if (!t.status?.some((x) => x.name === s)) bad.push(`no status ${s}`);
    if (bad.length) throw new Error(`heterolab.wasm does not match this build of heterolab (${bad.join('; ')}): rebuild with npm run build:wasm`);
    return new Layout(t);
  }

  size(rec: string): number {
    return this.record(rec).size;
  }

  /** Offset (in f64s) of `field` in `rec`. */
  off(rec: string, field: string): number {
    const f = this.record(rec).fields[field];
    if (!f) throw new Error(`ABI table: ${rec} has no field ${field}`);
    return f[0];
  }

  /** Number of f64s of `field` in `rec`. */
  len(rec: string, field: string): number {
    const f = this.record(rec).fields[field];
    if (!f) throw new Error(`ABI table: ${rec} has no field ${field}`);
    return f[1];
  }

  /** Offsets of every field of `rec` (for tight loops over many records). */
  offsets(rec: string): Record<string, number> {
    return Object.fromEntries(Object.entries(this.record(rec).fields).map(([k, v]) => [k, v[0]]));
  }

  /** A parameter vector of `rec`: every field must be given (a missing one is a bug, not a zero). */
  pack(rec: string, values: Record<string, number | readonly number[]>): Float64Array {
    const r = this.record(rec);
    const out = new Float64Array(r.size);
    for (const [f, [o, len]] of Object.entries(r.fields)) {
      const v = values[f];
      if (v === undefined) throw new Error(`ABI: ${rec}.${f} not given`);
      const a = typeof v === 'number' ? [v] : v;
      if (a.length !== len) throw new Error(`ABI: ${rec}.${f} takes ${len} numbers, got ${a.length}`);
      out.set(a, o);
    }
    for (const f of Object.keys(values)) if (!r.fields[f]) throw new Error(`ABI: ${rec} has no field ${f}`);
    return out;
  }

  /** Status entry of a kernel return code. */
  status(code: number): { name: string; message: string } | undefined {
    return this.t.status.find((s) => s.code === code);
  }

  statusCode(name: string): number {
    const s = this.t.status.find((x) => x.name === name);
    if (!s) throw new Error(`ABI table: no status ${name}`);
    return s.code;
  }

  private record(rec: string): RecordLayout {
    const r = this.t.records[rec];
    if (!r) throw new Error(`ABI table: no record ${rec}`);
    return r;
  }
}

/** A detail number for a message: counts as plain integers, large ones in millions, huge ones as powers of ten. */
export function formatDetail(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1e12) return x.toExponential(1);
  if (Math.abs(x) >= 1e8) return `${Math.round(x / 1e6).toLocaleString('en-US')} million`;
  if (Math.abs(x) >= 1e6) return `${(x / 1e6).toPrecision(3)} million`;
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}

/** The heterolab wasm module (interface geometry and the force-field kernels), its ABI table and memory helpers. */
export class HeterolabWasm {
  private x: GeometryExports;
  private broken = false;

  private constructor(
    x: GeometryExports,
    public readonly layout: Layout,
    private readonly remake: (() => GeometryExports) | null,
  ) {
    this.x = x;
  }

  /** Instantiates from the module's bytes (Node reads the file; the browser fetches its URL). */
  static async fromBytes(bytes: BufferSource): Promise<HeterolabWasm> {
    const module = await WebAssembly.compile(bytes);
    const first = (await WebAssembly.instantiate(module, {})).exports as unknown as GeometryExports;
    // Only after a trap is an instance made synchronously (allowed in workers and Node, where this runs).
    const make = () => new WebAssembly.Instance(module, {}).exports as unknown as GeometryExports;
    return HeterolabWasm.fromExports(first, make);
  }

  /**
   * Wraps instantiated exports (e.g. wrapped to observe calls), checking the ABI table. `remake` gives fresh
   * exports after a trap (the crate's allocator may be left mid-operation); without it a trapped instance
   * refuses further calls.
   */
  static fromExports(x: GeometryExports, remake: (() => GeometryExports) | null = null): HeterolabWasm {
    if (typeof x.hl_layout_ptr !== 'function') throw new Error(`heterolab.wasm has no ABI table (built before ABI ${ABI_VERSION}): rebuild with npm run build:wasm`);
    // Pointer and length first: building the table may grow memory, which detaches an earlier buffer.
    const [ptr, len] = [x.hl_layout_ptr(), x.hl_layout_len()];
    const json = new TextDecoder().decode(new Uint8Array(x.memory.buffer, ptr, len));
    return new HeterolabWasm(x, Layout.check(json), remake);
  }

  /**
   * Runs one kernel call. A wasm trap (out of memory, or a bug) becomes a GeometryError naming the kernel,
   * and the instance is replaced so the next call starts clean.
   */
  call(kernel: string, body: (x: GeometryExports) => number): number {
    if (this.broken) {
      if (!this.remake) throw new GeometryError('wasm-trap', `${kernel}: the geometry module stopped after an earlier failure; reload to continue`);
      this.x = this.remake();
      this.broken = false;
    }
    try {
      return body(this.x);
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError) && !(e instanceof RangeError)) throw e;
      const mib = (this.x.memory.buffer.byteLength / 2 ** 20).toFixed(0);
      this.broken = true;
      throw new GeometryError('wasm-trap', `${kernel}: the wasm kernel failed (${e.message}) with ${mib} MiB of memory in use, most likely out of memory; try a smaller search or structure`);
    }
  }

  /** A GeometryError for a negative kernel status, with the table's message and the reported details. */
  kernelError(what: string, code: number): GeometryError {
    const s = this.layout.status(code);
    const detail = this.result();
    if (!s) return new GeometryError('error', `${what}: status ${code}`);
    const message = s.message.replace(/\{(\d)\}/g, (_, i: string) => formatDetail(detail[Number(i)]));
    // Statuses without details leave the result buffer as it was: only a message with {0} has a detail.
    return new GeometryError(s.name, `${what}: ${message}`, s.message.includes('{0}') ? detail[0] : undefined);
  }

  /** `code` if ≥ 0, else throws kernelError. */
  check(what: string, code: number): number {
    if (code >= 0) return code;
    throw this.kernelError(what, code);
  }

  /** Copies arrays into wasm memory (Float64Array/number[] as f64, Uint8Array as u8), runs body, frees. */
  withArrays<T>(data: (ArrayLike<number> | Uint8Array)[], body: (ptrs: number[]) => T): T {
    const sizes = data.map((d) => Math.max(8, d instanceof Uint8Array ? d.length : d.length * 8));
    const ptrs: number[] = [];
    try {
      for (const [i, d] of data.entries()) {
        const p = this.call('hl_alloc', (x) => x.hl_alloc(sizes[i]));
        if (!p) throw new GeometryError('out-of-memory', `wasm allocation of ${sizes[i]} bytes failed`);
        ptrs.push(p);
        if (d instanceof Uint8Array) new Uint8Array(this.x.memory.buffer, p, d.length).set(d);
        else new Float64Array(this.x.memory.buffer, p, d.length).set(d);
      }
      return body(ptrs);
    } finally {
      if (!this.broken) ptrs.forEach((p, i) => this.x.hl_free(p, sizes[i]));
    }
  }

  /** The result buffer of the last kernel call, copied out (views die when memory grows). */
  result(): Float64Array {
    const len = this.x.hl_result_len();
    return new Float64Array(this.x.memory.buffer, this.x.hl_result_ptr(), len).slice();
  }

  /** Force-field energy (eV), pair count and forces (eV/Å) — the wasm twin of compute/ff/cpu.ts. */
  ffEnergyForces(k: FFKernelInput): { energy: number; pairs: number; forces: Float64Array } {
    const n = k.role.length;
    const code = this.withArrays([k.cell, k.positions, k.role, k.species, k.pp], ([c, p, g, s, pp]) =>
      this.call('hl_ff_energy_forces', (x) => x.hl_ff_energy_forces(c, p, g, s, n, pp, k.nspec, k.cutoff)),
    );
    this.check('force field', code);
    const r = this.result();
    const L = this.layout;
    const head = L.size('ff_head');
    return { energy: r[L.off('ff_head', 'energy')], pairs: r[L.off('ff_head', 'pairs')], forces: r.slice(head, head + 3 * n) };
  }

  /** Energies (eV) of rigid displacements (3 per configuration, Å) of group `moved`. */
  ffEnergiesForShifts(k: FFKernelInput, moved: number, shifts: Float64Array): Float64Array {
    const n = k.role.length;
    const m = shifts.length / 3;
    const code = this.withArrays([k.cell, k.positions, k.role, k.species, k.pp, shifts], ([c, p, g, s, pp, sh]) =>
      this.call('hl_ff_energies_for_shifts', (x) => x.hl_ff_energies_for_shifts(c, p, g, s, n, pp, k.nspec, k.cutoff, moved, sh, m)),
    );
    this.check('force field', code);
    return this.result();
  }

  /** Raw kernel access (prefer `call`, which turns traps into GeometryErrors). */
  get exports(): GeometryExports {
    return this.x;
  }
}
