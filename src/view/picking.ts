/**
 * Between the canvas and the scene: the ray under a pointer, the atom instance it hits first, and where a point
 * of the scene lands on the page (client CSS px). The view picks, drags and reports positions to tests with these.
 */
import * as THREE from 'three';
import type { AtomMesh } from './atom-mesh';

/** The ray from `camera` through the client point (x, y) of `canvas`. */
export function rayAt(canvas: HTMLCanvasElement, camera: THREE.Camera, x: number, y: number): THREE.Raycaster {
  const r = canvas.getBoundingClientRect();
  const p = new THREE.Vector2(((x - r.left) / r.width) * 2 - 1, -((y - r.top) / r.height) * 2 + 1);
  const rc = new THREE.Raycaster();
  // The camera may have moved since the last frame (a view button, Reset view): its matrices follow only on render.
  camera.updateMatrixWorld();
  rc.setFromCamera(p, camera);
  return rc;
}

/** The nearest atom instance the ray hits: mesh number, instance and hit point, or null. */
export function nearestAtom(rc: THREE.Raycaster, meshes: AtomMesh[]): { m: number; k: number; point: THREE.Vector3 } | null {
  let best: { m: number; k: number; point: THREE.Vector3; d: number } | null = null;
  meshes.forEach((am, m) => {
    // The film's mesh sits under the gizmo's pivot, which may have moved since the last frame.
    am.mesh.updateWorldMatrix(true, false);
    const hit = rc.intersectObject(am.mesh)[0];
    if (hit?.instanceId !== undefined && (!best || hit.distance < best.d)) best = { m, k: hit.instanceId, point: hit.point.clone(), d: hit.distance };
  });
  return best;
}

/** Where the scene point `v` is drawn on the page (client CSS px). */
export function clientOf(canvas: HTMLCanvasElement, camera: THREE.Camera, v: THREE.Vector3, r = canvas.getBoundingClientRect()): { x: number; y: number } {
  camera.updateMatrixWorld();
  const p = v.clone().project(camera);
  return { x: r.left + ((p.x + 1) / 2) * r.width, y: r.top + ((1 - p.y) / 2) * r.height };
}
