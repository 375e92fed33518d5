import { describe, expect, it } from 'vitest';
import { makeStructure, type Structure } from '../core/structure';
import type { LatticeMatch } from '../compute/geometry/geometry';
import { Store } from './store';
import { Workbench, type WorkbenchPort } from './workbench';
import type { SessionSink } from './workbench-model';

const layer = () => makeStructure({ numbers: Uint8Array.from([6]), positions: new Float64Array(3), cell: Float64Array.from([2.5, 0, 0, 0, 2.5, 0, 0, 0, 20]), pbc: [true, true, true] });
const match = (area: number): LatticeMatch => ({ area, principalStrains: [0.01, 0.02], twist: 0 } as unknown as LatticeMatch);
const tick = () => new Promise((r) => setTimeout(r, 0));

/** A fake worker: each place call records its placement and resolves at once, or when the test says so (hold). */
function fakePort() {
  const pending: (() => void)[] = [];
  const ctl = { hold: false };
  const evaluated: number[] = [];
  const api = {
    matches: async (_r: unknown, _p: unknown, mode: { kind: string; twist?: number }) => ({ matches: mode.kind === 'twist' && mode.twist! > 0.5 ? [] : [match(30), match(60)], atoms: [10, 20], total: 2, twistPeriod: Math.PI / 3, hklNote: '', warnings: [], film: null, slab: null }),
    place: (spec: { match: LatticeMatch; placement: { zSeparation: number } }) =>
      new Promise((resolve) => {
        const z = spec.placement.zSeparation;
        const structure = { ...layer(), info: { z, area: spec.match.area } } as Structure;
        const answer = () => (evaluated.push(z), resolve({ superseded: false, structure, warnings: [], twistPeriod: Math.PI / 3, stackPeriods: [], ms: 1, ff: { energy: -1, bindingEnergy: z, zSeparation: z, pairs: 1, forces: new Float64Array(3), backend: 'cpu', model: 'd2' }, ml: { bindingEnergy: { value: 0.1, sigma: 0.01 }, zSeparation: { value: 3, sigma: 0.1 }, model: {}, inDomain: true, warnings: [] } }));
        if (ctl.hold) pending.push(answer);
        else answer();
      }),
    ffConfigure: async () => ({ choice: 'cpu', kind: 'cpu', notices: [] }),
  };
  return { port: (() => api) as unknown as WorkbenchPort, pending, evaluated, ctl };
}

async function ready(sink: SessionSink | null = null) {
  const store = new Store(() => ({ readFiles: async () => [], status: async () => ({ geometry: 'wasm' as const }) }), () => 'bulk');
  const a = layer(), b = layer();
  store.replaceStructures([{ structure: a, file: 'a', kind: '2D layer' }, { structure: b, file: 'b', kind: 'bulk' }]);
  const f = fakePort();
  const wb = new Workbench(store, f.port, sink, () => 0);
  wb.setRole(a.id, 'film');
  wb.setRole(b.id, 'substrate');
  return { wb, ...f };
}

describe('workbench', () => {
  it('slider ticks: one worker round trip each, and a late reply for an older tick never replaces a newer one', async () => {
    const { wb, pending, evaluated, ctl } = await ready();
    await wb.findMatches();
    await tick();
    ctl.hold = true;
    for (const z of [3.0, 3.1, 3.2, 3.3]) {
      wb.setPlacement({ zSeparation: z });
      await tick();
    }
    expect(pending).toHaveLength(4); // one place call per tick
    pending.pop()!(); // the newest (3.3) answers first ...
    await tick();
    expect(wb.get().live.ff?.bindingEnergy).toBe(3.3);
    for (const f of pending.splice(0)) f(); // ... then the older ones, late
    await tick();
    expect(evaluated).toHaveLength(5); // the first build, then the four ticks
    expect(wb.get().live.ff?.bindingEnergy).toBe(3.3);
    expect(wb.get().iface?.info.z).toBe(3.3);
  });
  it('undo and redo walk placements and matches', async () => {
    const { wb, pending } = await ready();
    await wb.findMatches();
    wb.setPlacement({ zSeparation: 2.8 });
    wb.setPlacement({ shift: [1.25, -0.5] });
    expect(wb.get().placement.shift).toEqual([0.25, 0.5]); // wrapped into [0, 1)
    await wb.selectMatch(1);
    expect(wb.get().match?.area).toBe(60);
    wb.undo();
    expect(wb.get().match?.area).toBe(30);
    wb.undo();
    expect(wb.get().placement).toEqual({ zSeparation: 2.8, shift: [0, 0] });
    wb.redo();
    expect(wb.get().placement.shift).toEqual([0.25, 0.5]);
    pending.forEach((f) => f());
  });
  it('a twist with no coincident cell keeps the film where it was and says why', async () => {
    const { wb } = await ready();
    await wb.findMatches();
    await wb.setTwist(0.3);
    expect(wb.get().twistDeg).toBe(0.3);
    await wb.setTwist(45);
    expect(wb.get().twistDeg).toBe(0.3);
    expect(wb.get().error).toMatch(/No coincident supercell at 45°/);
  });
  it('a save that finds a newer copy from another tab becomes a conflict and stops autosaving', async () => {
    const calls: number[] = [];
    const sink: SessionSink = { save: async (_s, base) => (calls.push(base), base === 0 ? { ok: true, revision: 1 } : { ok: false, reason: 'conflict', message: 'changed in another tab' }) };
    const { wb } = await ready(sink);
    wb.rename('first');
    await wb.flush();
    expect(wb.get().session).toMatchObject({ status: 'saved', revision: 1 });
    wb.rename('second');
    await wb.flush();
    expect(wb.get().session.status).toBe('conflict');
    wb.rename('third');
    await wb.flush();
    expect(calls).toEqual([0, 1]); // no blind overwrite after the conflict
  });
  it('saves one at a time: an edit during a slow save is saved after it, with the new revision, not as a conflict', async () => {
    let stored = 0;
    const release: (() => void)[] = [];
    const sink: SessionSink = {
      save: (_s, base) =>
        new Promise((resolve) => release.push(() => resolve(base === stored ? { ok: true, revision: ++stored } : { ok: false, reason: 'conflict', message: `base ${base}, stored ${stored}` }))),
    };
    const { wb } = await ready(sink);
    wb.rename('first');
    const a = wb.flush();
    await tick();
    wb.rename('second'); // while the first save is still in IndexedDB
    const b = wb.flush();
    await tick();
    expect(release).toHaveLength(1); // the second waits for the first
    release.shift()!();
    await a;
    await tick();
    expect(release).toHaveLength(1);
    release.shift()!();
    await b;
    expect(wb.get().session).toMatchObject({ status: 'saved', revision: 2 });
  });
});
