/**
 * The workbench and its session record: writing one, restoring one, and the roles the workbench assigns
 * on its own when the choice is unambiguous. Two optional fields extend the record: `builtOptions` (the
 * options the interface on screen was found with; default: `options`), so a reload restores both the form as
 * the user left it and the interface as it was built, and `history` (the last undo steps, as intent; default:
 * none), so Undo works after a reload.
 */
import { formula } from '../core/structure';
import { DEFAULT_OPTIONS, SCHEMA_VERSION, newSession, type InterfaceOptions, type Session, type SessionStructure } from './session';
import type { Workbench } from './workbench';
import { initialState, type WorkbenchState } from './workbench-model';
import { carry } from './workbench-stack';

/** The session record for the current state (structures come from the store). */
export function toSession(wb: Workbench): Session {
  const s = wb.state;
  const structures: SessionStructure[] = wb.store.get().structures.map((e) => ({ structure: e.structure, file: e.file, kind: e.kind, ...(e.faces ? { faces: e.faces } : {}) }));
  return {
    ...wb.unknown,
    type: 'heterolab-session',
    schemaVersion: SCHEMA_VERSION,
    id: s.session.id,
    name: s.session.name,
    created: wb.created,
    modified: new Date().toISOString(),
    revision: s.session.revision,
    structures,
    filmId: s.filmId,
    substrateId: s.substrateId,
    options: s.options,
    ...(s.builtOptions ? { builtOptions: s.builtOptions } : {}),
    history: wb.history.toRecord(),
    match: s.match,
    placement: s.placement,
    twistDeg: s.twistDeg,
    stack: s.stack,
    ffModel: s.ffModel,
  };
}

/** `builtOptions` from a record, if it is a complete set of options (else the form's). */
function builtFrom(x: unknown, options: InterfaceOptions): InterfaceOptions {
  const o = x as Partial<InterfaceOptions> | undefined;
  const ok = !!o && Array.isArray(o.hkl) && o.hkl.length === 3 && o.hkl.every(Number.isInteger) && (o.face === 'top' || o.face === 'bottom');
  return ok ? { ...DEFAULT_OPTIONS, ...o } : options;
}

/** Replaces the workbench with a restored session (already validated by restoreSession). */
export async function loadSession(wb: Workbench, s: Session): Promise<void> {
  const { type: _t, schemaVersion: _v, id, name, created, modified: _m, revision, structures, filmId, substrateId, options, match, placement, twistDeg, stack, ffModel, builtOptions, history, ...rest } = s;
  wb.supersede();
  wb.unknown = rest;
  wb.created = created;
  wb.history.restore(history, new Set(structures.map((e) => e.structure.id)));
  wb.restoring = true;
  try {
    wb.store.replaceStructures(structures.map((e) => ({ structure: e.structure, file: e.file, kind: e.kind, ...(e.faces ? { faces: e.faces } : {}) })));
    wb.store.clearMessages();
    const epoch = wb.state.session.epoch + 1;
    wb.set({
      filmId, substrateId, options, builtOptions: match ? builtFrom(builtOptions, options) : null, match, matches: match ? [match] : null, matchAtoms: [], matchesTotal: match ? 1 : 0,
      placement, twistDeg, stack, activeFilm: 0, ffModel,
      iface: null, scan: null, zscan: null, registry: null, relax: null, hklNote: '', warnings: [], live: { pending: false },
      error: null, note: null, shows: match ? 'interface' : 'structure', hiddenLayers: [],
      session: { id, name, revision, status: 'saved', epoch },
    });
    await wb.rebuild();
  } finally {
    wb.restoring = false;
  }
  wb.set({ session: { ...wb.state.session, status: 'saved' }, matchAtoms: wb.state.iface ? [wb.state.iface.numbers.length] : [] });
}

/**
 * Film and substrate chosen for the user when there is exactly one 2D layer and one bulk crystal and no
 * role is set yet; the note says so, and the buttons in the list still change it.
 */
export function assignRoles(wb: Workbench): void {
  const s = wb.state;
  if (s.filmId || s.substrateId) return;
  const list = wb.store.get().structures;
  const layers = list.filter((e) => e.kind === '2D layer'), bulks = list.filter((e) => e.kind === 'bulk');
  if (layers.length !== 1 || bulks.length !== 1) return;
  const f = layers[0].structure, b = bulks[0].structure;
  wb.setRole(f.id, 'film');
  wb.setRole(b.id, 'substrate');
  wb.set({ note: { at: 'roles', text: `${formula(f.numbers)} is the film and ${formula(b.numbers)} the substrate (the only 2D layer and the only bulk crystal); the buttons in the list change it.` } });
}

/** Structures added or removed in the app store change what can be film or substrate. */
export function followStore(wb: Workbench): void {
  wb.store.subscribe((st) => {
    const ids = new Set(st.structures.map((e) => e.structure.id));
    const patch: Partial<WorkbenchState> = {};
    if (wb.state.filmId && !ids.has(wb.state.filmId)) patch.filmId = null;
    if (wb.state.substrateId && !ids.has(wb.state.substrateId)) patch.substrateId = null;
    if (Object.keys(patch).length) wb.set({ ...patch, matches: null, match: null, iface: null, shows: 'structure' });
    // A stacked film whose structure is gone takes the films above it along (they sit on its cell).
    const gone = wb.state.stack.findIndex((f) => !ids.has(f.filmId));
    if (gone >= 0) wb.set({ ...carry(wb, wb.state.stack.slice(0, gone)), activeFilm: Math.min(wb.state.activeFilm, gone) });
    if (!wb.restoring) assignRoles(wb);
  });
}

/** A fresh session (the current one stays saved): structures, messages and undo history go; backend stays. */
export function startNew(wb: Workbench): void {
  wb.supersede();
  const s = newSession();
  wb.created = s.created;
  wb.unknown = {};
  wb.history.clear();
  wb.restoring = true;
  wb.store.replaceStructures([]);
  wb.store.clearMessages();
  wb.restoring = false;
  wb.set({ ...initialState(s, wb.state.session.epoch + 1), backend: wb.state.backend, ffStatus: wb.state.ffStatus });
}
