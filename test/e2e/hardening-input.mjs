// Issue 17, privacy and injection: markup in file names, POSCAR titles and species, and in every string field
// of an imported session is shown as text (no element injected, no dialog, no handler run); and a whole session
// (load, match, build, predict, relax, stack, export, save, reload, import, the screen page) requests nothing
// from another origin: every request is recorded and checked here (the harness also fails on foreign ones).
import { readFileSync } from 'node:fs';
import { assert } from './harness.mjs';

const FIX = 'test/fixtures/structures/';
/** Markup that would run or add an element if any of it reached innerHTML. */
const MARK = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b id="inj">b</b>';

/** Drops files given as {name, text} (names a fixture path cannot carry). */
async function drop(page, files) {
  await page.evaluate((items) => {
    const dt = new DataTransfer();
    for (const it of items) dt.items.add(new File([Uint8Array.from(it.text, (c) => c.charCodeAt(0) & 0xff)], it.name));
    const zone = document.getElementById('drop');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
}

/** What markup would have left behind: an element it names, an inline handler, a script that ran. */
const injected = (page) => page.evaluate(() => ({
  xss: window.__xss ?? null,
  inj: document.querySelectorAll('#inj, img[src="x"]').length,
  handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
  scripts: [...document.scripts].filter((s) => !s.src).length,
}));
const clean = (x) => x.xss === null && x.inj === 0 && x.handlers === 0;

const settled = (page) => page.waitForFunction(() => {
  const s = window.heterolab.wb.get();
  return s.iface && !s.live.pending && s.live.ff && (s.live.ml || s.live.mlError);
}, null, { timeout: 120_000 });

/** Every string in a JSON value with the markup appended, except the keys whose value is a fixed word. */
function mark(x, key) {
  if (typeof x === 'string') return ['type', '$typed', 'ffModel', 'face', 'status', 'kind', 'strain'].includes(key) ? x : x + MARK;
  if (Array.isArray(x)) return x.map((v) => mark(v, key));
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, mark(v, k)]));
  return x;
}

export function hardeningInputSpecs() {
  return [
    ['hardening: markup in a file name, a POSCAR title and species, and every string of an imported session is shown as text', async ({ page, url, shot }) => {
      const dialogs = [];
      page.on('dialog', (d) => (dialogs.push(d.message()), d.dismiss()));
      await page.goto(url + '?backend=cpu');
      await page.waitForSelector('#empty:not([hidden])');
      const scripts0 = (await injected(page)).scripts;
      const graphene = readFileSync(FIX + 'graphene.vasp', 'latin1').split('\n');
      const titled = [`MARK ${MARK}`, ...graphene.slice(1)].join('\n');
      const badSpecies = [...graphene.slice(0, 5), `<img src=x onerror="window.__xss=3">`, ...graphene.slice(6)].join('\n');
      await drop(page, [
        { name: `<img src=x onerror="window.__xss=4">.vasp`, text: graphene.join('\n') },
        { name: 'titled.vasp', text: titled },
        { name: `species<b id="inj">.vasp`, text: badSpecies },
        { name: 'MoS2_monolayer.vasp', text: readFileSync(FIX + 'MoS2_monolayer.vasp', 'latin1') },
        { name: 'Au_fcc_conventional.vasp', text: readFileSync(FIX + 'Au_fcc_conventional.vasp', 'latin1') },
      ]);
      await page.waitForFunction(() => document.querySelectorAll('#structures li').length === 4 && document.querySelectorAll('#messages li').length > 0);
      const listed = await page.textContent('#structures');
      assert(listed.includes('<img src=x onerror="window.__xss=4">.vasp'), `the file name is shown as text: ${listed}`);
      const msg = await page.textContent('#messages');
      assert(msg.includes('species<b id="inj">.vasp') && msg.includes('<img'), `the refused file's name and species are shown as text: ${msg}`);
      // The title is shown where the structure is described (overlay of the selected structure).
      await page.click('#structures li:nth-child(2)');
      await page.waitForTimeout(200);
      let x = await injected(page);
      assert(clean(x) && x.scripts === scripts0, `nothing injected by files: ${JSON.stringify(x)}`);
      await shot('hardening-01-files');

      // A session with the markup in every string: exported by the app, marked, renamed, imported.
      await page.click('#structures li:nth-child(3) [data-role=film]');
      await page.click('#structures li:nth-child(4) [data-role=substrate]');
      await page.click('#find-matches');
      await settled(page);
      await page.waitForFunction(() => window.heterolab.wb.get().session.status === 'saved', null, { timeout: 30_000 });
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-session')]);
      const session = mark(JSON.parse(readFileSync(await dl.path(), 'utf8')));
      const strings = JSON.stringify(session).split('window.__xss=1').length - 1;
      assert(strings >= 10, `markup went into ${strings} string fields`);
      await page.setInputFiles('#session-input', { name: `<img src=x onerror="window.__xss=5">.heterolab.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(session)) });
      await page.waitForFunction(() => document.getElementById('sessions').textContent.includes('<img') || document.querySelector('#messages li.error')?.textContent.includes('not imported'), null, { timeout: 60_000 });
      const imported = await page.evaluate(() => ({ sessions: document.getElementById('sessions').textContent, list: document.getElementById('structures').textContent, name: document.getElementById('session-name').value, errors: [...document.querySelectorAll('#messages li.error')].map((e) => e.textContent) }));
      assert(imported.sessions.includes('<script>window.__xss=2</script>') || imported.name.includes('<script>'), `the imported session's name is shown as text: ${JSON.stringify(imported)}`);
      assert(imported.list.includes('<b id="inj">b</b>'), `imported file names are shown as text: ${imported.list}`);
      await page.waitForTimeout(300);
      x = await injected(page);
      assert(clean(x) && x.scripts === scripts0, `nothing injected by the session: ${JSON.stringify(x)}`);
      assert(dialogs.length === 0, `no dialog: ${dialogs}`);
      const body = await page.evaluate(() => document.body.innerText);
      assert(body.includes('onerror="window.__xss=1"'), 'the markup is visible as text');
      await shot('hardening-02-session');

      // A number typed outside an input's range: the input carries the range, the form refuses it with the range, the options stay.
      const before = await page.evaluate(() => window.heterolab.wb.get().options.maxArea);
      await page.fill('#max-area', '99999');
      await page.dispatchEvent('#max-area', 'change');
      const range = await page.evaluate(() => ({ min: document.getElementById('max-area').min, max: document.getElementById('max-area').max, note: document.getElementById('options-note').textContent, area: window.heterolab.wb.get().options.maxArea }));
      assert(range.min === '5' && range.max === '2000' && /max area must be a number from 5 to 2000 Å² \(got "99999"\)/.test(range.note) && range.area === before, `refused with its range next to the form: ${JSON.stringify(range)}`);
      await shot('hardening-02b-clamped');
    }],

    ['hardening: a full session (load, match, build, predict, relax, stack, export, save, reload, import, screen page) makes no request to another origin', async ({ page, url, shot }) => {
      const origin = new URL(url).origin;
      const seen = [];
      page.context().on('request', (r) => seen.push(r.url()));
      await page.goto(url + '?backend=cpu');
      await page.waitForSelector('#empty:not([hidden])');
      await drop(page, ['MoS2_monolayer.vasp', 'Au_fcc_conventional.vasp', 'graphene.vasp'].map((n) => ({ name: n, text: readFileSync(FIX + n, 'latin1') })));
      await page.waitForFunction(() => document.querySelectorAll('#structures li').length === 3);
      await page.click('#structures li:nth-child(1) [data-role=film]');
      await page.click('#structures li:nth-child(2) [data-role=substrate]');
      await page.click('#find-matches');
      await settled(page);
      const ml = await page.evaluate(() => window.heterolab.wb.get().live.ml?.bindingEnergy.value ?? null);
      assert(ml !== null, 'the ONNX estimate ran');
      await page.click('#run-relax');
      await page.waitForFunction(() => window.heterolab.wb.get().relax && !window.heterolab.wb.get().job, null, { timeout: 180_000 });
      const gid = await page.evaluate(() => window.heterolab.store.get().structures[2].structure.id);
      await page.selectOption('#add-film-structure', gid);
      await page.click('#add-film');
      await page.waitForFunction(() => window.heterolab.wb.get().stack.length > 0, null, { timeout: 120_000 });
      await settled(page);
      for (const sel of ['[data-export=vasp]', '[data-export=cif]', '#export-session']) await Promise.all([page.waitForEvent('download'), page.click(sel)]);
      await page.waitForFunction(() => window.heterolab.wb.get().session.status === 'saved', null, { timeout: 30_000 });
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-session')]);
      await page.reload();
      await page.waitForFunction(() => window.heterolab.wb?.get().iface, null, { timeout: 60_000 });
      await page.setInputFiles('#session-input', { name: 'again.heterolab.json', mimeType: 'application/json', buffer: readFileSync(await dl.path()) });
      await page.waitForFunction(() => window.heterolab.wb.get().iface && document.querySelectorAll('#sessions li').length >= 2, null, { timeout: 60_000 });
      await shot('hardening-03-full-session');
      await page.goto(url + 'screen.html');
      await page.fill('#film-filter', 'MoSSe-1H');
      await page.evaluate(() => {
        for (const c of document.querySelectorAll('#metals input')) c.checked = c.value === 'Au';
        for (const c of document.querySelectorAll('.facet')) c.checked = c.value === '111';
      });
      await page.click('#run');
      await page.waitForFunction(() => document.getElementById('status').textContent.includes('done'), null, { timeout: 180_000 });
      await shot('hardening-04-screen');
      const foreign = seen.filter((u) => !/^(data|blob):/.test(u) && new URL(u).origin !== origin);
      const kinds = ['.wasm', '.onnx', 'worker'].filter((k) => !seen.some((u) => u.includes(k)));
      assert(foreign.length === 0, `requests to other origins: ${foreign.join(', ')}`);
      assert(seen.length > 20 && kinds.length === 0, `the session was recorded (${seen.length} requests; missing ${kinds})`);
      console.log(`    ${seen.length} requests, all to ${origin}`);
    }],
  ];
}
