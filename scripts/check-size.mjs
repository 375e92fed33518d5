#!/usr/bin/env node
// Size budgets for the production build (gzip sizes, as a first load transfers them). Fails when one is exceeded.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGETS = [
  [/^index-.*\.js$/, 220_000, 'main-thread JS (three.js, UI)'],
  // The worker now also carries the interface service, the screen runner, the tabulated force field, six writers
  // and the hardened readers (94 KB gz measured at that change). 2026-12-02: 110.4 KB gz, of which the model
  // card's markdown (bundled so the card is there offline) is 6.9 KB and grew with the nested tables; 120 KB
  // leaves room without hiding a jump.
  [/^compute\.worker-.*\.js$/, 120_000, 'compute worker JS'],
  [/^heterolab-.*\.wasm$/, 200_000, 'heterolab geometry wasm'],
  [/^moyo_wasm_bg-.*\.wasm$/, 320_000, 'moyo space-group wasm (loaded only for symbol-only CIFs)'],
  [/\.css$/, 20_000, 'styles'],
];
const dir = 'dist/assets';
let failed = 0;
const rows = [];
for (const f of readdirSync(dir)) {
  const raw = readFileSync(`${dir}/${f}`);
  const gz = gzipSync(raw, { level: 9 }).length;
  const b = BUDGETS.find(([re]) => re.test(f));
  const ok = !b || gz <= b[1];
  if (!ok) failed++;
  rows.push(`${ok ? 'ok  ' : 'OVER'} ${f.padEnd(36)} ${String(raw.length).padStart(9)} B  gz ${String(gz).padStart(8)} B${b ? `  budget ${b[1]} (${b[2]})` : ''}`);
}
console.error(rows.join('\n'));
if (failed) {
  console.error(`size check: ${failed} file(s) over budget`);
  process.exit(1);
}
console.error('size check: ok');
