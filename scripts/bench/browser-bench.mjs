// In-browser benchmarks for the workbench (issue 7), in headless Chromium on the production build:
// navigation → interactive page; slider move → updated estimates for ~500 and ~5,000-atom interfaces on the
// CPU path (wasm); frame time while orbiting ~10,000 atoms; the main thread's longest task during a
// pre-relaxation; what the first load transfers, gzip-compressed (JS, wasm, models); and (issue 13) the DOM
// nodes added, removed and changed per z-slider tick and per twist tick (target: only the changed values).
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { launch, startPreview } from '../../test/e2e/harness.mjs';

if (!existsSync('dist/index.html')) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
// E2E_PORT lets engineers sharing a machine run it side by side (default 4178).
const server = await startPreview(Number(process.env.E2E_PORT ?? 4178));
const browser = await launch();
const rows = [];
try {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await ctx.newPage();
  const loaded = [];
  page.on('response', (r) => loaded.push(new URL(r.url()).pathname));
  await page.addInitScript(() => {
    window.__longest = 0;
    new PerformanceObserver((l) => l.getEntries().forEach((e) => (window.__longest = Math.max(window.__longest, e.duration)))).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(server.url + '?backend=wasm');
  await page.waitForFunction(() => window.heterolab?.store.get().worker?.geometry === 'wasm' && document.body.dataset.ready === 'true');
  const tti = await page.evaluate(() => performance.now());
  rows.push(['navigation → interactive (UI mounted, geometry wasm loaded, session restored)', `${tti.toFixed(0)} ms`, '']);

  // Interfaces of ~500 and ~5,000 atoms: the example's match scaled up.
  await page.click('#example-interface');
  await page.waitForFunction(() => window.heterolab.wb.get().live.ml && !window.heterolab.wb.get().live.pending, null, { timeout: 120_000 });
  rows.push(...(await domChurn(page)));
  for (const target of [500, 5000]) {
    const n = await page.evaluate(async (target) => {
      const wb = window.heterolab.wb;
      const m0 = wb.get().matches[0];
      const per = wb.get().matchAtoms[0];
      const k = Math.max(1, Math.round(Math.sqrt(target / per)));
      const m = { ...m0, area: m0.area * k * k, filmMatrix: m0.filmMatrix.map((r) => r.map((x) => x * k)), substrateMatrix: m0.substrateMatrix.map((r) => r.map((x) => x * k)) };
      wb.state = { ...wb.state, match: m };
      await wb.rebuild();
      return wb.get().iface.numbers.length;
    }, target);
    await page.waitForFunction(() => !window.heterolab.wb.get().live.pending && window.heterolab.wb.get().live.ml, null, { timeout: 120_000 });
    const lat = [];
    for (const z of [3.0, 3.1, 3.2, 3.3, 3.4]) {
      const t = await page.evaluate(async (z) => {
        const wb = window.heterolab.wb;
        const before = wb.get().live;
        const t0 = performance.now();
        wb.setPlacement({ zSeparation: z });
        await new Promise((resolve) => {
          const off = wb.subscribe((s) => {
            if (s.live !== before && !s.live.pending && s.live.ff && s.iface?.info && s.live.ml) {
              resolve();
              queueMicrotask(() => off());
            }
          });
        });
        return { total: performance.now() - t0 };
      }, z);
      lat.push(t.total);
    }
    lat.sort((a, b) => a - b);
    // The same work without redrawing: build + force field + ONNX in the worker (what a GPU-rendered page waits for).
    const bare = await page.evaluate(async () => {
      const wb = window.heterolab.wb, api = window.heterolab.api, stats = window.heterolab.client.stats;
      const ts = [], calls = [], bytes = [];
      for (const z of [3.0, 3.1, 3.2, 3.3, 3.4]) {
        const spec = { ...wb.spec(), placement: { ...wb.spec().placement, zSeparation: z } };
        const c0 = stats.calls, b0 = stats.bytesIn, t0 = performance.now();
        await api.place(spec, { ffModel: 'd2' });
        ts.push(performance.now() - t0);
        calls.push(stats.calls - c0);
        bytes.push(stats.bytesIn - b0);
      }
      return { ms: ts.sort((a, b) => a - b)[2], calls: calls[2], bytes: bytes[2] };
    });
    rows.push([`slider move → estimates, ${n} atoms: worker only (build + force field + ONNX), median of 5`, `${bare.ms.toFixed(0)} ms`, target === 500 ? 'target < 50 ms' : '']);
    rows.push([`worker round trips and bytes received per slider tick, ${n} atoms`, `${bare.calls} round trip(s), ${(bare.bytes / 1024).toFixed(1)} KiB`, 'one round trip; the built structure crosses once']);
    rows.push([`slider move → estimates shown, ${n} atoms, including the WebGL redraw (SwiftShader)`, `${lat[2].toFixed(0)} ms`, '']);
  }

  // Longest main-thread task while a pre-relaxation runs in the worker (5,000-atom interface).
  await page.evaluate(() => (window.__longest = 0));
  const relaxMs = await page.evaluate(async () => {
    const t0 = performance.now();
    await window.heterolab.wb.relax();
    return performance.now() - t0;
  });
  const longest = await page.evaluate(() => window.__longest);
  rows.push([`main thread's longest task during a pre-relaxation (${relaxMs.toFixed(0)} ms in the worker)`, `${longest.toFixed(0)} ms`, 'long tasks are ≥ 50 ms; 0 = none']);

  // Orbiting ~10,000 atoms.
  const frame = await page.evaluate(async () => {
    const wb = window.heterolab.wb;
    const m0 = wb.get().match;
    const n0 = wb.get().iface.numbers.length;
    const k = Math.max(1, Math.ceil(Math.sqrt(10000 / n0)));
    const m = { ...m0, area: m0.area * k * k, filmMatrix: m0.filmMatrix.map((r) => r.map((x) => x * k)), substrateMatrix: m0.substrateMatrix.map((r) => r.map((x) => x * k)) };
    wb.state = { ...wb.state, match: m };
    await wb.rebuild();
    await new Promise((r) => setTimeout(r, 300));
    const view = window.heterolab.view;
    const impostors = await view.orbitFrameTime(30);
    // Reference, same page and structure: every atom a triangle sphere (8×6 segments), as before impostors.
    const threshold = view.impostorAtoms;
    view.impostorAtoms = Infinity;
    view.setStructure(wb.get().iface, { images: false, tintFilms: true }, false);
    const spheres = await view.orbitFrameTime(6);
    view.impostorAtoms = threshold;
    return { n: wb.get().iface.numbers.length, impostors, spheres };
  });
  rows.push([`frame time while orbiting ${frame.n} atoms, sphere impostors (SwiftShader WebGL: software)`, `${frame.impostors.toFixed(1)} ms`, `${(frame.spheres / frame.impostors).toFixed(1)}× faster than the reference below`]);
  rows.push([`  reference: the same with triangle spheres (8×6 segments)`, `${frame.spheres.toFixed(1)} ms`, '']);

  // First-load transfer, gzip-compressed, from the files the page fetched.
  const sizes = { js: 0, wasm: 0, models: 0, other: 0 };
  for (const p of new Set(loaded)) {
    const f = `dist${p === '/' ? '/index.html' : p}`;
    if (!existsSync(f)) continue;
    const gz = gzipSync(readFileSync(f)).length;
    const kind = /\.m?js$/.test(p) ? 'js' : p.endsWith('.wasm') ? 'wasm' : p.endsWith('.onnx') ? 'models' : 'other';
    sizes[kind] += gz;
  }
  const kb = (x) => `${(x / 1024).toFixed(0)} KiB`;
  rows.push(['first load, gzip: JS', kb(sizes.js), '']);
  rows.push(['first load, gzip: wasm (geometry, onnxruntime; moyo only for symbol-only CIFs)', kb(sizes.wasm), '']);
  rows.push(['first load, gzip: ONNX models', kb(sizes.models), '']);
  rows.push(['first load, gzip: HTML, CSS, icons, manifest, examples', kb(sizes.other), '']);
} finally {
  await browser.close();
  server.stop();
}
console.log(`\nload average at the end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
console.log('\nWorkbench in headless Chromium (this machine: 2 CPU cores, no GPU)');
const w = Math.max(...rows.map((r) => r[0].length));
for (const r of rows) console.log(`| ${r[0].padEnd(w)} | ${r[1].padStart(9)} | ${r[2]}`);

/**
 * What a slider tick does to the page (issue 13: "a panel re-renders only when its slice changes"): with the
 * binding curve drawn, a MutationObserver over the whole body counts, per tick, the elements added and removed
 * (a rebuilt table row, chart or list item shows here), the text nodes rewritten and the attributes set, and
 * names the panels that added elements. Five z ticks through the z slider, then four twist ticks through the
 * twist slider between two angles that have a coincident cell (a twist tick builds a new interface).
 */
async function domChurn(page) {
  await page.click('#run-zscan');
  await page.waitForFunction(() => window.heterolab.wb.get().zscan && !window.heterolab.wb.get().job, null, { timeout: 180_000 });
  const observe = () => page.evaluate(() => {
    const c = (window.__churn = { added: 0, removed: 0, text: 0, attributes: 0, where: {} });
    const panel = (n) => (n.parentElement ?? n)?.closest?.('section[id], aside[id], [id]')?.id ?? '?';
    window.__obs = new MutationObserver((list) => {
      for (const m of list) {
        if (m.type === 'characterData') c.text++;
        else if (m.type === 'attributes') c.attributes++;
        for (const n of m.addedNodes) {
          if (n.nodeType === 3) c.text++;
          if (n.nodeType !== 1) continue;
          const k = 1 + n.querySelectorAll('*').length;
          c.added += k;
          c.where[panel(m.target)] = (c.where[panel(m.target)] ?? 0) + k;
        }
        for (const n of m.removedNodes) if (n.nodeType === 1) c.removed += 1 + n.querySelectorAll('*').length;
      }
    });
    window.__obs.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
  });
  const stop = () => page.evaluate(() => (window.__obs.disconnect(), window.__churn));
  const quiet = (pred, arg) => page.waitForFunction(pred, arg, { timeout: 120_000 });
  const zTicks = [3.0, 3.05, 3.1, 3.15, 3.2];
  await observe();
  for (const z of zTicks) {
    await page.fill('#zsep', String(z));
    await quiet((z) => { const s = window.heterolab.wb.get(); return s.placement.zSeparation === z && !s.live.pending && s.live.ff && s.iface?.info; }, z);
  }
  const zc = await stop();
  const angles = await page.evaluate(async () => {
    // Two angles whose best cells differ (two dialled angles can land on the same cell: then nothing changes).
    const wb = window.heterolab.wb, out = [], cells = [];
    for (let t = 1; t < wb.get().twistPeriodDeg && out.length < 2; t += 1) {
      const r = await window.heterolab.api.matches(wb.request(), wb.params(), { kind: 'twist', twist: (t * Math.PI) / 180 });
      if (r.matches.length && !cells.some((c) => Math.abs(c - r.matches[0].twist) < 1e-6)) (out.push(t), cells.push(r.matches[0].twist));
    }
    return out;
  });
  let tc = null;
  if (angles.length === 2) {
    await page.fill('#twist', String(angles[0]));
    await quiet((a) => { const s = window.heterolab.wb.get(); return s.twistDeg === a && !s.live.pending && !s.job; }, angles[0]);
    await observe();
    for (const a of [angles[1], angles[0], angles[1], angles[0]]) {
      await page.fill('#twist', String(a));
      await quiet((a) => { const s = window.heterolab.wb.get(); return s.twistDeg === a && !s.live.pending && s.live.ff && !s.job; }, a);
    }
    tc = await stop();
    tc.ticks = 4;
    tc.cells = await page.evaluate(() => window.heterolab.wb.get().match.twist);
  }
  const per = (c, n) => `${c.added / n} added, ${c.removed / n} removed, ${(c.text / n).toFixed(1)} text, ${(c.attributes / n).toFixed(1)} attributes`;
  const where = (c) => Object.entries(c.where).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const out = [[`DOM per z-slider tick (elements added / removed; text nodes and attributes changed), curve drawn`, per(zc, zTicks.length), `target: 0 elements added; added in: ${where(zc)}`]];
  out.push(tc ? [`DOM per twist tick (${angles.join('° ↔ ')}°, two different cells: a new interface each tick)`, per(tc, tc.ticks), `added in: ${where(tc)}`] : ['DOM per twist tick', 'not measured', `fewer than two angles with a cell: ${angles}`]);
  return out;
}
