// End-to-end spec for issue 16: the app's model card is models/MODEL_CARD.md (same numbers) and shows the
// learning-curve plot from the app's own origin.
import { readFileSync } from 'node:fs';
import { assert } from './harness.mjs';

export function modelCardSpecs() {
  return [
    ['model card: the same text as models/MODEL_CARD.md, the learning curve drawn from the same origin', async ({ page, url, shot }) => {
      await page.goto(url + '?backend=cpu');
      await page.waitForSelector('#empty:not([hidden])');
      await page.click('#example-interface');
      await page.waitForSelector('#model-card', { state: 'visible', timeout: 120_000 });
      await page.click('#model-card');
      await page.waitForSelector('#card-dialog[open] img.card-image', { state: 'attached' });
      const img = await page.evaluate(async () => {
        const i = document.querySelector('#card-dialog img.card-image');
        await i.decode();
        return { w: i.naturalWidth, src: i.src, origin: location.origin };
      });
      assert(img.w > 100 && img.src.startsWith(img.origin + '/'), `learning curve loaded from the same origin: ${JSON.stringify(img)}`);
      // Every table row of the card file is in the dialog (same numbers).
      const shown = (await page.textContent('#card-text')).replace(/\s+/g, ' ');
      const rows = readFileSync('models/MODEL_CARD.md', 'utf8').split('\n').filter((l) => /^\| [^-]/.test(l));
      const cells = rows.flatMap((r) => r.slice(1, -1).split('|').map((c) => c.trim().replace(/\*\*|`/g, ''))).filter((c) => /^-?\d+\.\d+$/.test(c));
      const missing = cells.filter((c) => !shown.includes(c));
      assert(cells.length > 50 && missing.length === 0, `${cells.length} numbers of MODEL_CARD.md's tables, missing in the app: ${missing.slice(0, 10).join(', ')}`);
      await page.evaluate(() => document.querySelector('#card-dialog img.card-image').scrollIntoView());
      await shot('model-card-learning-curve');
    }],
  ];
}
