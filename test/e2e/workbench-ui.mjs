// End-to-end specs for issue 13 (the workbench as a materials scientist expects it): nothing rebuilt per slider
// tick but the changed values; work kept (options, Undo with the pre-relaxation, × asks first); the twist
// refusal next to the control; Show structure; reload restores the form; validation names the field; roles
// assigned when unambiguous; the binding curve as a well; no "unsaved" for view options or an untouched page.
import { readFileSync } from 'node:fs';
import { assert, dropFiles } from './harness.mjs';
import { stackReady } from './workbench.mjs';

const wbState = (page, fn) => page.evaluate(fn);
const settled = (page) => page.waitForFunction(() => {
  const s = window.heterolab.wb.get();
  return s.iface && !s.live.pending && s.live.ff && (s.live.ml || s.live.mlError) && !s.job;
}, null, { timeout: 120_000 });

/** MoS2 on Au(111) from the example button, built and estimated. */
async function example(page, url, size) {
  await page.setViewportSize(size);
  await page.goto(url + '?backend=cpu');
  await page.waitForSelector('#empty:not([hidden])');
  await page.click('#example-interface');
  await settled(page);
}

/** Elements and nodes added to the page while `act` runs (a MutationObserver over the whole body). */
async function mutations(page, act) {
  await page.evaluate(() => {
    window.__added = { elements: 0, nodes: 0 };
    window.__obs = new MutationObserver((list) => {
      for (const m of list) for (const n of m.addedNodes) (window.__added.nodes++, n.nodeType === 1 && (window.__added.elements += 1 + n.querySelectorAll('*').length));
    });
    window.__obs.observe(document.body, { childList: true, subtree: true });
  });
  await act();
  return page.evaluate(() => (window.__obs.disconnect(), window.__added));
}

const readDownload = async (page, click) => {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(click)]);
  return readFileSync(await dl.path(), 'utf8');
};

export function workbenchUiSpecs() {
  return [
    ['workbench ui [cpu] 1366×768: a z-slider tick rebuilds no table, chart or element, only values; binding curve as a well; CSV; Move to minimum; pre-relax keeps the chart', async ({ page, url, shot }) => {
      await example(page, url, { width: 1366, height: 768 });
      await page.click('#run-zscan');
      await page.waitForFunction(() => window.heterolab.wb.get().zscan && !window.heterolab.wb.get().job, null, { timeout: 180_000 });
      // The well is a minimum of E_int = −E_bind, inside a y-range that shows it (the wall does not squash it).
      const curve = await wbState(page, () => {
        const z = window.heterolab.wb.get().zscan, el = document.getElementById('zscan-chart');
        return { minE: -z.min.bindingEnergy, minZ: z.min.z, range: el.dataset.yRange.split(' ').map(Number), marks: el.dataset.marks, wall: Math.max(...z.bindingEnergy.map((e) => -e)) };
      });
      assert(curve.minE < 0 && curve.range[0] < curve.minE && curve.range[1] > 0 && curve.range[1] < curve.wall, `well in view: ${JSON.stringify(curve)}`);
      assert(/now=/.test(curve.marks) && /min=/.test(curve.marks), `current z and minimum marked: ${curve.marks}`);
      const csv = (await readDownload(page, '#zscan-csv')).trim().split('\n');
      assert(csv[0] === 'z_A,energy_eV,E_bind_eV_per_film_atom,E_int_eV_per_film_atom' && csv.length === 72, `binding curve CSV: ${csv.length} lines, ${csv[0]}`);
      const matchesCsv = (await readDownload(page, '#matches-csv')).trim().split('\n');
      assert(matchesCsv.length === 1 + (await wbState(page, () => window.heterolab.wb.get().matches.length)), 'matches CSV has every match');

      // Per tick: tag the table rows and the chart canvas, move z five times, count what was added.
      await page.evaluate(() => {
        document.querySelectorAll('#matches tbody tr, #zscan-chart canvas, #stack li').forEach((e) => (e.dataset.keep = '1'));
      });
      const ticks = [3.0, 3.05, 3.1, 3.15, 3.2];
      const added = await mutations(page, async () => {
        for (const z of ticks) {
          await page.fill('#zsep', String(z));
          await page.dispatchEvent('#zsep', 'input');
          await page.waitForFunction((z) => { const s = window.heterolab.wb.get(); return s.iface.info && !s.live.pending && s.placement.zSeparation === z; }, z);
        }
      });
      const kept = await page.evaluate(() => ({ rows: document.querySelectorAll('#matches tbody tr:not([data-keep])').length, canvas: document.querySelectorAll('#zscan-chart canvas:not([data-keep])').length, stack: document.querySelectorAll('#stack li:not([data-keep])').length }));
      console.log(`    per z tick: ${added.elements / ticks.length} elements, ${added.nodes / ticks.length} nodes added`);
      assert(added.elements === 0, `elements added over ${ticks.length} ticks: ${added.elements}`);
      assert(kept.rows === 0 && kept.canvas === 0 && kept.stack === 0, `rebuilt: ${JSON.stringify(kept)}`);
      assert((await page.locator('#zscan-chart canvas[data-keep]').count()) > 0 && (await wbState(page, () => !!window.heterolab.wb.get().zscan)), 'the binding curve is still there after moving z');
      const marksNow = await page.getAttribute('#zscan-chart', 'data-marks');
      assert(/now=3\.2 /.test(marksNow), `the current-z marker follows the slider: ${marksNow}`);
      await shot('ui-01-ticks');

      // Move to minimum, then pre-relax: the binding curve stays.
      await page.click('#zscan-min');
      await page.waitForFunction((z) => Math.abs(window.heterolab.wb.get().placement.zSeparation - z) < 1e-3, curve.minZ);
      await page.click('#run-relax');
      await page.waitForFunction(() => window.heterolab.wb.get().relax && !window.heterolab.wb.get().job, null, { timeout: 180_000 });
      await settled(page);
      assert(await wbState(page, () => !!window.heterolab.wb.get().zscan) && (await page.locator('#zscan-chart canvas').count()) > 0, 'the binding curve survives the pre-relaxation');
      assert(/Binding energy E_bind in eV per film atom, positive = bound/.test(await page.textContent('#estimates-units')), 'the panel says the unit and sign');
      const heads = await page.locator('#estimates thead th').allTextContents();
      assert(heads.includes('force field') && heads.includes('model'), `side by side: ${heads}`);
      await shot('ui-02-relaxed');
      // Registry map in the cell's shape, meV per film atom above the minimum; a click on the minimum moves the film there.
      await page.click('#run-registry');
      await page.waitForFunction(() => window.heterolab.wb.get().registry && !window.heterolab.wb.get().job, null, { timeout: 180_000 });
      const map = await page.evaluate(() => { const c = document.getElementById('registry-map'), r = c.getBoundingClientRect(); const [x, y] = c.dataset.minPx.split(' ').map(Number); return { range: c.dataset.range, min: c.dataset.min.split(' ').map(Number), x: r.left + (x * r.width) / c.width, y: r.top + (y * r.height) / c.height }; });
      assert(/^0 \d/.test(map.range), `colour bar from 0 meV/atom: ${map.range}`);
      await page.mouse.click(map.x, map.y);
      await page.waitForFunction((m) => { const s = window.heterolab.wb.get().placement.shift; const d = (a, b) => Math.min(Math.abs(a - b), 1 - Math.abs(a - b)); return d(s[0], m[0]) < 0.02 && d(s[1], m[1]) < 0.02; }, map.min);
      const regCsv = (await readDownload(page, '#registry-csv')).trim().split('\n');
      assert(regCsv.length === 1 + 144 && regCsv[0] === 'shift_a,shift_b,energy_eV,z_A', `registry CSV ${regCsv.length} lines`);
      await shot('ui-02b-registry');
      // PNG at 2× on a transparent background: twice the canvas's pixels, RGBA; the canvas itself keeps its size.
      const canvas = await page.evaluate(() => [document.getElementById('view').width, document.getElementById('view').height]);
      await page.selectOption('#png-scale', '2');
      await page.selectOption('#png-background', 'transparent');
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
      const png = readFileSync(await dl.path());
      const ihdr = { w: png.readUInt32BE(16), h: png.readUInt32BE(20), colourType: png[25] };
      assert(ihdr.w === 2 * canvas[0] && ihdr.h === 2 * canvas[1] && ihdr.colourType === 6, `PNG ${JSON.stringify(ihdr)} for a ${canvas} canvas`);
      const after = await page.evaluate(() => [document.getElementById('view').width, document.getElementById('view').height]);
      assert(after.join() === canvas.join(), `canvas back to ${canvas}: ${after}`);
    }],

    ['workbench ui [cpu] 1440×900: options keep the interface, Undo restores the pre-relaxation, a refused twist stays at the control, × asks first', async ({ page, url, shot }) => {
      await example(page, url, { width: 1440, height: 900 });
      await page.click('#run-relax');
      await page.waitForFunction(() => window.heterolab.wb.get().relax && !window.heterolab.wb.get().job, null, { timeout: 180_000 });
      await settled(page);
      const relaxed = await wbState(page, () => ({ z: window.heterolab.wb.get().placement.zSeparation, atoms: window.heterolab.wb.get().iface.numbers.length }));
      // Max area and Twist scan keep the interface and its panels.
      await page.fill('#max-area', '60');
      await page.dispatchEvent('#max-area', 'change');
      await page.click('#twist-scan');
      await page.waitForFunction(() => window.heterolab.wb.get().scan && !window.heterolab.wb.get().job, null, { timeout: 120_000 });
      for (const id of ['#estimates-panel', '#export-panel', '#stack-panel']) assert(await page.isVisible(id), `${id} still shown`);
      assert(/Find matches to use the new max area/.test(await page.textContent('#options-note')), `says what the change will do: ${await page.textContent('#options-note')}`);
      // A new facet replaces the interface; Undo brings back the old one with its pre-relaxation and the form.
      await page.fill('#hkl', '1 0 0');
      await page.fill('#max-area', '150');
      await page.dispatchEvent('#hkl', 'change');
      await page.click('#find-matches');
      await page.waitForFunction(() => window.heterolab.wb.get().builtOptions.hkl.join() === '1,0,0' && !window.heterolab.wb.get().job, null, { timeout: 120_000 });
      await settled(page);
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press('Control+z');
      await page.waitForFunction(() => window.heterolab.wb.get().builtOptions.hkl.join() === '1,1,1');
      const back = await wbState(page, () => ({ z: window.heterolab.wb.get().placement.zSeparation, atoms: window.heterolab.wb.get().iface.numbers.length, relax: !!window.heterolab.wb.get().relax }));
      assert(back.relax && back.z === relaxed.z && back.atoms === relaxed.atoms, `undo restored ${JSON.stringify(back)} vs ${JSON.stringify(relaxed)}`);
      assert(/pre-relaxed/.test(await page.textContent('#scan-note')), 'the pre-relaxation is shown again');
      // A twist with no coincident cell: refused next to the slider, the slider back where the film is, the list kept.
      const refused = await page.evaluate(async () => {
        const wb = window.heterolab.wb;
        for (let t = 1; t < 60; t += 1) {
          const r = await window.heterolab.api.matches(wb.request(), wb.params(), { kind: 'twist', twist: (t * Math.PI) / 180 });
          if (!r.matches.length) return t;
        }
        return null;
      });
      assert(refused !== null, 'an angle without a coincident cell exists at these tolerances');
      const rowsBefore = await page.locator('#matches tbody tr').count();
      const before = await page.inputValue('#twist');
      await page.fill('#twist', String(refused)); // fill sends the input event, as a drag of the slider does
      await page.waitForSelector('#twist-note:not([hidden])');
      assert(/No coincident supercell at/.test(await page.textContent('#twist-note')), 'the refusal is next to the control');
      assert((await page.inputValue('#twist')) === before, `slider back at ${before}, shows ${await page.inputValue('#twist')}`);
      assert((await page.locator('#matches tbody tr').count()) === rowsBefore, 'the matches table is kept');
      const note = await page.locator('#twist-note').boundingBox(), slider = await page.locator('#twist').boundingBox();
      assert(note && Math.abs(note.y - slider.y) < 120 && note.y + note.height <= 900, `note near the slider and on screen: ${JSON.stringify({ note, slider })}`);
      await shot('ui-03-refused');
      // × on the substrate asks first; dismissing keeps everything.
      let asked = '';
      page.once('dialog', (d) => ((asked = d.message()), d.dismiss()));
      await page.click('#structures li:nth-child(2) .remove');
      assert(/interface goes with it/.test(asked), `asked: ${asked}`);
      assert((await page.locator('#structures li').count()) === 2 && (await wbState(page, () => !!window.heterolab.wb.get().iface)), 'nothing removed');
    }],

    ['workbench ui [cpu] 1366×768: roles assigned, Show structure and a click in the list show the structure, validation names the field, reload restores the form, view options do not mark unsaved', async ({ page, url, shot }) => {
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.goto(url + '?backend=cpu');
      await page.waitForSelector('#empty:not([hidden])');
      await page.waitForTimeout(800);
      assert((await page.textContent('#save-status')) === 'not saved yet', `untouched page: ${await page.textContent('#save-status')}`);
      await dropFiles(page, ['structures/MoS2_monolayer.vasp', 'structures/Au_fcc_conventional.vasp']);
      await page.waitForSelector('#roles-note');
      assert(/the only 2D layer/.test(await page.textContent('#roles-note')) && (await page.isEnabled('#find-matches')), 'roles assigned and said');
      // Validation: the field, the value and what is allowed; once, next to the form; nothing else changes.
      await page.fill('#hkl', '0 0 0');
      await page.dispatchEvent('#hkl', 'change');
      await page.click('#find-matches');
      assert(/facet \(0 0 0\) is not a plane/.test(await page.textContent('#options-note')), await page.textContent('#options-note'));
      assert((await page.locator('#messages li').count()) === 0, 'not repeated in the messages list');
      await page.fill('#hkl', '1 1 1');
      await page.fill('#layers', '0');
      await page.dispatchEvent('#layers', 'change');
      assert(/slab layers must be a whole number from 1 to 30 \(got "0"\)/.test(await page.textContent('#options-note')), await page.textContent('#options-note'));
      assert((await wbState(page, () => window.heterolab.wb.get().options.layers)) === 4, '0 layers is refused, not turned into 1');
      await page.fill('#layers', '4');
      await page.fill('#max-area', '200');
      await page.dispatchEvent('#max-area', 'change');
      await page.click('#find-matches');
      await settled(page);
      // Show structure, I, and a click in the list.
      assert((await page.getAttribute('body', 'data-view')) === 'interface', 'the interface is shown');
      assert(/^(?=.*S)(?=.*Mo)(?=.*Au)/.test(await page.textContent('#legend')), `legend of the interface: ${await page.textContent('#legend')}`);
      await page.click('#view-mode');
      await page.waitForFunction(() => document.body.dataset.view === 'structure');
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press('i');
      await page.waitForFunction(() => document.body.dataset.view === 'interface');
      await page.click('#structures li:nth-child(2) .formula');
      await page.waitForFunction(() => document.body.dataset.view === 'structure' && /Au · 4 atoms/.test(document.getElementById('overlay').textContent));
      assert((await page.textContent('#legend')) === 'Au', `legend of the structure shown: ${await page.textContent('#legend')}`);
      await shot('ui-04-structure-shown');
      // Saved; a view option does not mark it unsaved.
      await page.waitForFunction(() => window.heterolab.wb.get().session.status === 'saved', null, { timeout: 20_000 });
      await page.check('#images');
      await page.waitForTimeout(600);
      assert((await wbState(page, () => window.heterolab.wb.get().session.status)) === 'saved', 'periodic images did not mark the session unsaved');
      // A facet typed but not searched yet: reload restores the form as left and the interface as built.
      await page.fill('#hkl', '1 1 0');
      await page.dispatchEvent('#hkl', 'change');
      await page.waitForFunction(() => window.heterolab.wb.get().session.status === 'saved' && window.heterolab.wb.get().options.hkl.join() === '1,1,0', null, { timeout: 20_000 });
      await page.reload();
      await page.waitForFunction(() => window.heterolab.wb?.get().iface, null, { timeout: 60_000 });
      const form = { hkl: await page.inputValue('#hkl'), area: await page.inputValue('#max-area'), built: await wbState(page, () => window.heterolab.wb.get().builtOptions.hkl.join()) };
      assert(form.hkl === '1 1 0' && form.area === '200' && form.built === '1,1,1', `restored form: ${JSON.stringify(form)}`);
      await shot('ui-05-reloaded');
      // The undo history came back with the session: Undo takes the typed facet back.
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press('Control+z');
      await page.waitForFunction(() => document.getElementById('hkl').value === '1 1 1' && window.heterolab.wb.get().options.hkl.join() === '1,1,1');
      // New session: nothing of the old one is left (facet note, messages, form, status).
      await page.click('#new-session');
      await page.waitForFunction(() => window.heterolab.store.get().structures.length === 0);
      const fresh = { note: await page.textContent('#hkl-note'), roles: await page.textContent('#roles'), messages: await page.locator('#messages li').count(), hkl: await page.inputValue('#hkl'), area: await page.inputValue('#max-area'), status: await page.textContent('#save-status'), panels: await page.isVisible('#estimates-panel') };
      assert(fresh.note === '' && !/the only 2D layer/.test(fresh.roles) && fresh.messages === 0 && fresh.hkl === '1 1 1' && fresh.area === '100' && fresh.status === 'not saved yet' && !fresh.panels, `fresh session: ${JSON.stringify(fresh)}`);
    }],

    ['workbench ui [cpu] 1366×768: a film that does not fit on the stack is refused under Add film, on screen', async ({ page, url, shot }) => {
      await page.setViewportSize({ width: 1366, height: 768 });
      await stackReady(page, url);
      await page.fill('#max-strain', '0');
      await page.dispatchEvent('#max-strain', 'change');
      const gid = await page.evaluate(() => window.heterolab.store.get().structures[2].structure.id);
      await page.selectOption('#add-film-structure', gid);
      await page.click('#add-film');
      await page.waitForSelector('#stack-note:not([hidden])', { timeout: 60_000 });
      assert(/does not fit on the stack/.test(await page.textContent('#stack-note')), await page.textContent('#stack-note'));
      const note = await page.locator('#stack-note').boundingBox(), button = await page.locator('#add-film').boundingBox();
      assert(note.y > button.y && note.y - button.y < 120, `the refusal is right under Add film: ${JSON.stringify({ note, button })}`);
      const inView = await page.evaluate(() => { const r = document.getElementById('stack-note').getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; });
      assert(inView, 'the refusal is on screen where the button was clicked');
      await shot('ui-06-does-not-fit');
    }],
  ];
}
