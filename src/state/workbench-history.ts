/**
 * Undo/redo for the workbench. In memory a step is a whole snapshot (interface, estimates, scans and
 * pre-relaxation come back with it); in the session record the last HISTORY_KEPT steps are kept as intent only
 * (roles, options, match, twist, placements) and rebuilt when undone after a reload.
 */
import type { InterfaceOptions, Placement, StackFilm } from './session';
import type { Snapshot, WorkbenchState } from './workbench-model';
import type { LatticeMatch } from '../compute/geometry/geometry';

/** Undo steps kept in memory, and in a session record. */
export const HISTORY_STEPS = 200;
export const HISTORY_KEPT = 30;

const INTENT_KEYS = ['filmId', 'substrateId', 'options', 'builtOptions', 'match', 'twistDeg', 'placement', 'stack', 'activeFilm'] as const;
/** A step as a session record keeps it: what the user chose, not what was computed from it. */
export type IntentStep = Pick<WorkbenchState, typeof INTENT_KEYS[number]>;
export type Step = Snapshot | IntentStep;

export function intentOf(s: Step): IntentStep {
  const o = {} as Record<string, unknown>;
  for (const k of INTENT_KEYS) o[k] = s[k];
  return o as IntentStep;
}

/** A step read back from a session record, or null if it is not one (checked field by field). */
function stepFrom(x: unknown, ids: Set<string>): IntentStep | null {
  const r = (x ?? {}) as Record<string, unknown>;
  const id = (v: unknown) => v === null || (typeof v === 'string' && ids.has(v));
  const placementOk = (p: unknown) => { const q = p as Placement; return !!q && Number.isFinite(q.zSeparation) && Array.isArray(q.shift) && q.shift.length === 2 && q.shift.every(Number.isFinite); };
  const matchOk = (m: unknown) => m === null || (!!m && Array.isArray((m as LatticeMatch).filmMatrix) && Array.isArray((m as LatticeMatch).substrateMatrix));
  const o = r.options as InterfaceOptions | undefined;
  const optionsOk = (v: unknown) => { const q = v as InterfaceOptions; return !!q && Array.isArray(q.hkl) && q.hkl.length === 3 && q.hkl.every(Number.isInteger); };
  const stackOk = Array.isArray(r.stack) && (r.stack as StackFilm[]).every((f) => !!f && id(f.filmId) && matchOk(f.match) && placementOk(f.placement));
  if (!id(r.filmId) || !id(r.substrateId) || !optionsOk(o) || !(r.builtOptions === null || optionsOk(r.builtOptions)) || !matchOk(r.match) || !placementOk(r.placement) || !stackOk) return null;
  const twistDeg = typeof r.twistDeg === 'number' && Number.isFinite(r.twistDeg) ? r.twistDeg : null;
  return { filmId: r.filmId as string | null, substrateId: r.substrateId as string | null, options: o!, builtOptions: (r.builtOptions as InterfaceOptions | null) ?? null, match: (r.match as LatticeMatch | null) ?? null, twistDeg, placement: r.placement as Placement, stack: r.stack as StackFilm[], activeFilm: 0 };
}

export class History {
  private undoSteps: Step[] = [];
  private redoSteps: Step[] = [];

  get canUndo(): boolean {
    return this.undoSteps.length > 0;
  }

  get canRedo(): boolean {
    return this.redoSteps.length > 0;
  }

  push(s: Step): void {
    this.undoSteps.push(s);
    if (this.undoSteps.length > HISTORY_STEPS) this.undoSteps.shift();
    this.redoSteps = [];
  }

  clear(): void {
    this.undoSteps = [];
    this.redoSteps = [];
  }

  /** The step to go back to (the current state goes on the redo stack), or undefined. */
  undo(current: Snapshot): Step | undefined {
    return move(this.undoSteps, this.redoSteps, current);
  }

  redo(current: Snapshot): Step | undefined {
    return move(this.redoSteps, this.undoSteps, current);
  }

  /** The last HISTORY_KEPT undo steps, as intent, for the session record. */
  toRecord(): IntentStep[] {
    return this.undoSteps.slice(-HISTORY_KEPT).map(intentOf);
  }

  /** Undo steps from a session record (steps that do not check out are left out; the rest keep their order). */
  restore(x: unknown, ids: Set<string>): void {
    this.clear();
    if (!Array.isArray(x)) return;
    for (const e of x.slice(-HISTORY_KEPT)) {
      const s = stepFrom(e, ids);
      if (s) this.undoSteps.push(s);
    }
  }
}

function move(from: Step[], to: Step[], current: Snapshot): Step | undefined {
  const s = from.pop();
  if (s) to.push(current);
  return s;
}
