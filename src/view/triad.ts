/**
 * The axis triad: the cell vectors a, b, c (red, green, blue, as VESTA draws them) turned with the camera, drawn
 * in a corner of the canvas after the scene. A helper: PNG exports leave it out.
 */
import * as THREE from 'three';
import { textSprite } from './text-sprite';

const COLOURS = ['#d62728', '#2ca02c', '#1f5fd6'];
/** Size of the triad's square on screen, CSS px. */
export const TRIAD_PX = 84;

export class Triad {
  private scene = new THREE.Scene();
  private camera = new THREE.OrthographicCamera(-1.25, 1.25, 1.25, -1.25, 0.1, 10);
  private axes = new THREE.Group();
  visible = true;

  constructor() {
    this.camera.position.set(0, 0, 5);
    this.scene.add(this.axes);
  }

  /** Points the arrows along the rows of `cell` (Å; lengths normalised, so a long c does not dwarf a and b). */
  setCell(cell: ArrayLike<number> | null): void {
    for (const o of [...this.axes.children]) {
      o.removeFromParent();
      o.traverse((x) => {
        if (x instanceof THREE.Mesh || x instanceof THREE.Line || x instanceof THREE.Sprite) {
          (x.material as THREE.Material).dispose();
          if (!(x instanceof THREE.Sprite)) x.geometry.dispose();
        }
      });
    }
    if (!cell) return;
    for (let k = 0; k < 3; k++) {
      const v = new THREE.Vector3(cell[3 * k], cell[3 * k + 1], cell[3 * k + 2]);
      if (v.lengthSq() < 1e-12) continue;
      v.normalize();
      const arrow = new THREE.ArrowHelper(v, new THREE.Vector3(), 0.85, COLOURS[k], 0.25, 0.14);
      this.axes.add(arrow);
      const label = textSprite('abc'[k], COLOURS[k], 0.42);
      label.position.copy(v.multiplyScalar(1.08));
      this.axes.add(label);
    }
  }

  /** Draws the triad in the bottom-right corner of `free` (CSS px from the canvas's top-left), turned like `view`. */
  render(renderer: THREE.WebGLRenderer, view: THREE.Camera, free: { right: number; bottom: number }, canvasHeight: number): void {
    if (!this.visible || !this.axes.children.length) return;
    this.axes.quaternion.copy(view.quaternion).invert();
    const x = free.right - TRIAD_PX - 6, y = canvasHeight - free.bottom + 6; // WebGL viewports count from the bottom
    const auto = renderer.autoClear;
    renderer.autoClear = false;
    renderer.setScissorTest(true);
    renderer.setScissor(x, y, TRIAD_PX, TRIAD_PX);
    renderer.setViewport(x, y, TRIAD_PX, TRIAD_PX);
    renderer.clearDepth();
    renderer.render(this.scene, this.camera);
    renderer.setScissorTest(false);
    const size = renderer.getSize(new THREE.Vector2());
    renderer.setViewport(0, 0, size.x, size.y);
    renderer.autoClear = auto;
  }
}
