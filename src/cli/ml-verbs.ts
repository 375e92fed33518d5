import { readFileSync } from 'node:fs';
import { useFitParameters, type FitParameters } from '../compute/ff/model';
import type { Structure } from '../core/structure';
import { wasmBackend } from '../compute/ff/wasm-backend';
import { computeFeatures, FEATURE_NAMES, FEATURES_VERSION, interfaceZSeparation } from '../compute/ml/features';
import { forceFieldPrior, PRIOR_PARAMS } from '../compute/ml/prior';
import { FF_MODELS, type FFModel } from '../core/defaults';
import { flagString, UsageError, writeOutput, type Args } from './args';
import { cliService, loadGeometry, noMatch, parseHkl, specFrom } from './geometry-verbs';
import { formula } from '../core/structure';
import { priorId } from '../compute/ml/estimate';
import { Predictor, type Estimate, type ModelManifest } from '../compute/ml/predictor';
import { nodeOrt } from '../compute/ml/ort-node';
import type { FormationEnergy } from '../compute/ml/stability';

type ReadAll = (file: string, initial: boolean) => Promise<Structure[]>;

interface H2dInfo {
  id: string;
  bindingEnergy?: number;
  formationEnergy?: number;
  filmSpaceGroup?: number;
  film?: string;
  substrate?: string;
  surfacePlane?: string;
  alignment?: { u?: number; v?: number };
}

/**
 * features FILE.json... [-o table.csv] | features --names: the training table (or just its feature names). For every Hetero2d/aiHD record: its targets (binding
 * energy from the record, z-separation measured on the final structure) and the features of its initial
 * (unrelaxed) structure, computed by the same code the app uses, with the force-field prior relaxed from there.
 */
export async function featuresVerb(a: Args, readAll: ReadAll): Promise<number> {
  // --model: the prior's force-field model; another than the shipped one only for the trainer's comparison of priors.
  const model = (flagString(a, '--model') ?? PRIOR_PARAMS.model) as FFModel;
  if (!FF_MODELS.includes(model)) throw new UsageError(`--model must be ${FF_MODELS.join(', ')} (got "${model}")`);
  // --fit-params FILE (training pipeline only): the `fit` model refitted without a held-out film (models/prior_folds.py).
  const fitFile = flagString(a, '--fit-params');
  if (fitFile) useFitParameters(JSON.parse(readFileSync(fitFile, 'utf8')) as FitParameters);
  if (a.flags.has('--prior')) {
    // The force-field prior behind the ff_* features: the trainer records it in the manifest and the card.
    process.stdout.write(priorId(model) + '\n');
    return 0;
  }
  if (a.flags.has('--names')) {
    // The app's feature names, one a line: the trainer checks a user's table against them.
    process.stdout.write(FEATURE_NAMES.join('\n') + '\n');
    return 0;
  }
  if (a.positional.length === 0) throw new UsageError('features needs at least one Hetero2d/aiHD JSON file');
  const g = wasmBackend(await loadGeometry());
  const head = ['id', 'film', 'substrate', 'surface_plane', 'E_bind_eV_per_atom', 'z_sep_A', 'E_form_eV_per_atom', 'ff_converged', ...FEATURE_NAMES];
  const lines = [`# heterolab features v${FEATURES_VERSION}`, head.join(',')];
  let n = 0, skipped = 0;
  for (const file of a.positional) {
    const initial = await readAll(file, true);
    const final = await readAll(file, false);
    for (const [k, s0] of initial.entries()) {
      const h = s0.info.hetero2d as H2dInfo | undefined;
      const s1 = final[k];
      if (!h || !s0.arrays.role || !s1?.arrays.role) {
        process.stderr.write(`warning: ${file}: record ${k} has no Hetero2d film/substrate layers; skipped\n`);
        skipped++;
        continue;
      }
      const strain = Math.max(Math.abs(h.alignment?.u ?? NaN), Math.abs(h.alignment?.v ?? NaN));
      const prior = await forceFieldPrior(g, s0, model);
      const f = recordFeatures(s0, strain, prior);
      if (f.missing.length) process.stderr.write(`note: ${h.id}: missing ${f.missing.join(', ')}\n`);
      const cell = (x: unknown) => (typeof x === 'number' ? (Number.isFinite(x) ? String(Number(x.toPrecision(10))) : '') : `"${String(x ?? '').replace(/"/g, '')}"`);
      lines.push([h.id, h.film, h.substrate, h.surfacePlane, h.bindingEnergy, interfaceZSeparation(s1), h.formationEnergy, prior.converged ? 1 : 0, ...f.values].map(cell).join(','));
      n++;
    }
  }
  const out = flagString(a, '-o');
  const text = lines.join('\n') + '\n';
  if (out) writeOutput(out, text);
  else process.stdout.write(text);
  process.stderr.write(`features: ${n} records${skipped ? `, ${skipped} skipped` : ''}\n`);
  return 0;
}

/**
 * The features of a Hetero2d/aiHD record as the training table has them: its initial interface, the match's
 * strain, the prior, and the space group the record gives for its film in the film's own cell. The app computes
 * the same vector from the film's own cell with moyo (test/ml/feature-parity.test.ts checks they agree).
 */
export function recordFeatures(s0: Structure, strain: number, prior: { zSeparation: number; bindingEnergy: number }) {
  const h = s0.info.hetero2d as H2dInfo | undefined;
  return computeFeatures({ structure: s0, strain, ff: prior, filmSpaceGroup: h?.filmSpaceGroup });
}

/** The models shipped beside the CLI bundle (dist-cli/../models), loaded with onnxruntime-web's wasm build. */
export async function loadPredictor(dir: string) {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const ort = await nodeOrt();
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch (e) {
    throw new UsageError(`no models in ${dir} (${(e as Error).message}); run npm run train`);
  }
  return Predictor.create(ort, manifest, async (f) => new Uint8Array(readFileSync(join(dir, f))));
}

/**
 * predict FILM SUBSTRATE_BULK --hkl 1,1,1 [--face top|bottom] [--e-form EV[,SIGMA]] [--json]: builds the best
 * (smallest) coincident supercell, computes the force-field prior and the features, and prints both predictions
 * with σ, the model, its held-out accuracy, the applicability-domain check and P(stable) = P(E_bind > E_form)
 * (E_form from --e-form in eV/atom, else from a training film of the same formula, else not given).
 */
export async function predictVerb(a: Args, read: (f: string) => Promise<Structure>): Promise<number> {
  const formation = parseFormation(a);
  const dir = flagString(a, '--models') ?? new URL('../models/', import.meta.url).pathname;
  let predictor: Predictor | null = null;
  const svc = cliService(async () => (predictor ??= await loadPredictor(dir)));
  // The same interface service, spec and placement flags as `build`, so the app and the CLI agree.
  const sp = await specFrom(a, read, svc);
  if (!sp) {
    return noMatch(a);
  }
  const { c, spec } = sp;
  const m = spec.match;
  // Build and predict directly (not through place): an element the prior's model lacks throws its own error.
  const placed = await svc.build(spec);
  const r = await svc.predict(spec, placed.structure, formation).finally(() => (predictor as Predictor | null)?.release());
  const s = placed.structure, p = c.prepared;
  const r4 = (x: number) => Number(x.toFixed(4));
  const est = (e: Estimate) => ({ value: r4(e.value), sigma: r4(e.sigma), sigmaCalibratedOn: e.sigmaCalibration, unit: e.unit, heldOutRmse: { leaveOneFilmOut: r4(e.accuracy.leaveOneFilmOutRmse), leaveOneSubstrateOut: r4(e.accuracy.leaveOneSubstrateOutRmse), random5Fold: r4(e.accuracy.random5FoldRmse) } });
  const out = {
    film: formula(p.film.structure.numbers),
    substrate: formula(p.slab.structure.numbers),
    hkl: parseHkl(a),
    face: r.features.face,
    match: { area: r4(m.area), atoms: s.numbers.length, strainPct: m.principalStrains.map((x) => r4(x * 100)), twistDeg: r4((m.twist * 180) / Math.PI) },
    placement: spec.placement,
    bindingEnergy: est(r.bindingEnergy),
    zSeparation: est(r.zSeparation),
    model: r.model,
    inDomain: r.inDomain,
    warnings: r.warnings,
    buildWarnings: [...c.warnings, ...placed.warnings],
    domain: r.domain && { distance: r4(r.domain.distance), percentile: r4(r.domain.percentile), percentileNewFilm: r.domain.percentileNewFilm === null ? null : r4(r.domain.percentileNewFilm), threshold: r4(r.domain.threshold), inDomain: r.domain.inDomain },
    stable: r.stable,
    pStable: r.pStable === null ? null : r4(r.pStable),
    formationEnergy: r.stability && { value: r4(r.stability.formationEnergy.value), sigma: r4(r.stability.formationEnergy.sigma), source: r.stability.formationEnergy.source },
    forceField: { model: r.forceField.model, zSeparation: r4(r.forceField.zSeparation), bindingEnergy: r4(r.forceField.bindingEnergy), backend: r.forceField.backend },
  };
  if (a.flags.has('--json')) process.stdout.write(JSON.stringify(out, null, 1) + '\n');
  else {
    process.stdout.write(
      `${out.film} on ${out.substrate}(${out.hkl.join('')}), face ${out.face.join('')}: ${out.match.atoms} atoms, area ${out.match.area} Å², strain ${out.match.strainPct.join(' / ')} %\n` +
        `binding energy ${out.bindingEnergy.value} ± ${out.bindingEnergy.sigma} eV/atom (held-out RMSE on new films ${out.bindingEnergy.heldOutRmse.leaveOneFilmOut})\n` +
        `z-separation   ${out.zSeparation.value} ± ${out.zSeparation.sigma} Å (held-out RMSE on new films ${out.zSeparation.heldOutRmse.leaveOneFilmOut})\n` +
        (out.pStable === null ? 'P(stable): give the film\'s formation energy with --e-form EV[,SIGMA]\n' : `P(stable) = P(E_bind > E_form = ${out.formationEnergy!.value} eV/atom) = ${out.pStable} (${out.formationEnergy!.source})\n`) +
        `model ${out.model.name} ${out.model.version}; force field (${out.forceField.model}): z ${out.forceField.zSeparation} Å, E_bind ${out.forceField.bindingEnergy} eV/atom\n`,
    );
    for (const w of out.warnings) process.stderr.write(`warning: outside the training domain: ${w}\n`);
    for (const w of placed.warnings) process.stderr.write(`warning: ${w}\n`);
  }
  return 0;
}

/** --e-form EV[,SIGMA]: the film's formation energy and its uncertainty (eV/atom; σ defaults to 0). */
function parseFormation(a: Args): FormationEnergy | undefined {
  const v = flagString(a, '--e-form');
  if (v === undefined) return undefined;
  const [x, sd = '0'] = v.split(',');
  const value = Number(x), sigma = Number(sd);
  if (!Number.isFinite(value) || !Number.isFinite(sigma) || sigma < 0) throw new UsageError(`--e-form needs EV or EV,SIGMA in eV/atom (σ ≥ 0), got ${v}`);
  return { value, sigma, source: '--e-form' };
}
