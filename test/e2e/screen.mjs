// The screen page (issue 14 §2): a small library screen on a pool of workers, progress to 100 %, the table,
// heat map and CSV export, cancel keeps partial results, a reload shows them and Run resumes, and a heat-map
// click hands the pair to the workbench.
import { readFileSync } from 'node:fs';
import { assert } from './harness.mjs';

async function choose(page) {
  await page.fill('#film-filter', 'MoSSe');
  await page.evaluate(() => {
    for (const c of document.querySelectorAll('#metals input')) c.checked = ['Au', 'Cu', 'Ag'].includes(c.value);
    for (const c of document.querySelectorAll('.facet')) c.checked = c.value === '111';
  });
  await page.fill('#max-strain', '3');
  await page.fill('#workers', '2');
}

export function screenSpecs() {
  return [
    ['screen page: MoSSe (both faces) on Au, Cu, Ag(111) on 2 workers: progress, table, heat map, CSV, cancel and resume, open in the workbench', async ({ page, url, shot }) => {
      await page.goto(url + 'screen.html');
      await choose(page);
      await page.click('#run');
      await page.waitForFunction(() => document.getElementById('status').textContent.includes('done'), null, { timeout: 180_000 });
      const rows = await page.evaluate(() => window.heterolabScreen.rows());
      const total = await page.evaluate(() => window.heterolabScreen.total());
      // MoSSe-1H and -1T in the library, two faces each, three metals, one facet.
      assert(total === rows.length && total >= 6 && total % 6 === 0, `all pairs ran: ${rows.length} of ${total}`);
      assert(rows.every((r) => ['S', 'Se'].includes(r.face) && r.hkl === '111'), `faces by element: ${[...new Set(rows.map((r) => r.face))]}`);
      assert(rows.some((r) => r.mlBindingEnergy !== null && r.mlBindingEnergySigma > 0), 'estimates with σ');
      assert((await page.getAttribute('#progress', 'value')) === '1', 'progress at 100 %');
      // The workers' stage seconds reach the page (npm run bench -- screen-browser prints them).
      const stages = await page.evaluate(() => window.heterolabScreen.stages());
      assert(['match', 'build', 'forceField', 'prediction'].every((k) => stages[k] > 0), `stage times ${JSON.stringify(stages)}`);
      const cells = await page.locator('#rows tbody tr').count();
      assert(cells === rows.length, `table rows ${cells}`);
      await shot('screen-01-done');
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
      const csv = readFileSync(await dl.path(), 'utf8').trim().split('\n');
      assert(csv[0].startsWith('index,film,face') && csv.length === rows.length + 1, `CSV: ${csv.length} lines`);

      // Cancel part-way through a larger screen: partial rows are kept in the session (IndexedDB), and after a
      // reload they are back with the form, and Resume runs only the missing pairs.
      await page.evaluate(() => { for (const c of document.querySelectorAll('.facet')) c.checked = true; });
      await page.click('#run');
      // Cancel once the new screen (three times the pairs) has started and finished a few of them.
      await page.waitForFunction((n) => window.heterolabScreen.total() === n && window.heterolabScreen.rows().length >= 2, 3 * total, { timeout: 120_000 });
      await page.click('#cancel');
      await page.waitForFunction(() => document.getElementById('status').textContent.includes('Cancelled'), null, { timeout: 30_000 });
      const kept = await page.evaluate(() => window.heterolabScreen.rows().map((r) => JSON.stringify(r)).sort());
      assert(kept.length < 3 * total, `cancelled part-way: ${kept.length} of ${3 * total}`);
      const stored = await page.evaluate(() => new Promise((done, fail) => {
        const q = indexedDB.open('heterolab');
        q.onerror = () => fail(q.error);
        q.onsuccess = () => { const g = q.result.transaction('sessions').objectStore('sessions').get('session-screen'); g.onsuccess = () => { done({ rows: g.result?.screen?.rows?.length, total: g.result?.screen?.total }); q.result.close(); }; };
      }));
      assert(stored.rows === kept.length && stored.total === 3 * total, `the session in IndexedDB holds the rows: ${JSON.stringify(stored)} (cancelled at ${kept.length})`);
      assert(await page.evaluate(() => localStorage.getItem('heterolab.screen') === null), 'nothing kept in localStorage');
      await page.reload();
      await page.waitForFunction(() => document.getElementById('status').textContent.includes('from an earlier run'));
      const back = await page.evaluate(() => ({ rows: window.heterolabScreen.rows().map((r) => JSON.stringify(r)).sort(), total: window.heterolabScreen.total(), facets: [...document.querySelectorAll('.facet:checked')].length, filter: document.getElementById('film-filter').value, resume: !document.getElementById('resume').hidden, status: document.getElementById('status').textContent, table: document.querySelectorAll('#rows tbody tr').length }));
      assert(back.rows.join() === kept.join() && back.total === 3 * total && back.table === kept.length, `rows back after reload: ${back.rows.length} (table ${back.table}) of ${back.total} (cancelled at ${kept.length})`);
      assert(back.facets === 3 && back.filter === 'MoSSe' && back.resume, `form restored, Resume offered: ${JSON.stringify({ facets: back.facets, filter: back.filter, resume: back.resume, status: back.status })}`);
      await shot('screen-02-restored');
      await page.fill('#workers', '2');
      await page.click('#resume');
      await page.waitForFunction(() => document.getElementById('status').textContent.includes('done'), null, { timeout: 300_000 });
      const resumed = await page.evaluate(() => ({ n: window.heterolabScreen.rows().length, ran: window.heterolabScreen.ran(), rows: window.heterolabScreen.rows().map((r) => JSON.stringify(r)) }));
      assert(resumed.n === 3 * total && resumed.ran === 3 * total - kept.length, `resumed to ${resumed.n} of ${3 * total}, computing ${resumed.ran} pairs (${kept.length} were kept)`);
      assert(kept.every((r) => resumed.rows.includes(r)), 'the kept rows are unchanged');
      await shot('screen-03-resumed');

      // A heat-map click hands the pair to the workbench.
      const box = await page.locator('#heat').boundingBox();
      await page.mouse.click(box.x + 112, box.y + 38);
      await page.waitForURL(/open=screen/);
      await page.waitForFunction(() => window.heterolab?.wb.get().matches?.length && window.heterolab.wb.get().iface, null, { timeout: 120_000 });
      const opened = await page.evaluate(() => ({ files: window.heterolab.store.get().structures.map((e) => e.file), atoms: window.heterolab.wb.get().iface.numbers.length }));
      assert(opened.files.some((f) => f.includes('MoSSe')) && opened.atoms > 0, `opened in the workbench: ${JSON.stringify(opened)}`);
      await shot('screen-04-opened');
    }],
  ];
}

export function librarySpecs() {
  return [
    ['library panel: search, open a Janus layer as film and a metal as substrate, build; download an entry as CIF and read it back', async ({ page, url, shot }) => {
      await page.goto(url + '?backend=cpu');
      await page.waitForSelector('#library-list li');
      await page.fill('#library-search', 'MoSSe');
      await page.waitForFunction(() => [...document.querySelectorAll('#library-list li b')].every((b) => b.textContent.startsWith('MoSSe')));
      await page.click('[data-library-role="MoSSe-1H"]');
      await page.selectOption('#library-family', 'metal');
      await page.fill('#library-search', 'Au');
      await page.click('[data-library-role="Au"]');
      const roles = await page.evaluate(() => { const w = window.heterolab.wb.get(); const name = (id) => window.heterolab.store.get().structures.find((e) => e.structure.id === id)?.file; return [name(w.filmId), name(w.substrateId)]; });
      assert(roles[0] === 'library: MoSSe-1H' && roles[1] === 'library: Au', `roles: ${roles}`);
      await page.click('#find-matches');
      await page.waitForFunction(() => window.heterolab.wb.get().iface && !window.heterolab.wb.get().job, null, { timeout: 120_000 });
      const p = await page.textContent('#p-stable');
      assert(/P\(E_bind > E_form\) = [\d.]+ with E_form [\d.]+ eV\/atom \(library MoSSe-1H/.test(p), `P(stable) with the library's formation energy: ${p}`);
      await shot('library-01-built');
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-library-export="Au:cif"]')]);
      const { readFileSync } = await import('node:fs');
      const cif = readFileSync(await dl.path(), 'utf8');
      const back = await page.evaluate(async (t) => {
        const [r] = await window.heterolab.api.readFiles([{ name: 'Au.cif', bytes: new TextEncoder().encode(t).buffer }]);
        return r.ok ? { n: r.structures[0].numbers.length, a: r.structures[0].cell[0] } : { error: r.issue.message };
      }, cif);
      assert(back.n === 4 && Math.abs(back.a - 4.078) < 0.01, `Au.cif read back: ${JSON.stringify(back)}`);
    }],
  ];
}
