/**
 * Interface geometry on Structures, over the wasm kernels (wasm/src): surface slabs, 2D layers, coincident
 * supercells (ZSL and fixed twist), interface assembly. Lengths Å, areas Å², angles radians, strains as
 * fractions (the CLI/UI edge converts to % and degrees).
 */
import { element } from '../../core/elements';
import { makeStructure, type Structure } from '../../core/structure';
import { twistPeriod } from '../../core/twist';
import { STRAIN_SIDES, type StrainSide } from '../../core/defaults';
export type { StrainSide } from '../../core/defaults';
import { PLANE_TOL } from '../../core/planes';
import { GeometryError, formatDetail, type HeterolabWasm } from './wasm';

export type V2 = [number, number];
export type Basis2 = [V2, V2];
export type IntMatrix2 = [[number, number], [number, number]];

export interface MatchParams {
  /** Largest interface (substrate supercell) area, Å². */
  maxArea: number;
  /** Largest strain as a fraction: principal strain of the film (and, in ZSL mode, per-vector length mismatch). */
  maxStrain: number;
  /** Angle tolerance: radians, or a relative tolerance (pymatgen) when angleRelative. */
  maxAngle: number;
  angleRelative?: boolean;
  /** pymatgen's max_area_ratio_tol (ZSL mode); default 0.09. */
  areaRatioTol?: number;
  /** Merge matches equivalent by lattice symmetry (default true). */
  dedupe?: boolean;
  limit?: number;
  /** Also find pairings that pymatgen's basis choice hides (default true); false reproduces pymatgen exactly. */
  robust?: boolean;
  /**
   * 'principal' (default): principal strains ≤ maxStrain as well; 'vectors': only the ZSL per-vector length
   * and angle tests (pymatgen, Hetero2d/MPInterfaces criteria).
   */
  criterion?: 'principal' | 'vectors';
  /** Work units the search may spend (default DEFAULT_MAX_WORK); a search estimated over it is refused before it starts, and one that runs over stops. */
  maxWork?: number;
  /** Leave out matches that would need a mirrored film (they cannot be built); counted out of `total` too. */
  excludeMirror?: boolean;
}

export interface LatticeMatch {
  filmMatrix: IntMatrix2;
  substrateMatrix: IntMatrix2;
  filmVectors: Basis2;
  substrateVectors: Basis2;
  /** Interface area (substrate supercell), Å². */
  area: number;
  /** In-plane map D (row-major, column vectors) taking the film supercell onto the substrate supercell. */
  map: [number, number, number, number];
  /** Rotation of the film (radians, counter-clockwise) in D = R(twist)·U. */
  twist: number;
  /** The film's strain tensor U − 1 (symmetric, row-major) and its principal values (ascending). */
  strainTensor: [number, number, number, number];
  principalStrains: [number, number];
  /** pymatgen's per-vector strains |s|/|f| − 1 and angle mismatch (relative or radians, as searched). */
  vectorStrains: [number, number];
  angleMismatch: number;
  /** No proper map within tolerance: building it would need a mirrored film. */
  mirror: boolean;
}

/**
 * Work units (ZSL candidate supercell pairs; the twist modes weighted to cost as much time, see wasm/src/zsl.rs)
 * a search may spend unless `MatchParams.maxWork` says otherwise. About 1.5 million units run per second on
 * this 2-core VM (`npm run bench -- match-work`), so the default allows ~10 s.
 */
export const DEFAULT_MAX_WORK = 1.5e7;

/**
 * Free search over all twists, at one twist (radians), or the best match per angle over a twist scan from
 * `from` to `to` (radians; without `to`, one twist period of the two lattices).
 */
export type SearchMode = { kind: 'all' } | { kind: 'twist'; twist: number } | { kind: 'scan'; from: number; to?: number; steps: number };
type Resolved = { kind: 'all' } | { kind: 'twist'; twist: number } | { kind: 'scan'; from: number; to: number; steps: number };

/** The mode with a scan's end filled in from the lattices' twist period. */
function resolved(mode: SearchMode, film: Basis2, sub: Basis2): Resolved {
  return mode.kind === 'scan' ? { ...mode, to: mode.to ?? mode.from + twistPeriod(film, sub) } : mode;
}

/** What a search will cost, known before it starts. */
export interface SearchEstimate {
  /**
   * Work units: exact for a free search (candidate supercell pairs); for one twist an upper bound on vectors and
   * vector pairs tried, without the matches found; for a scan the lattice-vector part. The kernel also counts
   * as it goes and stops a search that runs over maxWork.
   */
  work: number;
  maxWork: number;
  /** The largest max area (Å²) whose work is within maxWork. */
  areaWithinLimit: number;
  /** Area (Å²) of the substrate cell: match areas are multiples of it. */
  substrateCellArea: number;
  /** Largest substrate area multiple the search can return. */
  bandTop: number;
}

export interface SearchOutcome {
  /** The best `limit` matches (sorted by area, then strain; or per scan angle the found ones). */
  matches: LatticeMatch[];
  /** Matches found in all (after dedupe and the strain/mirror filters): `total − matches.length` were not shown. */
  total: number;
  /** For a twist scan: the best match per angle (radians), null where none fits. */
  scan?: { twist: number; match: LatticeMatch | null }[];
}

function readMatch(g: HeterolabWasm, r: Float64Array, base: number): LatticeMatch {
  const L = g.layout;
  const at = (f: string, k = 0) => r[base + L.off('match', f) + k];
  const four = (f: string): [number, number, number, number] => [at(f), at(f, 1), at(f, 2), at(f, 3)];
  const basis = (f: string): Basis2 => [[at(f), at(f, 1)], [at(f, 2), at(f, 3)]];
  const st = four('stretch');
  return {
    filmMatrix: basis('film_m') as IntMatrix2,
    substrateMatrix: basis('sub_m') as IntMatrix2,
    filmVectors: basis('film_sl'),
    substrateVectors: basis('sub_sl'),
    area: at('area'),
    map: four('d'),
    twist: at('twist'),
    strainTensor: [st[0] - 1, st[1], st[2], st[3] - 1],
    principalStrains: [at('principal'), at('principal', 1)],
    vectorStrains: [at('vec_strain'), at('vec_strain', 1)],
    angleMismatch: at('angle_mismatch'),
    mirror: at('mirror') !== 0,
  };
}

function latticeArgs(g: HeterolabWasm, film: Basis2, sub: Basis2): Float64Array {
  return g.layout.pack('lattices', { film_a: film[0], film_b: film[1], sub_a: sub[0], sub_b: sub[1] });
}

/** The kernel's parameter vector for a search; `band` (substrate area multiples) and `chunk` (scan angles) select a part. */
function searchArgs(g: HeterolabWasm, p: MatchParams, mode: Resolved, band: [number, number] = [1, 0], chunk?: [number, number]): Float64Array {
  const scan = mode.kind === 'scan' ? mode : { from: 0, to: 0, steps: 1 };
  return g.layout.pack('match_params', {
    max_area: p.maxArea,
    area_ratio_tol: p.areaRatioTol ?? 0.09,
    length_tol: p.maxStrain,
    angle_tol: p.maxAngle,
    angle_relative: p.angleRelative ? 1 : 0,
    dedupe: p.dedupe === false ? 0 : 1,
    mode: mode.kind === 'all' ? 0 : mode.kind === 'twist' ? 1 : 2,
    twist: mode.kind === 'twist' ? mode.twist : 0,
    limit: p.limit ?? 1000,
    robust: p.robust === false ? 0 : 1,
    // The principal-strain test runs in the kernel, before the list is cut, so `total` counts what is shown.
    principal_filter: mode.kind === 'all' && p.robust !== false && p.criterion !== 'vectors' ? 1 : 0,
    exclude_mirror: p.excludeMirror ? 1 : 0,
    band_min: band[0],
    band_max: band[1],
    max_work: p.maxWork ?? DEFAULT_MAX_WORK,
    scan_from: scan.from,
    scan_to: scan.to,
    scan_steps: scan.steps,
    scan_first: chunk?.[0] ?? 0,
    scan_count: chunk?.[1] ?? scan.steps,
  });
}

/** The cost of a search (see SearchEstimate), computed without running it. */
export function estimateSearch(g: HeterolabWasm, film: Basis2, sub: Basis2, p: MatchParams, mode: SearchMode): SearchEstimate {
  const [l, q] = [latticeArgs(g, film, sub), searchArgs(g, p, resolved(mode, film, sub))];
  g.check('match estimate', g.withArrays([l, q], ([lp, qp]) => g.call('hl_match_estimate', (x) => x.hl_match_estimate(lp, l.length, qp, q.length))));
  const r = g.result();
  const at = (f: string) => r[g.layout.off('estimate', f)];
  return { work: at('work'), maxWork: at('max_work'), areaWithinLimit: at('area_within_limit'), substrateCellArea: at('sub_cell_area'), bandTop: at('band_top') };
}

/** One hl_match call (mode all or twist) over a band of substrate area multiples. */
function matchCall(g: HeterolabWasm, film: Basis2, sub: Basis2, p: MatchParams, mode: Resolved, band?: [number, number]): { matches: LatticeMatch[]; total: number } {
  const [l, q] = [latticeArgs(g, film, sub), searchArgs(g, p, mode, band)];
  const n = g.check('match', g.withArrays([l, q], ([lp, qp]) => g.call('hl_match', (x) => x.hl_match(lp, l.length, qp, q.length))));
  const r = g.result();
  const [head, size] = [g.layout.size('match_head'), g.layout.size('match')];
  return { total: r[g.layout.off('match_head', 'total')], matches: Array.from({ length: n }, (_, k) => readMatch(g, r, head + k * size)) };
}

/** Angles `first..first + count` of a twist scan. */
function scanCall(g: HeterolabWasm, film: Basis2, sub: Basis2, p: MatchParams, mode: Extract<Resolved, { kind: 'scan' }>, first: number, count: number): { twist: number; match: LatticeMatch | null }[] {
  const [l, q] = [latticeArgs(g, film, sub), searchArgs(g, p, mode, [1, 0], [first, count])];
  g.check('twist scan', g.withArrays([l, q], ([lp, qp]) => g.call('hl_twist_scan', (x) => x.hl_twist_scan(lp, l.length, qp, q.length))));
  const r = g.result();
  const [size, found] = [g.layout.size('scan_entry'), g.layout.off('scan_entry', 'found')];
  const { from, to, steps } = mode;
  return Array.from({ length: count }, (_, i) => {
    const k = first + i;
    return { twist: steps > 1 ? from + ((to - from) * k) / (steps - 1) : from, match: r[i * size + found] ? readMatch(g, r, i * size + g.layout.off('scan_entry', 'match')) : null };
  });
}

/** A search in one call (the kernel refuses it up front when it is over maxWork). */
export function searchMatches(g: HeterolabWasm, film: Basis2, sub: Basis2, p: MatchParams, searchMode: SearchMode): SearchOutcome {
  const mode = resolved(searchMode, film, sub);
  if (mode.kind !== 'scan') return matchCall(g, film, sub, p, mode);
  const scan = scanCall(g, film, sub, p, mode, 0, mode.steps);
  const found = scan.filter((e) => e.match).map((e) => e.match!);
  return { matches: found, total: found.length, scan };
}

/**
 * Zur–McGill coincidence search (all twists), sorted by area then strain. In the default (robust) mode the
 * result keeps only matches whose principal strains are within maxStrain too (the per-vector test alone lets
 * a shear through); with robust: false it returns exactly what pymatgen's ZSLGenerator returns.
 */
export function findMatches(g: HeterolabWasm, film: Basis2, sub: Basis2, p: MatchParams): LatticeMatch[] {
  return matchCall(g, film, sub, p, { kind: 'all' }).matches;
}

/** Supercells at a prescribed twist (radians), sorted by area then strain. */
export function findMatchesAtTwist(g: HeterolabWasm, film: Basis2, sub: Basis2, twist: number, p: MatchParams): LatticeMatch[] {
  return matchCall(g, film, sub, p, { kind: 'twist', twist }).matches;
}

/** Best match per angle over [from, to] (radians, `steps` angles inclusive); null where none fits. */
export function twistScan(g: HeterolabWasm, film: Basis2, sub: Basis2, from: number, to: number, steps: number, p: MatchParams): { twist: number; match: LatticeMatch | null }[] {
  return scanCall(g, film, sub, p, { kind: 'scan', from, to, steps }, 0, steps);
}

export interface SearchControl {
  /** Called after each chunk with chunks done and the chunk count. */
  onProgress?: (done: number, total: number) => void;
  /** Checked between chunks; an abort rejects with the signal's reason (an AbortError). */
  signal?: AbortSignal;
}

/** Work per chunk: ~0.2 s here (see DEFAULT_MAX_WORK), so progress moves and cancel is felt quickly. */
const CHUNK_WORK = 3e5;
const MAX_CHUNKS = 64;

/** Lets queued events (the worker's abort message, a UI repaint) run: a microtask would not. */
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Substrate area-multiple bands for a free search: ZSL work grows about as area⁴, so bands get narrower. */
function bands(top: number, chunks: number): [number, number][] {
  const out: [number, number][] = [];
  let lo = 1;
  for (let k = 1; k <= chunks && lo <= top; k++) {
    const hi = k === chunks ? top : Math.max(lo, Math.round(top * (k / chunks) ** 0.25));
    out.push([lo, hi]);
    lo = hi + 1;
  }
  return out;
}

/**
 * The same search as searchMatches, in bounded chunks (area bands of a free search, angle ranges of a scan),
 * refusing up front (GeometryError 'too-much-work', naming the limit and the area that fits) when the
 * estimate is over maxWork. Between chunks it reports progress, yields to the event loop and honours `signal`.
 */
export async function searchMatchesChunked(g: HeterolabWasm, film: Basis2, sub: Basis2, p: MatchParams, searchMode: SearchMode, c: SearchControl = {}): Promise<SearchOutcome> {
  const mode = resolved(searchMode, film, sub);
  const est = estimateSearch(g, film, sub, p, mode);
  if (est.work > est.maxWork) throw tooMuchWork(g, est);
  const chunks = Math.max(1, Math.min(MAX_CHUNKS, Math.ceil(est.work / CHUNK_WORK)));
  const step = async <T>(k: number, n: number, run: () => T): Promise<T> => {
    c.signal?.throwIfAborted();
    const v = run();
    c.onProgress?.(k + 1, n);
    if (k + 1 < n) await yieldToEvents();
    return v;
  };
  if (mode.kind === 'scan') {
    const per = Math.ceil(mode.steps / Math.min(chunks, mode.steps));
    const n = Math.ceil(mode.steps / per);
    const scan: SearchOutcome['scan'] = [];
    for (let k = 0; k < n; k++) scan.push(...(await step(k, n, () => scanCall(g, film, sub, p, mode, k * per, Math.min(per, mode.steps - k * per)))));
    const found = scan.filter((e) => e.match).map((e) => e.match!);
    return { matches: found, total: found.length, scan };
  }
  const bs = mode.kind === 'all' ? bands(est.bandTop, chunks) : [[1, 0] as [number, number]];
  const limit = p.limit ?? 1000;
  const out: SearchOutcome = { matches: [], total: 0 };
  for (const [k, band] of bs.entries()) {
    // Bands come in ascending area, so once `limit` are shown later bands only add to the total.
    const r = await step(k, bs.length, () => matchCall(g, film, sub, { ...p, limit: Math.max(1, limit - out.matches.length) }, mode, band));
    out.total += r.total;
    out.matches.push(...r.matches.slice(0, limit - out.matches.length));
  }
  return out;
}

function tooMuchWork(g: HeterolabWasm, e: SearchEstimate): GeometryError {
  const code = g.layout.statusCode('too-much-work');
  const msg = g.layout.status(code)!.message;
  const fill = [e.work, e.maxWork, Math.floor(e.areaWithinLimit)];
  const text = msg.replace(/\{(\d)\}/g, (_, i: string) => formatDetail(Math.ceil(fill[Number(i)])));
  return new GeometryError('too-much-work', `match: ${text}`, e.work);
}

export interface SlabOptions {
  hkl: [number, number, number];
  /** Number of atomic planes; or give minThickness (Å) instead. */
  layers?: number;
  minThickness?: number;
  /** Vacuum (Å) added along z. */
  vacuum: number;
  termination?: number;
  /** Bottom planes fixed by selective dynamics (default: half of them, rounded down). */
  fixedLayers?: number;
  maxAtoms: number;
}

export interface SlabResult {
  structure: Structure;
  planesPerRepeat: number;
  terminations: number;
  /** Height of one repeat of the oriented cell along the normal (Å). */
  repeatHeight: number;
  nPlanes: number;
  /** Oriented-cell basis in the given (or primitive) bulk cell, rows u1, u2 (in-plane), u3. */
  basis: number[][];
}

/** Per-atom labels of built structures: role 0 = substrate, k = k-th film; plane index from the bottom. */
export function makeSlab(g: HeterolabWasm, bulk: Structure, o: SlabOptions): SlabResult {
  const layers = o.layers ?? 0;
  const fixed = o.fixedLayers ?? Math.floor(layers / 2);
  const n = bulk.numbers.length;
  const L = g.layout;
  const params = L.pack('slab_params', {
    h: o.hkl[0], k: o.hkl[1], l: o.hkl[2], layers, min_thickness: o.minThickness ?? 0, vacuum: o.vacuum, termination: o.termination ?? 0, fixed_layers: fixed, max_atoms: o.maxAtoms,
  });
  const code = g.withArrays([bulk.cell, bulk.positions, bulk.numbers, params], ([c, p, z, q]) => g.call('hl_slab', (x) => x.hl_slab(c, p, z, n, q, params.length)));
  const na = g.check('slab', code);
  const r = g.result();
  const h = L.offsets('slab_head');
  const basis = [0, 1, 2].map((i) => Array.from(r.subarray(h.basis + 3 * i, h.basis + 3 * i + 3)));
  const cell = r.slice(h.cell, h.cell + 9);
  const positions = new Float64Array(3 * na);
  const numbers = new Uint8Array(na);
  const layerIndex = new Uint16Array(na);
  const sd = new Uint8Array(3 * na);
  const [a, w] = [L.offsets('slab_atom'), L.size('slab_atom')];
  for (let i = 0, q = L.size('slab_head'); i < na; i++, q += w) {
    positions.set(r.subarray(q + a.pos, q + a.pos + 3), 3 * i);
    numbers[i] = r[q + a.number];
    layerIndex[i] = r[q + a.layer];
    sd.fill(r[q + a.fixed] ? 0 : 1, 3 * i, 3 * i + 3);
  }
  const nPlanes = r[h.n_planes];
  const structure = makeStructure({
    numbers,
    positions,
    cell,
    pbc: [true, true, true],
    arrays: { selectiveDynamics: sd, layerIndex, role: new Uint8Array(na) },
    info: { title: `${bulk.info.title ?? 'slab'} (${o.hkl.join('')}) slab, ${nPlanes} layers` },
  });
  return { structure, planesPerRepeat: r[h.planes_per_repeat], terminations: r[h.n_terminations], repeatHeight: r[h.repeat_height], nPlanes, basis };
}

export interface LayerResult {
  structure: Structure;
  thickness: number;
  componentRanks: number[];
  /** Species (Z) of the bottom face (the one that touches a substrate) and of the top face. */
  faces: { bottom: number[]; top: number[] };
  janus: boolean;
}

/** The first 2D layer of a structure (monolayer with vacuum, or one layer of a layered bulk), standard orientation. */
export function extractLayer(g: HeterolabWasm, s: Structure, o: { flip?: boolean; vacuum: number }): LayerResult {
  const n = s.numbers.length;
  const radii = Float64Array.from(s.numbers, (z) => element(z).covalentRadius);
  const mask = (s.pbc[0] ? 1 : 0) | (s.pbc[1] ? 2 : 0) | (s.pbc[2] ? 4 : 0);
  const code = g.withArrays([s.cell, s.positions, s.numbers, radii], ([c, p, z, rr]) => g.call('hl_layer', (x) => x.hl_layer(c, p, z, rr, n, mask, o.flip ? 1 : 0, o.vacuum)));
  const na = g.check('2D layer', code);
  const r = g.result();
  const L = g.layout;
  const h = L.offsets('layer_head');
  const componentRanks = Array.from(r.subarray(h.ranks, h.ranks + Math.min(r[h.n_components], L.len('layer_head', 'ranks'))));
  const cell = r.slice(h.cell, h.cell + 9);
  const positions = new Float64Array(3 * na);
  const numbers = new Uint8Array(na);
  const [a, w] = [L.offsets('layer_atom'), L.size('layer_atom')];
  for (let i = 0, q = L.size('layer_head'); i < na; i++, q += w) {
    positions.set(r.subarray(q + a.pos, q + a.pos + 3), 3 * i);
    numbers[i] = r[q + a.number];
  }
  const structure = makeStructure({ numbers, positions, cell, pbc: [true, true, true], info: { title: `${s.info.title ?? 'layer'} (2D layer)` } });
  const faces = layerFaces(structure);
  return { structure, thickness: r[h.thickness], componentRanks, faces, janus: faces.bottom.join() !== faces.top.join() };
}

/** Atoms within this height (Å) of the lowest (highest) atom make the bottom (top) face. */
export const FACE_TOL = PLANE_TOL;

export function layerFaces(s: Structure): { bottom: number[]; top: number[] } {
  const n = s.numbers.length;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) (lo = Math.min(lo, s.positions[3 * i + 2])), (hi = Math.max(hi, s.positions[3 * i + 2]));
  const pick = (test: (z: number) => boolean) => [...new Set(Array.from(s.numbers).filter((_, i) => test(s.positions[3 * i + 2])))].sort((a, b) => a - b);
  return { bottom: pick((z) => z - lo <= FACE_TOL), top: pick((z) => hi - z <= FACE_TOL) };
}

/** In-plane basis (a, b) of a slab or layer in the standard orientation. */
export function inPlaneBasis(s: Structure): Basis2 {
  return [[s.cell[0], s.cell[1]], [s.cell[3], s.cell[4]]];
}

export interface FilmPlacement {
  layer: Structure;
  filmMatrix: IntMatrix2;
  /** Å: mean z of the film's lowest plane − mean z of the plane below. */
  zSeparation: number;
  /** Registry shift, fractions of the interface cell vectors. */
  shift: V2;
}

export interface AssemblyOptions {
  substrateMatrix: IntMatrix2;
  strain?: StrainSide;
  vacuum: number;
  maxAtoms: number;
}

export interface InterfaceResult {
  structure: Structure;
  /** Maps actually applied (row-major 2x2): substrate (identity unless shared) and each film. */
  substrateMap: number[];
  filmMaps: number[][];
}

/** The hl_interface input vector: iface_params, the substrate and its atoms, then each film and its atoms. */
function interfaceInput(g: HeterolabWasm, substrate: Structure, films: FilmPlacement[], o: AssemblyOptions): Float64Array {
  const L = g.layout;
  const sl = substrate.arrays.layerIndex!;
  const sd = substrate.arrays.selectiveDynamics;
  const ns = substrate.numbers.length;
  const sizeOf = (f: FilmPlacement) => L.size('iface_film') + f.layer.numbers.length * L.size('iface_film_atom');
  const total = L.size('iface_params') + L.size('iface_substrate') + ns * L.size('iface_substrate_atom') + films.reduce((t, f) => t + sizeOf(f), 0);
  const out = new Float64Array(total);
  let k = 0;
  const put = (rec: string, v: Record<string, number | readonly number[]>) => (out.set(L.pack(rec, v), k), (k += L.size(rec)));
  const c = substrate.cell;
  put('iface_params', { vacuum: o.vacuum, mode: STRAIN_SIDES.indexOf(o.strain ?? 'film'), max_atoms: o.maxAtoms, n_films: films.length });
  put('iface_substrate', { a: [c[0], c[1]], b: [c[3], c[4]], sub_m: o.substrateMatrix.flat(), natoms: ns });
  // Atom records are written field by field (offsets from the table): packing one object per atom is slow.
  const [sa, sw] = [L.offsets('iface_substrate_atom'), L.size('iface_substrate_atom')];
  for (let i = 0; i < ns; i++, k += sw) {
    out.set(substrate.positions.subarray(3 * i, 3 * i + 3), k + sa.pos);
    [out[k + sa.number], out[k + sa.layer], out[k + sa.fixed]] = [substrate.numbers[i], sl[i], sd && !sd[3 * i] ? 1 : 0];
  }
  const [fa, fw] = [L.offsets('iface_film_atom'), L.size('iface_film_atom')];
  for (const f of films) {
    const { cell: fc, positions: fp, numbers } = f.layer;
    put('iface_film', { a: [fc[0], fc[1]], b: [fc[3], fc[4]], film_m: f.filmMatrix.flat(), z_sep: f.zSeparation, shift: f.shift, natoms: numbers.length });
    for (let i = 0; i < numbers.length; i++, k += fw) {
      out.set(fp.subarray(3 * i, 3 * i + 3), k + fa.pos);
      out[k + fa.number] = numbers[i];
    }
  }
  return out;
}

export function buildInterface(g: HeterolabWasm, substrate: Structure, films: FilmPlacement[], o: AssemblyOptions): InterfaceResult {
  if (!substrate.arrays.layerIndex) throw new GeometryError('bad-parameter', 'substrate has no plane indices (make it with makeSlab)');
  const input = interfaceInput(g, substrate, films, o);
  const na = g.check('interface', g.withArrays([input], ([p]) => g.call('hl_interface', (x) => x.hl_interface(p, input.length))));
  const r = g.result();
  const L = g.layout;
  const h = L.offsets('iface_head');
  const nf = r[h.n_films];
  const cell = r.slice(h.cell, h.cell + 9);
  const substrateMap = Array.from(r.subarray(h.substrate_map, h.substrate_map + 4));
  const mw = L.size('iface_film_map');
  const maps = L.size('iface_head');
  const filmMaps = Array.from({ length: nf }, (_, k) => Array.from(r.subarray(maps + k * mw + L.off('iface_film_map', 'map'), maps + k * mw + L.off('iface_film_map', 'map') + 4)));
  const positions = new Float64Array(3 * na);
  const numbers = new Uint8Array(na);
  const role = new Uint8Array(na);
  const layerIndex = new Uint16Array(na);
  const sdo = new Uint8Array(3 * na);
  const [a, w] = [L.offsets('iface_atom'), L.size('iface_atom')];
  for (let i = 0, q = maps + nf * mw; i < na; i++, q += w) {
    positions.set(r.subarray(q + a.pos, q + a.pos + 3), 3 * i);
    numbers[i] = r[q + a.number];
    role[i] = r[q + a.role];
    layerIndex[i] = r[q + a.layer];
    sdo.fill(r[q + a.fixed] ? 0 : 1, 3 * i, 3 * i + 3);
  }
  const structure = makeStructure({ numbers, positions, cell, pbc: [true, true, true], arrays: { role, layerIndex, selectiveDynamics: sdo }, info: { title: 'heterolab interface' } });
  return { structure, substrateMap, filmMaps };
}

/** Atoms an interface will have: |det M_s|·N_slab + Σ |det M_f|·N_film. */
export function interfaceAtomCount(m: LatticeMatch, slabAtoms: number, filmAtoms: number): number {
  const det = (x: IntMatrix2) => Math.abs(x[0][0] * x[1][1] - x[0][1] * x[1][0]);
  return det(m.substrateMatrix) * slabAtoms + det(m.filmMatrix) * filmAtoms;
}
