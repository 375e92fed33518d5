/**
 * Interface panel: which structures are film and substrate (set automatically when unambiguous), the options
 * form (facet, slab layers, vacuum, film face named by its elements, tolerances, the facet's termination, fixed
 * bottom layers, which side takes the strain), Find matches / Twist scan, and every message about
 * them right under the form: a bad value names the field and the allowed range, a pending change says what
 * it will do, and the form always shows the options of the session (also after a reload).
 */
import { formula } from '../../core/structure';
import { symbolOf } from '../../core/elements';
import { STRAIN_SIDES, type StrainSide } from '../../core/defaults';
import { faceDownLabel } from '../../core/layer';
import type { Termination } from '../../compute/interface/types';
import { watch } from '../../state/watch';
import { pendingOptions, type WorkbenchState } from '../../state/workbench-model';
import type { InterfaceOptions } from '../../state/session';
import { $, el, hide, on, text } from '../dom';
import { disposer, type Panel } from './panel';
import { clampInput } from '../clamp';

type NumField = { id: string; key: 'layers' | 'vacuum' | 'maxArea' | 'maxStrainPct'; label: string; min: number; max: number; integer?: boolean; unit: string };
export const FIELDS: NumField[] = [
  { id: 'layers', key: 'layers', label: 'slab layers', min: 1, max: 30, integer: true, unit: '' },
  { id: 'vacuum', key: 'vacuum', label: 'vacuum', min: 0, max: 100, unit: ' Å' },
  { id: 'max-area', key: 'maxArea', label: 'max area', min: 5, max: 2000, unit: ' Å²' },
  { id: 'max-strain', key: 'maxStrainPct', label: 'max strain', min: 0, max: 20, unit: ' %' },
];

/** The form's options, or the one problem with them (naming the field, the value and what is allowed). */
export function readOptionsForm(values: Record<string, string>): { ok: true; options: Partial<InterfaceOptions> } | { ok: false; problem: string } {
  const raw = values.hkl.trim();
  const parts = raw.split(/[\s,]+/).filter(Boolean);
  if (parts.length !== 3) return { ok: false, problem: `facet "${raw}": give three Miller indices h k l, like 1 1 1 (found ${parts.length} number${parts.length === 1 ? '' : 's'})` };
  const bad = parts.find((p) => !/^[+-]?\d+$/.test(p));
  if (bad !== undefined) return { ok: false, problem: `facet "${raw}": "${bad}" is not a whole number; Miller indices are integers, like 1 1 0` };
  const hkl = parts.map(Number) as [number, number, number];
  if (hkl.every((x) => x === 0)) return { ok: false, problem: 'facet (0 0 0) is not a plane: at least one Miller index must be non-zero' };
  const options: Partial<InterfaceOptions> = { hkl, face: values.face === 'top' ? 'top' : 'bottom' };
  for (const f of FIELDS) {
    const v = values[f.id].trim(), x = Number(v);
    if (v === '' || !Number.isFinite(x) || x < f.min || x > f.max || (f.integer && !Number.isInteger(x)))
      return { ok: false, problem: `${f.label} must be ${f.integer ? 'a whole number' : 'a number'} from ${f.min} to ${f.max}${f.unit} (got "${v}")` };
    options[f.key] = x;
  }
  // Forms written before these fields (tests, old pages) leave them out: only what is there is read.
  if (values['fixed-layers'] !== undefined) {
    const v = values['fixed-layers'].trim(), x = Number(v), n = options.layers!;
    if (v === '' || !Number.isInteger(x) || x < 0) return { ok: false, problem: `fixed layers must be a whole number from 0 to ${n} (the slab layers; got "${v}")` };
    // Fewer slab layers than fixed ones: fix them all rather than refuse the layer change (the form shows the value used).
    options.fixedLayers = Math.min(x, n);
  }
  if (values.termination !== undefined) options.termination = Math.max(0, Math.round(Number(values.termination)) || 0);
  if (values.strain !== undefined) options.strain = (STRAIN_SIDES as readonly string[]).includes(values.strain) ? (values.strain as StrainSide) : 'film';
  return { ok: true, options };
}

/** How a termination is named in the form: the species on top and under it, "Zn on top (O below)". */
export function terminationLabel(t: Termination | undefined, k: number): string {
  if (!t) return k === 0 ? 'first' : `termination ${k + 1}`;
  const names = (zs: number[]) => zs.map(symbolOf).join('/');
  return `${names(t.top)} on top${t.below.length ? ` (${names(t.below)} below)` : ''}`;
}

function rolesText(s: WorkbenchState, name: (id: string | null) => string | null): (Node | string)[] {
  const film = name(s.filmId), sub = name(s.substrateId);
  if (film && sub) return [`${film} (film) on ${sub} (substrate)`];
  return [el('span', {}, 'Mark one structure as ', el('b', {}, 'film'), ' (2D layer) and one as ', el('b', {}, 'substrate'), ' (bulk) with the buttons in the list.')];
}

export const mountOptions: Panel = (_root, { store, wb }) => {
  const d = disposer();
  const input = (id: string) => $<HTMLInputElement>(id);
  const note = $('options-note');
  let problem: string | null = null;
  /** Sends the form to the workbench; a bad value stays in the form with its message, nothing else changes. */
  const apply = (): boolean => {
    const values: Record<string, string> = { hkl: input('hkl').value, face: $<HTMLSelectElement>('face').value, termination: $<HTMLSelectElement>('termination').value, strain: $<HTMLSelectElement>('strain').value, 'fixed-layers': input('fixed-layers').value };
    for (const f of FIELDS) values[f.id] = input(f.id).value;
    const r = readOptionsForm(values);
    problem = r.ok ? null : r.problem;
    if (r.ok) wb.setOptions(r.options);
    showNote(wb.get());
    return r.ok;
  };
  for (const f of FIELDS) d.add(clampInput(input(f.id), f));
  for (const id of ['hkl', 'face', 'termination', 'strain', 'fixed-layers', ...FIELDS.map((f) => f.id)]) d.add(on($(id), 'change', () => void apply()));
  const find = () => apply() && void wb.findMatches();
  d.add(on($('find-matches'), 'click', find));
  d.add(on($('twist-scan'), 'click', () => apply() && void wb.twistScan()));
  d.add(on($('example-interface'), 'click', () => void example()));

  async function example(): Promise<void> {
    const files = await Promise.all(['MoS2_monolayer.vasp', 'Au_fcc.cif'].map(async (name) => ({ name, bytes: await (await fetch(`./examples/${name}`)).arrayBuffer() })));
    const before = new Set(store.get().structures.map((e) => e.structure.id));
    await store.addFiles(files);
    const added = store.get().structures.filter((e) => !before.has(e.structure.id));
    const film = added.find((e) => e.kind === '2D layer'), sub = added.find((e) => e.kind === 'bulk');
    if (!film || !sub) return;
    wb.setRole(film.structure.id, 'film');
    wb.setRole(sub.structure.id, 'substrate');
    input('hkl').value = '1 1 1';
    find();
  }

  const showNote = (s: WorkbenchState) => {
    const pending = pendingOptions(s), b = s.builtOptions;
    const lines = problem ? [problem] : s.error && s.errorAt === 'options' ? [s.error] : [];
    if (!problem && pending.length && b && s.iface) lines.push(`The interface shown keeps facet (${b.hkl.join(' ')}), film ${faceDownLabel(store.get().structures.find((e) => e.structure.id === s.filmId)?.faces, b.face)}, max area ${b.maxArea} Å², max strain ${b.maxStrainPct} %; Find matches to use the new ${pending.join(', ')}.`);
    text(note, lines.join(' '));
    note.className = problem || (s.error && s.errorAt === 'options') ? 'error-text small' : 'warn-text small';
    hide(note, !lines.length);
  };
  // The form shows the session's options (a reload, Undo, a restored session), unless the user is typing there.
  const fillForm = (o: InterfaceOptions) => {
    const set = (id: string, v: string) => document.activeElement !== $(id) && (($(id) as HTMLInputElement).value = v);
    set('hkl', o.hkl.join(' '));
    set('face', o.face);
    for (const f of FIELDS) set(f.id, String(o[f.key]));
    set('fixed-layers', String(o.fixedLayers));
    set('strain', o.strain);
    fillTerminations(wb.get());
    problem = null;
  };
  const name = (id: string | null) => {
    const e = store.get().structures.find((x) => x.structure.id === id);
    return e ? formula(e.structure.numbers) : null;
  };
  /** The termination menu lists the built facet's terminations by species (after a search; else by number). */
  const fillTerminations = (s: WorkbenchState) => {
    const sel = $<HTMLSelectElement>('termination'), n = Math.max(s.terminations.length, s.options.termination + 1);
    const labels = Array.from({ length: n }, (_, k) => terminationLabel(s.terminations[k], k));
    if ([...sel.options].map((o) => o.text).join('|') !== labels.join('|')) sel.replaceChildren(...labels.map((l, k) => el('option', { value: String(k) }, l)));
    sel.value = String(Math.min(s.options.termination, n - 1));
    sel.disabled = s.terminations.length === 1;
  };
  /** The film-face menu names each face by its elements ("Se side down"). */
  const fillFaces = (s: WorkbenchState) => {
    const faces = store.get().structures.find((e) => e.structure.id === s.filmId)?.faces;
    const sel = $<HTMLSelectElement>('face');
    for (const o of sel.options) text(o, faceDownLabel(faces, o.value as 'bottom' | 'top'));
  };
  d.add(watch(wb, (s) => [s.options] as const, ([o]) => fillForm(o)));
  d.add(watch(wb, (s) => [s.terminations] as const, (_, s) => fillTerminations(s)));
  d.add(watch(wb, (s) => [s.filmId] as const, (_, s) => fillFaces(s)));
  d.add(watch(wb, (s) => [s.filmId, s.substrateId, s.note, s.errorAt === 'roles' ? s.error : null] as const, (_, s) => {
    $('roles').replaceChildren(...rolesText(s, name), ...(s.note?.at === 'roles' ? [el('span', { class: 'note', id: 'roles-note' }, ` ${s.note.text}`)] : []), ...(s.error && s.errorAt === 'roles' ? [el('span', { class: 'error-text' }, ` ${s.error}`)] : []));
  }));
  d.add(watch(wb, (s) => [!!name(s.filmId) && !!name(s.substrateId), !!s.job] as const, ([ready, busy]) => {
    ($('find-matches') as HTMLButtonElement).disabled = !ready || busy;
    ($('twist-scan') as HTMLButtonElement).disabled = !ready || busy;
  }));
  // Warnings are a new array with every build: compared as text, so an unchanged note touches nothing.
  d.add(watch(wb, (s) => [[s.hklNote, ...s.warnings].filter(Boolean).join('; '), s.warnings.length > 0, s.error, s.errorAt, s.builtOptions, s.options, !!s.iface] as const, ([note, warn], s) => {
    text($('hkl-note'), note);
    $('hkl-note').classList.toggle('error-text', warn);
    showNote(s);
  }));
  return d.dispose;
};
