// Drives the in-app benchmark page (bench.html) in headless Chromium and prints its table.
// Usage: node scripts/bench/ff-browser.mjs [sizes, default 200,2000]   (needs `npm run build` first)
// FF_GRID=N sets the registry grid (N×N; the page's default otherwise): SwiftShader runs big exact scans for minutes.
import { launch, startPreview } from '../../test/e2e/harness.mjs';

const sizes = process.argv[2] ?? '200,2000';
const server = await startPreview(Number(process.env.E2E_PORT ?? 4175));
const browser = await launch();
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${server.url}bench.html?auto=${sizes}${process.env.FF_GRID ? `&grid=${Number(process.env.FF_GRID)}` : ''}`);
  await page.waitForFunction(() => window.benchResult || window.benchError, null, { timeout: 20 * 60_000 });
  const err = await page.evaluate(() => window.benchError);
  if (err) throw new Error(err);
  console.log(await page.textContent('#text'));
} finally {
  await browser.close();
  server.stop();
}
