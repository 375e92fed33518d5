/**
 * Interface geometry on Structures, over the wasm kernels (wasm/src): surface slabs, 2D layers, coincident
 * supercells (ZSL and fixed twist), interface assembly. Lengths Å, areas Å², angles radians, strains as
 * fractions (the CLI/UI edge converts to % and degrees).
 */
import { element } from '../../core/elements';
import { makeStructure, type Structure } from '../../core/structure';
import { GeometryError, KERNEL_ERRORS, type GeometryWasm } from './wasm';

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

function check(code: number, what: string, g: GeometryWasm): number {
  if (code >= 0) return code;
  const kind = KERNEL_ERRORS[code] ?? `status ${code}`;
  const detail = g.result()[0];
  const messages: Record<string, string> = {
    'bad-miller': `${what}: the Miller indices must not all be zero`,
    singular: `${what}: the lattice is singular (linearly dependent vectors)`,
    'too-many-atoms': `${what}: would make ${detail} atoms, over the limit`,
    'bad-parameter': `${what}: a parameter is out of range`,
    'not-layered': `${what}: no 2D layer found (the most periodic bonded network is ${detail}D)`,
    'no-atoms': `${what}: no atoms`,
    'bad-termination': `${what}: termination out of range (this surface has ${detail})`,
  };
  throw new GeometryError(kind, messages[kind] ?? `${what}: ${kind}`, detail);
}

function readMatch(r: Float64Array, o: number): LatticeMatch {
  const v = (k: number): V2 => [r[o + k], r[o + k + 1]];
  return {
    filmMatrix: [[r[o], r[o + 1]], [r[o + 2], r[o + 3]]],
    substrateMatrix: [[r[o + 4], r[o + 5]], [r[o + 6], r[o + 7]]],
    filmVectors: [v(8), v(10)],
    substrateVectors: [v(12), v(14)],
    area: r[o + 16],
    map: [r[o + 17], r[o + 18], r[o + 19], r[o + 20]],
    twist: r[o + 21],
    strainTensor: [r[o + 22] - 1, r[o + 23], r[o + 24], r[o + 25] - 1],
    principalStrains: [r[o + 26], r[o + 27]],
    vectorStrains: [r[o + 28], r[o + 29]],
    angleMismatch: r[o + 30],
    mirror: r[o + 31] !== 0,
  };
}
const RECORD = 32;

function latticeArgs(film: Basis2, sub: Basis2): number[] {
  return [...film[0], ...film[1], ...sub[0], ...sub[1]];
}
function paramArgs(p: MatchParams, mode: 0 | 1, twist: number): number[] {
  return [p.maxArea, p.areaRatioTol ?? 0.09, p.maxStrain, p.maxAngle, p.angleRelative ? 1 : 0, p.dedupe === false ? 0 : 1, mode, twist, p.limit ?? 1000, p.robust === false ? 0 : 1];
}

/**
 * Zur–McGill coincidence search (all twists), sorted by area then strain. In the default (robust) mode the
 * result keeps only matches whose principal strains are within maxStrain too (the per-vector test alone lets
 * a shear through); with robust: false it returns exactly what pymatgen's ZSLGenerator returns.
 */
export function findMatches(g: GeometryWasm, film: Basis2, sub: Basis2, p: MatchParams): LatticeMatch[] {
  const n = g.withArrays([latticeArgs(film, sub), paramArgs(p, 0, 0)], ([l, q]) => check(g.exports.hl_match(l, q), 'match', g));
  const r = g.result();
  const all = Array.from({ length: n }, (_, k) => readMatch(r, k * RECORD));
  if (p.robust === false || p.criterion === 'vectors') return all;
  return all.filter((m) => Math.max(Math.abs(m.principalStrains[0]), Math.abs(m.principalStrains[1])) <= p.maxStrain + 1e-12);
}

/** Supercells at a prescribed twist (radians), sorted by area then strain. */
export function findMatchesAtTwist(g: GeometryWasm, film: Basis2, sub: Basis2, twist: number, p: MatchParams): LatticeMatch[] {
  const n = g.withArrays([latticeArgs(film, sub), paramArgs(p, 1, twist)], ([l, q]) => check(g.exports.hl_match(l, q), 'match', g));
  const r = g.result();
  return Array.from({ length: n }, (_, k) => readMatch(r, k * RECORD));
}

/** Best match per angle over [from, to] (radians, `steps` angles inclusive); null where none fits. */
export function twistScan(g: GeometryWasm, film: Basis2, sub: Basis2, from: number, to: number, steps: number, p: MatchParams): { twist: number; match: LatticeMatch | null }[] {
  g.withArrays([latticeArgs(film, sub), paramArgs(p, 1, 0)], ([l, q]) => check(g.exports.hl_twist_scan(l, q, from, to, steps), 'twist scan', g));
  const r = g.result();
  return Array.from({ length: steps }, (_, k) => ({
    twist: steps > 1 ? from + ((to - from) * k) / (steps - 1) : from,
    match: r[k * (RECORD + 1)] ? readMatch(r, k * (RECORD + 1) + 1) : null,
  }));
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
export function makeSlab(g: GeometryWasm, bulk: Structure, o: SlabOptions): SlabResult {
  const layers = o.layers ?? 0;
  const fixed = o.fixedLayers ?? Math.floor(layers / 2);
  const n = bulk.numbers.length;
  const params = [o.hkl[0], o.hkl[1], o.hkl[2], layers, o.minThickness ?? 0, o.vacuum, o.termination ?? 0, fixed, o.maxAtoms];
  const na = g.withArrays([bulk.cell, bulk.positions, bulk.numbers, params], ([c, p, z, q]) => check(g.exports.hl_slab(c, p, z, n, q), 'slab', g));
  const r = g.result();
  const basis = [0, 1, 2].map((i) => Array.from(r.subarray(8 + 3 * i, 11 + 3 * i)));
  const cell = r.slice(17, 26);
  const positions = new Float64Array(3 * na);
  const numbers = new Uint8Array(na);
  const layerIndex = new Uint16Array(na);
  const sd = new Uint8Array(3 * na);
  for (let i = 0; i < na; i++) {
    const o2 = 26 + 6 * i;
    positions.set(r.subarray(o2, o2 + 3), 3 * i);
    numbers[i] = r[o2 + 3];
    layerIndex[i] = r[o2 + 4];
    sd.fill(r[o2 + 5] ? 0 : 1, 3 * i, 3 * i + 3);
  }
  const structure = makeStructure({
    numbers,
    positions,
    cell,
    pbc: [true, true, true],
    arrays: { selectiveDynamics: sd, layerIndex, role: new Uint8Array(na) },
    info: { title: `${bulk.info.title ?? 'slab'} (${o.hkl.join('')}) slab, ${r[4]} layers` },
  });
  return { structure, planesPerRepeat: r[1], terminations: r[2], repeatHeight: r[3], nPlanes: r[4], basis };
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
export function extractLayer(g: GeometryWasm, s: Structure, o: { flip?: boolean; vacuum: number }): LayerResult {
  const n = s.numbers.length;
  const radii = Float64Array.from(s.numbers, (z) => element(z).covalentRadius);
  const mask = (s.pbc[0] ? 1 : 0) | (s.pbc[1] ? 2 : 0) | (s.pbc[2] ? 4 : 0);
  const na = g.withArrays([s.cell, s.positions, s.numbers, radii], ([c, p, z, rr]) => check(g.exports.hl_layer(c, p, z, rr, n, mask, o.flip ? 1 : 0, o.vacuum), '2D layer', g));
  const r = g.result();
  const nc = r[2];
  const componentRanks = Array.from(r.subarray(3, 3 + Math.min(nc, 8)));
  const cell = r.slice(11, 20);
  const positions = new Float64Array(3 * na);
  const numbers = new Uint8Array(na);
  for (let i = 0; i < na; i++) {
    positions.set(r.subarray(20 + 5 * i, 23 + 5 * i), 3 * i);
    numbers[i] = r[23 + 5 * i];
  }
  const structure = makeStructure({ numbers, positions, cell, pbc: [true, true, true], info: { title: `${s.info.title ?? 'layer'} (2D layer)` } });
  const faces = layerFaces(structure);
  return { structure, thickness: r[1], componentRanks, faces, janus: faces.bottom.join() !== faces.top.join() };
}

/** Atoms within this height (Å) of the lowest (highest) atom make the bottom (top) face. */
export const FACE_TOL = 0.3;

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

export interface InterfaceOptions {
  substrateMatrix: IntMatrix2;
  strain?: 'film' | 'shared';
  vacuum: number;
  maxAtoms: number;
}

export interface InterfaceResult {
  structure: Structure;
  /** Maps actually applied (row-major 2x2): substrate (identity unless shared) and each film. */
  substrateMap: number[];
  filmMaps: number[][];
}

export function buildInterface(g: GeometryWasm, substrate: Structure, films: FilmPlacement[], o: InterfaceOptions): InterfaceResult {
  const sl = substrate.arrays.layerIndex;
  const sd = substrate.arrays.selectiveDynamics;
  if (!sl) throw new GeometryError('bad-parameter', 'substrate has no plane indices (make it with makeSlab)');
  const ns = substrate.numbers.length;
  const input: number[] = [o.vacuum, o.strain === 'shared' ? 1 : 0, o.maxAtoms, films.length];
  input.push(substrate.cell[0], substrate.cell[1], substrate.cell[3], substrate.cell[4], ...o.substrateMatrix[0], ...o.substrateMatrix[1], ns);
  for (let i = 0; i < ns; i++)
    input.push(substrate.positions[3 * i], substrate.positions[3 * i + 1], substrate.positions[3 * i + 2], substrate.numbers[i], sl[i], sd && !sd[3 * i] ? 1 : 0);
  for (const f of films) {
    const L = f.layer;
    input.push(L.cell[0], L.cell[1], L.cell[3], L.cell[4], ...f.filmMatrix[0], ...f.filmMatrix[1], f.zSeparation, f.shift[0], f.shift[1], L.numbers.length);
    for (let i = 0; i < L.numbers.length; i++) input.push(L.positions[3 * i], L.positions[3 * i + 1], L.positions[3 * i + 2], L.numbers[i]);
  }
  const na = g.withArrays([input], ([p]) => check(g.exports.hl_interface(p, input.length), 'interface', g));
  const r = g.result();
  const nf = r[1];
  const cell = r.slice(2, 11);
  const substrateMap = Array.from(r.subarray(11, 15));
  const filmMaps = Array.from({ length: nf }, (_, k) => Array.from(r.subarray(15 + 4 * k, 19 + 4 * k)));
  const base = 15 + 4 * nf;
  const positions = new Float64Array(3 * na);
  const numbers = new Uint8Array(na);
  const role = new Uint8Array(na);
  const layerIndex = new Uint16Array(na);
  const sdo = new Uint8Array(3 * na);
  for (let i = 0; i < na; i++) {
    const q = base + 7 * i;
    positions.set(r.subarray(q, q + 3), 3 * i);
    numbers[i] = r[q + 3];
    role[i] = r[q + 4];
    layerIndex[i] = r[q + 5];
    sdo.fill(r[q + 6] ? 0 : 1, 3 * i, 3 * i + 3);
  }
  const structure = makeStructure({ numbers, positions, cell, pbc: [true, true, true], arrays: { role, layerIndex, selectiveDynamics: sdo }, info: { title: 'heterolab interface' } });
  return { structure, substrateMap, filmMaps };
}

/** Atoms an interface will have: |det M_s|·N_slab + Σ |det M_f|·N_film. */
export function interfaceAtomCount(m: LatticeMatch, slabAtoms: number, filmAtoms: number): number {
  const det = (x: IntMatrix2) => Math.abs(x[0][0] * x[1][1] - x[0][1] * x[1][0]);
  return det(m.substrateMatrix) * slabAtoms + det(m.filmMatrix) * filmAtoms;
}
