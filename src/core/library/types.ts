/**
 * The built-in library of substrates (cubic elemental metals) and films (Janus and common 2D materials).
 * Pure data: every layer, the UI included, may import it. Structures come from `libraryStructure` (library.ts).
 */

export type LibraryFamily = 'metal' | 'janus' | 'common-2d';

/**
 * How the generator lays the atoms out.
 * - `fcc`, `bcc`: conventional cubic cell of an elemental metal (4 / 2 atoms).
 * - `1H`: trigonal prismatic MX2 (X and Y above each other); `1T`: octahedral MX2 (Y over the other hollow).
 *   A Janus entry has X on the bottom face and Y on the top face.
 * - `honeycomb`: one flat plane, two sites (graphene, h-BN).
 * - `III-VI`: X–M–M–X quadruple layer (GaS, InSe; Janus In2SSe with X bottom, Y top), metals stacked vertically.
 * - `phosphorene`: puckered rectangular layer of black phosphorus (4 atoms).
 */
export type Prototype = 'fcc' | 'bcc' | '1H' | '1T' | 'honeycomb' | 'III-VI' | 'phosphorene';

interface EntryBase {
  /** Unique, case-insensitive id, e.g. "Au", "MoSSe-1H", "graphene". */
  id: string;
  family: LibraryFamily;
  /** Display formula (reduced, written the usual way: "MoSSe", "In2SSe", "BiTeI"). */
  formula: string;
  /** Element symbols present. */
  elements: string[];
  prototype: Prototype;
  /** In-plane (layers) or cubic (metals) lattice constant, Å. */
  a: number;
  /** Where the numbers come from (publication / database and id). */
  source: string;
  /** How they were obtained from the source, or estimated. */
  method: string;
  /** True when the geometry is an estimate rather than a value a source reports for this material. */
  estimated: boolean;
}

export interface MetalEntry extends EntryBase {
  kind: 'bulk';
  family: 'metal';
  prototype: 'fcc' | 'bcc';
}

/** One atom of a layer's unit cell: species, fractional in-plane position (along a, b) and height (Å) above the lowest atom. */
export interface LayerSite {
  species: string;
  u: number;
  v: number;
  /** Height above the bottom atomic plane, Å. */
  z: number;
}

export interface LayerEntry extends EntryBase {
  kind: 'layer';
  family: 'janus' | 'common-2d';
  prototype: '1H' | '1T' | 'honeycomb' | 'III-VI' | 'phosphorene';
  /** Second in-plane lattice constant, Å, for rectangular cells (phosphorene); hexagonal cells have b = a. */
  b?: number;
  /** Layer thickness, outermost plane to outermost plane, Å. */
  thickness: number;
  /** Whether the in-plane cell is hexagonal (γ = 120°, b = a) or rectangular (γ = 90°). */
  cell2d: 'hexagonal' | 'rectangular';
  /** The atoms of the unit cell, bottom to top (for a Janus layer the first is X, the last Y). */
  sites: LayerSite[];
  /** How the thickness was split into plane heights. */
  heightMethod: string;
  /** Formation energy, eV/atom: energy per atom of the layer minus that of its bulk counterpart (Hetero2d's definition); null when no honest number exists. */
  formationEnergy: number | null;
  /** Source or estimate behind formationEnergy. */
  formationEnergyMethod: string;
  formationEnergyEstimated: boolean;
  /** True when the source lists the composition without saying which polymorph is 1H and which 1T, and the phase was inferred (see two-d-data.ts). */
  phaseInferred?: boolean;
  /** Janus layers: species of the bottom and the top face. */
  faces?: { bottom: string; top: string };
}

export type LibraryEntry = MetalEntry | LayerEntry;
