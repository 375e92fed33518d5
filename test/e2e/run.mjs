// End-to-end specs for the first page (issue 3). Run: npm run test:e2e (after npm run build).
import { existsSync, readFileSync } from 'node:fs';
import { assert, dropFiles, openMoS2OnAu, run, Skip } from './harness.mjs';
import { stackSpecs, workbenchSpecs } from './workbench.mjs';
import { librarySpecs, screenSpecs } from './screen.mjs';
import { workbenchUiSpecs } from './workbench-ui.mjs';
import { hardeningInputSpecs } from './hardening-input.mjs';
import { workbenchPanelsSpecs } from './workbench-panels.mjs';
import { ffGpuSpecs } from './ff-gpu.mjs';
import { workbenchViewSpecs } from './workbench-view.mjs';
import { workbenchMatrixSpecs } from './workbench-matrix.mjs';
import { modelCardSpecs } from './model-card.mjs';
import { faultSpecs } from './faults.mjs';
import { soakSpecs } from './soak.mjs';

if (!existsSync('dist/index.html')) {
  console.error('e2e: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
if (!existsSync(process.env.CHROMIUM ?? '/usr/bin/chromium')) {
  console.error('e2e: /usr/bin/chromium is missing; run `bash scripts/ensure-system.sh --e2e`');
  process.exit(1);
}

const FIX = 'test/fixtures/';


/** Counts canvas pixels that differ clearly from the background colour. */
async function paintedPixels(page) {
  return page.evaluate(() => {
    window.heterolab.view.renderNow();
    const src = document.getElementById('view');
    const c = document.createElement('canvas');
    c.width = src.width;
    c.height = src.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(src, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0xf4) + Math.abs(d[i + 1] - 0xf6) + Math.abs(d[i + 2] - 0xf9) > 60) n++;
    return { painted: n, total: d.length / 4 };
  });
}

const waitIdle = (page) => page.waitForFunction(() => !window.heterolab.store.get().busy && document.getElementById('busy').hidden);

const failures = await run([
  ['the production server sends the security headers (CSP with frame-ancestors, nosniff, no referrer) on every page', async ({ url }) => {
    for (const path of ['', 'screen.html', 'bench.html']) {
      const r = await fetch(url + path);
      const csp = r.headers.get('content-security-policy') ?? '';
      assert(r.ok && /default-src 'self'/.test(csp) && /frame-ancestors 'none'/.test(csp) && !/unsafe-eval'/.test(csp.replace("'wasm-unsafe-eval'", '')), `${path || 'index'}: CSP ${csp}`);
      assert(r.headers.get('x-content-type-options') === 'nosniff' && r.headers.get('referrer-policy') === 'no-referrer', `${path || 'index'}: ${[...r.headers].join('; ')}`);
    }
  }],
  ['empty page shows the drop zone, examples and the wasm geometry backend', async ({ page, url, shot }) => {
    await page.goto(url);
    await page.waitForSelector('#empty:not([hidden])');
    await page.waitForFunction(() => document.getElementById('backend').textContent === 'geometry: wasm');
    await shot('01-empty');
    const px = await paintedPixels(page);
    assert(px.painted === 0, `empty canvas should be blank, ${px.painted} pixels painted`);
  }],
  ['drop a CIF: atom count shown and atoms drawn on the canvas', async ({ page, url, shot }) => {
    await page.goto(url);
    await dropFiles(page, ['structures/MoS2_2H.cif']);
    await page.waitForSelector('#structures li');
    await waitIdle(page);
    const item = await page.textContent('#structures li');
    assert(item.includes('MoS2') && item.includes('6 atoms'), `list item: ${item}`);
    const overlay = await page.textContent('#overlay');
    assert(overlay.includes('a 3.160') && overlay.includes('γ 120.00°'), `overlay: ${overlay}`);
    await page.waitForTimeout(100);
    const px = await paintedPixels(page);
    assert(px.painted > 2000, `atoms should be drawn: ${px.painted} of ${px.total} pixels painted`);
    await shot('02-mos2-cif');
  }],
  ['drop a broken POSCAR: message with the file name and line, nothing lost', async ({ page, url, shot }) => {
    await page.goto(url);
    await dropFiles(page, ['structures/graphene.vasp']);
    await page.waitForSelector('#structures li');
    await dropFiles(page, ['broken/bad_number_POSCAR']);
    await page.waitForSelector('#messages li.error');
    const msg = await page.textContent('#messages li.error');
    assert(msg.includes('bad_number_POSCAR') && msg.includes('line 10') && msg.includes('0.5x'), `message: ${msg}`);
    assert((await page.locator('#structures li').count()) === 1, 'the graphene already loaded must stay');
    await shot('03-broken-poscar');
  }],
  ['several files at once, through the file picker; a symbol-only CIF is expanded with a note', async ({ page, url, shot }) => {
    await page.goto(url);
    await page.setInputFiles('#file-input', [FIX + 'structures/Au_symbol_only.cif', FIX + 'structures/MoS2_monolayer.vasp', FIX + 'structures/water.xyz']);
    await page.waitForFunction(() => document.querySelectorAll('#structures li').length === 3);
    const texts = await page.locator('#structures li').allTextContents();
    assert(texts[0].includes('Au') && texts[0].includes('4 atoms') && texts[0].includes('bulk'), texts[0]);
    assert(texts[1].includes('2D layer'), texts[1]);
    assert(texts[2].includes('molecule'), texts[2]);
    const note = await page.textContent('#messages li.warning');
    assert(note.includes('generated 192 from symbol'), note);
    await shot('04-three-files');
  }],
  ['periodic images toggle draws 9× the atoms for a layer', async ({ page, url, shot }) => {
    await page.goto(url);
    await page.click('[data-example="MoS2_monolayer.vasp"]');
    await page.waitForSelector('#structures li');
    await page.waitForFunction(() => document.body.dataset.drawnAtoms === '3');
    await page.check('#images');
    await page.waitForFunction(() => document.body.dataset.drawnAtoms === '27');
    await page.waitForTimeout(100);
    assert((await paintedPixels(page)).painted > 2000, 'images drawn');
    await shot('05-images');
  }],
  ['paste a POSCAR into the paste dialog', async ({ page, url }) => {
    await page.goto(url);
    await page.click('#paste');
    await page.fill('#paste-text', readFileSync(FIX + 'structures/Cu_fcc_conventional.vasp', 'utf8'));
    await page.fill('#paste-name', 'Cu.vasp');
    await page.click('#paste-read');
    await page.waitForSelector('#structures li');
    const t = await page.textContent('#structures li');
    assert(t.includes('Cu') && t.includes('4 atoms'), t);
  }],
  ['the worker runs the interface geometry (wasm) on loaded structures', async ({ page, url }) => {
    await page.goto(url);
    await dropFiles(page, ['structures/MoS2_monolayer.vasp', 'structures/Au_fcc_conventional.vasp']);
    await page.waitForFunction(() => window.heterolab.store.get().structures.length === 2);
    const r = await page.evaluate(async () => {
      const [film, substrate] = window.heterolab.store.get().structures.map((e) => e.structure);
      const req = { film, substrate, options: { hkl: [1, 1, 1], layers: 4, maxAtoms: 20000 } };
      const m = await window.heterolab.api.matches(req, { maxArea: 150, maxStrain: 0.05, maxAngle: Math.PI / 180 }, { kind: 'all' });
      const s = (await window.heterolab.api.build({ request: req, match: m.matches[0], placement: { zSeparation: 3.1, shift: [0, 0] } })).structure;
      return { n: m.matches.length, note: m.hklNote, atoms: s.numbers.length, films: Array.from(s.arrays.role).filter((x) => x === 1).length };
    });
    assert(r.n > 0 && r.note.includes('F m -3 m') && r.atoms > r.films && r.films > 0, JSON.stringify(r));
  }],
  ['force-field conformance in Chromium: WebGPU (f32) against the TypeScript reference, hundreds and thousands of atoms', async ({ page, url }) => {
    await openMoS2OnAu(page, url);
    const r = await page.evaluate(async () => {
      const c = window.heterolab.api;
      const { req, m } = window.e2eMoS2OnAu;
      const gpu = await c.ffConfigure('webgpu');
      if (gpu.kind !== 'webgpu') return { skip: gpu.notices.join('; ') };
      const out = [];
      for (const k of [1, 3, 7]) {
        const scaled = { ...m, filmMatrix: m.filmMatrix.map((row) => row.map((x) => x * k)), substrateMatrix: m.substrateMatrix.map((row) => row.map((x) => x * k)) };
        const s = (await c.build({ request: req, match: scaled, placement: { zSeparation: 3.1, shift: [0.13, 0.27] } })).structure;
        for (const model of ['uff', 'd2']) {
          await c.ffConfigure('webgpu');
          const g = await c.evaluate(s, { model, cutoff: 12 });
          await c.ffConfigure('cpu');
          const ref = await c.evaluate(s, { model, cutoff: 12 });
          let scale = 0, worst = 0;
          for (let i = 0; i < ref.forces.length; i++) scale = Math.max(scale, Math.abs(ref.forces[i]));
          for (let i = 0; i < ref.forces.length; i++) worst = Math.max(worst, Math.abs(g.forces[i] - ref.forces[i]) / scale);
          out.push({ atoms: s.numbers.length, model, backends: [g.backend, ref.backend], relE: Math.abs(g.energy - ref.energy) / Math.abs(ref.energy), relF: worst, pairs: [g.pairs, ref.pairs] });
        }
      }
      return { adapter: gpu.adapter, out };
    });
    if (r.skip) throw new Skip(`WebGPU unavailable in this Chromium: ${r.skip}`);
    console.log(`    adapter: ${r.adapter}; ${r.out.map((o) => `${o.atoms} atoms ${o.model}: ΔE/E ${o.relE.toExponential(1)}, ΔF ${o.relF.toExponential(1)}`).join('; ')}`);
    assert(Math.max(...r.out.map((o) => o.atoms)) > 2000, 'a system of thousands of atoms');
    for (const o of r.out) {
      assert(o.backends[0] === 'webgpu' && o.backends[1] === 'cpu', JSON.stringify(o.backends));
      assert(o.relE <= 1e-4 && o.relF <= 1e-4 && o.pairs[0] === o.pairs[1], JSON.stringify(o));
    }
  }],
  ...workbenchSpecs('cpu'),
  ...workbenchSpecs('auto'),
  ...stackSpecs(),
  ...screenSpecs(),
  ...librarySpecs(),
  ...workbenchUiSpecs(),
  ...hardeningInputSpecs(),
  ...workbenchPanelsSpecs(),
  ...ffGpuSpecs(),
  ...workbenchViewSpecs(),
  ...workbenchMatrixSpecs(),
  ...modelCardSpecs(),
  ...faultSpecs(),
  ...soakSpecs(),
]);
process.exit(failures ? 1 : 0);
