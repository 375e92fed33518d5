/**
 * Placement panel (over the 3D view): twist, shift and z sliders for the selected film, the gizmo mode, drag
 * gestures, Undo/Redo, and the twist note: a twist with no coincident cell is refused right there, and the
 * slider goes back to where the film is. Twists are shown in one convention (reduced into the pair's period).
 */
import { watch } from '../../state/watch';
import { activePlacement, activeTwist, periodDeg, type WorkbenchState } from '../../state/workbench-model';
import { $, fmt, hide, on, text } from '../dom';
import { disposer, type Panel } from './panel';

/** The twist (degrees) nearest `deg` at which the twist scan found a cell; `deg` itself without a scan. */
export function snapTwist(deg: number, scan: WorkbenchState['scan'], periodDeg: number): number {
  const ok = (scan ?? []).filter((e) => e.strainPct !== null);
  if (!ok.length) return deg;
  const dist = (a: number) => Math.min(Math.abs(a - deg), periodDeg - Math.abs(a - deg));
  return ok.reduce((best, e) => (dist(e.twistDeg) < dist(best) ? e.twistDeg : best), ok[0].twistDeg);
}

/**
 * Where the ring puts the selected film when dragged `deg` from `base` (degrees): reduced into that film's own
 * period; film 1 snaps to the angles its twist scan found a cell at, a stacked film turns freely (the scan is film 1's).
 */
export function ringTwist(s: WorkbenchState, base: number, deg: number): number {
  const P = periodDeg(s, s.activeFilm), free = (((base + deg) % P) + P) % P;
  return s.activeFilm === 0 ? snapTwist(free, s.scan, P) : free;
}

export const mountPlacement: Panel = (root, { wb, view }) => {
  const d = disposer();
  const twist = $<HTMLInputElement>('twist'), sa = $<HTMLInputElement>('shift-a'), sb = $<HTMLInputElement>('shift-b'), zs = $<HTMLInputElement>('zsep');
  const act = () => activePlacement(wb.get());
  let dragBase: { shift: [number, number]; twist: number } | null = null;
  d.add(on(twist, 'input', () => void wb.setTwist(Number(twist.value))));
  d.add(on(sa, 'input', () => wb.setPlacement({ shift: [Number(sa.value), act().shift[1]] })));
  d.add(on(sb, 'input', () => wb.setPlacement({ shift: [act().shift[0], Number(sb.value)] })));
  d.add(on(zs, 'input', () => wb.setPlacement({ zSeparation: Number(zs.value) })));
  d.add(on($('undo'), 'click', () => wb.undo()));
  d.add(on($('redo'), 'click', () => wb.redo()));
  d.add(on($('gizmo-mode'), 'click', () => {
    view.setGizmoMode(view.getGizmoMode() === 'rotate' ? 'translate' : 'rotate');
    text($('gizmo-mode'), `Gizmo: ${view.getGizmoMode() === 'rotate' ? 'turn' : 'slide'}`);
  }));

  // Drag gestures on the active film (the view reports Å and degrees; the workbench keeps fractions and degrees).
  view.setGestures({
    slide(dx, dy, done) {
      const s = wb.get().iface;
      if (!s) return;
      const first = dragBase === null; // one undo step per drag: the first move records where the film was
      dragBase ??= { shift: [...act().shift] as [number, number], twist: activeTwist(wb.get()) };
      const c = s.cell, det = c[0] * c[4] - c[1] * c[3];
      const du = (dx * c[4] - dy * c[3]) / det, dv = (c[0] * dy - c[1] * dx) / det;
      wb.setPlacement({ shift: [dragBase.shift[0] + du, dragBase.shift[1] + dv] }, first);
      if (done) dragBase = null;
    },
    turn(deg, done) {
      dragBase ??= { shift: [...act().shift] as [number, number], twist: activeTwist(wb.get()) };
      const t = ringTwist(wb.get(), dragBase.twist, deg);
      twist.value = String(t);
      text($('twist-out'), fmt(t, 1));
      if (done) {
        dragBase = null;
        void wb.setTwist(t);
      }
    },
    measure(t) {
      hide($('measure'), !t);
      text($('measure'), t ?? '');
    },
  });
  d.add(() => view.setGestures(null));

  const showTwist = (s: WorkbenchState) => {
    // The period comes from lattice angles (29.999999999999996 for 30°): the form shows it to 1e-6°.
    twist.max = String(Math.round(periodDeg(s, s.activeFilm) * 1e6) / 1e6);
    if (!dragBase) twist.value = String(activeTwist(s));
    text($('twist-out'), fmt(Number(twist.value), 1));
  };
  // The slider follows the film: after a refusal too (even while it has the focus).
  d.add(watch(wb, (s) => [activeTwist(s), periodDeg(s, s.activeFilm), s.errorAt === 'twist' ? s.error : null] as const, (_, s) => {
    showTwist(s);
    const note = s.errorAt === 'twist' ? s.error : null;
    text($('twist-note'), note ?? '');
    hide($('twist-note'), !note);
  }));
  d.add(watch(wb, (s) => [activePlacement(s), s.activeFilm, s.stack.length, s.canUndo, s.canRedo] as const, (_, s) => {
    const ap = activePlacement(s);
    if (document.activeElement !== sa) sa.value = String(ap.shift[0]);
    if (document.activeElement !== sb) sb.value = String(ap.shift[1]);
    if (document.activeElement !== zs) zs.value = String(ap.zSeparation);
    text($('shift-a-out'), fmt(ap.shift[0], 2));
    text($('shift-b-out'), fmt(ap.shift[1], 2));
    text($('zsep-out'), fmt(ap.zSeparation, 2));
    text($('moving'), s.stack.length ? `moving film ${s.activeFilm + 1} of ${s.stack.length + 1}` : '');
    ($('undo') as HTMLButtonElement).disabled = !s.canUndo;
    ($('redo') as HTMLButtonElement).disabled = !s.canRedo;
  }));
  d.add(watch(wb, (s) => [!!s.iface, s.shows] as const, ([have, shows]) => {
    hide(root, !have || shows !== 'interface');
    hide($('view-mode'), !have);
    text($('view-mode'), shows === 'interface' ? 'Show structure' : 'Show interface');
  }));
  d.add(on($('view-mode'), 'click', () => wb.show(wb.get().shows === 'interface' ? 'structure' : 'interface')));
  return d.dispose;
};
