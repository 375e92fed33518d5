/**
 * Layers panel: the substrate and each film of the stack, bottom to top, with its colour (the same table the
 * 3D view tints with), twist, strain and z; show/hide per layer; which film the controls move; add a film on
 * top (its refusal is shown here) and remove the top one. Rows are rebuilt only when the stack itself changes;
 * a z tick only rewrites that film's z, a twist tick its details.
 */
import { faceDownLabel } from '../../core/layer';
import { formula } from '../../core/structure';
import { watch } from '../../state/watch';
import { periodDeg, shownTwist, type WorkbenchState } from '../../state/workbench-model';
import { layerColour } from '../../view/film-colours';
import { $, el, fmt, hide, on, text } from '../dom';
import { disposer, type Panel } from './panel';

const strain = (m: { principalStrains: [number, number] }) => `${fmt(100 * m.principalStrains[0], 2)}/${fmt(100 * m.principalStrains[1], 2)} %`;
const det = (m: number[][]) => Math.abs(m[0][0] * m[1][1] - m[0][1] * m[1][0]);

export const mountLayers: Panel = (root, { store, wb }) => {
  const d = disposer();
  const name = (id: string | null) => {
    const e = store.get().structures.find((x) => x.structure.id === id);
    return e ? formula(e.structure.numbers) : '?';
  };
  const row = (s: WorkbenchState, role: number, label: string, detail: string) => {
    const li = el('li', { class: role > 0 && role - 1 === s.activeFilm ? 'active' : '', 'data-role': String(role) });
    const eye = el('input', { type: 'checkbox', title: 'visible', 'aria-label': `show ${label}`, 'data-eye': String(role) });
    eye.checked = !s.hiddenLayers.includes(role);
    li.append(eye, el('span', { class: 'swatch', style: `background:${layerColour(role)}` }), el('span', { class: 'what' }, el('b', {}, label), ' ', el('span', { class: 'muted small' }, el('span', { class: 'detail' }, detail), role > 0 ? el('span', { class: 'z' }) : '')));
    if (role > 0) li.append(el('button', { type: 'button', class: 'link', 'data-select': String(role - 1), title: 'Move this film with the sliders and gizmo' }, role - 1 === s.activeFilm ? 'moving' : 'select'));
    if (role > 1 && role - 1 === s.stack.length) li.append(el('button', { type: 'button', class: 'link', id: 'remove-film', title: 'Take this film off the stack (Undo brings it back)' }, 'remove'));
    return li;
  };
  let shape = '';
  const drawRows = (s: WorkbenchState) => {
    const rows: [number, string, string][] = [[0, `${name(s.substrateId)}(${(s.builtOptions ?? s.options).hkl.join('')})`, `substrate, ${s.options.layers} layers`]];
    const down = (id: string | null, face: 'bottom' | 'top') => faceDownLabel(store.get().structures.find((e) => e.structure.id === id)?.faces, face);
    if (s.match) rows.push([1, name(s.filmId), `film 1 · ${down(s.filmId, (s.builtOptions ?? s.options).face)} · twist ${fmt(shownTwist(s.match.twist, s.twistPeriodDeg), 2)}° · strain ${strain(s.match)}`]);
    s.stack.forEach((f, k) => {
      const grow = det(f.match.substrateMatrix);
      rows.push([k + 2, name(f.filmId), `film ${k + 2} · ${down(f.filmId, f.face)} · twist ${fmt(shownTwist(f.match.twist, periodDeg(s, k + 1)), 2)}° · strain ${strain(f.match)}${grow > 1 ? ` · cell ×${grow}` : ''}`]);
    });
    // The rows are rebuilt when the layers, their names, the moving film or what is hidden change; a new twist
    // (a new match) only rewrites the details.
    const key = JSON.stringify([rows.map(([r, l]) => [r, l]), s.activeFilm, s.hiddenLayers]);
    if (key !== shape) {
      shape = key;
      $('stack').replaceChildren(...rows.map(([r, l, dt]) => row(s, r, l, dt)));
    } else rows.forEach(([, , dt], k) => text($('stack').children[k].querySelector<HTMLElement>('.detail')!, dt));
    drawZ(s);
  };
  const drawZ = (s: WorkbenchState) => {
    const zs = [s.placement.zSeparation, ...s.stack.map((f) => f.placement.zSeparation)];
    $('stack').querySelectorAll<HTMLElement>('.z').forEach((e, k) => text(e, ` · z ${fmt(zs[k], 2)} Å`));
  };
  d.add(on($('stack'), 'click', (ev) => {
    const b = (ev.target as HTMLElement).closest<HTMLElement>('button');
    if (b?.dataset.select) wb.selectFilm(Number(b.dataset.select));
    else if (b?.id === 'remove-film') wb.removeTopFilm();
  }));
  d.add(on($('stack'), 'change', (ev) => {
    const eye = ev.target as HTMLInputElement, role = Number(eye.dataset.eye);
    const hidden = wb.get().hiddenLayers.filter((r) => r !== role);
    wb.setHiddenLayers(eye.checked ? hidden : [...hidden, role]);
  }));
  d.add(on($('add-film'), 'click', () => {
    const id = $<HTMLSelectElement>('add-film-structure').value;
    if (id) void wb.addFilm(id, $<HTMLSelectElement>('add-film-face').value as 'bottom' | 'top');
  }));
  const drawCandidates = () => {
    const s = wb.get(), sel = $<HTMLSelectElement>('add-film-structure'), keep = sel.value;
    // Any crystal but the substrate: the worker cuts one layer from it (and says so if it has none).
    const candidates = store.get().structures.filter((e) => e.structure.id !== s.substrateId && e.kind !== 'molecule');
    sel.replaceChildren(...candidates.map((e) => el('option', { value: e.structure.id }, `${formula(e.structure.numbers)} (${e.file})`)));
    if (candidates.some((e) => e.structure.id === keep)) sel.value = keep;
    drawFaces();
  };
  /** The face menu names the faces of the structure to add by element ("Se side down"). */
  const drawFaces = () => {
    const faces = store.get().structures.find((e) => e.structure.id === $<HTMLSelectElement>('add-film-structure').value)?.faces;
    for (const o of $<HTMLSelectElement>('add-film-face').options) text(o, faceDownLabel(faces, o.value as 'bottom' | 'top'));
  };
  d.add(on($('add-film-structure'), 'change', drawFaces));
  d.add(watch(wb, (s) => [s.match, s.activeFilm, s.hiddenLayers, s.substrateId, s.filmId, s.builtOptions, s.options.layers, s.twistPeriodDeg, ...s.stackPeriodsDeg, ...s.stack.map((f) => f.match)] as const, (_, s) => drawRows(s)));
  d.add(watch(wb, (s) => [s.placement, s.stack] as const, (_, s) => drawZ(s)));
  d.add(watch(store, (st) => [st.structures] as const, () => (drawCandidates(), drawRows(wb.get()))));
  d.add(watch(wb, (s) => [s.substrateId] as const, drawCandidates));
  d.add(watch(wb, (s) => [!!s.iface, !!s.job, s.errorAt === 'stack' ? s.error : null] as const, ([have, busy, problem]) => {
    hide(root, !have);
    ($('add-film') as HTMLButtonElement).disabled = !$<HTMLSelectElement>('add-film-structure').options.length || busy || !have;
    text($('stack-note'), problem ?? '');
    hide($('stack-note'), !problem);
  }));
  return d.dispose;
};
