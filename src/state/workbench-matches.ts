/**
 * Roles, options and matches: which pair, which facet and tolerances, the coincident supercells and the one
 * chosen (from the list or by dialling a twist). Actions over a Workbench. The interface on screen is kept
 * until a new one replaces it; a refusal leaves everything as it was and says why, next to its control.
 */
import { DEG, fmtN, REBUILD_OPTIONS, shownTwist, snapshotOf, type WorkbenchState } from './workbench-model';
import type { InterfaceOptions } from './session';
import { DEFAULTS } from '../core/defaults';
import type { LatticeMatch } from '../compute/geometry/geometry';
import { carry, restack, setUpperTwist } from './workbench-stack';
import { runJob } from './workbench-jobs';
import type { Workbench } from './workbench';
// ---------------------------------------------------------------- roles and options

export function setRole(wb: Workbench, id: string, role: 'film' | 'substrate' | null): void {
  const patch: Partial<WorkbenchState> = {};
  const k = wb.state.stack.findIndex((f) => f.filmId === id);
  if (role && k >= 0) Object.assign(patch, carry(wb, wb.state.stack.slice(0, k)), { activeFilm: 0 });
  if (role === 'film') (patch.filmId = id), wb.state.substrateId === id && (patch.substrateId = null);
  else if (role === 'substrate') (patch.substrateId = id), wb.state.filmId === id && (patch.filmId = null);
  else {
    if (wb.state.filmId === id) patch.filmId = null;
    if (wb.state.substrateId === id) patch.substrateId = null;
  }
  const same = (k: 'filmId' | 'substrateId') => !(k in patch) || patch[k] === wb.state[k];
  if (same('filmId') && same('substrateId') && k < 0) return;
  // A new pair has other matches: the interface goes, and Undo brings it back.
  if (wb.state.iface) wb.remember();
  wb.set({ ...patch, matches: null, match: null, builtOptions: null, iface: null, scan: null, zscan: null, registry: null, relax: null, error: null, note: null, shows: 'structure' });
}

/**
 * Changes the options form. Layers, vacuum, termination, fixed layers and strain side rebuild the interface at once; facet, face and tolerances
 * take effect at the next search, and the interface on screen stays until then (pendingOptions says so).
 */
export function setOptions(wb: Workbench, o: Partial<InterfaceOptions>): void {
  const next = { ...wb.state.options, ...o };
  if (JSON.stringify(next) === JSON.stringify(wb.state.options)) return;
  if (wb.state.iface) wb.remember();
  wb.set({ options: next, error: null });
  const rebuilds = REBUILD_OPTIONS.some((k) => k in o);
  if (rebuilds && wb.state.match) void wb.rebuild();
}

// ---------------------------------------------------------------- matches

/** Coincident supercells (free search, or at the dialled twist); selects the first (smallest) one. */
export async function findMatches(wb: Workbench): Promise<void> {
  const req = wb.request(true);
  if (!req) return wb.problem('Choose a film and a substrate first (the buttons beside each structure).', 'roles');
  const options = wb.state.options;
  await runJob(wb, 'matches', async (signal, progress) => {
    const tw = wb.state.twistDeg;
    const r = await wb.port(signal).matches(req, wb.params(), tw === null ? { kind: 'all' } : { kind: 'twist', twist: tw * DEG }, progress);
    if (!r.matches.length) return wb.set({ hklNote: r.hklNote, warnings: r.warnings, error: 'No coincident supercell within the tolerances: allow a larger area or strain. The interface shown (if any) is kept.', errorAt: 'options' });
    if (wb.state.iface) wb.remember();
    // A termination the new facet does not have was replaced by its first: the form says which one is built.
    const termination = r.termination ?? options.termination;
    wb.set({ matches: r.matches, matchAtoms: r.atoms, matchesTotal: r.total, twistPeriodDeg: r.twistPeriod / DEG, hklNote: r.hklNote, warnings: r.warnings, terminations: r.terminations ?? [], options: { ...wb.state.options, termination }, builtOptions: { ...options, termination }, error: null, shows: 'interface' });
    await selectMatch(wb, 0, false);
  }, 'options');
}

/**
 * The next DEFAULTS.matchLimit matches past the list's cap, searched with the options the list was found with;
 * the chosen match and the interface stay as they are.
 */
export async function moreMatches(wb: Workbench): Promise<void> {
  const req = wb.request(), b = wb.state.builtOptions, have = wb.state.matches;
  if (!req || !b || !have) return;
  const limit = have.length + DEFAULTS.matchLimit;
  await runJob(wb, 'matches', async (signal, progress) => {
    const tw = wb.state.twistDeg;
    const params = { maxArea: b.maxArea, maxStrain: b.maxStrainPct / 100, maxAngle: b.maxAngleDeg * DEG, limit };
    const r = await wb.port(signal).matches(req, params, tw === null ? { kind: 'all' } : { kind: 'twist', twist: tw * DEG }, progress);
    const cur = wb.state.match, key = (m: LatticeMatch) => JSON.stringify([m.filmMatrix, m.substrateMatrix]);
    // The chosen match is the same object in the longer list, so the table still marks it.
    const matches = cur ? r.matches.map((m) => (key(m) === key(cur) ? cur : m)) : r.matches;
    wb.set({ matches, matchAtoms: r.atoms, matchesTotal: r.total });
  }, 'options');
}

/** Best strain per twist angle over one twist period (121 angles); clicking an angle calls setTwist. */
export async function twistScan(wb: Workbench): Promise<void> {
  const req = wb.request(true);
  if (!req) return wb.problem('Choose a film and a substrate first.', 'roles');
  await runJob(wb, 'twist scan', async (signal, progress) => {
    const r = await wb.port(signal).matches(req, wb.params(), { kind: 'scan', from: 0, steps: 121 }, progress);
    wb.set({ twistPeriodDeg: r.twistPeriod / DEG, scan: (r.scan ?? []).map((e) => ({ twistDeg: e.twist / DEG, strainPct: e.match ? 100 * Math.max(...e.match.principalStrains.map(Math.abs)) : null })) });
  }, 'options');
}

export async function selectMatch(wb: Workbench, index: number, history = true): Promise<void> {
  const m = wb.state.matches?.[index];
  if (!m) return;
  if (history) wb.remember();
  wb.set({ match: m, shows: 'interface' });
  if (wb.state.stack.length) await restack(wb, 0);
  await wb.rebuild();
}

/**
 * Turn the film to `deg` (degrees): the best coincident supercell at that twist is built (the matches list
 * stays as it is). Where no supercell fits at that angle, the film stays where it was and the message,
 * next to the twist control, says so. `film` is the active film unless given (0 = film 1: the twist-scan chart
 * is film 1's, so a click on it turns film 1 whichever film the controls move).
 */
export async function setTwist(wb: Workbench, deg: number | null, film = wb.state.activeFilm): Promise<void> {
  if (film > 0) return setUpperTwist(wb, film, deg);
  const before = snapshotOf(wb.state);
  const tw = deg === null ? null : Math.round(deg * 100) / 100;
  const seq = ++wb.twistSeq;
  const req = wb.request();
  if (!req) return;
  try {
    const r = await wb.port().matches(req, wb.params(), tw === null ? { kind: 'all' } : { kind: 'twist', twist: tw * DEG });
    if (seq !== wb.twistSeq) return; // a newer twist arrived meanwhile
    if (!r.matches.length) {
      const o = wb.state.options;
      return wb.problem(`No coincident supercell at ${tw}° within the tolerances (area ≤ ${o.maxArea} Å², strain ≤ ${o.maxStrainPct} %); the film stays at ${before.match ? `${fmtN(shownTwist(before.match.twist, wb.state.twistPeriodDeg))}°` : 'its angle'}.`, 'twist');
    }
    wb.pushUndo(before);
    wb.set({ twistDeg: tw, match: r.matches[0], error: null, shows: 'interface' });
    if (wb.state.stack.length) await restack(wb, 0);
    await wb.rebuild();
  } catch (e) {
    wb.fail(e, 'twist');
  }
}

