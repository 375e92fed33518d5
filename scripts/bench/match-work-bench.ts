// npm run bench -- match-work: how long a coincidence search takes per unit of estimated work (candidate
// supercells), the number behind DEFAULT_MAX_WORK in src/compute/geometry/geometry.ts.
import { readFileSync } from 'node:fs';
import { estimateSearch, searchMatches, type Basis2, type MatchParams, type SearchMode } from '../../src/compute/geometry/geometry';
import { HeterolabWasm } from '../../src/compute/geometry/wasm';

const g = await HeterolabWasm.fromBytes(readFileSync('src/compute/geometry/build/heterolab.wasm'));
const hex = (a: number): Basis2 => [[a, 0], [-a / 2, (a * Math.sqrt(3)) / 2]];
const rect = (a: number, b: number): Basis2 => [[a, 0], [0, b]];
const au111 = hex(4.078 / Math.SQRT2);
const cases: [string, Basis2, Basis2, number[], SearchMode][] = [
  ['MoS2/Au(111) all twists', hex(3.19), au111, [200, 700, 1000], { kind: 'all' }],
  ['graphene/Au(111) all twists', hex(2.46), au111, [200, 400, 700], { kind: 'all' }],
  ['phosphorene/Au(111) all twists', rect(3.3, 4.62), au111, [200, 400, 700, 1000], { kind: 'all' }],
  ['MoS2/Au(111) twist 10°', hex(3.19), au111, [500, 1000, 2000, 3000, 4000], { kind: 'twist', twist: (10 * Math.PI) / 180 }],
  ['MoS2/Au(111) scan 0–60° (121)', hex(3.19), au111, [100, 1000, 2000, 4000, 6000], { kind: 'scan', from: 0, to: Math.PI / 3, steps: 121 }],
];
const p: MatchParams = { maxArea: 0, maxStrain: 0.05, maxAngle: Math.PI / 180, maxWork: 1e9, limit: 200 };
console.log('case | max area Å² | estimated work | time s | work/s | matches (total)');
for (const [name, film, sub, areas, mode] of cases) {
  for (const maxArea of areas) {
    const q = { ...p, maxArea };
    const est = estimateSearch(g, film, sub, q, mode);
    if (est.work > 2e9) {
      console.log(`${name} | ${maxArea} | ${est.work.toExponential(2)} | skipped (over 2e9)`);
      continue;
    }
    const t0 = performance.now();
    let r: ReturnType<typeof searchMatches>;
    try {
      r = searchMatches(g, film, sub, q, mode);
    } catch (e) {
      console.log(`${name} | ${maxArea} | ${est.work.toExponential(2)} | ${((performance.now() - t0) / 1000).toFixed(2)} | stopped: ${(e as Error).message}`);
      continue;
    }
    const t = (performance.now() - t0) / 1000;
    const mib = (g.exports.memory.buffer.byteLength / 2 ** 20).toFixed(0);
    console.log(`${name} | ${maxArea} | ${est.work.toExponential(2)} | ${t.toFixed(2)} | ${(est.work / t).toExponential(2)} | ${r.matches.length} (${r.total}); memory ${mib} MiB`);
    if (t > 20) break;
  }
}
