// Options that rebuild at once (termination, fixed layers, strain side) and "show more" past the match cap.
import { describe, expect, it } from 'vitest';
import { makeStructure, type Structure } from '../core/structure';
import type { LatticeMatch } from '../compute/geometry/geometry';
import { Store } from './store';
import { Workbench, type WorkbenchPort } from './workbench';
import { restoreSession } from './session';

const layer = () => makeStructure({ numbers: Uint8Array.from([6]), positions: new Float64Array(3), cell: Float64Array.from([2.5, 0, 0, 0, 2.5, 0, 0, 0, 20]), pbc: [true, true, true] });
const match = (area: number): LatticeMatch => ({ area, principalStrains: [0.01, 0.02], twist: 0, filmMatrix: [[area, 0], [0, 1]], substrateMatrix: [[1, 0], [0, 1]] } as unknown as LatticeMatch);

function setup() {
  const placed: Record<string, unknown>[] = [], searched: { limit?: number; termination?: number }[] = [];
  const api = {
    matches: async (req: { options: { termination?: number } }, p: { limit?: number }) => {
      searched.push({ limit: p.limit, termination: req.options.termination });
      const n = Math.min(p.limit ?? 200, 300);
      return { matches: Array.from({ length: n }, (_, k) => match(10 + k)), atoms: Array.from({ length: n }, () => 5), total: 300, twistPeriod: Math.PI / 3, hklNote: '', warnings: [], terminations: [{ top: [30], below: [8] }, { top: [8], below: [30] }], termination: Math.min(req.options.termination ?? 0, 1) };
    },
    place: async (spec: { request: { options: Record<string, unknown> } }) => {
      placed.push(spec.request.options);
      return { superseded: false, structure: layer() as Structure, warnings: [], twistPeriod: Math.PI / 3, stackPeriods: [], ms: 1 };
    },
  };
  const store = new Store(() => ({ readFiles: async () => [], status: async () => ({ geometry: 'wasm' as const }) }), () => 'bulk');
  const a = layer(), b = layer();
  store.replaceStructures([{ structure: a, file: 'a', kind: '2D layer' }, { structure: b, file: 'b', kind: 'bulk' }]);
  const wb = new Workbench(store, (() => api) as unknown as WorkbenchPort, null, () => 0);
  return { wb, placed, searched };
}

describe('interface options in the workbench', () => {
  it('termination, fixed layers and strain side rebuild the interface at once and reach the service', async () => {
    const { wb, placed } = setup();
    await wb.findMatches();
    expect(wb.get().terminations.length).toBe(2);
    const before = placed.length;
    wb.setOptions({ termination: 1 });
    wb.setOptions({ fixedLayers: 3 });
    wb.setOptions({ strain: 'substrate' });
    await new Promise((r) => setTimeout(r, 0));
    expect(placed.length).toBe(before + 3);
    expect(placed.at(-1)).toMatchObject({ termination: 1, fixedLayers: 3, strain: 'substrate' });
    expect(wb.get().builtOptions?.hkl).toEqual(wb.get().options.hkl);
  });

  it('a termination the facet does not have is replaced by the one the service built, in the form too', async () => {
    const { wb } = setup();
    wb.setOptions({ termination: 4 });
    await wb.findMatches();
    expect(wb.get().options.termination).toBe(1);
  });

  it('show more asks for the next 200 and keeps the chosen match (the same object, no rebuild)', async () => {
    const { wb, searched, placed } = setup();
    await wb.findMatches();
    await wb.selectMatch(3);
    const chosen = wb.get().match, builds = placed.length;
    expect(wb.get().matches!.length).toBe(200);
    await wb.moreMatches();
    expect(searched.at(-1)!.limit).toBe(400);
    expect(wb.get().matches!.length).toBe(300);
    expect(wb.get().match).toBe(chosen);
    expect(wb.get().matches!.indexOf(chosen!)).toBe(3);
    expect(placed.length).toBe(builds);
  });

  it('a session from before these options fixes half its slab layers and strains the film', () => {
    const s = restoreSession({ type: 'heterolab-session', schemaVersion: 2, id: 'a', name: 'a', created: '', modified: '', revision: 1, structures: [], filmId: null, substrateId: null, options: { hkl: [1, 1, 1], layers: 7, vacuum: 15, face: 'bottom', maxArea: 100, maxStrainPct: 5, maxAngleDeg: 1 }, match: null, placement: { zSeparation: 3, shift: [0, 0] }, twistDeg: null, stack: [], ffModel: 'd2' });
    expect(s.options).toMatchObject({ fixedLayers: 3, termination: 0, strain: 'film' });
  });

  it('a session keeps each structure\'s layer faces (for the face names), and drops faces that are not atomic numbers', () => {
    const st = { numbers: { $typed: 'Uint8Array', data: [6] }, positions: { $typed: 'Float64Array', data: [0, 0, 0] }, cell: { $typed: 'Float64Array', data: [2.5, 0, 0, 0, 2.5, 0, 0, 0, 20] }, pbc: [true, true, true], info: {}, id: 's1', revision: 0 };
    const rec = (faces: unknown) => ({ type: 'heterolab-session', schemaVersion: 2, id: 'a', name: 'a', created: '', modified: '', revision: 1, structures: [{ structure: st, file: 'x.vasp', kind: '2D layer', faces }], filmId: null, substrateId: null, options: {}, match: null, placement: { zSeparation: 3, shift: [0, 0] }, twistDeg: null, stack: [], ffModel: 'd2' });
    expect(restoreSession(rec({ bottom: [34], top: [16] })).structures[0].faces).toEqual({ bottom: [34], top: [16] });
    expect(restoreSession(rec({ bottom: [999], top: [16] })).structures[0].faces).toBeUndefined();
  });
});
