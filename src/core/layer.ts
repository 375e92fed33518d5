import { cartesianToScaled, cellHeights } from './cell';
import { symbolOf } from './elements';
import type { Structure } from './structure';

/** Empty space (Å) along a periodic axis above which we call it vacuum rather than a van der Waals gap (~3–4 Å). */
export const VACUUM_GAP = 6;

export interface VacuumLayerInfo {
  /** Axis index (0 = a, 1 = b, 2 = c) along which the atoms leave a vacuum gap. */
  axis: 0 | 1 | 2;
  /** Extent of the atoms along the axis normal (Å). */
  thickness: number;
  /** Width of the empty gap (Å). */
  vacuum: number;
}

/**
 * Looks for a vacuum gap along each periodic axis: the largest empty interval of the atoms' projection on the
 * axis normal (periodic). Returns the axis with the widest gap ≥ VACUUM_GAP, or null (bulk-like, or open).
 * This is the quick look `info` shows; extracting a layer from a layered bulk belongs to the geometry layer.
 */
export function findVacuumLayer(s: Structure): VacuumLayerInfo | null {
  const n = s.numbers.length;
  if (n === 0) return null;
  const f = cartesianToScaled(s.cell, s.positions);
  if (!f) return null;
  const h = cellHeights(s.cell);
  let best: VacuumLayerInfo | null = null;
  for (let k = 0; k < 3; k++) {
    if (!s.pbc[k]) continue;
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = f[3 * i + k] - Math.floor(f[3 * i + k]);
    xs.sort();
    let gap = xs[0] + 1 - xs[n - 1];
    for (let i = 1; i < n; i++) gap = Math.max(gap, xs[i] - xs[i - 1]);
    const vacuum = gap * h[k];
    if (vacuum >= VACUUM_GAP && (!best || vacuum > best.vacuum))
      best = { axis: k as 0 | 1 | 2, vacuum, thickness: h[k] - vacuum };
  }
  return best;
}

/** Layers thinner than this (Å) count as a 2D layer rather than a slab (a TMD monolayer is ~3.2 Å, MoS2 bilayer ~9.5 Å). */
export const MAX_2D_THICKNESS = 7;

/** What kind of structure a file holds, for lists, roles and defaults. */
export const STRUCTURE_KINDS = ['2D layer', 'bulk', 'slab', 'molecule'] as const;
export type StructureKind = (typeof STRUCTURE_KINDS)[number];

/**
 * Quick look by vacuum gap only (for structures made in the app, such as library entries, whose kind is known);
 * files are classified in the worker by bonded components (compute/interface/kind.ts).
 */
export function classifyStructure(s: Structure): StructureKind {
  if (!s.pbc.some(Boolean)) return 'molecule';
  const l = findVacuumLayer(s);
  if (!l) return 'bulk';
  return l.thickness <= MAX_2D_THICKNESS ? '2D layer' : 'slab';
}

/** Species (Z) of a 2D layer's bottom face (the one that touches a substrate as the file has it) and top face. */
export interface LayerFaces {
  bottom: number[];
  top: number[];
}

/**
 * The face that touches the layer below, named by its elements: "Se side down" (a Janus layer, whose faces
 * differ), "S side down" (both faces alike, as the file has it / flipped). Without faces: "as in the file" / "flipped".
 */
export function faceDownLabel(faces: LayerFaces | undefined, face: 'bottom' | 'top'): string {
  if (!faces) return face === 'bottom' ? 'as in the file' : 'flipped';
  const names = (zs: number[]) => zs.map(symbolOf).join('/');
  const down = names(faces[face]);
  if (names(faces.bottom) === names(faces.top)) return `${down} side down${face === 'top' ? ' (flipped)' : ''}`;
  return `${down} side down`;
}
