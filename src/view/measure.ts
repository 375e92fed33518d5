/**
 * Measuring in the 3D view: distance (2 atoms), angle (3 atoms, at the middle one) and dihedral (4 atoms, about
 * the middle bond, IUPAC sign: positive when, looking from the second atom to the third, the first bond turns clockwise onto the last). The picked atoms
 * are joined by lines and the value is drawn next to them; measurements stay until cleared.
 */
import * as THREE from 'three';
import { disposeSprites, textSprite } from './text-sprite';

export type MeasureMode = 'distance' | 'angle' | 'dihedral';
export const ATOMS_PER_MEASURE: Record<MeasureMode, number> = { distance: 2, angle: 3, dihedral: 4 };

type V = readonly [number, number, number];
const sub = (p: V, q: V): V => [p[0] - q[0], p[1] - q[1], p[2] - q[2]];
const dot = (p: V, q: V) => p[0] * q[0] + p[1] * q[1] + p[2] * q[2];
const cross = (p: V, q: V): V => [p[1] * q[2] - p[2] * q[1], p[2] * q[0] - p[0] * q[2], p[0] * q[1] - p[1] * q[0]];
const norm = (p: V) => Math.hypot(p[0], p[1], p[2]);

/** Distance (Å). */
export function distance(a: V, b: V): number {
  return norm(sub(a, b));
}

/** Angle a–b–c at b, degrees (0..180). */
export function angleDeg(a: V, b: V, c: V): number {
  const u = sub(a, b), v = sub(c, b);
  return (Math.atan2(norm(cross(u, v)), dot(u, v)) * 180) / Math.PI;
}

/** Dihedral a–b–c–d about b–c, degrees (−180..180], IUPAC sign convention. */
export function dihedralDeg(a: V, b: V, c: V, d: V): number {
  const b1 = sub(b, a), b2 = sub(c, b), b3 = sub(d, c);
  // Blondel & Karplus, J. Comput. Chem. 17 (1996) 1132: atan2(|b2| b1·(b2×b3), (b1×b2)·(b2×b3)).
  const n2 = cross(b2, b3);
  return (Math.atan2(norm(b2) * dot(b1, n2), dot(cross(b1, b2), n2)) * 180) / Math.PI;
}

/** The value of a measurement of `points.length` atoms, with its unit: "2.410 Å", "82.1°". */
export function measureText(points: readonly V[]): string {
  if (points.length === 2) return `${distance(points[0], points[1]).toFixed(3)} Å`;
  if (points.length === 3) return `${angleDeg(points[0], points[1], points[2]).toFixed(2)}°`;
  return `${dihedralDeg(points[0], points[1], points[2], points[3]).toFixed(2)}°`;
}

/** One measurement drawn: lines through the atoms and the value at the middle of the path. */
export function measureObject(points: readonly V[], text: string, labelPx: number): THREE.Group {
  const g = new THREE.Group();
  g.name = 'measurement';
  const geo = new THREE.BufferGeometry().setFromPoints(points.map((p) => new THREE.Vector3(...p)));
  const line = new THREE.Line(geo, new THREE.LineDashedMaterial({ color: '#1f3b57', dashSize: 0.25, gapSize: 0.15, depthTest: false }));
  line.computeLineDistances();
  line.renderOrder = 9;
  g.add(line);
  // The label sits at the middle of the path: the bond's midpoint, the angle's vertex, the dihedral's axis.
  const mid = points.length === 2 ? [0, 1] : points.length === 3 ? [1] : [1, 2];
  const at = new THREE.Vector3();
  for (const k of mid) at.add(new THREE.Vector3(...points[k]));
  const label = textSprite(text, '#1f3b57', 1, true, labelPx);
  label.position.copy(at.multiplyScalar(1 / mid.length));
  g.add(label);
  return g;
}

export function disposeMeasure(g: THREE.Object3D): void {
  disposeSprites(g);
  g.traverse((o) => {
    if (o instanceof THREE.Line) {
      o.geometry.dispose();
      (o.material as THREE.Material).dispose();
    }
  });
  g.removeFromParent();
}
