// Interface options users expect (issue 13): the facet's terminations, fixed bottom layers, which side takes the
// strain, and a warning when a 2D layer is given as the substrate (its slab copies do not touch).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HeterolabWasm } from '../../src/compute/geometry/wasm';
import { InterfaceService } from '../../src/compute/interface/service';
import type { InterfaceRequest, PrepareOptions } from '../../src/compute/interface/types';
import { cellParameters } from '../../src/core/cell';
import { DEFAULTS } from '../../src/core/defaults';
import { conventionalStandardCell } from '../../src/io/space-groups';
import { mustRead } from '../helpers/fixtures';

const geometry = HeterolabWasm.fromBytes(readFileSync(new URL('../../src/compute/geometry/build/heterolab.wasm', import.meta.url)));
const read = async (f: string) => (await mustRead(f)).structures[0];
const service = () => new InterfaceService({ geometry, standardCell: conventionalStandardCell });
const params = { maxArea: 60, maxStrain: 0.05, maxAngle: Math.PI / 180 };
const ZN = 30, O = 8;

async function built(film: string, substrate: string, options: PrepareOptions) {
  const svc = service();
  const request: InterfaceRequest = { film: await read(film), substrate: await read(substrate), options };
  const m = await svc.matches(request, params, { kind: 'all' });
  const b = await svc.build({ request, match: m.matches[0], placement: { zSeparation: DEFAULTS.startZ, shift: [0, 0] } });
  return { m, s: b.structure, warnings: [...m.warnings, ...b.warnings] };
}

/** Species of the substrate's top plane in a built interface. */
function topSpecies(s: { numbers: Uint8Array; arrays: { role?: Uint8Array; layerIndex?: Uint16Array } }): number[] {
  const role = s.arrays.role!, li = s.arrays.layerIndex!;
  let top = 0;
  for (let i = 0; i < role.length; i++) if (role[i] === 0) top = Math.max(top, li[i]);
  return [...new Set(Array.from(s.numbers).filter((_, i) => role[i] === 0 && li[i] === top))].sort((a, b) => a - b);
}

describe('interface options', () => {
  it('ZnO(001) lists a Zn- and an O-terminated surface, and the chosen one is on top of the built interface', async () => {
    const zn = await built('graphene.vasp', 'ZnO_wurtzite.cif', { hkl: [0, 0, 1], layers: 4, termination: 0 });
    const tops = zn.m.terminations.map((t) => t.top.join());
    expect(new Set(tops)).toEqual(new Set([String(ZN), String(O)]));
    const k = tops.indexOf(String(O));
    const o = await built('graphene.vasp', 'ZnO_wurtzite.cif', { hkl: [0, 0, 1], layers: 4, termination: k });
    expect(o.m.termination).toBe(k);
    expect(topSpecies(o.s)).toEqual([O]);
    expect(topSpecies(zn.s)).toEqual(k === 0 ? [ZN] : [zn.m.terminations[0].top[0]]);
    expect(topSpecies(zn.s)).not.toEqual(topSpecies(o.s));
  });

  it('a termination index the facet does not have falls back to the first, and the reply says so', async () => {
    const r = await built('graphene.vasp', 'Cu_fcc_conventional.vasp', { hkl: [1, 1, 1], layers: 3, termination: 5 });
    expect(r.m.terminations.length).toBe(1);
    expect(r.m.termination).toBe(0);
  });

  it('fixes the bottom planes asked for (selective dynamics F F F), and half of them by default', async () => {
    for (const [fixed, expected] of [[3, 3], [0, 0], [undefined, 2]] as const) {
      const { s } = await built('graphene.vasp', 'Cu_fcc_conventional.vasp', { hkl: [1, 1, 1], layers: 5, fixedLayers: fixed });
      const role = s.arrays.role!, li = s.arrays.layerIndex!, sd = s.arrays.selectiveDynamics!;
      const fixedPlanes = new Set<number>();
      for (let i = 0; i < role.length; i++) {
        if (role[i] === 0 && !sd[3 * i]) fixedPlanes.add(li[i]);
        if (role[i] > 0) expect(sd[3 * i]).toBe(1); // the film is never fixed
      }
      expect([...fixedPlanes].sort()).toEqual(Array.from({ length: expected }, (_, k) => k));
    }
  });

  it('strain on the substrate keeps the film at its own lattice; shared meets halfway', async () => {
    const film = await read('graphene.vasp');
    const af = cellParameters(film.cell).a;
    const a = async (strain: PrepareOptions['strain']) => {
      const { s, m } = await built('graphene.vasp', 'Cu_fcc_conventional.vasp', { hkl: [1, 1, 1], layers: 3, strain });
      const fm = m.matches[0].filmMatrix, len = Math.hypot(fm[0][0] * film.cell[0] + fm[0][1] * film.cell[3], fm[0][0] * film.cell[1] + fm[0][1] * film.cell[4]);
      return { cell: Math.hypot(s.cell[0], s.cell[1]), filmSuper: len };
    };
    const [onFilm, onSub, shared] = [await a('film'), await a('substrate'), await a('shared')];
    expect(onSub.cell).toBeCloseTo(onSub.filmSuper, 9);
    expect(onFilm.cell).not.toBeCloseTo(onFilm.filmSuper, 3);
    expect(shared.cell).toBeCloseTo(0.5 * (onFilm.cell + onSub.cell), 6);
    expect(af).toBeGreaterThan(2);
  });

  it('graphene as the substrate is said to be a 2D layer whose slab copies do not touch, with the matches and the build', async () => {
    const { m, s: _s, warnings } = await built('MoS2_monolayer.vasp', 'graphene.vasp', { hkl: [0, 0, 1], layers: 4 });
    const fromBuild = warnings.slice(m.warnings.length);
    for (const w of [m.warnings, fromBuild]) expect(w.join(' ')).toMatch(/substrate C2? is a 2D layer with vacuum/);
    expect(warnings.join(' ')).toMatch(/substrate C2? is a 2D layer with vacuum: its slab stacks copies \d+\.\d Å apart/);
    const ok = await built('graphene.vasp', 'Cu_fcc_conventional.vasp', { hkl: [1, 1, 1], layers: 3 });
    expect(ok.warnings.join(' ')).not.toMatch(/2D layer/);
  });
});
