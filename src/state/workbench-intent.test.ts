// The workbench keeps the user's work: options that do not replace the interface, Undo of everything,
// roles assigned when unambiguous, messages placed where they belong, autosave only for session changes.
import { describe, expect, it } from 'vitest';
import { makeStructure, type Structure } from '../core/structure';
import type { LatticeMatch } from '../compute/geometry/geometry';
import { Store, type StructureKind } from './store';
import { Workbench, type WorkbenchPort } from './workbench';
import { activeTwist, dialledTwist, pendingOptions, type SessionSink } from './workbench-model';
import { restoreSession, sessionToText } from './session';
import { HISTORY_KEPT } from './workbench-history';

const layer = (z = 6) => makeStructure({ numbers: Uint8Array.from([z]), positions: new Float64Array(3), cell: Float64Array.from([2.5, 0, 0, 0, 2.5, 0, 0, 0, 20]), pbc: [true, true, true] });
const match = (area: number, twist = 0): LatticeMatch => ({ area, principalStrains: [0.01, 0.02], twist, filmMatrix: [[1, 0], [0, 1]], substrateMatrix: [[1, 0], [0, 1]] } as unknown as LatticeMatch);
const tick = () => new Promise((r) => setTimeout(r, 0));

function fakePort() {
  const calls: { vacuum: number; hkl: number[] }[] = [];
  const api = {
    matches: async (req: { options: { hkl: number[] } }, _p: unknown, mode: { kind: string; twist?: number }) =>
      mode.kind === 'twist' && mode.twist! > 0.5 ? { matches: [], atoms: [], total: 0, twistPeriod: Math.PI / 3, hklNote: '', warnings: [] } : { matches: [match(30 + req.options.hkl[2]), match(60)], atoms: [10, 20], total: 2, twistPeriod: Math.PI / 3, hklNote: '', warnings: [] },
    place: async (spec: { request: { options: { vacuum: number; hkl: number[] } }; placement: { zSeparation: number } }) => {
      calls.push({ vacuum: spec.request.options.vacuum, hkl: spec.request.options.hkl });
      // c grows with z (slab + z + film + vacuum), as in a real interface; a, b come from the match.
      const z = spec.placement.zSeparation, area = (spec as unknown as { match: LatticeMatch }).match.area;
      const structure = { ...layer(), cell: Float64Array.from([area / 10, 0, 0, 0, 2.5, 0, 0, 0, 20 + z]), info: { z, vacuum: spec.request.options.vacuum } } as Structure;
      return { superseded: false, structure, warnings: [], twistPeriod: Math.PI / 3, stackPeriods: [], ff: { energy: -1, bindingEnergy: 0.1, zSeparation: 3, backend: 'cpu', model: 'd2' } };
    },
    relax: async () => ({ backend: 'cpu', iterations: 7, converged: true, bindingEnergy: 0.2, films: [{ zSeparation: 3.4, registry: [0.1, 0] }] }),
    zScan: async () => ({ z: [3, 3.1], energy: [-1, -1.1], bindingEnergy: [0.1, 0.11], min: { z: 3.1, energy: -1.1, bindingEnergy: 0.11 }, backend: 'cpu' }),
    ffConfigure: async () => ({ choice: 'cpu', kind: 'cpu', notices: [] }),
  };
  return { port: (() => api) as unknown as WorkbenchPort, calls };
}

function setUp(kinds: StructureKind[], sink: SessionSink | null = null) {
  const store = new Store(() => ({ readFiles: async () => [], status: async () => ({ geometry: 'wasm' as const }) }), () => 'bulk');
  const f = fakePort();
  const wb = new Workbench(store, f.port, sink, () => 0);
  const list = kinds.map((kind, i) => ({ structure: layer(6 + i), file: `f${i}`, kind }));
  store.replaceStructures(list);
  return { wb, store, ids: list.map((e) => e.structure.id), ...f };
}

describe('workbench keeps the work', () => {
  it('assigns film and substrate when there is one 2D layer and one bulk, and says so; not when ambiguous', () => {
    const a = setUp(['bulk', '2D layer']);
    expect(a.wb.get()).toMatchObject({ filmId: a.ids[1], substrateId: a.ids[0] });
    expect(a.wb.get().note?.text).toMatch(/the only 2D layer/);
    const b = setUp(['2D layer', '2D layer', 'bulk']);
    expect(b.wb.get()).toMatchObject({ filmId: null, substrateId: null });
  });

  it('a facet change keeps the interface until the next search; vacuum rebuilds it at once', async () => {
    const { wb, calls } = setUp(['2D layer', 'bulk']);
    await wb.findMatches();
    const iface = wb.get().iface;
    expect(iface).not.toBeNull();
    wb.setOptions({ hkl: [1, 1, 0] });
    expect(wb.get().iface).toBe(iface);
    expect(pendingOptions(wb.get())).toEqual(['facet']);
    wb.setPlacement({ zSeparation: 3.0 });
    await tick();
    expect(calls.at(-1)!.hkl).toEqual([1, 1, 1]); // the interface on screen keeps the facet it was found with
    wb.setOptions({ vacuum: 25 });
    await tick();
    expect(wb.get().iface?.info.vacuum).toBe(25);
    await wb.findMatches();
    expect(calls.at(-1)!.hkl).toEqual([1, 1, 0]);
    expect(pendingOptions(wb.get())).toEqual([]);
  });

  it('Undo after a role change brings back the interface with its pre-relaxation', async () => {
    const { wb, ids } = setUp(['2D layer', 'bulk', 'bulk']);
    wb.setRole(ids[0], 'film');
    wb.setRole(ids[1], 'substrate');
    await wb.findMatches();
    await wb.relax();
    const relaxed = wb.get();
    expect(relaxed.relax?.iterations).toBe(7);
    wb.setRole(ids[2], 'substrate');
    expect(wb.get().iface).toBeNull();
    wb.undo();
    expect(wb.get()).toMatchObject({ substrateId: ids[1], iface: relaxed.iface, relax: relaxed.relax, placement: relaxed.placement, shows: 'interface' });
    wb.undo(); // before the relaxation
    expect(wb.get().relax).toBeNull();
    expect(wb.get().placement.zSeparation).toBe(3.2);
  });

  it('a z-scan survives moving z (c grows) and the pre-relaxation; it goes when another match changes the cell', async () => {
    const { wb } = setUp(['2D layer', 'bulk']);
    await wb.findMatches();
    await wb.zScan();
    const scan = wb.get().zscan;
    expect(scan).not.toBeNull();
    wb.setPlacement({ zSeparation: 3.6 });
    await tick();
    expect(wb.get().iface?.cell[8]).toBeCloseTo(23.6);
    expect(wb.get().zscan).toBe(scan);
    await wb.relax();
    expect(wb.get().zscan).toBe(scan);
    await wb.selectMatch(1);
    expect(wb.get().zscan).toBeNull();
  });

  it('a refused twist keeps the film and the matches list, with the message at the twist control', async () => {
    const { wb } = setUp(['2D layer', 'bulk']);
    await wb.findMatches();
    const matches = wb.get().matches;
    await wb.setTwist(0.3);
    expect(wb.get().matches).toBe(matches);
    await wb.setTwist(45);
    expect(wb.get()).toMatchObject({ twistDeg: 0.3, errorAt: 'twist' });
    expect(wb.get().error).toMatch(/No coincident supercell at 45°/);
  });

  it('the slider and a refusal say where the film is (its cell\'s twist, not the angle dialled); [ and ] step from the angle dialled', async () => {
    const { wb } = setUp(['2D layer', 'bulk']);
    await wb.findMatches();
    await wb.setTwist(0.3); // the cell found for 0.3° lies at 0°, within the angle tolerance
    expect(activeTwist(wb.get())).toBe(0);
    expect(dialledTwist(wb.get())).toBeCloseTo(0.3, 9);
    await wb.setTwist(45);
    expect(wb.get().error).toMatch(/the film stays at 0°\.$/);
  });

  it('view options and an untouched page never mark the session unsaved; an edit does', async () => {
    const saves: number[] = [];
    const sink: SessionSink = { save: async (_s, base) => (saves.push(base), { ok: true, revision: base + 1 }) };
    const { wb, store } = setUp([], sink);
    expect(wb.get().session.status).toBe('new');
    store.replaceStructures([{ structure: layer(), file: 'a', kind: '2D layer' }, { structure: layer(7), file: 'b', kind: 'bulk' }]);
    await wb.findMatches();
    await wb.flush();
    expect(wb.get().session.status).toBe('saved');
    store.setShowImages(true);
    wb.show('structure');
    wb.setHiddenLayers([0]);
    expect(wb.get().session.status).toBe('saved');
    wb.setPlacement({ zSeparation: 3.5 });
    expect(wb.get().session.status).toBe('unsaved');
    await wb.flush();
    expect(saves).toHaveLength(2);
  });

  it('Undo works after a reload: the session keeps the last steps (bounded), a bad step is left out', async () => {
    const { wb, ids } = setUp(['2D layer', 'bulk']);
    await wb.findMatches();
    for (let k = 0; k < HISTORY_KEPT + 5; k++) wb.setPlacement({ zSeparation: 2.5 + 0.01 * k });
    await tick();
    const record = JSON.parse(sessionToText(wb.toSession()));
    expect(record.history).toHaveLength(HISTORY_KEPT);
    record.history.splice(5, 2, { ...record.history[5], placement: { zSeparation: 'x' } }, { ...record.history[6], filmId: 'not-here' });
    const other = setUp([]);
    await other.wb.load(restoreSession(record));
    expect(other.wb.get().canUndo).toBe(true);
    other.wb.undo();
    await tick();
    expect(other.wb.get().placement.zSeparation).toBeCloseTo(2.5 + 0.01 * (HISTORY_KEPT + 3));
    expect(other.calls.at(-1)).toMatchObject({ hkl: [1, 1, 1] }); // the step was built again
    expect(other.wb.get().filmId).toBe(ids[0]);
    let n = 1;
    while (other.wb.get().canUndo) other.wb.undo(), n++;
    expect(n).toBe(HISTORY_KEPT - 2); // the malformed step and the one naming a structure not in the session are left out
  });

  it('a build still on its way when a new session starts does not bring the old interface back', async () => {
    const { wb, port } = setUp(['2D layer', 'bulk']);
    await wb.findMatches();
    const api = port() as unknown as { place: (...a: unknown[]) => Promise<unknown> };
    const place = api.place;
    let release!: () => void;
    api.place = (...a: unknown[]) => new Promise((r) => (release = () => r(place(...a))));
    wb.setPlacement({ zSeparation: 3.9 });
    wb.startNew();
    release();
    await tick();
    await tick();
    expect(wb.get().iface).toBeNull();
    expect(wb.get().placement.zSeparation).toBe(3.2);
  });

  it('a reload restores the options form and the options the interface was built with', async () => {
    const { wb } = setUp(['2D layer', 'bulk']);
    await wb.findMatches();
    wb.setOptions({ hkl: [1, 1, 0], maxArea: 200 });
    const other = setUp([]);
    await other.wb.load(wb.toSession());
    expect(other.wb.get().options).toMatchObject({ hkl: [1, 1, 0], maxArea: 200 });
    expect(other.wb.get().builtOptions?.hkl).toEqual([1, 1, 1]);
    expect(other.calls.at(-1)!.hkl).toEqual([1, 1, 1]);
    expect(other.wb.get().session.status).toBe('saved');
  });
});
