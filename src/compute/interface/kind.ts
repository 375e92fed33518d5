/**
 * What kind of structure a file holds, by the one 2D detection the interface service uses (bonded components
 * with covalent radii, and their periodicity rank; wasm/src/layer.rs): a 2D layer, a slab, a bulk crystal
 * (layered or not) or a molecule; and, for a layer, the species of its two faces. The app's list, the automatic
 * roles and the face names all read this, so a monolayer is a 2D layer whether it comes as POSCAR or as an
 * extended XYZ with pbc "T T F".
 */
import { findVacuumLayer, MAX_2D_THICKNESS, type LayerFaces, type StructureKind } from '../../core/layer';
import { PLANE_TOL } from '../../core/planes';
import type { Structure } from '../../core/structure';
import { extractLayer } from '../geometry/geometry';
import type { HeterolabWasm } from '../geometry/wasm';

export interface StructureLayerInfo {
  kind: StructureKind;
  /** Species (Z) of the bottom and top face of its (first) 2D layer, when it has one. */
  faces?: LayerFaces;
}

export function describeStructure(g: HeterolabWasm, s: Structure): StructureLayerInfo {
  if (!s.pbc.some(Boolean)) return { kind: 'molecule' };
  let layer;
  try {
    layer = extractLayer(g, s, { vacuum: 10 });
  } catch {
    // No component periodic in exactly two directions: a 3D network (or chains, or a cell the layer code refuses).
    return { kind: 'bulk' };
  }
  const faces = layer.faces;
  // Several layers in the cell, or one layer repeated without vacuum along an axis that is periodic: layered bulk.
  const open = s.pbc.filter(Boolean).length === 2;
  if (layer.componentRanks.length > 1 || (!open && !findVacuumLayer(s))) return { kind: 'bulk', faces };
  return { kind: layer.thickness <= MAX_2D_THICKNESS && !metalSlab(layer.structure) ? '2D layer' : 'slab', faces };
}

/** Non-metals and metalloids (Z): a layer made of anything else only is metallic. */
const NON_METALS = new Set([1, 2, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 32, 33, 34, 35, 36, 51, 52, 53, 54, 85, 86]);

/**
 * A thin metal slab (e.g. three W(110) planes, 4.5 Å) is as thin as a 2D material: three or more atomic planes
 * of metal atoms only make a slab (2D materials in the library have a non-metal in every layer).
 */
function metalSlab(layer: Structure): boolean {
  if (Array.from(layer.numbers).some((z) => NON_METALS.has(z))) return false;
  const zs = Array.from({ length: layer.numbers.length }, (_, i) => layer.positions[3 * i + 2]).sort((a, b) => a - b);
  let planes = 1;
  for (let k = 1; k < zs.length; k++) if (zs[k] - zs[k - 1] > PLANE_TOL) planes++;
  return planes >= 3;
}
