import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { priorId } from '../../src/compute/ml/estimate';
import { computeFeatures } from '../../src/compute/ml/features';
import { Predictor, type ModelManifest, type OrtLike } from '../../src/compute/ml/predictor';
import { mustRead } from '../helpers/fixtures';

/**
 * The shipped ONNX models in Node, on both onnxruntime builds: their member outputs equal the scikit-learn
 * outputs exported by models/train.py (fixtures inside manifest.json) to 1e-4, and the predictor reports
 * values, σ, model and domain as the app shows them.
 */
const manifest = JSON.parse(readFileSync('models/manifest.json', 'utf8')) as ModelManifest;
const load = async (f: string) => new Uint8Array(readFileSync(`models/${f}`));

const runtimes: [string, () => Promise<OrtLike>][] = [
  ['onnxruntime-web (wasm)', async () => {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    return ort as unknown as OrtLike;
  }],
  ['onnxruntime-node', async () => (await import('onnxruntime-node')) as unknown as OrtLike],
];

describe.each(runtimes)('%s', (_, getOrt) => {
  it('reproduces the exported scikit-learn member predictions to 1e-4', async () => {
    const p = await Predictor.create(await getOrt(), manifest, load);
    for (const key of ['ebind', 'zsep'] as const) {
      const fx = manifest.targets[key].fixtures;
      const got = await p.members(key, fx.features.map((r) => Float64Array.from(r, (x) => (x === null ? NaN : x))));
      fx.members.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(got[i][j] - v)).toBeLessThanOrEqual(1e-4)));
    }
    await p.release();
  });
});

describe('predictions on a Hetero2d record', () => {
  it('gives finite values with σ, the model and its held-out accuracy; unseen elements are flagged', async () => {
    const ort = (await import('onnxruntime-node')) as unknown as OrtLike;
    const p = await Predictor.create(ort, manifest, load);
    const rec = (await mustRead('hetero2d_two_records.json', { initial: true })).structures[0];
    const f = computeFeatures({ structure: rec, strain: 0.02, ff: { zSeparation: 2.5, bindingEnergy: 0.1 } });
    const [r] = await p.predict([f]);
    for (const e of [r.bindingEnergy, r.zSeparation]) {
      expect(Number.isFinite(e.value) && e.sigma > 0).toBe(true);
      expect(e.accuracy.leaveOneFilmOutRmse).toBe(manifest.targets[e === r.bindingEnergy ? 'ebind' : 'zsep'].heldOut.leaveOneFilmOut.rmse);
    }
    expect(r.model.version).toBe(manifest.version);
    const gold = { ...f, substrateElements: ['Xx'], filmElements: ['C'] };
    const w = p.domainWarnings(gold);
    expect(w.join()).toMatch(/substrate element Xx not in the training data/);
    expect(w.join()).toMatch(/film element C not in the training films/);
    await p.release();
  });
  it('P(stable) from a given formation energy, else from a training film of the same formula; domain distance', async () => {
    const ort = (await import('onnxruntime-node')) as unknown as OrtLike;
    const p = await Predictor.create(ort, manifest, load);
    const rec = (await mustRead('hetero2d_two_records.json', { initial: true })).structures[0];
    const f = computeFeatures({ structure: rec, strain: 0.02, ff: { zSeparation: 2.5, bindingEnergy: 0.1 } });
    const [given] = await p.predict([f], [{ value: -5, sigma: 0.01, source: 'test' }]);
    // E_form far below any binding energy: certainly stable, whatever the estimate.
    expect(given.stable).toBe(true);
    expect(given.pStable).toBeGreaterThan(0.999);
    const [high] = await p.predict([f], [{ value: 5, sigma: 0.01, source: 'test' }]);
    expect(high.stable).toBe(false);
    expect(high.pStable).toBeLessThan(0.001);
    const forms = manifest.training.filmFormationEnergies!;
    expect(p.trainingFormation('S2Mo')?.value).toBe(forms.MoS2[0]);
    expect(p.trainingFormation('Nb2O4')).toBeUndefined(); // two NbO2 phases: ambiguous
    expect(p.trainingFormation('CSi')).toBeUndefined();
    expect(given.domain!.distance).toBeGreaterThanOrEqual(0);
    expect(given.domain!.percentile).toBeGreaterThanOrEqual(0);
    // A training row itself lies inside the domain (its nearest training row is itself).
    expect(given.domain!.threshold).toBe(manifest.domain!.threshold);
    const far = Float64Array.from(f.values, (v) => v * 50);
    const [out] = await p.predict([{ ...f, values: far }]);
    expect(out.domain!.inDomain).toBe(false);
    expect(out.inDomain).toBe(false);
    expect(out.warnings.join()).toMatch(/feature-space distance .* nearest training rows exceeds/);
    await p.release();
  });
  it('σ = sqrt((k · members std)² + σ₀²) with k and the floor σ₀ from the manifest', async () => {
    const ort = (await import('onnxruntime-node')) as unknown as OrtLike;
    const rec = (await mustRead('hetero2d_two_records.json', { initial: true })).structures[0];
    const f = computeFeatures({ structure: rec, strain: 0.02, ff: { zSeparation: 2.5, bindingEnergy: 0.1 } });
    const floors = { knownFilm: 0.3, newFilm: 0.7 };
    const t = (key: 'ebind' | 'zsep') => ({ ...manifest.targets[key], sigmaScale: { knownFilm: 2, newFilm: 3 }, sigmaFloor: floors });
    const p = await Predictor.create(ort, { ...manifest, targets: { ebind: t('ebind'), zsep: t('zsep') } }, load);
    const std = (m: Float32Array) => {
      const mean = m.reduce((a, b) => a + b, 0) / m.length;
      return Math.sqrt(m.reduce((a, b) => a + (b - mean) ** 2, 0) / m.length);
    };
    const [r] = await p.predict([f]);
    const [e] = await p.members('ebind', [f.values]);
    const known = f.filmElements.every((x) => manifest.training.filmElements.includes(x));
    expect(known).toBe(true); // a training film: knownFilm's k and floor
    expect(r.bindingEnergy.sigma).toBeCloseTo(Math.hypot(2 * std(e), 0.3), 9);
    const [u] = await p.predict([{ ...f, filmElements: ['C'] }]);
    expect(u.bindingEnergy.sigma).toBeCloseTo(Math.hypot(3 * std(e), 0.7), 9);
    expect(u.zSeparation.sigma).toBeGreaterThanOrEqual(0.7);
    await p.release();
  });
  it('refuses models trained on other feature definitions', async () => {
    const ort = (await import('onnxruntime-node')) as unknown as OrtLike;
    await expect(Predictor.create(ort, { ...manifest, featuresVersion: -1 }, load)).rejects.toThrow(/retrain/);
  });
});

it('the shipped models were trained on the force-field prior this build computes (else: npm run train)', () => {
  expect(manifest.prior).toBe(priorId());
});

it('the model card and metrics that the app shows exist beside the models', () => {
  expect(existsSync('models/MODEL_CARD.md') && existsSync('models/metrics.json')).toBe(true);
});
