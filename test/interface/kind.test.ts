// One 2D detection (issue 13, item 12): the worker's bonded-network one labels every file, so a monolayer is a
// 2D layer whether it comes as POSCAR or as extended XYZ with pbc "T T F"; faces are named by element.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HeterolabWasm } from '../../src/compute/geometry/wasm';
import { describeStructure } from '../../src/compute/interface/kind';
import { classifyStructure, faceDownLabel } from '../../src/core/layer';
import { createComputeApi } from '../../src/workers/compute-api';
import { mustRead } from '../helpers/fixtures';

const bytes = readFileSync(new URL('../../src/compute/geometry/build/heterolab.wasm', import.meta.url));
const geometry = HeterolabWasm.fromBytes(bytes);
const kindOf = async (f: string) => describeStructure(await geometry, (await mustRead(f)).structures[0]);
const SE = 34, S = 16, MO = 42;

describe('structure kind (bonded components)', () => {
  it.each([
    ['MoS2_monolayer.extxyz', '2D layer'],
    ['MoS2_monolayer.vasp', '2D layer'],
    ['MoS2_monolayer.json', '2D layer'],
    ['graphene.vasp', '2D layer'],
    ['MoSSe_janus.vasp', '2D layer'],
    ['MoS2_2H.cif', 'bulk'],
    ['graphite.cif', 'bulk'],
    ['Au_fcc_conventional.vasp', 'bulk'],
    ['ZnO_wurtzite.cif', 'bulk'],
    ['W110_slab.extxyz', 'slab'],
    ['Au111_slab_selective.vasp', 'slab'],
  ])('%s is a %s', async (file, kind) => {
    expect((await kindOf(file)).kind).toBe(kind);
  });

  it('the vacuum-gap look alone called the pbc "T T F" monolayer bulk (why the worker labels files)', async () => {
    expect(classifyStructure((await mustRead('MoS2_monolayer.extxyz')).structures[0])).toBe('bulk');
  });

  it('readFiles sends each structure\'s kind and faces; the same atoms as POSCAR and extxyz get the same label', async () => {
    const api = createComputeApi(Promise.resolve(await geometry));
    const files = ['MoS2_monolayer.extxyz', 'MoS2_monolayer.vasp'].map((name) => ({ name, bytes: new Uint8Array(readFileSync(`test/fixtures/structures/${name}`)).buffer }));
    const out = await api.readFiles(files);
    const layers = out.map((r) => (r.ok ? r.layers?.[0] : null));
    expect(layers.map((l) => l?.kind)).toEqual(['2D layer', '2D layer']);
    expect(layers[0]?.faces).toEqual({ bottom: [S], top: [S] });
  });

  it('a Janus layer is named by the element that faces down', async () => {
    const { faces } = await kindOf('MoSSe_janus.vasp');
    expect(faces && new Set([faces.bottom.join(), faces.top.join()])).toEqual(new Set([String(S), String(SE)]));
    const down = faceDownLabel(faces, 'bottom'), up = faceDownLabel(faces, 'top');
    expect([down, up].sort()).toEqual(['S side down', 'Se side down']);
    expect(faceDownLabel({ bottom: [S], top: [S] }, 'top')).toBe('S side down (flipped)');
    expect(faceDownLabel(undefined, 'bottom')).toBe('as in the file');
    expect(faceDownLabel({ bottom: [MO, S], top: [S] }, 'bottom')).toBe('Mo/S side down');
  });
});
