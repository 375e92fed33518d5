/**
 * Stacks of films on the interface: each further film is matched to the cell of everything below it and
 * keeps its own twist and placement. Actions over a Workbench (they use its state, history and port).
 */
import { formula } from '../core/structure';
import { det2, inv2, mul2 } from '../core/linalg';
import type { MatchParams } from '../compute/geometry/geometry';
import type { UpperRequest } from '../workers/protocol';
import { DEFAULT_PLACEMENT, type Placement, type StackFilm } from './session';
import { activeTwist, DEG, fmtN, stackGrowth, wrap01, type WorkbenchState } from './workbench-model';
import { runJob } from './workbench-jobs';
import type { Workbench } from './workbench';

export function upperReqs(wb: Workbench, stack = wb.state.stack): UpperRequest[] | null {
  const out: UpperRequest[] = [];
  for (const f of stack) {
    const film = wb.structure(f.filmId);
    if (!film) return null;
    out.push({ film, face: f.face, match: f.match, zSeparation: f.placement.zSeparation, shift: f.placement.shift });
  }
  return out;
}

/** Tolerances for a film on the stack: the user's, but the cell below always counts as small enough. */
function upperParams(wb: Workbench, below: StackFilm[]): MatchParams {
  const p = wb.params();
  const area = (wb.state.match?.area ?? 0) * Math.abs(det2(stackGrowth(below)));
  return { ...p, maxArea: Math.max(p.maxArea, area * 1.0001) };
}

/**
 * A new stack, with every film's shift carried over so nothing moves when the cell grows or shrinks: shifts
 * are fractions of the whole cell, G·C (G = stackGrowth), so s' = s · G_old · G_new⁻¹.
 */
export function carry(wb: Workbench, next: StackFilm[]): Pick<WorkbenchState, 'stack' | 'placement'> {
  const t = mul2(stackGrowth(wb.state.stack), inv2(stackGrowth(next)));
  const conv = (p: Placement): Placement => ({ ...p, shift: [wrap01(p.shift[0] * t[0][0] + p.shift[1] * t[1][0]), wrap01(p.shift[0] * t[0][1] + p.shift[1] * t[1][1])] });
  const same = t[0][0] === 1 && t[0][1] === 0 && t[1][0] === 0 && t[1][1] === 1;
  if (same) return { stack: next, placement: wb.state.placement };
  // Every placement in `next` is still expressed in the current cell (a film just added sits at shift 0, 0).
  return { stack: next.map((f) => ({ ...f, placement: conv(f.placement) })), placement: conv(wb.state.placement) };
}

/** Puts another film on top of the stack (its best coincident cell on everything below) and selects it. */
export async function addFilm(wb: Workbench, id: string, face: 'bottom' | 'top'): Promise<void> {
  const req = wb.request(), m = wb.state.match, film = wb.structure(id);
  if (!req || !m || !wb.state.iface) return wb.problem('Build an interface first (pick a match), then add a film on top.', 'stack');
  if (!film) return;
  if (id === wb.state.substrateId) return wb.problem('The substrate cannot also be stacked as a film.', 'stack');
  const below = wb.state.stack, ups = upperReqs(wb, below);
  if (!ups) return;
  await runJob(wb, 'stacking a film', async (signal) => {
    const params = upperParams(wb, below);
    const r = await wb.port(signal).upperMatches({ request: req, match: m, uppers: ups }, film, face, params, { kind: 'all' });
    if (!r.matches.length)
      return wb.problem(`${formula(film.numbers)} does not fit on the stack within the tolerances (area ≤ ${fmtN(params.maxArea)} Å², strain ≤ ${wb.state.options.maxStrainPct} %): allow a larger area or strain.`, 'stack');
    wb.remember();
    const next = [...below, { filmId: id, face, match: r.matches[0], twistDeg: null, placement: { zSeparation: DEFAULT_PLACEMENT.zSeparation, shift: [0, 0] as [number, number] } }];
    wb.set({ ...carry(wb, next), stackPeriodsDeg: withPeriod(wb, below.length, r.twistPeriod), activeFilm: next.length, error: null });
    await wb.rebuild();
  }, 'stack');
}

/** The stacked films' periods (degrees) with film j + 2's (0-based j over the stack) set from a reply's period (radians). */
function withPeriod(wb: Workbench, j: number, period: number): number[] {
  const out = wb.state.stackPeriodsDeg.slice(0, j);
  while (out.length < j) out.push(wb.state.twistPeriodDeg); // not known yet: the next build fills them in
  out[j] = period / DEG;
  return out;
}

/** Takes the top film off the stack (Undo brings it back). */
export function removeTopFilm(wb: Workbench): void {
  const n = wb.state.stack.length;
  if (!n) return;
  wb.remember();
  wb.set({ ...carry(wb, wb.state.stack.slice(0, n - 1)), activeFilm: Math.min(wb.state.activeFilm, n - 1), error: null });
  void wb.rebuild();
}

/** Turns stacked film `k` (1-based over the stack) to `deg`; the films above it are fitted again at their angles. */
export async function setUpperTwist(wb: Workbench, k: number, deg: number | null): Promise<void> {
  const req = wb.request(), m = wb.state.match, f = wb.state.stack[k - 1];
  const film = f && wb.structure(f.filmId);
  if (!req || !m || !film) return;
  const below = wb.state.stack.slice(0, k - 1), ups = upperReqs(wb, below);
  if (!ups) return;
  const tw = deg === null ? null : Math.round(deg * 100) / 100;
  const seq = ++wb.twistSeq;
  try {
    const r = await wb.port().upperMatches({ request: req, match: m, uppers: ups }, film, f.face, upperParams(wb, below), tw === null ? { kind: 'all' } : { kind: 'twist', twist: tw * DEG });
    if (seq !== wb.twistSeq) return;
    if (!r.matches.length) return wb.problem(`No coincident cell for ${formula(film.numbers)} at ${tw}° on the film below within the tolerances; it stays at ${fmtN(activeTwist(wb.state))}°.`, 'twist');
    wb.remember();
    const stack = wb.state.stack.slice();
    stack[k - 1] = { ...f, match: r.matches[0], twistDeg: tw };
    wb.set({ ...carry(wb, stack), stackPeriodsDeg: withPeriod(wb, k - 1, r.twistPeriod), error: null });
    if (k < stack.length) await restack(wb, k);
    await wb.rebuild();
  } catch (e) {
    wb.fail(e, 'twist');
  }
}

/**
 * Fits stacked films `from` and above again on the (changed) cell below them, each at its own twist. A film
 * that no longer fits is taken off, with the films above it, and the message says so.
 */
export async function restack(wb: Workbench, from: number): Promise<void> {
  const req = wb.request(), m = wb.state.match;
  if (!req || !m) return;
  const stack = wb.state.stack.slice(0, from);
  for (let j = from; j < wb.state.stack.length; j++) {
    const f = wb.state.stack[j], film = wb.structure(f.filmId), ups = upperReqs(wb, stack);
    if (!film || !ups) break;
    const tw = f.twistDeg ?? f.match.twist / DEG;
    const r = await wb.port().upperMatches({ request: req, match: m, uppers: ups }, film, f.face, upperParams(wb, stack), { kind: 'twist', twist: tw * DEG });
    if (!r.matches.length) {
      wb.problem(`${formula(film.numbers)} (stacked film ${j + 2}) no longer fits the cell below at ${fmtN(tw)}° and was taken off${j + 1 < wb.state.stack.length ? ', with the films above it' : ''}; Undo brings it back.`, 'stack');
      break;
    }
    stack.push({ ...f, match: r.matches[0] });
    wb.set({ stackPeriodsDeg: withPeriod(wb, j, r.twistPeriod) });
  }
  wb.set({ ...carry(wb, stack), activeFilm: Math.min(wb.state.activeFilm, stack.length) });
}
