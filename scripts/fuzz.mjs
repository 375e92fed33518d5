#!/usr/bin/env node
// npm run fuzz [-- --inputs N --seed S]: the full fuzz run over every reader (test/io/fuzz-harness.ts), bundled
// with esbuild and run in this Node. Prints inputs/s and totals; writes each bug's input to
// bench-results/fuzz-bugs/ (to become a regression fixture) and exits 1 when there is any.
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const inputs = arg('--inputs', 100_000);
const seed = arg('--seed', 20261201);
mkdirSync('bench-results', { recursive: true });
const outfile = 'bench-results/fuzz-harness.mjs';
await build({ entryPoints: ['scripts/fuzz-entry.ts'], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', external: ['@spglib/moyo-wasm'], logLevel: 'warning' });
const { runFuzz } = await import(pathToFileURL(outfile).href);
const mem0 = process.memoryUsage().rss;
const report = await runFuzz(inputs, seed, (done, r) => {
  const rss = (process.memoryUsage().rss / 2 ** 20).toFixed(0);
  console.log(`  ${done} inputs, ${r.bugs.length} bug(s), rss ${rss} MiB`);
});
const mem1 = process.memoryUsage().rss;
console.log(`fuzz (seed ${seed}): ${report.inputs} inputs in ${report.seconds.toFixed(1)} s (${(report.inputs / report.seconds).toFixed(0)} inputs/s); ${report.parsed} read, ${report.rejected} rejected, ${report.harmlessChecked} harmless edits compared`);
console.log(`slowest input: ${report.slowest.seconds.toFixed(3)} s (${report.slowest.format}, ${report.slowest.bytes} bytes); rss ${(mem0 / 2 ** 20).toFixed(0)} → ${(mem1 / 2 ** 20).toFixed(0)} MiB`);
console.log(`rejection codes: ${JSON.stringify(report.codes)}`);
if (report.bugs.length) {
  mkdirSync('bench-results/fuzz-bugs', { recursive: true });
  const kinds = {};
  for (const [k, b] of report.bugs.entries()) {
    kinds[b.kind] = (kinds[b.kind] ?? 0) + 1;
    if (k < 200) writeFileSync(`bench-results/fuzz-bugs/${String(k).padStart(3, '0')}-${b.kind}-${b.name}`, b.input, 'latin1');
  }
  console.log(`BUGS: ${report.bugs.length} ${JSON.stringify(kinds)}`);
  for (const b of report.bugs.slice(0, 15)) console.log(`  ${b.kind} ${b.format} ${b.name}: ${b.detail.split('\n')[0]}`);
  process.exit(1);
}
console.log('no bugs found');
