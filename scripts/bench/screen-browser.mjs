// The study's screen in headless Chromium (issue 14): every Janus layer (both faces) × every library metal ×
// 3 facets with Hetero2d's limits on a pool of workers (one per core), timed from Run to done on the production
// build. The in-process (CLI) run of the same screen is scripts/bench/screen-bench.ts.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { launch, startPreview } from '../../test/e2e/harness.mjs';

if (!existsSync('dist/screen.html')) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
const server = await startPreview(Number(process.env.E2E_PORT ?? 4179));
const browser = await launch();
try {
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await page.goto(server.url + 'screen.html');
  const t0 = Date.now();
  await page.click('#run');
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('done'), null, { timeout: 3_600_000, polling: 1000 });
  const s = (Date.now() - t0) / 1000;
  const r = await page.evaluate(() => ({ n: window.heterolabScreen.rows().length, built: window.heterolabScreen.rows().filter((x) => !x.error).length, workers: document.getElementById('workers').value, stages: window.heterolabScreen.stages() }));
  console.log('\nscreen in Chromium (production build, Janus library × all metals × 3 facets, Hetero2d limits)');
  console.log('| pairs | with a cell | workers | Run → done s | target |');
  console.log(`| ${r.n} | ${r.built} | ${r.workers} | ${s.toFixed(1)} | < 60 s |`);
  // Wall seconds inside the workers, summed over them (so up to workers × Run → done).
  const st = (k) => (r.stages[k] ?? NaN).toFixed(1);
  console.log('\nper stage, worker wall seconds summed over the workers');
  console.log('| match s | build s | force field s | prediction s |');
  console.log(`| ${st('match')} | ${st('build')} | ${st('forceField')} | ${st('prediction')} |`);
} finally {
  await browser.close();
  server.stop();
}
