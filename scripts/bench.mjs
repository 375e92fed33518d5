#!/usr/bin/env node
// npm run bench: builds each benchmark entry with esbuild and runs it; Python references run from .venv.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { build } from 'esbuild';

execFileSync('bash', ['scripts/setup-python.sh'], { stdio: 'inherit' });
mkdirSync('bench-results', { recursive: true });
const only = process.argv[2];
// One benchmark per line (names filter with `npm run bench -- NAME`).
const entries = [
  'scripts/bench/io-bench.ts',
  'scripts/bench/geometry-bench.ts',
  'scripts/bench/match-work-bench.ts',
  'scripts/bench/refuse-bench.ts',
  'scripts/bench/ff-bench.ts',
  'scripts/bench/ff-gpu-bench.ts',
  'scripts/bench/ml-bench.ts',
  'scripts/bench/browser-bench.mjs',
  'scripts/bench/ff-browser.mjs',
  'scripts/bench/screen-bench.ts',
  'scripts/bench/screen-prior-bench.ts',
  'scripts/bench/screen-browser.mjs',
].filter((e) => !only || e.includes(only));
for (const entry of entries) {
  if (entry.endsWith('.mjs')) {
    // Browser benchmarks drive the production build in headless Chromium.
    execFileSync(process.execPath, [entry, ...process.argv.slice(3)], { stdio: 'inherit' });
    continue;
  }
  const outfile = `bench-results/${entry.split('/').pop().replace(/\.ts$/, '.mjs')}`;
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', external: ['@spglib/moyo-wasm', 'webgpu', 'onnxruntime-web', 'onnxruntime-node'], logLevel: 'warning' });
  // Arguments after the name reach the benchmark (`npm run bench -- screen-bench --large`).
  execFileSync(process.execPath, ['--expose-gc', outfile, ...process.argv.slice(3)], { stdio: 'inherit' });
}
