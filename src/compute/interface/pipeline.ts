/**
 * The steps of the interface service (service.ts), as pure functions over the wasm geometry: 2D layer of the
 * film, slab of the substrate, coincidence search (all twists, one twist, or a twist scan), and the assembled
 * interface (film 1 and any films stacked on it) for one match and placement.
 */
import type { Structure } from '../../core/structure';
import {
  buildInterface,
  extractLayer,
  searchMatchesChunked,
  inPlaneBasis,
  interfaceAtomCount,
  makeSlab,
  type InterfaceResult,
  type SearchControl,
  type SearchMode,
  type SearchOutcome,
  type LatticeMatch,
  type LayerResult,
  type MatchParams,
  type Basis2,
  type IntMatrix2,
  type SlabResult,
  type V2,
  type StrainSide,
} from '../geometry/geometry';
import type { HeterolabWasm } from '../geometry/wasm';
import { mul2 } from '../../core/linalg';
import { DEFAULTS } from '../../core/defaults';

/** How a film and a substrate bulk become a 2D layer, a slab and an interface (defaults: core/defaults.ts). */
export interface PrepareOptions {
  hkl: [number, number, number];
  /** Substrate atomic planes. */
  layers?: number;
  /** Vacuum (Å) of the slab and of the built interface. */
  vacuum?: number;
  /** Which distinct termination of the facet is on top (0-based, as `terminations` lists them; default 0). */
  termination?: number;
  /** Bottom substrate planes fixed by selective dynamics (default: half of the layers, rounded down). */
  fixedLayers?: number;
  /** Which face of the film touches the substrate: 'bottom' (as the file has it, default) or 'top'. */
  face?: 'bottom' | 'top';
  /** Which side takes the lattice mismatch: the film (default), the substrate, or both, shared. */
  strain?: StrainSide;
  /** Largest interface (atoms) that may be built. */
  maxAtoms?: number;
  /** Which cell the Miller indices refer to: the conventional standard cell (default) or the cell as given. */
  hklCell?: 'conventional' | 'given';
}

/** One distinct termination of a facet: the species (Z) of its top plane and of the plane under it. */
export interface Termination {
  top: number[];
  below: number[];
}

export interface Prepared {
  film: LayerResult;
  slab: SlabResult;
  face: 'bottom' | 'top';
  /** The facet's distinct terminations (in the order `termination` indexes them) and the one on top. */
  terminations: Termination[];
  termination: number;
}

/** The distinct terminations of a facet, each read off a two-plane slab that ends in it. */
export function terminationsOf(g: HeterolabWasm, bulk: Structure, hkl: [number, number, number], maxAtoms: number): Termination[] {
  const planes = (t: number) => {
    const r = makeSlab(g, bulk, { hkl, layers: 2, vacuum: 10, termination: t, fixedLayers: 0, maxAtoms });
    const li = r.structure.arrays.layerIndex!, z = r.structure.numbers;
    const of = (plane: number) => [...new Set(Array.from(z).filter((_, i) => li[i] === plane))].sort((a, b) => a - b);
    return { n: r.terminations, t: { top: of(r.nPlanes - 1), below: of(r.nPlanes - 2) } };
  };
  const first = planes(0);
  return [first.t, ...Array.from({ length: first.n - 1 }, (_, k) => planes(k + 1).t)];
}

export function prepare(g: HeterolabWasm, filmInput: Structure, substrateBulk: Structure, o: PrepareOptions): Prepared {
  const face = o.face ?? DEFAULTS.face;
  const vacuum = o.vacuum ?? DEFAULTS.vacuum;
  const maxAtoms = o.maxAtoms ?? DEFAULTS.maxAtoms;
  const film = extractLayer(g, filmInput, { flip: face === 'top', vacuum });
  const terminations = terminationsOf(g, substrateBulk, o.hkl, maxAtoms);
  // A termination chosen for another facet may not exist on this one: the first is used and the reply says which.
  const termination = Math.min(Math.max(0, Math.round(o.termination ?? 0)), terminations.length - 1);
  const slab = makeSlab(g, substrateBulk, { hkl: o.hkl, layers: o.layers ?? DEFAULTS.slabLayers, vacuum, termination, fixedLayers: o.fixedLayers, maxAtoms });
  return { film, slab, face, terminations, termination };
}

export type { SearchMode };

/** Coincidence search between the prepared film and slab (bounded, chunked; see searchOnCell). */
export function search(g: HeterolabWasm, p: Prepared, params: MatchParams, mode: SearchMode, c?: SearchControl): Promise<SearchOutcome> {
  return searchOnCell(g, p.film.structure, inPlaneBasis(p.slab.structure), params, mode, c);
}

export function atomsFor(p: Prepared, m: LatticeMatch): number {
  return interfaceAtomCount(m, p.slab.structure.numbers.length, p.film.structure.numbers.length);
}

/** Where one film sits: its z-separation and registry shift. */
export interface Placement {
  /** Å, film bottom plane − top plane of the layer below. */
  zSeparation: number;
  /** Registry shift, fractions of the interface cell vectors. */
  shift: V2;
}

// ---------------------------------------------------------------- stacks of films

const IDENTITY: IntMatrix2 = [[1, 0], [0, 1]];

function applyInt(m: IntMatrix2, b: Basis2): Basis2 {
  return [
    [m[0][0] * b[0][0] + m[0][1] * b[1][0], m[0][0] * b[0][1] + m[0][1] * b[1][1]],
    [m[1][0] * b[0][0] + m[1][1] * b[1][0], m[1][0] * b[0][1] + m[1][1] * b[1][1]],
  ];
}

/**
 * A film stacked on the one below it. Its match was found against the interface cell below it (the lattice
 * spanned by the cell of the films under it), so `match.substrateMatrix` says how much that cell grows (the
 * identity when the film fits the cell as it is); `match.filmMatrix` is the film's own supercell.
 */
export interface UpperFilm extends Placement {
  layer: Structure;
  match: LatticeMatch;
}

/** Integer growth of the cell from upper film `from` to the top: G_{n−1} ··· G_from (identity when none). */
function growth(uppers: { match: LatticeMatch }[], from: number): IntMatrix2 {
  let g = IDENTITY;
  for (let k = from; k < uppers.length; k++) g = mul2(uppers[k].match.substrateMatrix, g);
  return g;
}

/** In-plane basis (Å) of the interface cell under upper film `k` (k = uppers.length: the whole stack's cell). */
export function cellBelow(p: Prepared, m: LatticeMatch, uppers: { match: LatticeMatch }[], k: number): Basis2 {
  const below = growth(uppers.slice(0, k), 0);
  return applyInt(mul2(below, m.substrateMatrix), inPlaneBasis(p.slab.structure));
}

/**
 * Coincident cells of a film on a cell (a slab's, or everything below it in a stack): the work is estimated
 * and refused over the limit before the search starts, the search runs in chunks (progress, abort), mirror-only
 * matches (which cannot be built) are left out before the list is cut, and `total` counts them all.
 */
export function searchOnCell(g: HeterolabWasm, layer: Structure, cell: Basis2, params: MatchParams, mode: SearchMode, c?: SearchControl): Promise<SearchOutcome> {
  return searchMatchesChunked(g, inPlaneBasis(layer), cell, { ...(mode.kind === 'all' ? { areaRatioTol: 0.09 } : {}), ...params, excludeMirror: true }, mode, c);
}

/** Atoms of the stack with these films: the base interface grown by every upper film's cell growth. */
export function stackAtoms(p: Prepared, m: LatticeMatch, uppers: { layer: Structure; match: LatticeMatch }[]): number {
  const det = (x: IntMatrix2) => Math.abs(x[0][0] * x[1][1] - x[0][1] * x[1][0]);
  let n = det(growth(uppers, 0)) * atomsFor(p, m);
  uppers.forEach((u, k) => (n += det(growth(uppers, k + 1)) * det(u.match.filmMatrix) * u.layer.numbers.length));
  return n;
}

/**
 * The interface with films stacked on the first one: every supercell matrix is carried up to the final cell
 * (the substrate's and film 1's by the growth of all upper films, film k's by the growth of those above it).
 */
export function assemble(g: HeterolabWasm, p: Prepared, m: LatticeMatch, o: Placement, uppers: UpperFilm[], opt: PrepareOptions): InterfaceResult {
  const all = growth(uppers, 0);
  return buildInterface(
    g,
    p.slab.structure,
    [
      { layer: p.film.structure, filmMatrix: mul2(all, m.filmMatrix), zSeparation: o.zSeparation, shift: o.shift },
      ...uppers.map((u, k) => ({ layer: u.layer, filmMatrix: mul2(growth(uppers, k + 1), u.match.filmMatrix), zSeparation: u.zSeparation, shift: u.shift })),
    ],
    { substrateMatrix: mul2(all, m.substrateMatrix), strain: opt.strain ?? 'film', vacuum: opt.vacuum ?? DEFAULTS.vacuum, maxAtoms: opt.maxAtoms ?? DEFAULTS.maxAtoms },
  );
}
