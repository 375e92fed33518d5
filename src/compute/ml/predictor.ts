/**
 * The ONNX predictors of binding energy and z-separation, on any onnxruntime build that offers the common
 * InferenceSession/Tensor API (onnxruntime-web's wasm build in the browser and the CLI, onnxruntime-node in
 * tests). Each model outputs its ensemble members' predictions; the value is their mean (plus the force-field
 * prior for residual models) and σ their spread times the calibration factor from training, with the calibrated
 * floor (manifest.json: sigmaScale, sigmaFloor).
 */
import { Domain, type DomainCheck, type DomainManifest } from './domain';
import { FEATURE_NAMES, FEATURES_VERSION, type Features } from './features';
import { formulaKey, stability, type FormationEnergy, type Stability } from './stability';

export interface HeldOut {
  rmse: number;
  mae: number;
  r2: number;
  n: number;
}

export interface TargetManifest {
  file: string;
  sha256: string;
  bytes: number;
  unit: string;
  title: string;
  model: string;
  members: number;
  /**
   * σ = sqrt((scale × ensemble std)² + floor²) (floor in the target's unit, 0 when absent); knownFilm when the
   * film's elements all occur in the training films, else newFilm. Both calibrated in training so that ±1σ and
   * ±2σ cover 68% and 95% of held-out errors as nearly as they can (models/nested.py calibrate).
   */
  sigmaScale: { knownFilm: number; newFilm: number };
  sigmaFloor?: { knownFilm: number; newFilm: number };
  addFeature: string | null;
  heldOut: { leaveOneFilmOut: HeldOut; leaveOneSubstrateOut: HeldOut; random5Fold: HeldOut };
  fixtures: { features: number[][]; members: number[][] };
}

export interface ModelManifest {
  name: string;
  version: string;
  featuresVersion: number;
  features: string[];
  targets: { ebind: TargetManifest; zsep: TargetManifest };
  training: {
    rows: number;
    substrates: string[];
    filmElements: string[];
    featureMin: (number | null)[];
    featureMax: (number | null)[];
    /** Formation energies (eV/atom) of the training films by formula (two values: two phases). */
    filmFormationEnergies?: Record<string, number[]>;
  };
  domain?: DomainManifest;
  /** Which force-field prior the ff_* features came from (models/train.py --prior-note). */
  prior?: string;
  dataNote?: string;
}

/** The part of onnxruntime's API used here (identical in onnxruntime-web and onnxruntime-node). */
export interface OrtLike {
  InferenceSession: { create(bytes: Uint8Array, options?: object): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
}
interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown; dims: readonly number[] }>>;
  release?(): Promise<void>;
}

export interface Estimate {
  value: number;
  sigma: number;
  /** Which held-out rows σ was calibrated on. */
  sigmaCalibration: string;
  unit: string;
  /** Held-out accuracy of this model on new films (the headline) and on new substrates. */
  accuracy: { leaveOneFilmOutRmse: number; leaveOneSubstrateOutRmse: number; random5FoldRmse: number };
}

export interface PredictionResult {
  bindingEnergy: Estimate;
  zSeparation: Estimate;
  model: { name: string; version: string; ebind: string; zsep: string };
  /** False when any warning applies, including a feature-space distance beyond the domain threshold. */
  inDomain: boolean;
  warnings: string[];
  /** Feature-space applicability check (null for models trained before it existed). */
  domain: DomainCheck | null;
  /** E_bind > E_form and P(E_bind > E_form); null when the film's formation energy is unknown. */
  stable: boolean | null;
  pStable: number | null;
  stability: Stability | null;
}

export class ModelError extends Error {}

/** σ of one estimate from its members' std (the training pipeline's sigma_of, models/nested.py). */
export function sigmaOf(std: number, t: Pick<TargetManifest, 'sigmaScale' | 'sigmaFloor'>, knownFilm: boolean): number {
  const which = knownFilm ? 'knownFilm' : 'newFilm';
  const floor = t.sigmaFloor?.[which] ?? 0;
  return Math.sqrt((t.sigmaScale[which] * std) ** 2 + floor ** 2);
}

export class Predictor {
  private constructor(
    private ort: OrtLike,
    readonly manifest: ModelManifest,
    private sessions: { ebind: OrtSession; zsep: OrtSession },
  ) {
    this.domain = manifest.domain ? new Domain(manifest.domain) : null;
  }
  private domain: Domain | null;

  /** Loads both models. `load(file)` returns a model file's bytes (fetched in the browser, read in Node). */
  static async create(ort: OrtLike, manifest: ModelManifest, load: (file: string) => Promise<Uint8Array>): Promise<Predictor> {
    if (manifest.featuresVersion !== FEATURES_VERSION || manifest.features.join() !== FEATURE_NAMES.join())
      throw new ModelError(`models were trained on features v${manifest.featuresVersion}; this build computes v${FEATURES_VERSION}: retrain (npm run train)`);
    const open = async (t: TargetManifest) => ort.InferenceSession.create(await load(t.file));
    return new Predictor(ort, manifest, { ebind: await open(manifest.targets.ebind), zsep: await open(manifest.targets.zsep) });
  }

  /** Raw member predictions, [rows][members], for a batch of feature rows. */
  async members(target: 'ebind' | 'zsep', rows: Float64Array[]): Promise<Float32Array[]> {
    const nf = this.manifest.features.length;
    const x = new Float32Array(rows.length * nf);
    rows.forEach((r, i) => x.set(r, i * nf));
    const out = await this.sessions[target].run({ features: new this.ort.Tensor('float32', x, [rows.length, nf]) });
    const t = out.members;
    const m = t.dims[1];
    const data = t.data as Float32Array;
    return rows.map((_, i) => data.subarray(i * m, (i + 1) * m));
  }

  /**
   * Predictions for a batch of feature sets (one ONNX run per target for the whole batch). `formation[i]` is
   * the film's formation energy for P(stable); without it, a training film of the same formula supplies it.
   */
  async predict(batch: Features[], formation?: (FormationEnergy | undefined)[]): Promise<PredictionResult[]> {
    const rows = batch.map((f) => f.values);
    const [e, z] = await Promise.all([this.members('ebind', rows), this.members('zsep', rows)]);
    return batch.map((f, i) => {
      const warnings = this.domainWarnings(f);
      const domain = this.domain ? this.domain.check(f.values) : null;
      if (domain && !domain.inDomain)
        warnings.push(`feature-space distance ${domain.distance.toFixed(2)} to the ${this.domain!.m.k} nearest training rows exceeds ${domain.threshold.toFixed(2)} (95% of held-out rows were closer)`);
      const known = f.filmElements.every((x) => this.manifest.training.filmElements.includes(x));
      const bindingEnergy = this.estimate('ebind', e[i], f, known);
      const form = formation?.[i] ?? this.trainingFormation(f.filmFormula);
      const st = form ? stability(bindingEnergy, form) : null;
      return {
        bindingEnergy,
        zSeparation: this.estimate('zsep', z[i], f, known),
        model: { name: this.manifest.name, version: this.manifest.version, ebind: this.manifest.targets.ebind.model, zsep: this.manifest.targets.zsep.model },
        inDomain: warnings.length === 0,
        warnings,
        domain,
        stable: st ? st.stable : null,
        pStable: st ? st.pStable : null,
        stability: st,
      };
    });
  }

  /** The formation energy of a training film with this formula, if exactly one phase of it was trained on. */
  trainingFormation(filmFormula: string): FormationEnergy | undefined {
    // Looked up per prediction: a batch repeats few formulas, so the answer is kept per formula string.
    if (!this.formationByFormula.has(filmFormula)) {
      const table = this.manifest.training.filmFormationEnergies ?? {};
      const key = formulaKey(filmFormula);
      const hit = Object.entries(table).find(([k]) => formulaKey(k) === key);
      // Same DFT setup as the binding-energy labels: no further uncertainty is added for it.
      this.formationByFormula.set(filmFormula, hit && hit[1].length === 1 ? { value: hit[1][0], sigma: 0, source: `training film ${hit[0]} (Hetero2d record)` } : undefined);
    }
    const f = this.formationByFormula.get(filmFormula);
    return f && { ...f };
  }
  private formationByFormula = new Map<string, FormationEnergy | undefined>();

  private estimate(target: 'ebind' | 'zsep', members: Float32Array, f: Features, knownFilm: boolean): Estimate {
    const t = this.manifest.targets[target];
    let mean = 0;
    for (const v of members) mean += v;
    mean /= members.length;
    let v2 = 0;
    for (const v of members) v2 += (v - mean) ** 2;
    const add = t.addFeature ? f.values[this.manifest.features.indexOf(t.addFeature)] : 0;
    return {
      value: mean + add,
      sigma: sigmaOf(Math.sqrt(v2 / members.length), t, knownFilm),
      sigmaCalibration: knownFilm ? 'films like the training films (leave-one-substrate-out)' : 'new films (leave-one-film-out)',
      unit: t.unit,
      accuracy: { leaveOneFilmOutRmse: t.heldOut.leaveOneFilmOut.rmse, leaveOneSubstrateOutRmse: t.heldOut.leaveOneSubstrateOut.rmse, random5FoldRmse: t.heldOut.random5Fold.rmse },
    };
  }

  /** Why an input lies outside what the models were trained on (empty when it does not). */
  domainWarnings(f: Features): string[] {
    const w: string[] = [];
    const tr = this.manifest.training;
    const newSub = f.substrateElements.filter((e) => !tr.substrates.includes(e));
    if (newSub.length) w.push(`substrate element${newSub.length > 1 ? 's' : ''} ${newSub.join(', ')} not in the training data (${tr.substrates.length} metals)`);
    const newFilm = f.filmElements.filter((e) => !tr.filmElements.includes(e));
    if (newFilm.length) w.push(`film element${newFilm.length > 1 ? 's' : ''} ${newFilm.join(', ')} not in the training films (${tr.filmElements.join(', ')})`);
    if (f.missing.length) w.push(`property table lacks ${f.missing.join(', ')}`);
    this.manifest.features.forEach((name, j) => {
      const v = f.values[j], lo = tr.featureMin[j], hi = tr.featureMax[j];
      if (lo === null || hi === null || Number.isNaN(v)) return;
      const pad = 0.05 * (hi - lo);
      if (v < lo - pad || v > hi + pad) w.push(`${name} = ${+v.toPrecision(4)} outside the training range [${+lo.toPrecision(4)}, ${+hi.toPrecision(4)}]`);
    });
    return w;
  }

  async release(): Promise<void> {
    await this.sessions.ebind.release?.();
    await this.sessions.zsep.release?.();
  }
}
