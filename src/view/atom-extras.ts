/**
 * What the view draws over one atom mesh on demand: bonds (half-bond cylinders in each atom's drawn colour,
 * pairs from bonds.ts) and atom labels (symbol and 1-based number, as measurements name atoms). Positions are
 * the mesh's own (relative to its origin), so they move with the film's pivot during a drag.
 */
import * as THREE from 'three';
import { element } from '../core/elements';
import type { Structure } from '../core/structure';
import { findBonds, MAX_BONDS } from './bonds';
import { disposeSprites, textSprite } from './text-sprite';

/** Above this many atoms in the cell, labels are not drawn (they would cover the view): the caller is told. */
export const MAX_LABELS = 600;
/** Bond cylinder radius, Å. */
const BOND_RADIUS = 0.11;

export class AtomExtras {
  readonly group = new THREE.Group();
  readonly notes: string[] = [];
  private bondMesh: THREE.InstancedMesh | null = null;
  /** Bonds drawn (tests read it). */
  bondCount = 0;

  constructor(s: Structure, mesh: THREE.InstancedMesh, index: Int32Array, image: Float64Array, o: { bonds: boolean; labels: boolean }) {
    const n = index.length, m = new THREE.Matrix4(), p = new THREE.Vector3(), xyz = new Float64Array(3 * n);
    for (let k = 0; k < n; k++) {
      mesh.getMatrixAt(k, m);
      p.setFromMatrixPosition(m);
      xyz.set([p.x, p.y, p.z], 3 * k);
    }
    const zs = Array.from(index, (a) => s.numbers[a]);
    if (o.bonds) this.addBonds(mesh, xyz, zs);
    if (o.labels) this.addLabels(s, index, image, xyz);
  }

  private addBonds(mesh: THREE.InstancedMesh, xyz: Float64Array, zs: number[]): void {
    const pairs = findBonds(xyz, zs);
    if (!pairs) {
      this.notes.push(`bonds not drawn: more than ${MAX_BONDS.toLocaleString('en')}`);
      return;
    }
    this.bondCount = pairs.length / 2;
    if (!this.bondCount) return;
    const geo = new THREE.CylinderGeometry(1, 1, 1, 10, 1, true);
    const bm = new THREE.InstancedMesh(geo, new THREE.MeshStandardMaterial({ roughness: 0.5, metalness: 0.05 }), 2 * this.bondCount);
    const up = new THREE.Vector3(0, 1, 0), a = new THREE.Vector3(), b = new THREE.Vector3(), d = new THREE.Vector3();
    const q = new THREE.Quaternion(), m = new THREE.Matrix4(), c = new THREE.Color();
    for (let k = 0; k < this.bondCount; k++) {
      const i = pairs[2 * k], j = pairs[2 * k + 1];
      a.fromArray(xyz, 3 * i);
      b.fromArray(xyz, 3 * j);
      d.subVectors(b, a);
      const len = d.length();
      q.setFromUnitVectors(up, d.clone().normalize());
      // Two halves: from each atom to the midpoint, in that atom's colour.
      for (const [h, from, atom] of [[0, a, i], [1, b, j]] as const) {
        const mid = from.clone().addScaledVector(d, h === 0 ? 0.25 : -0.25);
        m.compose(mid, q, new THREE.Vector3(BOND_RADIUS, len / 2, BOND_RADIUS));
        bm.setMatrixAt(2 * k + h, m);
        mesh.getColorAt(atom, c);
        bm.setColorAt(2 * k + h, c);
      }
    }
    bm.instanceMatrix.needsUpdate = true;
    if (bm.instanceColor) bm.instanceColor.needsUpdate = true;
    bm.computeBoundingSphere();
    bm.raycast = () => {}; // picking is for atoms
    this.bondMesh = bm;
    this.group.add(bm);
  }

  private addLabels(s: Structure, index: Int32Array, image: Float64Array, xyz: Float64Array): void {
    const own: number[] = [];
    for (let k = 0; k < index.length; k++) if (image[3 * k] === 0 && image[3 * k + 1] === 0 && image[3 * k + 2] === 0) own.push(k);
    if (own.length > MAX_LABELS) {
      this.notes.push(`labels not drawn: ${own.length} atoms (at most ${MAX_LABELS})`);
      return;
    }
    for (const k of own) {
      const a = index[k];
      const label = textSprite(`${element(s.numbers[a]).symbol}${a + 1}`, '#111827', 1, false, 13);
      label.position.fromArray(xyz, 3 * k);
      label.name = 'atom-label';
      this.group.add(label);
    }
  }

  /** Labels drawn (tests read it). */
  labelCount(): number {
    return this.group.children.filter((c) => c.name === 'atom-label').length;
  }

  dispose(): void {
    disposeSprites(this.group);
    if (this.bondMesh) {
      this.bondMesh.geometry.dispose();
      (this.bondMesh.material as THREE.Material).dispose();
      this.bondMesh.dispose();
    }
    this.group.removeFromParent();
  }
}
