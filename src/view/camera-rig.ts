/**
 * The view's two cameras (perspective and orthographic) and how they frame a structure: centred on the free area
 * of the canvas (what the toolbar, info card and placement bar leave, see free-area.ts) through a view offset,
 * so the orbit centre stays in the middle of what the user can see, at any zoom.
 */
import * as THREE from 'three';
import { element } from '../core/elements';
import type { Structure } from '../core/structure';
import { RADIUS_SCALE } from './atom-mesh';
import { cellCorners } from './cell-box';
import type { Rect } from './free-area';

export type ViewAxis = 'a' | 'b' | 'c' | 'normal';
export type Camera = THREE.PerspectiveCamera | THREE.OrthographicCamera;

/** Vertical field of view of the perspective camera over the canvas height, degrees. */
const FOV = 40;
/** Margin around the framed sphere (fraction of its radius). */
const MARGIN = 1.05;

export class CameraRig {
  readonly perspective = new THREE.PerspectiveCamera(FOV, 1, 0.1, 5000);
  readonly orthographic = new THREE.OrthographicCamera(-1, 1, 1, -1, 0.01, 5000);
  camera: Camera = this.perspective;
  private width = 1;
  private height = 1;
  free: Rect = { left: 0, top: 0, right: 1, bottom: 1 };
  /** Radius (Å) of the last framed sphere: sets the orthographic depth range. */
  private radius = 10;

  constructor() {
    // z up before the orbit controls read it: they orbit about camera.up, the surface normal.
    this.perspective.up.set(0, 0, 1);
    this.orthographic.up.set(0, 0, 1);
  }

  /** Focal length of the perspective camera, CSS px (constant: the fov is defined over the canvas height). */
  private focal(): number {
    return this.height / 2 / Math.tan((FOV * Math.PI) / 360);
  }

  setSize(width: number, height: number, free: Rect): void {
    this.width = Math.max(1, width);
    this.height = Math.max(1, height);
    this.free = free;
    this.updateProjection();
  }

  /** The projection of both cameras for the current size and free area, keeping their position and zoom. */
  updateProjection(): void {
    const { width: w, height: h, free } = this;
    const cx = (free.left + free.right) / 2, cy = (free.top + free.bottom) / 2;
    // A virtual image centred on the free area's centre, of which the canvas is one window.
    const fw = 2 * Math.max(cx, w - cx), fh = 2 * Math.max(cy, h - cy);
    const p = this.perspective;
    p.fov = (2 * Math.atan(fh / 2 / this.focal()) * 180) / Math.PI;
    p.aspect = fw / fh;
    p.setViewOffset(fw, fh, fw / 2 - cx, fh / 2 - cy, w, h);
    const o = this.orthographic;
    const s = this.orthoPxPerA;
    o.left = -fw / 2 / s;
    o.right = fw / 2 / s;
    o.top = fh / 2 / s;
    o.bottom = -fh / 2 / s;
    o.setViewOffset(fw, fh, fw / 2 - cx, fh / 2 - cy, w, h);
  }

  /** Screen scale of the orthographic camera at zoom 1, CSS px per Å. */
  private orthoPxPerA = 20;

  /** Half the smaller side of the free area, CSS px: what a framed sphere's radius maps to. */
  private freeHalf(): number {
    return Math.max(20, Math.min(this.free.right - this.free.left, this.free.bottom - this.free.top) / 2);
  }

  /**
   * Frames what reaches `radius` Å across the view and `depth` Å towards the camera from `centre` in the free
   * area, the camera on the side `towards` points to. The nearest parts, which perspective draws largest, are
   * what must fit. Returns the target for the orbit controls.
   */
  frame(centre: THREE.Vector3, radius: number, depth: number, towards: THREE.Vector3): THREE.Vector3 {
    this.radius = radius = Math.max(2, radius) * MARGIN;
    const dir = towards.clone().normalize();
    const p = this.perspective;
    const dist = depth + (radius * this.focal()) / this.freeHalf();
    p.position.copy(centre).addScaledVector(dir, dist);
    p.near = Math.max(0.01, dist / 100);
    p.far = dist * 10;
    p.zoom = 1;
    p.lookAt(centre);
    const o = this.orthographic;
    this.orthoPxPerA = this.freeHalf() / radius;
    this.radius = Math.max(radius, depth);
    o.position.copy(centre).addScaledVector(dir, 4 * this.radius);
    o.near = 0.01;
    o.far = 12 * this.radius;
    o.zoom = 1;
    o.lookAt(centre);
    this.updateProjection();
    p.updateProjectionMatrix();
    o.updateProjectionMatrix();
    return centre.clone();
  }

  /** Switches to the orthographic (true) or perspective camera, keeping direction, target and apparent size. */
  setOrthographic(on: boolean, target: THREE.Vector3): Camera {
    if (on === (this.camera === this.orthographic)) return this.camera;
    const from = this.camera, dir = from.position.clone().sub(target).normalize();
    if (on) {
      // Same px per Å at the target as the perspective view had.
      const o = this.orthographic;
      o.zoom = this.focal() / from.position.distanceTo(target) / this.orthoPxPerA;
      o.position.copy(target).addScaledVector(dir, 4 * this.radius);
      o.far = 4 * this.radius + 8 * this.radius;
      o.quaternion.copy(from.quaternion);
      o.updateProjectionMatrix();
      this.camera = o;
    } else {
      const p = this.perspective, o = this.orthographic;
      const dist = this.focal() / (this.orthoPxPerA * o.zoom);
      p.position.copy(target).addScaledVector(dir, dist);
      p.near = Math.max(0.01, dist / 100);
      p.far = Math.max(p.far, dist * 10);
      p.zoom = 1;
      p.quaternion.copy(o.quaternion);
      p.updateProjectionMatrix();
      this.camera = p;
    }
    return this.camera;
  }

  isOrthographic(): boolean {
    return this.camera === this.orthographic;
  }

  /** World units per CSS pixel: at distance 1 (perspective) or anywhere (orthographic). Sizes fixed-pixel labels. */
  worldPerPx(): number {
    return this.camera === this.orthographic ? 1 / (this.orthoPxPerA * this.orthographic.zoom) : 1 / this.focal();
  }

  /** Screen scale at the orbit target, CSS px per Å (tests: how large the framed structure is drawn). */
  pxPerA(target: THREE.Vector3): number {
    return this.camera === this.orthographic ? this.orthoPxPerA * this.orthographic.zoom : this.focal() / this.perspective.position.distanceTo(target);
  }
}

/**
 * Where the camera sits (seen from the structure's centre) to look along `axis` of `cell` (rows a, b, c, Å):
 * the axis points at the viewer, as in VESTA's "view along". Along c or the normal the camera is nudged a
 * hair off the axis towards −b, so that with z up b points up the screen (the orbit keeps z as its up).
 */
export function viewDirection(cell: ArrayLike<number>, axis: ViewAxis): THREE.Vector3 {
  const a = new THREE.Vector3(cell[0], cell[1], cell[2]), b = new THREE.Vector3(cell[3], cell[4], cell[5]), c = new THREE.Vector3(cell[6], cell[7], cell[8]);
  let d = axis === 'a' ? a : axis === 'b' ? b : axis === 'c' ? c : a.clone().cross(b);
  if (d.lengthSq() < 1e-12) d = new THREE.Vector3(0, 0, 1);
  d = d.clone().normalize();
  if (Math.abs(d.z) > 0.999) {
    const bPerp = b.clone().addScaledVector(d, -b.dot(d));
    if (bPerp.lengthSq() > 1e-12) d.addScaledVector(bPerp.normalize(), -1e-3 * Math.sign(d.z)).normalize();
  }
  return d;
}

/** What framing keeps in view: the atoms of the cell and, for a periodic structure, the cell's corners (Å). */
export function framePoints(s: Structure): THREE.Vector3[] {
  const pts: THREE.Vector3[] = [];
  for (let a = 0; a < s.numbers.length; a++) pts.push(new THREE.Vector3(s.positions[3 * a], s.positions[3 * a + 1], s.positions[3 * a + 2]));
  if (s.pbc.some(Boolean)) for (const p of cellCorners(s.cell)) pts.push(new THREE.Vector3(...p));
  return pts;
}

/**
 * Seen along `dir` (unit, from the structure towards the camera): the centre of the atoms and cell corners, how
 * far they reach across the view (`radius`, Å) and towards the camera (`depth`, Å), spheres included.
 */
export function structureExtent(s: Structure, dir: THREE.Vector3): { centre: THREE.Vector3; radius: number; depth: number } {
  const pts = framePoints(s);
  const centre = new THREE.Box3().setFromPoints(pts).getCenter(new THREE.Vector3());
  // The spheres stick out of their centres by up to the largest drawn radius.
  let rmax = 0;
  for (const z of new Set(s.numbers)) rmax = Math.max(rmax, element(z).covalentRadius * RADIUS_SCALE);
  let radius = 0, depth = 0;
  const q = new THREE.Vector3();
  for (const p of pts) {
    q.subVectors(p, centre);
    const along = q.dot(dir);
    depth = Math.max(depth, along);
    radius = Math.max(radius, q.addScaledVector(dir, -along).length());
  }
  return { centre, radius: Math.max(2, radius + rmax), depth: depth + rmax };
}
