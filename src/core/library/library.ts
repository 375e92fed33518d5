import { atomicNumber } from '../elements';
import { makeStructure, type Structure } from '../structure';
import { METALS } from './metals';
import { COMMON_2D, JANUS } from './two-d-data';
import type { LayerEntry, LibraryEntry, LibraryFamily, MetalEntry } from './types';

/** Vacuum (Å) added along c to a library layer unless the caller asks otherwise. */
export const LIBRARY_VACUUM = 15;

/** Every entry: metals, then Janus layers, then common 2D materials. Frozen. */
export const LIBRARY: readonly LibraryEntry[] = Object.freeze([...METALS, ...JANUS, ...COMMON_2D]);

const BY_ID = new Map(LIBRARY.map((e) => [e.id.toLowerCase(), e]));

export const LIBRARY_FAMILIES: readonly LibraryFamily[] = ['metal', 'janus', 'common-2d'];

/** The entry with this id (case-insensitive), or undefined. */
export function findLibraryEntry(id: string): LibraryEntry | undefined {
  return BY_ID.get(id.trim().toLowerCase());
}

export interface LibraryFilter {
  family?: LibraryFamily;
  /** Element symbol the entry must contain (case-insensitive). */
  element?: string;
  /** Substring of the id or formula (case-insensitive). */
  text?: string;
}

/** Entries matching every given criterion, in library order. */
export function listLibrary(f: LibraryFilter = {}): LibraryEntry[] {
  const el = f.element?.trim().toLowerCase();
  const text = f.text?.trim().toLowerCase();
  return LIBRARY.filter(
    (e) =>
      (!f.family || e.family === f.family) &&
      (!el || e.elements.some((s) => s.toLowerCase() === el)) &&
      (!text || e.id.toLowerCase().includes(text) || e.formula.toLowerCase().includes(text)),
  );
}

export interface LibraryStructureOptions {
  /** Layers: vacuum along c, Å (default LIBRARY_VACUUM). Ignored for metals. */
  vacuum?: number;
  /** Layers: turn the layer upside down, so a Janus layer shows its top (Y) face at the bottom. */
  flip?: boolean;
}

const FCC = [0, 0, 0, 0, 0.5, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0];
const BCC = [0, 0, 0, 0.5, 0.5, 0.5];

function metalStructure(e: MetalEntry): Structure {
  const f = e.prototype === 'fcc' ? FCC : BCC;
  const z = atomicNumber(e.elements[0]);
  return makeStructure({
    numbers: new Uint8Array(f.length / 3).fill(z),
    positions: Float64Array.from(f, (x) => x * e.a),
    cell: Float64Array.of(e.a, 0, 0, 0, e.a, 0, 0, 0, e.a),
    pbc: [true, true, true],
    info: infoFor(e, `${e.formula} (${e.prototype}, conventional cell)`),
  });
}

function layerStructure(e: LayerEntry, o: LibraryStructureOptions): Structure {
  const vacuum = o.vacuum ?? LIBRARY_VACUUM;
  if (!Number.isFinite(vacuum) || vacuum < 0 || vacuum > 1000) throw new RangeError(`vacuum must be 0..1000 Å (got ${vacuum})`);
  const a1 = [e.a, 0];
  const a2 = e.cell2d === 'hexagonal' ? [-e.a / 2, (e.a * Math.sqrt(3)) / 2] : [0, e.b ?? e.a];
  const n = e.sites.length;
  const numbers = new Uint8Array(n);
  const positions = new Float64Array(3 * n);
  e.sites.forEach((s, i) => {
    numbers[i] = atomicNumber(s.species);
    positions[3 * i] = s.u * a1[0] + s.v * a2[0];
    positions[3 * i + 1] = s.u * a1[1] + s.v * a2[1];
    // The layer sits in the middle of the cell so the vacuum is one gap, not two halves across the boundary.
    positions[3 * i + 2] = vacuum / 2 + (o.flip ? e.thickness - s.z : s.z);
  });
  const kind = e.family === 'janus' ? `${e.prototype} Janus` : e.prototype;
  return makeStructure({
    numbers,
    positions,
    cell: Float64Array.of(a1[0], a1[1], 0, a2[0], a2[1], 0, 0, 0, e.thickness + vacuum),
    pbc: [true, true, true],
    info: infoFor(e, `${e.formula} (${kind}${o.flip ? ', flipped' : ''})`),
  });
}

function infoFor(e: LibraryEntry, title: string) {
  return { title, library: { id: e.id, family: e.family, source: e.source, method: e.method, estimated: e.estimated } };
}

/**
 * The structure of a library entry, by id or entry: the conventional cubic cell of a metal, or one layer in a
 * cell with `vacuum` Å along c (pbc true on all axes, as DFT codes expect). Throws RangeError for an unknown id
 * or a bad option (callers check ids with findLibraryEntry first).
 */
export function libraryStructure(idOrEntry: string | LibraryEntry, o: LibraryStructureOptions = {}): Structure {
  const e = typeof idOrEntry === 'string' ? findLibraryEntry(idOrEntry) : idOrEntry;
  if (!e) throw new RangeError(`no library entry "${String(idOrEntry)}"`);
  return e.kind === 'bulk' ? metalStructure(e) : layerStructure(e, o);
}

/**
 * The formation energy (eV/atom) of a structure made from the library, with where it comes from, for P(stable);
 * undefined for other structures or when the entry has none. Its σ is not known: 0 is used, and said.
 */
export function libraryFormationEnergy(s: Structure): { value: number; sigma: number; source: string } | undefined {
  const id = (s.info.library as { id?: string } | undefined)?.id;
  const e = id ? findLibraryEntry(id) : undefined;
  if (!e || e.family === 'metal' || e.formationEnergy === null) return undefined;
  return { value: e.formationEnergy, sigma: 0, source: `library ${e.id}: ${e.formationEnergyMethod} (σ not known, 0 used)` };
}
