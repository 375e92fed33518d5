// The interface service (issue 12): one pipeline for the worker and the CLI. Regression tests for what a new
// user found: vacuum ignored, estimates that depend on history, app ≠ CLI, silent NaN and overlaps.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeterolabWasm } from '../../src/compute/geometry/wasm';
import { InterfaceService } from '../../src/compute/interface/service';
import { checkBuilt } from '../../src/compute/interface/checks';
import type { InterfaceRequest, InterfaceSpec } from '../../src/compute/interface/types';
import { Predictor, type ModelManifest, type OrtLike } from '../../src/compute/ml/predictor';
import { zSeparationOf } from '../../src/core/planes';
import type { Structure } from '../../src/core/structure';
import { DEFAULTS } from '../../src/core/defaults';
import { conventionalStandardCell } from '../../src/io/space-groups';
import { GOOD, mustRead } from '../helpers/fixtures';

const geometry = HeterolabWasm.fromBytes(readFileSync(new URL('../../src/compute/geometry/build/heterolab.wasm', import.meta.url)));
const read = async (f: string) => (await mustRead(f)).structures[0];
const BIN = new URL('../../dist-cli/heterolab.mjs', import.meta.url).pathname;
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const manifest = JSON.parse(readFileSync('models/manifest.json', 'utf8')) as ModelManifest;
const predictor = async () => Predictor.create((await import('onnxruntime-node')) as unknown as OrtLike, manifest, async (f) => new Uint8Array(readFileSync(`models/${f}`)));
const service = (withModels = false) => new InterfaceService({ geometry, standardCell: conventionalStandardCell, predictor: withModels ? predictor : undefined });
const params = { maxArea: 60, maxStrain: 0.05, maxAngle: Math.PI / 180 };

/** Empty space (Å) along c above the atoms: c minus the atoms' z extent (c is normal to the plane here). */
function vacuumOf(s: Structure): number {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < s.numbers.length; i++) (lo = Math.min(lo, s.positions[3 * i + 2])), (hi = Math.max(hi, s.positions[3 * i + 2]));
  return Math.abs(s.cell[8]) - (hi - lo);
}

async function grapheneOnCu(svc: InterfaceService, options: Partial<InterfaceRequest['options']> = {}): Promise<InterfaceSpec> {
  const request: InterfaceRequest = { film: await read('graphene.vasp'), substrate: await read('Cu_fcc_conventional.vasp'), options: { hkl: [1, 1, 1], layers: 3, ...options } };
  const m = await svc.matches(request, params, { kind: 'all' });
  return { request, match: m.matches[0], placement: { zSeparation: DEFAULTS.startZ, shift: [0, 0] } };
}

describe('interface service', () => {
  it('builds with the vacuum asked for (30, 25, 0 Å), not a default', async () => {
    const svc = service();
    for (const vacuum of [30, 25, 0]) {
      const spec = await grapheneOnCu(svc, { vacuum });
      const { structure, warnings } = await svc.build(spec);
      expect(vacuumOf(structure)).toBeCloseTo(vacuum, 6);
      // With no vacuum the film touches the next image of the slab: said, not silent.
      if (vacuum === 0) expect(warnings.join(' ')).toMatch(/only 0\.000 Å of vacuum/);
      else expect(warnings).toEqual([]);
    }
  });

  it('the same spec returns the very structure that was built (what is exported is what was built)', async () => {
    const svc = service();
    const spec = await grapheneOnCu(svc);
    const a = await svc.build(spec);
    const b = await svc.build({ ...spec, placement: { ...spec.placement } });
    expect(b.structure).toBe(a.structure);
    expect(zSeparationOf(a.structure.positions, a.structure.arrays.role!, 1)).toBeCloseTo(DEFAULTS.startZ, 9);
  });

  it('refuses non-finite placements and results, and warns when a film sits too close', async () => {
    const svc = service();
    const spec = await grapheneOnCu(svc);
    await expect(svc.build({ ...spec, placement: { zSeparation: 3, shift: [NaN, 0] } })).rejects.toThrow(/film 1: the shift must be two finite fractions/);
    await expect(svc.build({ ...spec, placement: { zSeparation: 1e308, shift: [0, 0] } })).rejects.toThrow(/z-separation must be a finite number/);
    const good = (await svc.build(spec)).structure;
    const broken = { ...good, positions: Float64Array.from(good.positions, (x, i) => (i === 7 ? NaN : x)) };
    expect(() => checkBuilt(broken)).toThrow(/non-finite coordinate \(atom 3\)/);
    const near = await svc.build({ ...spec, placement: { zSeparation: 0.5, shift: [0, 0] } });
    expect(near.warnings.join(' ')).toMatch(/film 1 is 0\.500 Å above the layer below/);
  });

  it('a newer place call replaces one that has not started (newest wins)', async () => {
    const svc = service();
    const spec = await grapheneOnCu(svc);
    const est = { ffModel: 'd2' as const, ml: false };
    const calls = [3.0, 3.1, 3.2, 3.3].map((z) => svc.place({ ...spec, placement: { zSeparation: z, shift: [0, 0] } }, est));
    const r = await Promise.all(calls);
    expect(r.map((x) => x.superseded)).toEqual([true, true, true, false]);
    const last = r[3];
    if (last.superseded) throw new Error('unreachable');
    expect(last.ff!.zSeparation).toBeCloseTo(3.3, 9);
  });

  it('estimates do not depend on which placement was visited first, and equal `cli predict` for the same placement', async () => {
    const placements: [number, number][] = [[0, 0], [1 / 3, 2 / 3]];
    const runs: number[][] = [];
    for (const order of [placements, [...placements].reverse()]) {
      const svc = service(true);
      const spec = await grapheneOnCu(svc, { layers: 4 });
      const got: Record<string, number[]> = {};
      for (const shift of order) {
        const r = await svc.place({ ...spec, placement: { zSeparation: 3.4, shift } }, { ffModel: 'd2' });
        if (r.superseded || !r.ml) throw new Error(`no estimate: ${r.superseded || r.mlError}`);
        got[shift.join()] = [r.ml.bindingEnergy.value, r.ml.zSeparation.value, r.ml.forceField.zSeparation];
      }
      runs.push(...placements.map((p) => got[p.join()]));
    }
    expect(runs[2]).toEqual(runs[0]);
    expect(runs[3]).toEqual(runs[1]);
    const c = cli('predict', GOOD + 'graphene.vasp', GOOD + 'Cu_fcc_conventional.vasp', '--hkl', '1,1,1', '--max-area', '60', '--z', '3.4', '--shift', `${1 / 3},${2 / 3}`, '--json');
    expect(c.code, c.err).toBe(0);
    const j = JSON.parse(c.out);
    expect(j.bindingEnergy.value).toBeCloseTo(runs[1][0], 4);
    expect(j.zSeparation.value).toBeCloseTo(runs[1][1], 4);
    expect(j.forceField.zSeparation).toBeCloseTo(runs[1][2], 4);
  });

  it("the estimate's film_symmetry_ops is the film's own (graphene 24, from its unstrained layer), not the strained film's", async () => {
    const svc = service(true);
    const spec = await grapheneOnCu(svc, { layers: 3 });
    const r = await svc.place({ ...spec, placement: { zSeparation: 3.4, shift: [0, 0] } }, { ffModel: 'd2' });
    if (r.superseded || !r.ml) throw new Error(`no estimate: ${r.superseded || r.mlError}`);
    const { FEATURE_NAMES } = await import('../../src/compute/ml/features');
    expect(r.ml.features.values[FEATURE_NAMES.indexOf('film_symmetry_ops')]).toBe(24); // P6/mmm: 6/mmm, order 24
    expect(r.ml.features.missing.join()).not.toMatch(/space group/);
    // Outside the training films' range (all 12): said, not hidden.
    expect(r.ml.warnings.join()).toMatch(/film_symmetry_ops = 24 outside the training range/);
  });

  it('matches say how many were found beyond the list, and the twist period comes from the lattices', async () => {
    const svc = service();
    const request: InterfaceRequest = { film: await read('MoS2_monolayer.vasp'), substrate: await read('Au_fcc_conventional.vasp'), options: { hkl: [1, 1, 1], layers: 3 } };
    const all = await svc.matches(request, { maxArea: 150, maxStrain: 0.05, maxAngle: Math.PI / 180, limit: 1000 }, { kind: 'all' });
    const cut = await svc.matches(request, { maxArea: 150, maxStrain: 0.05, maxAngle: Math.PI / 180, limit: 2 }, { kind: 'all' });
    expect(all.total).toBeGreaterThan(2);
    expect(cut.matches).toEqual(all.matches.slice(0, 2));
    expect(cut.total).toBe(all.total);
    expect((all.twistPeriod * 180) / Math.PI).toBeCloseTo(60, 9); // hexagonal film on Au(111)
    const sq = await svc.matches({ ...request, options: { hkl: [1, 0, 0], layers: 3 } }, { maxArea: 150, maxStrain: 0.05, maxAngle: Math.PI / 180 }, { kind: 'all' });
    expect((sq.twistPeriod * 180) / Math.PI).toBeCloseTo(30, 9); // hexagonal on square: gcd(60°, 90°)
  });

  it('a twist scan covers one twist period by default; each entry fits the tolerances at its own angle', async () => {
    const svc = service();
    const request: InterfaceRequest = { film: await read('graphene.vasp'), substrate: await read('Cu_fcc_conventional.vasp'), options: { hkl: [1, 1, 1] } };
    const r = await svc.matches(request, { maxArea: 100, maxStrain: 0.05, maxAngle: 0.001 }, { kind: 'scan', from: 0, steps: 31 });
    expect(r.scan).toHaveLength(31);
    expect(r.scan![30].twist).toBeCloseTo(Math.PI / 3, 9);
    const hits = r.scan!.filter((e) => e.match);
    expect(hits.length).toBeGreaterThan(1);
    expect(r.scan![0].match!.area).toBeLessThan(7); // 1×1 graphene on Cu(111) at 0°
    for (const e of hits) {
      expect(Math.abs(Math.cos(6 * (e.match!.twist - e.twist)) - 1)).toBeLessThan(1e-4);
      expect(Math.max(...e.match!.principalStrains.map(Math.abs))).toBeLessThanOrEqual(0.05 + 1e-12);
    }
  });
});

describe('CLI over the service', () => {
  it('build refuses an absurd shift and writes nothing; tiny z and zero vacuum warn', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-build-'));
    const out = join(dir, 'x.vasp');
    const base = ['build', GOOD + 'graphene.vasp', GOOD + 'Cu_fcc_conventional.vasp', '--hkl', '1,1,1', '--max-area', '60', '--layers', '3'];
    const bad = cli(...base, '--shift', '1e308,0', '-o', out);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--shift/);
    expect(existsSync(out)).toBe(false);
    const z = cli(...base, '--z', '0.5', '-o', out);
    expect(z.code, z.err).toBe(0);
    expect(z.err).toMatch(/warning: film 1 is 0\.500 Å above/);
    const v = cli(...base, '--vacuum', '0', '--json', '-o', out);
    expect(v.code, v.err).toBe(0);
    expect(JSON.parse(v.out).warnings.join(' ')).toMatch(/only 0\.000 Å of vacuum/);
  });
});
