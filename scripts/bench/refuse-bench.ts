// npm run bench -- refuse: how fast the limits refuse what must not run (issue 17): a 1 GB file (sparse, so no disk
// is used) and searches that would build hundreds of thousands to a million atoms, through the CLI in process.
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { installNodePlatform } from '../../src/cli/node-platform';
import { main } from '../../src/cli/main';
import { quiet } from '../../test/io/fuzz-cli';

installNodePlatform();
const dir = mkdtempSync(join(tmpdir(), 'hl-refuse-'));
const big = join(dir, 'big.vasp');
writeFileSync(big, '');
truncateSync(big, 2 ** 30);
const F = 'test/fixtures/structures/';
const cases: [string, string[]][] = [
  ['1 GB POSCAR (info)', ['info', big, '--json']],
  ['MoS2/Au(111), 1,000 layers, max area 5,000 Å² (~700,000 atoms per match)', ['match', F + 'MoS2_monolayer.vasp', F + 'Au_fcc_conventional.vasp', '--layers', '1000', '--max-area', '5000', '--json']],
  ['Au(111) slab of 1,000 layers capped at 500 atoms', ['slab', F + 'Au_fcc_conventional.vasp', '--layers', '1000', '--max-atoms', '500', '--json']],
];
await quiet(() => main(['info', F + 'graphene.vasp'])); // wasm and tables loaded once, as in a running CLI
console.log('what | exit | refused in ms | message');
for (const [what, argv] of cases) {
  const t0 = performance.now();
  const r = await quiet(() => main(argv));
  const ms = performance.now() - t0;
  const msg = (r.out.match(/"message": ?"([^"]*)"/)?.[1] ?? r.err.split('\n')[0]).slice(0, 160);
  console.log(`${what} | ${String(r.value)} | ${ms.toFixed(0)} | ${msg}`);
}
rmSync(dir, { recursive: true, force: true });
