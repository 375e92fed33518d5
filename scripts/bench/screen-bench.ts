// Screen benchmarks (issue 14): the study's screen (every Janus layer, both faces, × every library metal × 3
// facets, Hetero2d's limits) through the same service the CLI uses, with per-stage times and peak memory; and
// scaling: pairs (films × substrates from generated variants of library entries: lattice constants scaled by
// up to ±4 %) and max area. The browser run of the same screen is scripts/bench/screen-browser.mjs.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { HeterolabWasm } from '../../src/compute/geometry/wasm';
import { InterfaceService } from '../../src/compute/interface/service';
import { Predictor, type ModelManifest, type OrtLike } from '../../src/compute/ml/predictor';
import { janusOf, newStageTimes, poolOrder, runJob, SCREEN_DEFAULTS, screenJobs, type ScreenDefinition, type ScreenFilm, type ScreenRow } from '../../src/compute/screen/screen';
import { SearchCache } from '../../src/compute/screen/search-cache';
import { libraryStructure, listLibrary } from '../../src/core/library/library';
import { makeStructure, type Structure } from '../../src/core/structure';
import { conventionalStandardCell } from '../../src/io/space-groups';
import { installNodePlatform } from '../../src/cli/node-platform';

installNodePlatform();
const geometry = HeterolabWasm.fromBytes(readFileSync('src/compute/geometry/build/heterolab.wasm'));
const ort = await import('onnxruntime-web');
ort.env.wasm.numThreads = 1;
const manifest = JSON.parse(readFileSync('models/manifest.json', 'utf8')) as ModelManifest;
const predictor = Predictor.create(ort as unknown as OrtLike, manifest, async (f) => new Uint8Array(readFileSync(`models/${f}`)));
let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));

/** The same structure with its in-plane lattice (and positions) scaled by f: a generated variant. */
function scaled(s: Structure, f: number, bulk: boolean): Structure {
  const m = bulk ? [f, f, f] : [f, f, 1];
  return makeStructure({ numbers: s.numbers, positions: s.positions.map((x, i) => x * m[i % 3]), cell: s.cell.map((x, i) => x * m[i % 3]), pbc: s.pbc, info: { ...s.info } });
}

/** CPU seconds (user + system) of this process: stage times that other jobs on the machine do not inflate. */
const cpuSeconds = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

async function runScreen(def: ScreenDefinition) {
  const svc = new InterfaceService({ geometry, standardCell: conventionalStandardCell, predictor: () => predictor });
  const janus = await Promise.all(def.films.map((f) => janusOf(svc, f)));
  const jobs = screenJobs(def, (f) => janus[def.films.indexOf(f)]);
  const times = newStageTimes();
  const searches = new SearchCache(); // per run: a later run must not reuse an earlier run's searches
  const t0 = performance.now(), c0 = process.cpuUsage();
  let built = 0, stable = 0;
  const rows: ScreenRow[] = [];
  for (const j of poolOrder(jobs)) {
    const r = await runJob(svc, def, j, times, searches, cpuSeconds);
    rows.push(r);
    if (j.index % 20 === 0) sample();
    if (!r.error) built++;
    if (r.stable === 'stable') stable++;
  }
  const c = process.cpuUsage(c0);
  // CPU seconds of this process: on a machine shared with other jobs the wall time says more about them.
  return { jobs: jobs.length, built, stable, s: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, times, rows: rows.sort((a, b) => a.index - b.index) };
}

const models = `${manifest.name} ${manifest.version}`;
/** Lattice scale of the k-th generated entry: the library itself first (1), then 0.99, 1.01, 0.98, 1.02, … (±4 % at most). */
const variant = (k: number, n: number) => {
  const v = ((k / n) | 0) % 9;
  return 1 + 0.005 * (v % 2 ? -(v + 1) : v);
};
const films = (n: number): ScreenFilm[] => {
  const lib = listLibrary({ family: 'janus' });
  return Array.from({ length: n }, (_, k) => {
    const e = lib[k % lib.length], f = variant(k, lib.length);
    return { name: `${e.id}×${f.toFixed(3)}`, structure: scaled(libraryStructure(e), f, false), formationEnergy: e.formationEnergy };
  });
};
const metals = (n: number) => {
  const lib = listLibrary({ family: 'metal' });
  return Array.from({ length: n }, (_, k) => {
    const e = lib[k % lib.length], f = variant(k, lib.length);
    return { name: `${e.id}×${f.toFixed(3)}`, structure: scaled(libraryStructure(e), f, true) };
  });
};
const limits = { maxArea: SCREEN_DEFAULTS.maxArea, maxStrain: SCREEN_DEFAULTS.maxStrain, maxAngle: SCREEN_DEFAULTS.maxAngle, criterion: SCREEN_DEFAULTS.criterion };

const scalingOnly = process.argv.includes('--scaling-only');
const full = scalingOnly ? null : await runScreen({ films: films(listLibrary({ family: 'janus' }).length), substrates: metals(listLibrary({ family: 'metal' }).length), facets: SCREEN_DEFAULTS.facets, limits, models });
if (full) {
  const t = full.times;
  // --rows FILE keeps the full screen's rows, to compare two versions row by row.
  if (process.argv.includes('--rows')) writeFileSync(process.argv[process.argv.indexOf('--rows') + 1], JSON.stringify(full.rows));
console.log('\nscreen: every Janus layer (both faces) × every library metal × (111), (110), (100), Hetero2d limits (in-process, as the CLI)');
console.log('(stage times and CPU s are this process\'s user + system CPU seconds, which other jobs on the machine do not inflate; total s is wall)');
console.log(`| pairs | with a cell | predicted stable | total s | CPU s | match CPU s | build CPU s | force field CPU s | prediction CPU s | peak RSS MB |`);
console.log(`| ${full.jobs} | ${full.built} | ${full.stable} | ${full.s.toFixed(1)} | ${full.cpu.toFixed(1)} | ${t.match.toFixed(1)} | ${t.build.toFixed(1)} | ${t.forceField.toFixed(1)} | ${t.prediction.toFixed(1)} | ${(peak / 2 ** 20).toFixed(0)} |`);

}
if (process.argv.includes('--full-only')) process.exit(0);
const quick = process.argv.includes('--quick');
console.log('\nscaling with the number of pairs (generated variants, facet (111) only)');
console.log('| films × substrates | pairs (with faces) | with a cell | s | CPU s | CPU ms per pair | peak RSS MB |');
// --large adds the 500 films × 50 substrates (50,000 pairs); --sizes 25x10,100x50 picks the sizes.
const sizesArg = process.argv[process.argv.indexOf('--sizes') + 1];
const sizes = process.argv.includes('--sizes') ? sizesArg.split(',').filter((x) => x !== 'none').map((x) => x.split('x').map(Number)) : quick ? [[20, 5], [40, 10]] : [[25, 10], [50, 20], [100, 25], ...(process.argv.includes('--large') ? [[500, 50]] : [])];
for (const [nf, ns] of sizes) {
  peak = 0;
  const r = await runScreen({ films: films(nf), substrates: metals(ns), facets: [[1, 1, 1]], limits, models });
  console.log(`| ${nf} × ${ns} | ${r.jobs} | ${r.built} | ${r.s.toFixed(1)} | ${r.cpu.toFixed(1)} | ${((1000 * r.cpu) / r.jobs).toFixed(1)} | ${(peak / 2 ** 20).toFixed(0)} |`);
}
console.log('\nscaling with max area (25 films × 10 substrates, (111))');
console.log('| max area Å² | pairs | with a cell | s | CPU s | CPU ms per pair |');
for (const maxArea of [100, 200, 400]) {
  const r = await runScreen({ films: films(25), substrates: metals(10), facets: [[1, 1, 1]], limits: { ...limits, maxArea }, models });
  console.log(`| ${maxArea} | ${r.jobs} | ${r.built} | ${r.s.toFixed(1)} | ${r.cpu.toFixed(1)} | ${((1000 * r.cpu) / r.jobs).toFixed(1)} |`);
}
