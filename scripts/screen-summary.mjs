#!/usr/bin/env node
// Summary of a screen's rows (JSON from `heterolab screen --json`), next to the study's figures:
//   node scripts/screen-summary.mjs screen.json
// Pairs with a coincident cell, predicted stable, E_bind and z distributions, and substrates ranked by their
// mean predicted binding. The study (51 Janus layers × 19 metals): 1,147 heterostructures, 828 stable.
import { readFileSync } from 'node:fs';

const rows = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const built = rows.filter((r) => !r.error);
const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
};
const stats = (xs) => `median ${q(xs, 0.5).toFixed(3)}, 10–90 % ${q(xs, 0.1).toFixed(3)}–${q(xs, 0.9).toFixed(3)}, min ${q(xs, 0).toFixed(3)}, max ${q(xs, 1).toFixed(3)}`;
const count = (f) => built.filter(f).length;
console.log(`pairs screened: ${rows.length} (${new Set(rows.map((r) => r.film)).size} films, ${new Set(rows.map((r) => r.substrate)).size} substrates, facets ${[...new Set(rows.map((r) => r.hkl))].join(', ')}, both faces of Janus layers)`);
console.log(`with a coincident cell within the limits: ${built.length}   (study: 1,147 of 51 × 19)`);
console.log(`predicted stable (E_bind − E_form > 2σ): ${count((r) => r.stable === 'stable')}, undecided ${count((r) => r.stable === 'undecided')}, unstable ${count((r) => r.stable === 'unstable')}, no formation energy ${count((r) => r.stable === null)}   (study: 828 stable)`);
console.log(`E_bind > E_form at the point estimate: ${count((r) => r.formationEnergy !== null && r.mlBindingEnergy > r.formationEnergy)}`);
console.log(`ML E_bind (eV/atom): ${stats(built.map((r) => r.mlBindingEnergy))}`);
console.log(`ML z-separation (Å): ${stats(built.map((r) => r.mlZSeparation))}`);
console.log(`FF E_bind (eV/atom): ${stats(built.map((r) => r.ffBindingEnergy))}; FF z (Å): ${stats(built.map((r) => r.ffZSeparation))}`);
const by = new Map();
for (const r of built) by.set(r.substrate, [...(by.get(r.substrate) ?? []), r.mlBindingEnergy]);
const rank = [...by].map(([s, v]) => [s, v.reduce((a, b) => a + b, 0) / v.length, v.length]).sort((a, b) => b[1] - a[1]);
console.log('substrates by mean predicted E_bind (eV/atom, pairs): ' + rank.map(([s, m, n]) => `${s} ${m.toFixed(3)} (${n})`).join(', '));
