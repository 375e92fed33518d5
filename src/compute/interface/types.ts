/**
 * The vocabulary of the interface service: what callers ask for (a film, a substrate bulk and options; a match
 * and placements) and what they get back. Every value is structured-clone safe, so the same types cross the
 * worker boundary unchanged.
 */
import type { Structure } from '../../core/structure';
import type { LatticeMatch, LayerResult, SlabResult } from '../geometry/geometry';
import type { FFModel } from '../ff/model';
import type { InterfaceEstimate } from '../ml/estimate';
import type { FormationEnergy } from '../ml/stability';
import type { Placement, PrepareOptions, Termination } from './pipeline';

export type { Placement, PrepareOptions, SearchMode, Termination } from './pipeline';

/** A film and a substrate bulk, and how to turn them into a 2D layer, a slab and an interface. */
export interface InterfaceRequest {
  film: Structure;
  substrate: Structure;
  options: PrepareOptions;
}

/**
 * A further film stacked on the interface: which face touches the film below, its match against the cell of
 * everything below it (from upperMatches), and its placement (z in Å above the film below; shift in fractions
 * of the final cell).
 */
export interface UpperRequest extends Placement {
  film: Structure;
  face: 'bottom' | 'top';
  match: LatticeMatch;
}

/** Everything that determines one built interface. */
export interface InterfaceSpec {
  request: InterfaceRequest;
  match: LatticeMatch;
  /** Film 1's placement. */
  placement: Placement;
  /** Films stacked on film 1, bottom to top. */
  uppers?: UpperRequest[];
}

export interface MatchesReply {
  film: LayerResult;
  slab: SlabResult;
  /** Which cell the Miller indices were read in. */
  hklNote: string;
  /** Things the user must know about how the pair was prepared (e.g. symmetry analysis failed). */
  warnings: string[];
  matches: LatticeMatch[];
  /** Atoms in the built interface for each match (same order). */
  atoms: number[];
  /** Matches found before the list was cut to the limit (so the UI can say "N more not shown"). */
  total: number;
  /** Twist period (radians) of this film on this substrate, from their lattices. */
  twistPeriod: number;
  scan?: { twist: number; match: LatticeMatch | null }[];
  /** The facet's distinct terminations (top plane and the plane under it, Z) and the index of the one used. */
  terminations: Termination[];
  termination: number;
}

export interface UpperMatchesReply {
  matches: LatticeMatch[];
  atoms: number[];
  total: number;
  /** Area (Å²) of the cell the film is matched on. */
  cellArea: number;
  /** Twist period (radians) of this film on the cell below it. */
  twistPeriod: number;
}

/** One configuration: interlayer energy (eV), binding energy (eV per film atom, > 0 bound), forces (eV/Å). */
export interface FFEvaluation {
  energy: number;
  bindingEnergy: number;
  /** z-separation of film 1 (Å). */
  zSeparation: number;
  pairs: number;
  forces: Float64Array;
  backend: 'cpu' | 'wasm' | 'webgpu';
  model: FFModel;
}

/** What live estimates to make for a placed interface. */
export interface EstimateOptions {
  ffModel: FFModel;
  cutoff?: number;
  /** Also run the ONNX predictors (default true when models are available). */
  ml?: boolean;
  /** The film's formation energy (eV/atom) for P(stable); without it the models use a training film's, if any. */
  formation?: FormationEnergy;
}

/** The built interface and what is known about it. */
export interface BuiltInterface {
  structure: Structure;
  /** Problems with the built geometry the user must see (overlapping atoms, ...). */
  warnings: string[];
}

/** A placed interface with its live estimates (one worker round trip per slider tick). */
export interface Placed extends BuiltInterface {
  superseded: false;
  ff?: FFEvaluation;
  ffError?: string;
  ml?: InterfaceEstimate;
  mlError?: string;
  /** For a stack: the ML models saw only the substrate and film 1 (they were trained on one film on a metal). */
  mlScope?: string;
  /** Twist period (radians) of film 1 on the substrate, from their lattices. */
  twistPeriod: number;
  /** Twist period (radians) of each stacked film on the cell below it (its own lattice's, not film 1's). */
  stackPeriods: number[];
  /** Milliseconds the service spent (build + estimates). */
  ms: number;
}

/** A request that a newer one of the same kind replaced before it started (newest wins). */
export interface Superseded {
  superseded: true;
}
