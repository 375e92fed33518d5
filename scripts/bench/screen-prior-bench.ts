// Profile of the screen's force-field prior (issue 14): a sample of the study's screen pairs (every Janus layer,
// both faces, × every library metal × 3 facets, Hetero2d's limits), each prior computed by the variants below
// on the same canonical interface, with evaluations counted and CPU time measured in this one process.
import { readFileSync } from 'node:fs';
import { HeterolabWasm } from '../../src/compute/geometry/wasm';
import { InterfaceService } from '../../src/compute/interface/service';
import { bestMatch, janusOf, SCREEN_DEFAULTS, screenJobs, type ScreenDefinition } from '../../src/compute/screen/screen';
import { SearchCache } from '../../src/compute/screen/search-cache';
import { libraryStructure, listLibrary } from '../../src/core/library/library';
import { conventionalStandardCell } from '../../src/io/space-groups';
import { installNodePlatform } from '../../src/cli/node-platform';
import { DEFAULTS } from '../../src/core/defaults';
import { wasmBackend } from '../../src/compute/ff/wasm-backend';
import type { FFBackend } from '../../src/compute/ff/ops';
import { forceFieldPrior, PRIOR_PARAMS, PRIOR_START_Z } from '../../src/compute/ml/prior';
import { relaxRigid, shifted, zSeparation } from '../../src/compute/ff/ops';
import { canonicalInterface, systemFromStructure } from '../../src/compute/ff/system';
import type { Structure } from '../../src/core/structure';
import type { MatchParams } from '../../src/compute/geometry/geometry';

installNodePlatform();
const geometry = HeterolabWasm.fromBytes(readFileSync('src/compute/geometry/build/heterolab.wasm'));
const g = await geometry;
const svc = new InterfaceService({ geometry, standardCell: conventionalStandardCell });
const def: ScreenDefinition = {
  films: listLibrary({ family: 'janus' }).map((e) => ({ name: e.id, structure: libraryStructure(e), formationEnergy: e.formationEnergy })),
  substrates: listLibrary({ family: 'metal' }).map((e) => ({ name: e.id, structure: libraryStructure(e) })),
  facets: SCREEN_DEFAULTS.facets,
  limits: { maxArea: 200, maxStrain: 0.01, maxAngle: Math.PI / 180, criterion: 'vectors' },
  models: 'x',
};
const janus = await Promise.all(def.films.map((f) => janusOf(svc, f)));
const jobs = screenJobs(def, (f) => janus[def.films.indexOf(f)]);
const stride = Number(process.argv[process.argv.indexOf('--stride') + 1]) || 20;
const searches = new SearchCache();
const cases: { name: string; s: Structure }[] = [];
for (const j of jobs.filter((j) => j.index % stride === 0)) {
  const film = def.films[j.film], sub = def.substrates[j.substrate];
  const request = { film: film.structure, substrate: sub.structure, options: { hkl: j.hkl, face: j.face, layers: DEFAULTS.slabLayers, vacuum: DEFAULTS.vacuum } };
  const params: MatchParams = { ...def.limits, limit: 50 };
  const { prepared } = await svc.pair(request);
  const found = await searches.search(g, prepared, params);
  if (!found.matches.length) continue;
  const best = bestMatch(found.matches);
  const built = await svc.build({ request, match: best, placement: { zSeparation: DEFAULTS.startZ, shift: [0, 0] } });
  cases.push({ name: `${film.name}/${j.face}/${sub.name}/${j.hkl.join('')}`, s: built.structure });
}
const atoms = cases.map((c) => c.s.numbers.length).sort((a, b) => a - b);
console.log(`${cases.length} pairs with a cell (every ${stride}th job); atoms median ${atoms[atoms.length >> 1]}, max ${atoms[atoms.length - 1]}`);

function counted(b: FFBackend) {
  const n = { ef: 0, shifts: 0, calls: 0 };
  return { n, b: { ...b, energyForces: (s, p) => (n.ef++, b.energyForces(s, p)), energiesForShifts: (s, gr, sh, p) => (n.calls++, (n.shifts += sh.length / 3), b.energiesForShifts(s, gr, sh, p)) } as FFBackend };
}
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1e6; };
type Variant = (b: FFBackend, s: Structure) => Promise<{ zSeparation: number; bindingEnergy: number; converged: boolean }>;
const variants: Record<string, Variant> = {
  // The prior before this change: z-scan over RELAX_BRACKET + golden section, then FIRE to 0.01 eV/Å.
  'old (FIRE, fmax 0.01)': relaxed({ fmax: 0.01, optimizer: 'fire' }),
  'new (forceFieldPrior: BFGS)': (b, s) => forceFieldPrior(b, s),
  // The old algorithm converged 100× tighter: where both should end (test/screen/prior.test.ts).
  'reference (FIRE, fmax 1e-4)': relaxed({ fmax: 1e-4, optimizer: 'fire', maxSteps: 4000 }),
};
function relaxed(o: { fmax: number; optimizer: 'fire' | 'bfgs'; maxSteps?: number }): Variant {
  return async (b, s) => {
    const sys0 = systemFromStructure(canonicalInterface(s));
    const sys = shifted(sys0, 1, 0, 0, PRIOR_START_Z - zSeparation(sys0, 1));
    const r = await relaxRigid(b, sys, PRIOR_PARAMS, { maxSteps: 400, ...o });
    return { zSeparation: r.films[0].zSeparation, bindingEnergy: r.bindingEnergy, converged: r.converged };
  };
}
const out: string[] = [];
const results: Record<string, { z: number; e: number; ok: boolean }[]> = {};
for (const [name, v] of Object.entries(variants)) {
  const { n, b } = counted(wasmBackend(g));
  const c0 = cpu();
  results[name] = [];
  for (const c of cases) {
    const r = await v(b, c.s);
    results[name].push({ z: r.zSeparation, e: r.bindingEnergy, ok: r.converged });
  }
  const t = cpu() - c0;
  results[name].forEach((r, k) => r.ok || console.log(`  not converged: ${cases[k].name} (${cases[k].s.numbers.length} atoms)`));
  const ref = results['old (FIRE, fmax 0.01)'];
  const dz = Math.max(...results[name].map((r, k) => Math.abs(r.z - ref[k].z)));
  const de = Math.max(...results[name].map((r, k) => Math.abs(r.e - ref[k].e)));
  (out as string[]).push(name);
  console.log(`${name}: ${((1000 * t) / cases.length).toFixed(2)} CPU ms/pair; per pair ${(n.ef / cases.length).toFixed(1)} energyForces, ${(n.calls / cases.length).toFixed(1)} shift calls (${(n.shifts / cases.length).toFixed(1)} shifts); not converged ${results[name].filter((r) => !r.ok).length}; vs old: max |Δz| ${dz.toExponential(2)} Å, max |ΔE| ${de.toExponential(2)} eV/atom`);
}
const exact = results['reference (FIRE, fmax 1e-4)'];
for (const name of out) {
  const dz = Math.max(...results[name].map((r, k) => Math.abs(r.z - exact[k].z)));
  const de = Math.max(...results[name].map((r, k) => Math.abs(r.e - exact[k].e)));
  const worst = (d: (k: number) => number) => cases[cases.map((_, k) => k).reduce((m, k) => (d(k) > d(m) ? k : m), 0)].name;
  const off = results[name].filter((r, k) => Math.abs(r.z - exact[k].z) > 1e-3 || Math.abs(r.e - exact[k].e) > 1e-5).length;
  const deeper = results[name].filter((r, k) => r.e > exact[k].e + 1e-5).length;
  console.log(`${name}: ${off} of ${cases.length} pairs beyond 1e-3 Å or 1e-5 eV/atom of the reference (${deeper} of them more bound than it)`);
  console.log(`${name} vs the tight reference: max |Δz| ${dz.toExponential(2)} Å (${worst((k) => Math.abs(results[name][k].z - exact[k].z))}), max |ΔE| ${de.toExponential(2)} eV/atom (${worst((k) => Math.abs(results[name][k].e - exact[k].e))})`);
}
