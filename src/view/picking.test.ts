import { describe, expect, it } from 'vitest';
import * as THREE from 'three';
import { clientOf, rayAt } from './picking';

// A canvas 200 × 100 CSS px at (10, 20) on the page; only its rectangle is read.
const rect = { left: 10, top: 20, width: 200, height: 100, right: 210, bottom: 120, x: 10, y: 20 } as DOMRect;
const canvas = { getBoundingClientRect: () => rect } as unknown as HTMLCanvasElement;

/** A camera drawn once looking down −z, then turned to look down −x (as a view button does) and not drawn since. */
function turnedCamera(): THREE.PerspectiveCamera {
  const cam = new THREE.PerspectiveCamera(40, 2, 0.1, 100);
  cam.position.set(0, 0, 10);
  cam.lookAt(0, 0, 0);
  cam.updateMatrixWorld();
  cam.position.set(10, 0, 0);
  cam.lookAt(0, 0, 0);
  return cam;
}

describe('picking between a view change and the next frame', () => {
  // A test that clicked an atom right after "view along b" read the atom's place from the old camera while the
  // click's ray used the new one (after a frame was drawn in between), and missed the atom (CI, 1440×900).
  it('clientOf uses where the camera is now, not where it was last drawn', () => {
    const cam = turnedCamera();
    const p = clientOf(canvas, cam, new THREE.Vector3(0, 0, 1));
    // Seen from +x with y up, the point (0, 0, 1) is left of the centre (x = 110), at mid-height (y = 70):
    // x = 110 − 100·(1/10)/(2·tan 20°): 1 Å off the axis at depth 10 Å, aspect 2, half-width 100 px.
    expect(p.y).toBeCloseTo(70, 9);
    expect(p.x).toBeCloseTo(110 - (100 * (1 / 10)) / (2 * Math.tan((20 * Math.PI) / 180)), 6);
  });

  it('rayAt through the canvas centre runs along the camera as it is now', () => {
    const rc = rayAt(canvas, turnedCamera(), 110, 70);
    expect(rc.ray.direction.x).toBeCloseTo(-1, 9);
    expect(rc.ray.origin.x).toBeCloseTo(10, 9);
  });
});
