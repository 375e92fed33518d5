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
  /** Interfaces: roles not drawn (0 = substrate, 1.. = films), and whether films get a tint per layer. */
  hiddenRoles?: number[];
  tintFilms?: boolean;
}

/** Film tints per film index (1, 2, …): the element colour is mixed with these so layers stand apart. */
const FILM_TINTS = ['#ff7a00', '#1f9d55', '#8e44ad', '#d81b60'];

/** Gestures on the film of an interface: a slide (Å, in-plane) or a turn (degrees) about the normal. */
export interface FilmGestures {
  slide(dx: number, dy: number, done: boolean): void;
  turn(deg: number, done: boolean): void;
  /** Two atoms clicked in turn: their indices (in the drawn structure) and distance (Å, nearest image). */
  measure(text: string | null): void;
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
  private drawn: { s: Structure; index: Int32Array; image: Float64Array } | null = null;
  private ring: THREE.Mesh | null = null;
  private gestures: FilmGestures | null = null;
  private picked: number[] = [];

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
    this.installPointer();
  }

  /** Enables dragging the film (slide: drag a film atom; turn: drag the ring) and two-click measuring. */
  setGestures(g: FilmGestures | null): void {
    this.gestures = g;
  }

  private ray(ev: PointerEvent): THREE.Raycaster {
    const r = this.canvas.getBoundingClientRect();
    const p = new THREE.Vector2(((ev.clientX - r.left) / r.width) * 2 - 1, -((ev.clientY - r.top) / r.height) * 2 + 1);
    const rc = new THREE.Raycaster();
    rc.setFromCamera(p, this.camera);
    return rc;
  }

  private installPointer(): void {
    let drag: { kind: 'slide' | 'turn'; plane: THREE.Plane; start: THREE.Vector3; centre: THREE.Vector3; moved: boolean } | null = null;
    const hitPlane = (ev: PointerEvent, plane: THREE.Plane) => this.ray(ev).ray.intersectPlane(plane, new THREE.Vector3());
    this.canvas.addEventListener('pointerdown', (ev) => {
      if (!this.gestures || !this.drawn || ev.button !== 0) return;
      const rc = this.ray(ev);
      const centre = this.filmCentre();
      if (this.ring && centre && rc.intersectObject(this.ring).length) {
        const plane = new THREE.Plane(new THREE.Vector3(0, 0, 1), -centre.z);
        const start = hitPlane(ev, plane);
        if (start) drag = { kind: 'turn', plane, start, centre, moved: false };
      } else if (this.atoms && centre) {
        const hit = rc.intersectObject(this.atoms)[0];
        const atom = hit?.instanceId !== undefined ? this.drawn.index[hit.instanceId] : -1;
        if (atom >= 0 && (this.drawn.s.arrays.role?.[atom] ?? 0) > 0) {
          const plane = new THREE.Plane(new THREE.Vector3(0, 0, 1), -hit.point.z);
          drag = { kind: 'slide', plane, start: hit.point.clone(), centre, moved: false };
        }
      }
      if (drag) {
        this.controls.enabled = false;
        this.canvas.setPointerCapture(ev.pointerId);
        ev.preventDefault();
      }
    });
    this.canvas.addEventListener('pointermove', (ev) => {
      if (!drag || !this.gestures) return;
      const p = hitPlane(ev, drag.plane);
      if (!p) return;
      drag.moved = true;
      this.emit(drag, p, false);
    });
    const end = (ev: PointerEvent) => {
      if (!drag) return;
      const p = hitPlane(ev, drag.plane);
      if (p && drag.moved) this.emit(drag, p, true);
      drag = null;
      this.controls.enabled = true;
    };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
    // A click without a drag measures: first atom, second atom → distance.
    this.canvas.addEventListener('click', (ev) => {
      if (!this.gestures || !this.drawn || !this.atoms) return;
      const hit = this.ray(ev as PointerEvent).intersectObject(this.atoms)[0];
      if (hit?.instanceId === undefined) {
        this.picked = [];
        this.gestures.measure(null);
        return;
      }
      this.picked.push(hit.instanceId);
      if (this.picked.length === 1) this.gestures.measure(`atom ${this.label(this.picked[0])}: click a second atom`);
      else {
        const [a, b] = this.picked.map((k) => this.worldOf(k));
        this.gestures.measure(`${this.label(this.picked[0])} – ${this.label(this.picked[1])}: ${a.distanceTo(b).toFixed(3)} Å`);
        this.picked = [];
      }
    });
  }

  private emit(drag: { kind: 'slide' | 'turn'; start: THREE.Vector3; centre: THREE.Vector3 }, p: THREE.Vector3, done: boolean): void {
    if (drag.kind === 'slide') this.gestures!.slide(p.x - drag.start.x, p.y - drag.start.y, done);
    else {
      const a0 = Math.atan2(drag.start.y - drag.centre.y, drag.start.x - drag.centre.x);
      const a1 = Math.atan2(p.y - drag.centre.y, p.x - drag.centre.x);
      let d = ((a1 - a0) * 180) / Math.PI;
      d = ((d + 540) % 360) - 180;
      this.gestures!.turn(d, done);
    }
  }

  private worldOf(instance: number): THREE.Vector3 {
    const d = this.drawn!;
    const i = d.index[instance];
    return new THREE.Vector3(d.s.positions[3 * i] + d.image[3 * instance], d.s.positions[3 * i + 1] + d.image[3 * instance + 1], d.s.positions[3 * i + 2] + d.image[3 * instance + 2]);
  }

  private label(instance: number): string {
    const i = this.drawn!.index[instance];
    return `${element(this.drawn!.s.numbers[i]).symbol}${i + 1}`;
  }

  /** Centre of the film's atoms (role > 0), or null when the structure has no film. */
  private filmCentre(): THREE.Vector3 | null {
    const d = this.drawn;
    const role = d?.s.arrays.role;
    if (!d || !role) return null;
    const c = new THREE.Vector3();
    let n = 0;
    for (let i = 0; i < role.length; i++)
      if (role[i] > 0) {
        c.x += d.s.positions[3 * i];
        c.y += d.s.positions[3 * i + 1];
        c.z += d.s.positions[3 * i + 2];
        n++;
      }
    return n ? c.multiplyScalar(1 / n) : null;
  }

  /** Client coordinates of a point on the turning ring and of a film atom (for tests driving the gestures). */
  handles(): { ring: { x: number; y: number } | null; film: { x: number; y: number } | null } {
    const r = this.canvas.getBoundingClientRect();
    const toClient = (v: THREE.Vector3) => {
      const p = v.clone().project(this.camera);
      return { x: r.left + ((p.x + 1) / 2) * r.width, y: r.top + ((1 - p.y) / 2) * r.height };
    };
    let ring = null, film = null;
    if (this.ring) {
      const g = this.ring.geometry as THREE.TorusGeometry;
      ring = toClient(this.ring.position.clone().add(new THREE.Vector3(g.parameters.radius, 0, 0)));
    }
    const d = this.drawn;
    const role = d?.s.arrays.role;
    if (d && role) {
      // The film atom nearest the camera, so nothing hides it.
      let best = -1, bestZ = -Infinity;
      for (let k = 0; k < d.index.length; k++) if (role[d.index[k]] > 0 && d.s.positions[3 * d.index[k] + 2] > bestZ) (bestZ = d.s.positions[3 * d.index[k] + 2]), (best = k);
      if (best >= 0) film = toClient(this.worldOf(best));
    }
    return { ring, film };
  }

  /** The PNG of what is on screen. */
  toPng(): Promise<Blob | null> {
    this.renderNow();
    return new Promise((resolve) => this.canvas.toBlob(resolve, 'image/png'));
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
    for (const o of [this.atoms, this.box, this.ring]) {
      if (!o) continue;
      this.scene.remove(o);
      if (o instanceof THREE.InstancedMesh) o.dispose();
      else (o as THREE.Mesh | THREE.LineSegments).geometry.dispose();
    }
    this.atoms = null;
    this.box = null;
    this.ring = null;
    this.drawn = null;
    this.picked = [];
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
    const hidden = new Set(opts.hiddenRoles ?? []);
    const role = s.arrays.role;
    const shown = role && hidden.size ? Array.from({ length: n }, (_, a) => a).filter((a) => !hidden.has(role[a])) : Array.from({ length: n }, (_, a) => a);
    const total = count * shown.length;
    const index = new Int32Array(total);
    const imageOffset = new Float64Array(3 * total);
    // Fewer triangles per sphere for big structures: what a GPU (or a software rasteriser) draws per frame.
    const detail = total > 20000 ? [8, 6] : total > 3000 ? [12, 8] : [20, 14];
    if (this.sphere.parameters.widthSegments !== detail[0]) {
      this.sphere.dispose();
      this.sphere = new THREE.SphereGeometry(1, detail[0], detail[1]);
    }
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
          for (const a of shown) {
            const e = element(s.numbers[a]);
            index[k] = a;
            imageOffset.set([tx, ty, tz], 3 * k);
            const r = e.covalentRadius * RADIUS_SCALE;
            m.makeScale(r, r, r);
            m.setPosition(s.positions[3 * a] + tx, s.positions[3 * a + 1] + ty, s.positions[3 * a + 2] + tz);
            mesh.setMatrixAt(k, m);
            color.set(e.color);
            if (opts.tintFilms && role && role[a] > 0) color.lerp(new THREE.Color(FILM_TINTS[(role[a] - 1) % FILM_TINTS.length]), 0.55);
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
    this.drawn = { s, index, image: imageOffset };
    if (s.pbc.some(Boolean)) {
      this.box = cellBox(c);
      this.scene.add(this.box);
    }
    // The turning ring around the film: drag it to rotate the film about the surface normal.
    const centre = this.gestures ? this.filmCentre() : null;
    if (centre && !hidden.has(1)) {
      const span = Math.max(3, 0.45 * Math.min(Math.hypot(c[0], c[1]), Math.hypot(c[3], c[4])));
      this.ring = new THREE.Mesh(new THREE.TorusGeometry(span, Math.max(0.12, span * 0.03), 8, 64), new THREE.MeshBasicMaterial({ color: '#ff7a00', transparent: true, opacity: 0.55 }));
      this.ring.position.copy(centre);
      this.scene.add(this.ring);
    }
    if (fit) this.fit(s);
    this.requestRender();
    return { drawnAtoms: total, imagesDrawn: count > 1, note };
  }

  /** Mean frame time (ms) over `frames` renders while turning the camera a full circle (benchmarks). */
  async orbitFrameTime(frames = 60): Promise<number> {
    const target = this.controls.target.clone();
    const offset = this.camera.position.clone().sub(target);
    const t0 = performance.now();
    for (let f = 0; f < frames; f++) {
      offset.applyAxisAngle(new THREE.Vector3(0, 0, 1), (2 * Math.PI) / frames);
      this.camera.position.copy(target).add(offset);
      this.camera.lookAt(target);
      await new Promise((r) => requestAnimationFrame(() => r(this.renderNow())));
    }
    return (performance.now() - t0) / frames;
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
