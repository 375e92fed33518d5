import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { element } from '../core/elements';
import type { Structure } from '../core/structure';

/** Above this many drawn atoms, periodic images are not drawn (the caller is told). */
export const MAX_DRAWN_ATOMS = 400_000;
/** Spheres are drawn at this fraction of the covalent radius, so bonds stay visible. */
const RADIUS_SCALE = 0.55;

export interface DrawOptions {
  /** Draw the neighbouring periodic images (3 × 3 in-plane for a layer, 3 × 3 × 3 for bulk). */
  images: boolean;
  /** Axes along which to repeat images (defaults to the periodic ones). */
  imageAxes?: [boolean, boolean, boolean];
}

export interface DrawResult {
  drawnAtoms: number;
  imagesDrawn: boolean;
  note?: string;
}

/**
 * three.js view of one structure: atoms as one InstancedMesh (sphere per atom, radius ∝ covalent radius,
 * Jmol colour), the cell as line segments, orbit controls. Renders on demand, not in a loop.
 */
export class StructureView {
  readonly renderer: THREE.WebGLRenderer;
  private scene = new THREE.Scene();
  private camera = new THREE.PerspectiveCamera(40, 1, 0.1, 5000);
  private controls: OrbitControls;
  private atoms: THREE.InstancedMesh | null = null;
  private box: THREE.LineSegments | null = null;
  private sphere = new THREE.SphereGeometry(1, 20, 14);
  private frame = 0;
  private resizeObserver: ResizeObserver;

  constructor(private canvas: HTMLCanvasElement) {
    // preserveDrawingBuffer lets tests and the PNG export read the pixels that are on screen.
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio));
    this.scene.background = new THREE.Color('#f4f6f9');
    this.scene.add(new THREE.AmbientLight(0xffffff, 1.1));
    const key = new THREE.DirectionalLight(0xffffff, 2.2);
    key.position.set(1, 2, 3);
    this.camera.add(key);
    this.scene.add(this.camera);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = false;
    this.controls.addEventListener('change', () => this.requestRender());
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(canvas);
    this.resize();
  }

  private resize(): void {
    const w = this.canvas.clientWidth || 1;
    const h = this.canvas.clientHeight || 1;
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  requestRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderer.render(this.scene, this.camera);
    });
  }

  /** Renders now (tests and exports call this before reading pixels). */
  renderNow(): void {
    this.renderer.render(this.scene, this.camera);
  }

  clear(): void {
    for (const o of [this.atoms, this.box]) {
      if (!o) continue;
      this.scene.remove(o);
      if (o instanceof THREE.InstancedMesh) o.dispose();
      else o.geometry.dispose();
    }
    this.atoms = null;
    this.box = null;
    this.requestRender();
  }

  setStructure(s: Structure | null, opts: DrawOptions, fit = true): DrawResult {
    this.clear();
    if (!s) return { drawnAtoms: 0, imagesDrawn: false };
    const n = s.numbers.length;
    const axes = opts.imageAxes ?? s.pbc;
    const reps = [0, 1, 2].map((k) => (opts.images && axes[k] ? [-1, 0, 1] : [0]));
    let count = reps[0].length * reps[1].length * reps[2].length;
    let note: string | undefined;
    if (count * n > MAX_DRAWN_ATOMS) {
      note = `periodic images not drawn: ${count * n} atoms would exceed ${MAX_DRAWN_ATOMS}`;
      for (let k = 0; k < 3; k++) reps[k] = [0];
      count = 1;
    }
    const total = count * n;
    const mesh = new THREE.InstancedMesh(this.sphere, new THREE.MeshStandardMaterial({ roughness: 0.45, metalness: 0.05 }), total);
    const m = new THREE.Matrix4();
    const color = new THREE.Color();
    const white = new THREE.Color('#ffffff');
    const c = s.cell;
    let k = 0;
    for (const i of reps[0])
      for (const j of reps[1])
        for (const l of reps[2]) {
          const image = i !== 0 || j !== 0 || l !== 0;
          const tx = i * c[0] + j * c[3] + l * c[6];
          const ty = i * c[1] + j * c[4] + l * c[7];
          const tz = i * c[2] + j * c[5] + l * c[8];
          for (let a = 0; a < n; a++) {
            const e = element(s.numbers[a]);
            const r = e.covalentRadius * RADIUS_SCALE;
            m.makeScale(r, r, r);
            m.setPosition(s.positions[3 * a] + tx, s.positions[3 * a + 1] + ty, s.positions[3 * a + 2] + tz);
            mesh.setMatrixAt(k, m);
            color.set(e.color);
            if (image) color.lerp(white, 0.45); // images are paler than the cell's own atoms
            mesh.setColorAt(k, color);
            k++;
          }
        }
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    mesh.computeBoundingSphere();
    this.atoms = mesh;
    this.scene.add(mesh);
    if (s.pbc.some(Boolean)) {
      this.box = cellBox(c);
      this.scene.add(this.box);
    }
    if (fit) this.fit(s);
    this.requestRender();
    return { drawnAtoms: total, imagesDrawn: count > 1, note };
  }

  /** Points the camera at the structure (cell centre, or the atoms' centre without a cell), looking down -y with z up. */
  fit(s: Structure): void {
    const box = new THREE.Box3();
    const v = new THREE.Vector3();
    for (let a = 0; a < s.numbers.length; a++) box.expandByPoint(v.set(s.positions[3 * a], s.positions[3 * a + 1], s.positions[3 * a + 2]));
    if (s.pbc.some(Boolean)) {
      const c = s.cell;
      for (let corner = 0; corner < 8; corner++)
        box.expandByPoint(v.set(
          (corner & 1 ? c[0] : 0) + (corner & 2 ? c[3] : 0) + (corner & 4 ? c[6] : 0),
          (corner & 1 ? c[1] : 0) + (corner & 2 ? c[4] : 0) + (corner & 4 ? c[7] : 0),
          (corner & 1 ? c[2] : 0) + (corner & 2 ? c[5] : 0) + (corner & 4 ? c[8] : 0),
        ));
    }
    const centre = box.getCenter(new THREE.Vector3());
    const radius = Math.max(2, box.getSize(new THREE.Vector3()).length() / 2);
    const dist = radius / Math.sin((this.camera.fov * Math.PI) / 360) * 1.05;
    this.camera.up.set(0, 0, 1);
    this.camera.position.copy(centre).add(new THREE.Vector3(0.55, -1, 0.45).normalize().multiplyScalar(dist));
    this.camera.near = Math.max(0.01, dist / 100);
    this.camera.far = dist * 10;
    this.camera.updateProjectionMatrix();
    this.controls.target.copy(centre);
    this.controls.update();
    this.requestRender();
  }

  dispose(): void {
    this.clear();
    this.resizeObserver.disconnect();
    this.controls.dispose();
    this.renderer.dispose();
  }
}

function cellBox(c: Float64Array): THREE.LineSegments {
  const o = [0, 0, 0];
  const a = [c[0], c[1], c[2]], b = [c[3], c[4], c[5]], cc = [c[6], c[7], c[8]];
  const add = (...vs: number[][]) => vs.reduce((s, v) => s.map((x, i) => x + v[i]), [0, 0, 0]);
  const corners = [o, a, b, cc, add(a, b), add(a, cc), add(b, cc), add(a, b, cc)];
  const edges = [[0, 1], [0, 2], [0, 3], [1, 4], [1, 5], [2, 4], [2, 6], [3, 5], [3, 6], [4, 7], [5, 7], [6, 7]];
  const pos = new Float32Array(edges.flatMap(([p, q]) => [...corners[p], ...corners[q]]));
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.BufferAttribute(pos, 3));
  return new THREE.LineSegments(g, new THREE.LineBasicMaterial({ color: '#39424e' }));
}
