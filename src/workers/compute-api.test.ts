import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GeometryWasm } from '../compute/geometry/wasm';
import { mustRead } from '../../test/helpers/fixtures';
import { createComputeApi } from './compute-api';

const geometry = GeometryWasm.fromBytes(readFileSync(new URL('../compute/geometry/build/heterolab.wasm', import.meta.url)));

describe('worker API (called directly, as comlink would)', () => {
  it('finds matches for MoS2 on Au(111) and builds the first one', async () => {
    const api = createComputeApi(geometry);
    expect(await api.status()).toEqual({ geometry: 'wasm' });
    const film = (await mustRead('MoS2_monolayer.vasp')).structures[0];
    const substrate = (await mustRead('Au_fcc_primitive.vasp')).structures[0];
    const req = { film, substrate, options: { hkl: [1, 1, 1] as [number, number, number], layers: 4, maxAtoms: 20000 } };
    const r = await api.findInterfaceMatches(req, { maxArea: 150, maxStrain: 0.05, maxAngle: Math.PI / 180 }, { kind: 'all' });
    expect(r.hklNote).toMatch(/F m -3 m/);
    expect(r.matches.length).toBeGreaterThan(0);
    const s = await api.buildInterface(req, r.matches[0], { zSeparation: 3.1, shift: [0, 0], maxAtoms: 20000 });
    expect(s.arrays.role!.filter((x) => x === 1).length).toBeGreaterThan(0);
    // The prepared pair is cached: the same request reuses it.
    expect(await api.prepared(req)).toBe(await api.prepared(req));
  });
  it('a twist scan returns one entry per angle', async () => {
    const api = createComputeApi(geometry);
    const film = (await mustRead('graphene.vasp')).structures[0];
    const substrate = (await mustRead('Cu_fcc_conventional.vasp')).structures[0];
    const r = await api.findInterfaceMatches({ film, substrate, options: { hkl: [1, 1, 1], maxAtoms: 20000 } }, { maxArea: 100, maxStrain: 0.03, maxAngle: 0.001 }, { kind: 'scan', from: 0, to: Math.PI / 3, steps: 31 });
    expect(r.scan).toHaveLength(31);
  });
});
