// `npm run soak` (issue 17): 1,000 mixed browser actions on the production build (run `npx vite build`
// first), with JS heap, wasm memory and GPU buffers sampled every 100 actions; fails when they grow or an
// error appears. SOAK_ACTIONS, SOAK_SEED, SOAK_BACKEND (webgpu | wasm | cpu) and E2E_PORT change the run.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, startPreview } from '../test/e2e/harness.mjs';
import { assertFlat, meterWorker, soak } from '../test/e2e/soak.mjs';

if (!existsSync('dist/index.html')) {
  console.error('soak: dist/ is missing; run `npx vite build` first');
  process.exit(1);
}
const n = Number(process.env.SOAK_ACTIONS ?? 1000), seed = Number(process.env.SOAK_SEED ?? 1), backend = process.env.SOAK_BACKEND ?? 'webgpu';
const server = await startPreview(Number(process.env.E2E_PORT ?? 4174));
// --expose-gc lets the worker collect before its GPU buffers are counted (buffers dropped without destroy()).
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'], headless: true });
let code = 0;
try {
  // No service worker: a worker script served from its cache would bypass the meter (route) after a reload.
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' })).newPage();
  await meterWorker(page);
  console.log(`soak: ${n} actions, seed ${seed}, ?backend=${backend}`);
  console.log('| after action | page JS heap (MB) | wasm memory (MiB) | GPU buffers | GPU MiB | s |');
  const r = await soak(page, `${server.url}?backend=${backend}`, { n, seed, log: (s) => console.log(`| ${s.at} | ${s.heapMB} | ${s.wasmMB} | ${s.gpuBuffers} | ${s.gpuMB} | ${s.seconds ?? 0} |`) });
  console.log(`actions: ${Object.entries(r.counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const ff = await page.evaluate(() => window.heterolab.wb.get().live.ff?.backend ?? 'none');
  console.log(`force field ran on: ${ff}; problems: ${r.problems.length}`);
  for (const p of r.problems.slice(0, 20)) console.log(`  ${p}`);
  try {
    assertFlat(r);
    console.log('soak: flat, no errors');
  } catch (e) {
    console.log(`soak: FAILED ${e.message}`);
    code = 1;
  }
} finally {
  await browser.close();
  server.stop();
}
process.exit(code);
