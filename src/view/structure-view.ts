// The structure view (class StructureView below): scene, controls, gizmo and pointer gestures, framing. Its parts
// live beside it: atom meshes (atom-mesh.ts), impostors (impostors.ts), the cell box (cell-box.ts), measurements
// (measurements.ts), rays and picking (picking.ts), cameras and framing (camera-rig.ts), bonds and labels
// (atom-extras.ts).
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { TransformControls } from 'three/examples/jsm/controls/TransformControls.js';
import type { Structure } from '../core/structure';
import { CameraRig, framePoints, structureExtent, viewDirection, type Camera, type ViewAxis } from './camera-rig';
import { freeArea, type Rect } from './free-area';
import { drawnColours } from './palette';
import { scaleSprites } from './text-sprite';
import { Triad } from './triad';
import { AtomExtras } from './atom-extras';
import { buildAtomMesh, disposeAtomMesh, filmCentre, type AtomMesh, type MeshSpec } from './atom-mesh';
import { cellBox } from './cell-box';
import { IMPOSTOR_ATOMS } from './impostors';
import type { MeasureMode } from './measure';
import { Measurements, type Pick } from './measurements';
import { clientOf, nearestAtom, rayAt } from './picking';

/** Above this many drawn atoms, periodic images are not drawn (the caller is told). */
export const MAX_DRAWN_ATOMS = 400_000;
export { IMPOSTOR_ATOMS } from './impostors';

export interface DrawOptions {
  /** Draw the neighbouring periodic images (3 × 3 in-plane for a layer, 3 × 3 × 3 for bulk). */
  images: boolean;
  /** Axes along which to repeat images (defaults to the periodic ones). */
  imageAxes?: [boolean, boolean, boolean];
  /** Interfaces: roles not drawn (0 = substrate, 1.. = films), and whether films get a tint per layer. */
  hiddenRoles?: number[];
  tintFilms?: boolean;
  /** Interfaces: the film (role) the gizmo and drags move; default 1. */
  activeRole?: number;
}


/**
 * Gestures on the active film of an interface: a slide (Å, in-plane) or a turn (degrees) about the normal.
 * `done` is false while the pointer moves and true once, when it is released.
 */
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
 * three.js view of one structure: atoms as InstancedMeshes (sphere per atom, radius ∝ covalent radius, Jmol
 * colour), the cell as line segments, orbit controls. Renders on demand, not in a loop. For an interface the
 * active film is a mesh of its own under a pivot at its centre, which three's TransformControls turn about the
 * normal or slide in the plane, so a drag previews at once and the rebuilt interface replaces it on release.
 */
export class StructureView {
  readonly renderer: THREE.WebGLRenderer;
  private scene = new THREE.Scene();
  private rig = new CameraRig();
  private get camera(): Camera {
    return this.rig.camera;
  }
  private triad = new Triad();
  /** Rectangles (CSS px, client coordinates) of the overlays covering the canvas; the camera frames the rest. */
  private overlays: () => DOMRect[] = () => [];
  /** Atoms picked and measurements drawn (redrawn from the new positions when the same atoms are redrawn). */
  private meas = new Measurements(() => this.drawn, () => this.requestRender());
  /** Told the value of each finished measurement (and prompts while picking); null when cleared. */
  onMeasure: ((text: string | null) => void) | null = null;
  /** Bonds (covalent-radius criterion, core/elements bondCutoff) and atom labels, drawn on demand. */
  private extraFlags = { bonds: false, labels: false };
  private controls: OrbitControls;
  private meshes: AtomMesh[] = [];
  private box: THREE.LineSegments | null = null;
  private sphere = new THREE.SphereGeometry(1, 20, 14);
  private frame = 0;
  private resizeObserver: ResizeObserver;
  private drawn: Structure | null = null;
  /** The active film hangs from this; TransformControls move it. */
  private pivot = new THREE.Object3D();
  private centre: THREE.Vector3 | null = null;
  private gizmo: TransformControls;
  private gizmoMode: 'rotate' | 'translate' = 'rotate';
  private gestures: FilmGestures | null = null;
  private dragged = false;
  /** Drawn-atom count above which atoms are impostors (benchmarks set Infinity to time triangle spheres). */
  impostorAtoms = IMPOSTOR_ATOMS;

  constructor(private canvas: HTMLCanvasElement) {
    // preserveDrawingBuffer lets tests and the PNG export read the pixels that are on screen.
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true, alpha: true }); // alpha: transparent PNG export
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio));
    this.scene.background = new THREE.Color('#f4f6f9');
    this.scene.add(new THREE.AmbientLight(0xffffff, 1.1));
    for (const cam of [this.rig.perspective, this.rig.orthographic]) {
      const key = new THREE.DirectionalLight(0xffffff, 2.2);
      key.position.set(1, 2, 3);
      cam.add(key);
      this.scene.add(cam);
    }
    this.scene.add(this.meas.group);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = false;
    this.controls.addEventListener('change', () => this.requestRender());
    this.scene.add(this.pivot);
    this.gizmo = new TransformControls(this.camera, canvas);
    this.gizmo.setSpace('world');
    this.gizmo.setSize(1.3);
    this.gizmo.setRotationSnap(THREE.MathUtils.degToRad(0.1)); // the twist slider's step
    this.gizmo.addEventListener('change', () => this.requestRender());
    this.gizmo.addEventListener('dragging-changed', (ev) => {
      this.controls.enabled = !ev.value;
      if (ev.value) (this.dragged = true), (this.gizmoMoved = false);
      else if (this.gizmoMoved) this.gizmoEmit(true);
      // Pressed and released without turning (the ring's picker is wider than the ring and lies over atoms):
      // a click, which measures the atom under it, not a turn by 0° with an undo step.
      else this.dragged = false;
    });
    this.gizmo.addEventListener('objectChange', () => {
      const c = this.centre;
      if (!c || (Math.abs(this.pivot.rotation.z) < 1e-9 && this.pivot.position.distanceTo(c) < 1e-9)) return;
      this.gizmoMoved = true;
      this.gizmoEmit(false);
    });
    this.scene.add(this.gizmo.getHelper());
    this.setGizmoMode('rotate');
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(canvas);
    this.resize();
    this.installPointer();
  }

  /** Enables dragging the active film (gizmo; or drag one of its atoms to slide it) and two-click measuring. */
  setGestures(g: FilmGestures | null): void {
    this.gestures = g;
  }

  /** The gizmo turns the film about the surface normal ('rotate') or slides it in the plane ('translate'). */
  setGizmoMode(mode: 'rotate' | 'translate'): void {
    this.gizmoMode = mode;
    this.gizmo.setMode(mode);
    this.gizmo.showX = this.gizmo.showY = mode === 'translate';
    this.gizmo.showZ = mode === 'rotate';
    this.requestRender();
  }

  getGizmoMode(): 'rotate' | 'translate' {
    return this.gizmoMode;
  }

  /** True while the user drags the gizmo or a film atom: callers hold redraws until it ends. */
  dragging(): boolean {
    return this.gizmo.dragging || this.atomDrag;
  }

  private atomDrag = false;
  /** The gizmo turned or slid the film during this press (a press without motion is a click). */
  private gizmoMoved = false;

  private gizmoEmit(done: boolean): void {
    const c = this.centre;
    if (!this.gestures || !c) return;
    if (this.gizmoMode === 'translate') this.gestures.slide(this.pivot.position.x - c.x, this.pivot.position.y - c.y, done);
    else this.gestures.turn(THREE.MathUtils.radToDeg(this.pivot.rotation.z), done);
    if (done) {
      // The rebuilt interface (or, if refused, the old one) is drawn at home: the preview ends here.
      this.pivot.position.copy(c);
      this.pivot.rotation.set(0, 0, 0);
      this.requestRender();
    }
  }

  private ray(ev: MouseEvent): THREE.Raycaster {
    return rayAt(this.canvas, this.camera, ev.clientX, ev.clientY);
  }

  /** The atom under the pointer: mesh number and instance, or null. */
  private pick(ev: MouseEvent): { m: number; k: number; point: THREE.Vector3 } | null {
    return nearestAtom(this.ray(ev), this.meshes);
  }

  private installPointer(): void {
    let drag: { plane: THREE.Plane; start: THREE.Vector3; moved: boolean } | null = null;
    const hitPlane = (ev: PointerEvent, plane: THREE.Plane) => this.ray(ev).ray.intersectPlane(plane, new THREE.Vector3());
    // Capture phase: this runs before TransformControls and OrbitControls see the press, so a press on an atom
    // of the active film slides the film even where the gizmo's ring (whose picker is wider than the ring, and
    // drawn over everything) passes in front of it; elsewhere the ring turns the film as before.
    this.canvas.addEventListener('pointerdown', (ev) => {
      this.dragged = false;
      if (!this.gestures || !this.drawn || ev.button !== 0) return;
      const hit = this.pick(ev);
      // Dragging an atom of the active film slides the film (the gizmo's arrows do the same).
      if (hit && this.meshes[hit.m] === this.filmMesh()) {
        drag = { plane: new THREE.Plane(new THREE.Vector3(0, 0, 1), -hit.point.z), start: hit.point, moved: false };
        this.controls.enabled = false;
        this.gizmo.enabled = false;
        this.atomDrag = true;
        this.canvas.setPointerCapture(ev.pointerId);
        ev.preventDefault();
      }
    }, { capture: true });
    this.canvas.addEventListener('pointermove', (ev) => {
      if (!drag || !this.gestures) return;
      const p = hitPlane(ev, drag.plane);
      if (!p) return;
      drag.moved = this.dragged = true;
      this.gestures.slide(p.x - drag.start.x, p.y - drag.start.y, false);
    });
    const end = (ev: PointerEvent) => {
      if (!drag) return;
      const p = hitPlane(ev, drag.plane);
      this.atomDrag = false;
      if (p && drag.moved) this.gestures?.slide(p.x - drag.start.x, p.y - drag.start.y, true);
      drag = null;
      this.controls.enabled = true;
      this.gizmo.enabled = true;
    };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
    // A click without a drag picks an atom for the measurement under way (2, 3 or 4 atoms by mode).
    this.canvas.addEventListener('click', (ev) => {
      if (!this.drawn || this.dragged) return;
      const hit = this.pick(ev);
      if (!hit) {
        // A click on empty space drops the atoms picked so far, or, with none, the measurements drawn.
        if (!this.meas.picked.length) this.clearMeasurements();
        this.meas.picked = [];
        this.tellMeasure(null);
        return;
      }
      this.tellMeasure(this.meas.add(this.pickOf(hit)));
    });
  }

  private tellMeasure(text: string | null): void {
    this.gestures?.measure(text);
    this.onMeasure?.(text);
  }

  private makeExtras(s: Structure, mesh: THREE.InstancedMesh, index: Int32Array, image: Float64Array): AtomExtras | undefined {
    const f = this.extraFlags;
    return f.bonds || f.labels ? new AtomExtras(s, mesh, index, image, f) : undefined;
  }

  /** Turns bonds and atom labels on or off without redrawing the atoms; returns what could not be drawn. */
  setExtras(o: { bonds?: boolean; labels?: boolean }): string[] {
    this.extraFlags = { ...this.extraFlags, ...o };
    const notes: string[] = [];
    for (const am of this.meshes) {
      const parent = am.mesh.parent;
      am.extras?.dispose();
      am.extras = this.drawn && parent ? this.makeExtras(this.drawn, am.mesh, am.index, am.image) : undefined;
      if (am.extras && parent) {
        parent.add(am.extras.group);
        notes.push(...am.extras.notes);
      }
    }
    this.requestRender();
    return [...new Set(notes)];
  }

  /** Bonds and labels drawn now (tests). */
  extrasDrawn(): { bonds: number; labels: number } {
    return this.meshes.reduce((t, am) => ({ bonds: t.bonds + (am.extras?.bondCount ?? 0), labels: t.labels + (am.extras?.labelCount() ?? 0) }), { bonds: 0, labels: 0 });
  }

  /** Measure distances (2 atoms), angles (3) or dihedrals (4); atoms picked so far are dropped. */
  setMeasureMode(mode: MeasureMode): void {
    this.meas.mode = mode;
    this.meas.picked = [];
  }

  /** The measurements drawn: kind, atoms (symbol and 1-based number) and value with its unit. */
  measurements(): { kind: MeasureMode; atoms: string[]; value: string }[] {
    return this.meas.list();
  }

  /** Measurements drawn in the scene (tests). */
  measureGroupSize(): number {
    return this.meas.group.children.length;
  }

  clearMeasurements(): void {
    this.meas.clear();
    this.tellMeasure(null);
  }

  private pickOf(p: { m: number; k: number }): Pick {
    const am = this.meshes[p.m];
    return { atom: am.index[p.k], image: [am.image[3 * p.k], am.image[3 * p.k + 1], am.image[3 * p.k + 2]] };
  }

  private filmMesh(): AtomMesh | null {
    return this.meshes.length > 1 ? this.meshes[1] : null;
  }

  /** Where an atom instance is (Å, structure coordinates, image offset included). */
  private worldOf(p: { m: number; k: number }): THREE.Vector3 {
    const s = this.drawn!, am = this.meshes[p.m];
    const i = am.index[p.k];
    return new THREE.Vector3(s.positions[3 * i] + am.image[3 * p.k], s.positions[3 * i + 1] + am.image[3 * p.k + 1], s.positions[3 * i + 2] + am.image[3 * p.k + 2]);
  }

  /**
   * Client coordinates of the gizmo's handles and of an active-film atom (for tests driving the gestures): a
   * point on the turning ring (rotate mode), on the in-plane square (translate mode), and the film atom nearest
   * the camera.
   */
  handles(): { ring: { x: number; y: number } | null; plane: { x: number; y: number } | null; film: { x: number; y: number } | null } {
    const r = this.canvas.getBoundingClientRect();
    const toClient = (v: THREE.Vector3) => clientOf(this.canvas, this.camera, v, r);
    let ring = null, plane = null, film = null;
    const c = this.centre;
    if (c && this.gizmo.object) {
      // TransformControls keep their handles a constant size on screen: the same factor as theirs.
      const cam = this.camera;
      const f = cam instanceof THREE.OrthographicCamera ? (cam.top - cam.bottom) / cam.zoom : c.distanceTo(cam.position) * Math.min((1.9 * Math.tan((Math.PI * cam.fov) / 360)) / cam.zoom, 7);
      const scale = (f * this.gizmo.size) / 4;
      if (this.gizmoMode === 'rotate') ring = toClient(c.clone().add(new THREE.Vector3(0, -0.5 * scale, 0)));
      else plane = toClient(c.clone().add(new THREE.Vector3(0.15 * scale, 0.15 * scale, 0)));
    }
    const fm = this.filmMesh();
    if (fm && this.drawn) {
      let best = -1, bestZ = -Infinity;
      for (let k = 0; k < fm.index.length; k++) {
        const z = this.drawn.positions[3 * fm.index[k] + 2];
        if (z > bestZ + 1e-6 || (Math.abs(z - bestZ) <= 1e-6 && fm.image[3 * k] === 0 && fm.image[3 * k + 1] === 0)) (bestZ = z), (best = k);
      }
      if (best >= 0) film = toClient(this.worldOf({ m: this.meshes.indexOf(fm), k: best }));
    }
    return { ring, plane, film };
  }

  /** A PNG of the view: without the gizmo unless `helpers`, at `scale` × the canvas resolution, on white, transparent or the screen's background. */
  async toPng(o: { scale?: number; background?: 'white' | 'transparent' | 'screen'; helpers?: boolean } = {}): Promise<Blob | null> {
    const helper = this.gizmo.getHelper(), shown = helper.visible, bg = this.scene.background, ratio = this.renderer.getPixelRatio();
    helper.visible = shown && (o.helpers ?? false);
    const triadShown = this.triad.visible;
    this.triad.visible = o.helpers ?? false;
    this.scene.background = o.background === 'transparent' ? null : o.background === 'white' ? new THREE.Color('#ffffff') : bg;
    // A larger drawing buffer for one frame (setPixelRatio resizes it); the page's canvas size does not change.
    if ((o.scale ?? 1) !== 1) this.renderer.setPixelRatio(ratio * (o.scale ?? 1));
    try {
      this.draw();
      return await new Promise<Blob | null>((resolve) => this.canvas.toBlob(resolve, 'image/png'));
    } finally {
      helper.visible = shown;
      this.triad.visible = triadShown;
      this.scene.background = bg;
      this.renderer.setPixelRatio(ratio);
      this.renderNow();
    }
  }

  private resize(): void {
    const w = this.canvas.clientWidth || 1;
    const h = this.canvas.clientHeight || 1;
    this.renderer.setSize(w, h, false);
    this.updateFreeArea();
  }

  /** Tells the view which overlays cover the canvas (client rectangles), so framing keeps clear of them. */
  setOverlays(rects: () => DOMRect[]): void {
    this.overlays = rects;
    this.updateFreeArea();
  }

  /** Re-reads the overlays (one moved or resized): the framed centre follows, the zoom stays. */
  updateFreeArea(): void {
    const w = this.canvas.clientWidth || 1, h = this.canvas.clientHeight || 1, r = this.canvas.getBoundingClientRect();
    const rects: Rect[] = this.overlays().filter((o) => o.width > 0 && o.height > 0).map((o) => ({ left: o.left - r.left, top: o.top - r.top, right: o.right - r.left, bottom: o.bottom - r.top }));
    this.rig.setSize(w, h, freeArea(w, h, rects));
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  /** The part of the canvas the camera frames (CSS px from the canvas's top-left), for tests. */
  freeArea(): Rect {
    return { ...this.rig.free };
  }

  private draw(): void {
    scaleSprites(this.scene, this.rig.worldPerPx());
    this.renderer.render(this.scene, this.camera);
    this.triad.render(this.renderer, this.camera, this.rig.free, this.canvas.clientHeight || 1);
  }

  requestRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Renders now (tests and exports call this before reading pixels). */
  renderNow(): void {
    this.draw();
  }

  clear(): void {
    for (const am of this.meshes) disposeAtomMesh(am);
    if (this.box) {
      this.scene.remove(this.box);
      this.box.geometry.dispose();
    }
    this.gizmo.detach();
    this.pivot.position.set(0, 0, 0);
    this.pivot.rotation.set(0, 0, 0);
    this.meshes = [];
    this.box = null;
    this.centre = null;
    this.drawn = null;
    this.meas.picked = [];
    this.meas.undraw();
    this.triad.setCell(null);
    this.requestRender();
  }

  setStructure(s: Structure | null, opts: DrawOptions, fit = true): DrawResult {
    // Measurements follow the atoms through a redraw of the same atoms (a new z, shift or twist) and end otherwise.
    const sameAtoms = !!s && !!this.drawn && this.drawn.numbers.length === s.numbers.length && this.drawn.numbers.every((z, i) => z === s.numbers[i]);
    const measured = sameAtoms ? this.meas.measured : [];
    this.clear();
    this.meas.measured = measured;
    if (!s) return { drawnAtoms: 0, imagesDrawn: false };
    const palette = drawnColours(s.numbers);
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
    const active = opts.activeRole ?? 1;
    // The active film gets a mesh of its own (under the pivot) when there is a gizmo to move it.
    const centre = this.gestures && role && !hidden.has(active) ? filmCentre(s, active) : null;
    const shown: number[] = [], film: number[] = [];
    for (let a = 0; a < n; a++) {
      if (role && hidden.has(role[a])) continue;
      (centre && role![a] === active ? film : shown).push(a);
    }
    const total = count * (shown.length + film.length);
    // Fewer triangles per sphere for bigger structures (above IMPOSTOR_ATOMS these only serve picking).
    const detail = total > Math.min(this.impostorAtoms, 20000) ? [8, 6] : total > 3000 ? [12, 8] : [20, 14];
    if (this.sphere.parameters.widthSegments !== detail[0]) {
      this.sphere.dispose();
      this.sphere = new THREE.SphereGeometry(1, detail[0], detail[1]);
    }
    const c = s.cell;
    const notes: string[] = [];
    const spec: MeshSpec = {
      s, reps, sphere: this.sphere, palette, tintFilms: !!opts.tintFilms, useImpostors: total > this.impostorAtoms,
      extras: (mesh, index, image) => {
        const x = this.makeExtras(s, mesh, index, image);
        if (x) notes.push(...x.notes);
        return x;
      },
    };
    const build = (atoms: number[], origin: THREE.Vector3) => buildAtomMesh(spec, atoms, origin);
    const rest = build(shown, new THREE.Vector3());
    this.scene.add(rest.mesh);
    if (rest.impostors) this.scene.add(rest.impostors);
    if (rest.extras) this.scene.add(rest.extras.group);
    this.meshes = [rest];
    if (centre) {
      const fm = build(film, centre);
      this.pivot.position.copy(centre);
      this.pivot.add(fm.mesh);
      if (fm.impostors) this.pivot.add(fm.impostors);
      if (fm.extras) this.pivot.add(fm.extras.group);
      this.meshes.push(fm);
      this.centre = centre;
      this.gizmo.attach(this.pivot);
    }
    this.drawn = s;
    if (s.pbc.some(Boolean)) {
      this.box = cellBox(c);
      this.scene.add(this.box);
      this.triad.setCell(c);
    }
    this.meas.redraw();
    // The value shown next to the view follows the atoms too.
    const last = this.measurements().at(-1);
    if (last && !this.meas.picked.length) this.tellMeasure(`${last.atoms.join(' – ')}: ${last.value}`);
    if (fit) this.fit(s);
    this.requestRender();
    if (notes.length) note = [note, ...new Set(notes)].filter(Boolean).join('; ');
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

  /**
   * Frames the structure (default: the one drawn) in the part of the canvas no overlay covers: cell and atoms
   * inside it, seen from the front-right and above, z up.
   */
  fit(s: Structure | null = this.drawn): void {
    if (!s) return;
    this.updateFreeArea();
    this.aim(s, new THREE.Vector3(0.55, -1, 0.45));
  }

  /** Looks along a cell axis or the surface normal (the axis pointing at the viewer), framed like `fit`. */
  viewAlong(axis: ViewAxis): void {
    const s = this.drawn;
    if (!s) return;
    this.updateFreeArea();
    this.aim(s, viewDirection(s.pbc.some(Boolean) ? s.cell : [1, 0, 0, 0, 1, 0, 0, 0, 1], axis));
  }

  private aim(s: Structure, towards: THREE.Vector3): void {
    const dir = towards.clone().normalize(), { centre, radius, depth } = structureExtent(s, dir);
    this.controls.target.copy(this.rig.frame(centre, radius, depth, dir));
    this.controls.update();
    this.requestRender();
  }

  /** Orthographic (true) or perspective projection; direction, target and apparent size stay. */
  setOrthographic(on: boolean): void {
    const cam = this.rig.setOrthographic(on, this.controls.target);
    this.controls.object = cam;
    this.gizmo.camera = cam;
    this.controls.update();
    this.requestRender();
  }

  isOrthographic(): boolean {
    return this.rig.isOrthographic();
  }

  /** The axis triad in the corner (a helper: PNG exports leave it out). */
  setTriad(on: boolean): void {
    this.triad.visible = on;
    this.requestRender();
  }

  /** Where the camera looks (unit vector) and whether it is orthographic (tests and the UI's state). */
  cameraState(): { direction: [number, number, number]; orthographic: boolean } {
    const d = this.camera.getWorldDirection(new THREE.Vector3());
    return { direction: [d.x, d.y, d.z], orthographic: this.rig.isOrthographic() };
  }

  /** Client coordinates (CSS px) of atom `i` of the drawn structure in its own cell (tests click atoms). */
  atomClient(i: number): { x: number; y: number } | null {
    const s = this.drawn;
    if (!s || i < 0 || i >= s.numbers.length) return null;
    return clientOf(this.canvas, this.camera, new THREE.Vector3(s.positions[3 * i], s.positions[3 * i + 1], s.positions[3 * i + 2]));
  }

  /** The drawn colour of atom `i` ('#rrggbb', sRGB), as its sphere is coloured in the cell (tests). */
  atomColour(i: number): string | null {
    for (const am of this.meshes)
      for (let k = 0; k < am.index.length; k++)
        if (am.index[k] === i && am.image[3 * k] === 0 && am.image[3 * k + 1] === 0 && am.image[3 * k + 2] === 0) {
          const c = new THREE.Color();
          am.mesh.getColorAt(k, c);
          return '#' + c.getHexString();
        }
    return null;
  }

  /**
   * Client rectangle (CSS px) of the drawn atoms and cell on screen, and the screen scale at the orbit target
   * (px per Å): what tests check framing with.
   */
  screenBounds(): { left: number; top: number; right: number; bottom: number; pxPerA: number } | null {
    const s = this.drawn;
    if (!s) return null;
    const r = this.canvas.getBoundingClientRect();
    let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    for (const p of framePoints(s)) {
      const { x, y } = clientOf(this.canvas, this.camera, p, r);
      (left = Math.min(left, x)), (right = Math.max(right, x)), (top = Math.min(top, y)), (bottom = Math.max(bottom, y));
    }
    return { left, top, right, bottom, pxPerA: this.rig.pxPerA(this.controls.target) };
  }

  dispose(): void {
    this.clear();
    this.resizeObserver.disconnect();
    this.controls.dispose();
    this.renderer.dispose();
  }
}


