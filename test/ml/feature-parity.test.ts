import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from '../../src/compute/ff/wasm-backend';
import { HeterolabWasm } from '../../src/compute/geometry/wasm';
import { InterfaceService } from '../../src/compute/interface/service';
import { estimateInterface } from '../../src/compute/ml/estimate';
import { FEATURE_NAMES, FEATURES_VERSION } from '../../src/compute/ml/features';
import type { Predictor } from '../../src/compute/ml/predictor';
import { conventionalStandardCell } from '../../src/io/space-groups';
import { GOOD, mustRead } from '../helpers/fixtures';

/**
 * Training features = app features (DESIGN.md §3: one feature implementation). The training table is what
 * `heterolab features` writes for a Hetero2d record (film_symmetry_ops from the record's film_spacegroup); the
 * app's vector is what the interface service's estimate computes for the same interface, strain and prior,
 * with the film's space group found by moyo on the film's own cell (MoS2_monolayer.vasp for the MoS2 record).
 * Every column must agree (to the table's 10 significant digits): a feature computed one way for training and
 * another in the app fails here.
 */
const BIN = new URL('../../dist-cli/heterolab.mjs', import.meta.url).pathname;
const geometry = HeterolabWasm.fromBytes(readFileSync(new URL('../../src/compute/geometry/build/heterolab.wasm', import.meta.url)));

describe('training features and app features agree', () => {
  it('the MoS2/Hf record: every column of the training table equals the app estimate\'s feature vector', async () => {
    const r = spawnSync(process.execPath, [BIN, 'features', GOOD + 'hetero2d_two_records.json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`# heterolab features v${FEATURES_VERSION}`);
    const head = lines[1].split(',');
    const row = lines.slice(2).map((l) => l.split(',')).find((c) => c[head.indexOf('film')] === '"MoS2"')!;
    expect(row).toBeDefined();
    const table = FEATURE_NAMES.map((n) => (row[head.indexOf(n)] === '' ? NaN : Number(row[head.indexOf(n)])));

    const rec = (await mustRead('hetero2d_two_records.json', { initial: true })).structures.find((s) => (s.info.hetero2d as { film: string }).film === 'MoS2')!;
    const h = rec.info.hetero2d as { alignment: { u: number; v: number } };
    const strain = Math.max(Math.abs(h.alignment.u), Math.abs(h.alignment.v));
    const svc = new InterfaceService({ geometry, standardCell: conventionalStandardCell });
    const film = (await mustRead('MoS2_monolayer.vasp')).structures[0];
    const substrate = (await mustRead('Au_fcc_conventional.vasp')).structures[0];
    const group = await svc.filmSpaceGroup({ film, substrate, options: { hkl: [1, 1, 1], layers: 3 } });
    expect(group).toBe(187); // P-6m2, as the record's film_spacegroup says
    // The features are computed before the models run: a stand-in predictor keeps this test off the model files.
    const predictor = { manifest: {}, predict: async () => [{ warnings: [] }] } as unknown as Predictor;
    const app = (await estimateInterface(predictor, wasmBackend(await geometry), rec, strain, undefined, undefined, group)).features.values;

    const symOps = FEATURE_NAMES.indexOf('film_symmetry_ops');
    expect(table[symOps]).toBe(12);
    FEATURE_NAMES.forEach((name, j) => {
      const a = app[j], t = table[j];
      if (Number.isNaN(t) || Number.isNaN(a)) expect([name, Number.isNaN(a)]).toEqual([name, Number.isNaN(t)]);
      else expect([name, Math.abs(a - t) <= 1e-9 * Math.max(1, Math.abs(t))]).toEqual([name, true]);
    });
  });
});
