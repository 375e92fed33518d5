/**
 * The atoms of a structure as the view draws them: one InstancedMesh of spheres (radius ∝ covalent radius, the
 * palette's colour, films optionally tinted, periodic images paler) with, per instance, the atom it draws and
 * its image offset; above the impostor threshold the spheres are drawn as impostors and the mesh only answers
 * picking. Bonds and labels (AtomExtras) hang under the same parent.
 */
import * as THREE from 'three';
import { element } from '../core/elements';
import type { Structure } from '../core/structure';
import { FILM_TINTS } from './film-colours';
import type { DrawnColour } from './palette';
import type { AtomExtras } from './atom-extras';
import { impostorMesh } from './impostors';

/** Spheres are drawn at this fraction of the covalent radius, so bonds stay visible. */
export const RADIUS_SCALE = 0.55;

/** One InstancedMesh and, per instance, the atom it draws and that atom's periodic-image offset (Å). */
export interface AtomMesh {
  mesh: THREE.InstancedMesh;
  index: Int32Array;
  image: Float64Array;
  /** Above IMPOSTOR_ATOMS the spheres are drawn as impostors and `mesh` only answers picking. */
  impostors?: THREE.Mesh;
  /** Bonds and labels, on demand, under the same parent as `mesh`. */
  extras?: AtomExtras;
}

/** What every mesh of one drawing shares. */
export interface MeshSpec {
  s: Structure;
  /** Image offsets along a, b, c (cells), e.g. [[-1, 0, 1], [-1, 0, 1], [0]]. */
  reps: number[][];
  sphere: THREE.SphereGeometry;
  palette: Map<number, DrawnColour>;
  tintFilms: boolean;
  useImpostors: boolean;
  extras: (mesh: THREE.InstancedMesh, index: Int32Array, image: Float64Array) => AtomExtras | undefined;
}

/** The mesh of `atoms` (indices into spec.s) and their images, positioned relative to `origin` (Å). */
export function buildAtomMesh(spec: MeshSpec, atoms: number[], origin: THREE.Vector3): AtomMesh {
  const { s, reps, palette, useImpostors } = spec, c = s.cell, role = s.arrays.role;
  const total = reps[0].length * reps[1].length * reps[2].length * atoms.length;
  const centres = useImpostors ? new Float32Array(3 * total) : null;
  const radii = useImpostors ? new Float32Array(total) : null;
  const colours = useImpostors ? new Float32Array(3 * total) : null;
  const index = new Int32Array(total);
  const image = new Float64Array(3 * total);
  const mesh = new THREE.InstancedMesh(spec.sphere, new THREE.MeshStandardMaterial({ roughness: 0.45, metalness: 0.05 }), total);
  const m = new THREE.Matrix4();
  const color = new THREE.Color();
  const white = new THREE.Color('#ffffff');
  let k = 0;
  for (const i of reps[0])
    for (const j of reps[1])
      for (const l of reps[2]) {
        const isImage = i !== 0 || j !== 0 || l !== 0;
        const tx = i * c[0] + j * c[3] + l * c[6];
        const ty = i * c[1] + j * c[4] + l * c[7];
        const tz = i * c[2] + j * c[5] + l * c[8];
        for (const a of atoms) {
          const e = element(s.numbers[a]);
          index[k] = a;
          image.set([tx, ty, tz], 3 * k);
          const r = e.covalentRadius * RADIUS_SCALE;
          const x = s.positions[3 * a] + tx - origin.x, y = s.positions[3 * a + 1] + ty - origin.y, z = s.positions[3 * a + 2] + tz - origin.z;
          m.makeScale(r, r, r);
          m.setPosition(x, y, z);
          mesh.setMatrixAt(k, m);
          color.set(palette.get(s.numbers[a])!.color);
          if (spec.tintFilms && role && role[a] > 0) color.lerp(new THREE.Color(FILM_TINTS[(role[a] - 1) % FILM_TINTS.length]), 0.55);
          if (isImage) color.lerp(white, 0.45); // images are paler than the cell's own atoms
          mesh.setColorAt(k, color);
          if (centres) {
            centres.set([x, y, z], 3 * k);
            radii![k] = r;
            colours!.set([color.r, color.g, color.b], 3 * k);
          }
          k++;
        }
      }
  mesh.instanceMatrix.needsUpdate = true;
  if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
  mesh.computeBoundingSphere();
  const extras = spec.extras(mesh, index, image);
  if (!centres) return { mesh, index, image, extras };
  // The triangle spheres stay for picking (raycasts ignore material visibility) but are not drawn.
  (mesh.material as THREE.Material).visible = false;
  return { mesh, index, image, extras, impostors: impostorMesh(centres, radii!, colours!) };
}

/** Removes an atom mesh (and its impostors and extras) from the scene and frees its GPU objects. */
export function disposeAtomMesh(am: AtomMesh): void {
  am.mesh.removeFromParent();
  am.mesh.dispose();
  (am.mesh.material as THREE.Material).dispose();
  am.extras?.dispose();
  if (am.impostors) {
    am.impostors.removeFromParent();
    am.impostors.geometry.dispose();
    (am.impostors.material as THREE.Material).dispose();
  }
}

/** Centre of the atoms of film `role` in the cell (no images), or null when there are none. */
export function filmCentre(s: Structure, role: number): THREE.Vector3 | null {
  const r = s.arrays.role;
  if (!r) return null;
  const c = new THREE.Vector3();
  let n = 0;
  for (let i = 0; i < r.length; i++)
    if (r[i] === role) {
      c.x += s.positions[3 * i];
      c.y += s.positions[3 * i + 1];
      c.z += s.positions[3 * i + 2];
      n++;
    }
  return n ? c.multiplyScalar(1 / n) : null;
}
