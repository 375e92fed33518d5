/**
 * The view's second toolbar row: view along a / b / c / the normal, orthographic top view and projection, the
 * axis triad, bonds and atom labels on demand, the measure mode and clearing measurements. It also tells the
 * view which overlays cover the canvas (toolbars, info card, legend, placement bar, measurement), so framing
 * keeps the structure in the free area. Works for the selected structure and the interface alike.
 */
import type { ViewAxis } from '../view/camera-rig';
import type { MeasureMode } from '../view/measure';
import type { StructureView } from '../view/structure-view';
import { $, on } from './dom';
import { disposer } from './panels/panel';

/** What covers the canvas (by id and class under .stage): everything placed over it (the foot holds legend and bar). */
const OVERLAYS = '.stage > .overlay, .view-bars > .toolbar, .stage-foot > .legend, .stage-foot > .placement, .view-bars > .measure';

export function mountViewTools(view: StructureView): () => void {
  const d = disposer();
  const overlays = () => [...document.querySelectorAll<HTMLElement>(OVERLAYS)].filter((e) => !e.hidden && e.offsetParent !== null).map((e) => e.getBoundingClientRect());
  view.setOverlays(overlays);
  // An overlay that appears or grows (the placement bar once an interface exists) moves the framed centre.
  const ro = new ResizeObserver(() => view.updateFreeArea());
  for (const e of document.querySelectorAll(OVERLAYS)) ro.observe(e);
  d.add(() => ro.disconnect());

  const ortho = $<HTMLInputElement>('ortho');
  const setOrtho = (on: boolean) => {
    ortho.checked = on;
    view.setOrthographic(on);
    document.body.dataset.projection = on ? 'orthographic' : 'perspective';
  };
  for (const axis of ['a', 'b', 'c', 'normal'] as ViewAxis[]) d.add(on($(`view-${axis}`), 'click', () => view.viewAlong(axis)));
  // Top: orthographic, looking down the normal; pressed again (already there), back to perspective.
  d.add(on($('view-top'), 'click', () => {
    const top = $('view-top').classList.toggle('on', !(view.isOrthographic() && $('view-top').classList.contains('on')));
    setOrtho(top);
    view.viewAlong('normal');
  }));
  d.add(on(ortho, 'change', () => {
    $('view-top').classList.remove('on');
    setOrtho(ortho.checked);
  }));
  d.add(on($('triad'), 'change', () => view.setTriad($<HTMLInputElement>('triad').checked)));
  const extras = () => {
    const notes = view.setExtras({ bonds: $<HTMLInputElement>('bonds').checked, labels: $<HTMLInputElement>('labels').checked });
    $('view-tools').title = notes.join('; ');
    document.body.dataset.extrasNote = notes.join('; ');
  };
  d.add(on($('bonds'), 'change', extras));
  d.add(on($('labels'), 'change', extras));
  d.add(on($('measure-mode'), 'change', () => view.setMeasureMode($<HTMLSelectElement>('measure-mode').value as MeasureMode)));
  d.add(on($('clear-measure'), 'click', () => {
    view.clearMeasurements();
  }));
  return d.dispose;
}
