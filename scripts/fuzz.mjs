#!/usr/bin/env node
// npm run fuzz [-- --inputs N --cli-inputs M --seed S]: the full fuzz run over every reader
// (test/io/fuzz-harness.ts) and every CLI verb's arguments (test/io/fuzz-cli.ts), bundled with esbuild and run in
// this Node. Prints inputs/s and totals; writes each bug's input to bench-results/fuzz-bugs/ (to become a
// regression fixture) and exits 1 when there is any.
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const inputs = arg('--inputs', 100_000);
const cliInputs = arg('--cli-inputs', 10_000);
const seed = arg('--seed', 20261201);
mkdirSync('bench-results', { recursive: true });
const outfile = 'bench-results/fuzz-harness.mjs';
await build({ entryPoints: ['scripts/fuzz-entry.ts'], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', external: ['@spglib/moyo-wasm', 'onnxruntime-node', 'onnxruntime-web', 'webgpu'], logLevel: 'warning' });
const { runFuzz, runCliFuzz, CLI_SECONDS } = await import(pathToFileURL(outfile).href);
const mem0 = process.memoryUsage().rss;
const report = await runFuzz(inputs, seed, (done, r) => {
  const rss = (process.memoryUsage().rss / 2 ** 20).toFixed(0);
  console.log(`  ${done} inputs, ${r.bugs.length} bug(s), rss ${rss} MiB`);
});
const mem1 = process.memoryUsage().rss;
console.log(`fuzz (seed ${seed}): ${report.inputs} inputs in ${report.seconds.toFixed(1)} s (${(report.inputs / report.seconds).toFixed(0)} inputs/s); ${report.parsed} read, ${report.rejected} rejected, ${report.harmlessChecked} harmless edits compared`);
console.log(`slowest input: ${report.slowest.seconds.toFixed(3)} s (${report.slowest.format}, ${report.slowest.bytes} bytes); rss ${(mem0 / 2 ** 20).toFixed(0)} → ${(mem1 / 2 ** 20).toFixed(0)} MiB`);
console.log(`rejection codes: ${JSON.stringify(report.codes)}`);
console.log(`cli fuzz (seed ${seed}): ${cliInputs} argument lists for every verb`);
const cli = await runCliFuzz(cliInputs, seed, (done, r) => done % 2000 === 0 && console.log(`  ${done} calls, ${r.bugs.length} bug(s), rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`));
console.log(`cli fuzz: ${cli.inputs} calls in ${cli.seconds.toFixed(1)} s; exits ${JSON.stringify(cli.exits)}; slowest ${cli.slowest.seconds.toFixed(2)} s (limit ${CLI_SECONDS} s): ${cli.slowest.argv.slice(0, 12).join(' ')}`);
console.log(`calls per verb (ran to exit 0): ${Object.entries(cli.verbs).filter(([, v]) => v.calls > 100).map(([k, v]) => `${k} ${v.calls} (${v.ok})`).join(', ')}`);
console.log(`total: ${report.inputs + cli.inputs} inputs (readers ${report.inputs}, CLI ${cli.inputs}); rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
const bugs = [...report.bugs, ...cli.bugs.map((b) => ({ kind: `cli-${b.kind}`, format: 'argv', name: b.argv[0] || 'argv', detail: b.detail, input: JSON.stringify(b.argv) }))];
if (bugs.length) {
  mkdirSync('bench-results/fuzz-bugs', { recursive: true });
  const kinds = {};
  for (const [k, b] of bugs.entries()) {
    kinds[b.kind] = (kinds[b.kind] ?? 0) + 1;
    if (k < 200) writeFileSync(`bench-results/fuzz-bugs/${String(k).padStart(3, '0')}-${b.kind}-${b.name.replace(/[^\w.-]/g, '_')}`, b.input, 'latin1');
  }
  console.log(`BUGS: ${bugs.length} ${JSON.stringify(kinds)}`);
  for (const b of bugs.slice(0, 15)) console.log(`  ${b.kind} ${b.format} ${b.name}: ${b.detail.split('\n')[0]}`);
  process.exit(1);
}
console.log('no bugs found');
