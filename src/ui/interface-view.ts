/**
 * The 3D view of the built interface: drawn when the workbench shows the interface and the structure, the
 * hidden layers, periodic images or the selected film change (not while a film is being dragged), with the
 * overlay card (full composition, supercell area of the whole stack's cell, strain, twist, z and shift), the
 * element legend, and film tints on or off.
 */
import { formula, type Structure } from '../core/structure';
import { watch } from '../state/watch';
import { activePlacement, activeTwist, type WorkbenchState } from '../state/workbench-model';
import { $, el, fmt, on, text } from './dom';
import { disposer, type PanelContext } from './panels/panel';
import { showLegend } from './legend';
import { mountViewTools } from './view-tools';
import { cellArea } from './interface-numbers';

/**
 * The card's lines: the whole stack's composition and cell area, then the strain, twist, z and shift of the film
 * the sliders move (in a stack it is named, "film 2 of 3", so the card and the sliders never disagree unsaid).
 */
export function overlayLines(s: WorkbenchState, iface: Structure): string[] {
  const f = s.activeFilm > 0 ? s.stack[s.activeFilm - 1] : undefined;
  const m = f?.match ?? s.match!, p = activePlacement(s);
  const full = formula(iface.numbers, false), reduced = formula(iface.numbers);
  const which = s.stack.length ? `film ${s.activeFilm + 1} of ${s.stack.length + 1}: ` : '';
  return [
    `${full} · ${iface.numbers.length} atoms · interface${reduced !== full ? ` (${reduced} reduced)` : ''}`,
    `area ${fmt(cellArea(iface.cell), 2)} Å² · strain ${fmt(100 * m.principalStrains[0], 2)} / ${fmt(100 * m.principalStrains[1], 2)} % · twist ${fmt(activeTwist(s), 2)}°`,
    `${which}z ${fmt(p.zSeparation, 2)} Å · shift ${fmt(p.shift[0], 2)}, ${fmt(p.shift[1], 2)}${s.stack.length ? ` · ${s.stack.length + 1} films stacked` : ''}`,
  ];
}

/** The card is rewritten in place (three lines), so a slider tick adds no elements. */
function writeCard(s: WorkbenchState, iface: Structure): void {
  const card = $('overlay'), lines = overlayLines(s, iface);
  if (card.dataset.card !== 'interface' || card.children.length !== lines.length) {
    card.replaceChildren(...lines.map((_, i) => el(i === 0 ? 'strong' : 'div')));
    card.dataset.card = 'interface';
  }
  lines.forEach((t, i) => text(card.children[i] as HTMLElement, t));
}

export function mountInterfaceView({ store, wb, view }: PanelContext): () => void {
  const d = disposer();
  d.add(mountViewTools(view));
  let drawn: Structure | null = null;
  const hiddenRoles = (s: WorkbenchState) => {
    const films = Array.from({ length: s.stack.length + 1 }, (_, k) => k + 1);
    const off = [...s.hiddenLayers, ...($<HTMLInputElement>('show-substrate').checked ? [] : [0]), ...($<HTMLInputElement>('show-film').checked ? [] : films)];
    return [...new Set(off)].sort((a, b) => a - b);
  };
  const draw = (s: WorkbenchState, force = false) => {
    if (s.shows !== 'interface' || !s.iface || view.dragging()) return;
    if (!force && drawn === s.iface) return;
    const fit = drawn === null || drawn.numbers.length !== s.iface.numbers.length;
    // Card and legend first: framing (on a new interface) keeps clear of them at their new size.
    showLegend(s.iface.numbers);
    writeCard(s, s.iface);
    const r = view.setStructure(s.iface, { images: store.get().showImages, imageAxes: [true, true, false], hiddenRoles: hiddenRoles(s), tintFilms: $<HTMLInputElement>('tint-films').checked, activeRole: s.activeFilm + 1 }, fit);
    document.body.dataset.drawnAtoms = String(r.drawnAtoms);
    document.body.dataset.view = 'interface';
    drawn = s.iface;
  };
  d.add(watch(wb, (s) => [s.iface, s.shows] as const, (_, s) => {
    if (s.shows !== 'interface') drawn = null;
    draw(s);
  }));
  d.add(watch(wb, (s) => [s.hiddenLayers, s.activeFilm] as const, (_, s) => draw(s, true)));
  d.add(watch(store, (st) => [st.showImages] as const, () => draw(wb.get(), true)));
  for (const id of ['show-substrate', 'show-film', 'tint-films']) d.add(on($(id), 'change', () => draw(wb.get(), true)));
  return d.dispose;
}
