/**
 * The film → substrate workflow shared by the CLI and the worker: 2D layer of the film, slab of the substrate,
 * coincidence search (all twists, one twist, or a twist scan), and the interface for one match.
 * Symmetry standardisation of the bulk (hkl in the conventional cell) happens before, in the caller (io).
 */
import type { Structure } from '../../core/structure';
import {
  buildInterface,
  extractLayer,
  findMatches,
  findMatchesAtTwist,
  inPlaneBasis,
  interfaceAtomCount,
  makeSlab,
  twistScan,
  type InterfaceResult,
  type LatticeMatch,
  type LayerResult,
  type MatchParams,
  type SlabResult,
  type V2,
} from './geometry';
import type { GeometryWasm } from './wasm';

export interface PrepareOptions {
  hkl: [number, number, number];
  /** Substrate atomic planes (default 4). */
  layers?: number;
  /** Vacuum (Å) of the slab and of the built interface (default 15). */
  vacuum?: number;
  termination?: number;
  /** Which face of the film touches the substrate: 'bottom' (as the file has it, default) or 'top'. */
  face?: 'bottom' | 'top';
  maxAtoms: number;
}

export interface Prepared {
  film: LayerResult;
  slab: SlabResult;
  face: 'bottom' | 'top';
}

export function prepare(g: GeometryWasm, filmInput: Structure, substrateBulk: Structure, o: PrepareOptions): Prepared {
  const face = o.face ?? 'bottom';
  const film = extractLayer(g, filmInput, { flip: face === 'top', vacuum: o.vacuum ?? 15 });
  const slab = makeSlab(g, substrateBulk, { hkl: o.hkl, layers: o.layers ?? 4, vacuum: o.vacuum ?? 15, termination: o.termination ?? 0, maxAtoms: o.maxAtoms });
  return { film, slab, face };
}

export type SearchMode = { kind: 'all' } | { kind: 'twist'; twist: number } | { kind: 'scan'; from: number; to: number; steps: number };

export interface SearchResult {
  matches: LatticeMatch[];
  /** For a twist scan: the best match per angle (radians), null where none fits. */
  scan?: { twist: number; match: LatticeMatch | null }[];
}

/** Coincidence search between the prepared film and slab; mirror-only matches are left out (they cannot be built). */
export function search(g: GeometryWasm, p: Prepared, params: MatchParams, mode: SearchMode): SearchResult {
  const film = inPlaneBasis(p.film.structure);
  const sub = inPlaneBasis(p.slab.structure);
  if (mode.kind === 'scan') {
    const scan = twistScan(g, film, sub, mode.from, mode.to, mode.steps, params);
    return { matches: scan.filter((e) => e.match).map((e) => e.match!), scan };
  }
  const matches = mode.kind === 'twist' ? findMatchesAtTwist(g, film, sub, mode.twist, params) : findMatches(g, film, sub, { areaRatioTol: 0.09, ...params });
  return { matches: matches.filter((m) => !m.mirror) };
}

export function atomsFor(p: Prepared, m: LatticeMatch): number {
  return interfaceAtomCount(m, p.slab.structure.numbers.length, p.film.structure.numbers.length);
}

export interface Placement {
  /** Å, film bottom plane − substrate top plane. */
  zSeparation: number;
  /** Fractions of the interface cell. */
  shift: V2;
  strain?: 'film' | 'shared';
  vacuum?: number;
  maxAtoms: number;
}

export function build(g: GeometryWasm, p: Prepared, m: LatticeMatch, o: Placement): InterfaceResult {
  return buildInterface(g, p.slab.structure, [{ layer: p.film.structure, filmMatrix: m.filmMatrix, zSeparation: o.zSeparation, shift: o.shift }], {
    substrateMatrix: m.substrateMatrix,
    strain: o.strain,
    vacuum: o.vacuum ?? 15,
    maxAtoms: o.maxAtoms,
  });
}
