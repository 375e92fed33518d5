// Soak (issue 17): mixed actions chosen by a seeded generator (load, match, twist, slide, scan, relax, predict,
// stack, save, reload, import), with the page's JS heap (CDP, after a collection), the worker's wasm memory
// and its live GPU buffers sampled along the way. The CI e2e runs a fixed-seed slice of 50 actions;
// `npm run soak` (scripts/soak.mjs) runs 1,000 and prints the table.
import { assert } from './harness.mjs';
import { rng } from '../helpers/rng.mjs';

/** Measurement only: counts the worker's wasm memories and the GPU buffers it has not destroyed. */
const METER = `
const __soak = { memories: new Set(), buffers: new Set() };
self.__soak = __soak;
// Memories a module exports (heterolab, moyo) or imports (onnxruntime's Emscripten build).
const keep = (ns) => { for (const v of Object.values(ns ?? {})) if (v instanceof WebAssembly.Memory) __soak.memories.add(v); };
for (const k of ['instantiate', 'instantiateStreaming']) {
  const f = WebAssembly[k];
  if (!f) continue;
  WebAssembly[k] = async function (...a) {
    for (const ns of Object.values(a[1] ?? {})) keep(ns);
    const r = await f.apply(this, a);
    keep((r instanceof WebAssembly.Instance ? r : r.instance).exports);
    return r;
  };
}
if (self.GPUDevice) {
  const create = GPUDevice.prototype.createBuffer;
  GPUDevice.prototype.createBuffer = function (...a) { const b = create.apply(this, a); __soak.buffers.add(new WeakRef(b)); return b; };
  const destroy = GPUBuffer.prototype.destroy;
  GPUBuffer.prototype.destroy = function () { for (const w of __soak.buffers) if (w.deref() === this) __soak.buffers.delete(w); return destroy.call(this); };
}
`;

export async function meterWorker(page) {
  await page.route(/compute\.worker-[^/]*\.js$/, async (route) => {
    const r = await route.fetch();
    const headers = { ...r.headers() };
    delete headers['content-length']; // the body grows by the prelude, and is sent uncompressed
    delete headers['content-encoding'];
    route.fulfill({ response: r, headers, body: METER + (await r.text()) });
  });
}

/** Page heap (MB, after a collection), wasm memory (MiB) and live GPU buffers (count, MiB) of the compute worker. */
export async function sample(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  const worker = page.workers().find((w) => /compute\.worker/.test(w.url()));
  const w = worker ? await worker.evaluate(() => {
    if (!self.__soak) throw new Error('the compute worker runs without the meter (served by a service worker?)');
    self.gc?.();
    const live = [...self.__soak.buffers].map((r) => r.deref()).filter(Boolean);
    return { wasm: [...self.__soak.memories].reduce((a, m) => a + m.buffer.byteLength, 0), buffers: live.length, gpuBytes: live.reduce((a, b) => a + b.size, 0) };
  }) : { wasm: 0, buffers: 0, gpuBytes: 0 };
  const mb = (x) => Math.round((x / 2 ** 20) * 10) / 10;
  return { heapMB: mb(heap.usedSize), wasmMB: mb(w.wasm), gpuBuffers: w.buffers, gpuMB: mb(w.gpuBytes) };
}


const FILES = ['graphene.vasp', 'MoS2_monolayer.vasp', 'Au_fcc_conventional.vasp', 'water.xyz', 'MoS2_2H.cif'].map((f) => 'test/fixtures/structures/' + f);
/** Relative weights: cheap edits often, scans and reloads rarely. */
const WEIGHTS = { load: 6, match: 6, twist: 10, slide: 14, predict: 14, scan: 4, relax: 3, stack: 5, save: 6, reload: 1, import: 2 };

/** Waits until nothing runs; a stall (60 s) is thrown as a Stall with what was still running. */
class Stall extends Error {}
const idle = (page) => page.waitForFunction(() => {
  const h = window.heterolab, s = h?.wb.get();
  return s && document.body.dataset.ready === 'true' && !h.store.get().busy && !s.job && !s.live.pending && s.session.status !== 'saving';
}, null, { timeout: 60_000, polling: 50 }).catch(async () => {
  const st = await page.evaluate(() => { const h = window.heterolab, s = h?.wb.get(); return { ready: document.body.dataset.ready, busy: h?.store.get().busy, job: s?.job, pending: s?.live.pending, session: s?.session.status, error: s?.error }; });
  throw new Stall(`stalled 60 s: ${JSON.stringify(st)}`);
});

async function ready(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  if (!(await page.evaluate(() => window.heterolab.wb.get().iface))) await page.click('#example-interface');
  await page.waitForFunction(() => window.heterolab.wb.get().iface, null, { timeout: 120_000 });
  await idle(page);
}

/** One action; returns its name. */
async function act(page, url, name, r) {
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  switch (name) {
    case 'load': {
      await page.setInputFiles('#file-input', [pick(FILES)]);
      await idle(page);
      // Keep the list bounded: drop the oldest loaded structure that nothing uses.
      await page.evaluate(() => {
        const h = window.heterolab, s = h.wb.get(), used = new Set([s.filmId, s.substrateId, ...s.stack.map((f) => f.filmId)]);
        const free = h.store.get().structures.filter((e) => !used.has(e.structure.id));
        if (free.length > 3) h.store.remove(free[0].structure.id);
      });
      break;
    }
    case 'match':
      await page.click('#find-matches');
      break;
    case 'twist':
      await page.fill('#twist', String(pick([0, 5, 10, 15, 20, 25, 30, 40, 50])));
      await page.dispatchEvent('#twist', 'input');
      break;
    case 'slide':
      await page.evaluate((sh) => window.heterolab.wb.setPlacement({ shift: sh }), [Math.round(r() * 100) / 100, Math.round(r() * 100) / 100]);
      break;
    case 'predict':
      await page.fill('#zsep', (2.6 + Math.round(r() * 14) / 10).toFixed(1));
      await page.dispatchEvent('#zsep', 'input');
      await page.waitForFunction(() => { const s = window.heterolab.wb.get(); return !s.live.pending && (s.live.ml || s.live.mlError); }, null, { timeout: 60_000 });
      break;
    case 'scan':
      await page.click(pick(['#run-zscan', '#run-registry']));
      break;
    case 'relax':
      await page.click('#run-relax');
      break;
    case 'stack': {
      const n = await page.evaluate(() => window.heterolab.wb.get().stack.length);
      if (n > 0) await page.click('#remove-film');
      else {
        const id = await page.evaluate(() => { const h = window.heterolab, s = h.wb.get(); return h.store.get().structures.find((e) => e.kind === '2D layer' && e.structure.id !== s.filmId)?.structure.id ?? null; });
        if (!id) return act(page, url, 'load', r);
        await page.selectOption('#add-film-structure', id);
        await page.click('#add-film');
      }
      break;
    }
    case 'save':
      await page.evaluate(() => window.heterolab.wb.flush());
      break;
    case 'reload':
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      if (!(await page.evaluate(() => window.heterolab.wb.get().iface))) await ready(page, url);
      break;
    case 'import': {
      await idle(page);
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-session')]);
      await page.setInputFiles('#session-input', await dl.path());
      await page.waitForFunction(() => window.heterolab.wb.get().iface, null, { timeout: 60_000 });
      break;
    }
  }
  await idle(page);
  return name;
}

/**
 * Runs `n` actions from `seed` on `page` (a page served at `url` with meterWorker in place); samples memory
 * every `every` actions. Returns the samples, the counts per action and the problems seen.
 */
export async function soak(page, url, { n, seed, every = 100, log = () => {} }) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('dialog', (d) => d.accept());
  page.on('request', (q) => /^https?:/.test(q.url()) && new URL(q.url()).origin !== new URL(url).origin && problems.push(`request to another origin: ${q.url()}`));
  await ready(page, url);
  // Warm-up (first match, first model load, first scan) before the first sample: caches that fill once are not a leak.
  for (const a of ['match', 'predict', 'scan', 'relax', 'save']) await act(page, url, a, rng(seed + 1));
  const samples = [{ at: 0, ...(await sample(page)) }];
  log(samples[0]);
  const r = rng(seed), names = Object.keys(WEIGHTS), total = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
  const counts = Object.fromEntries(names.map((k) => [k, 0]));
  const t0 = Date.now();
  for (let i = 1; i <= n; i++) {
    let x = r() * total, name = names[0];
    for (const k of names) if ((x -= WEIGHTS[k]) < 0) { name = k; break; }
    counts[name]++;
    try {
      await act(page, url, name, r);
    } catch (e) {
      if (!(e instanceof Stall)) throw e;
      problems.push(`${name} (#${i}): ${e.message}`);
      await page.reload(); // carry on from the saved session, so the rest of the run is measured
      await ready(page, url);
    }
    // Errors the app shows as bugs (not refusals of bad requests, which are data): internal messages.
    const internal = await page.evaluate(() => [...document.querySelectorAll('#messages li.internal')].map((li) => li.textContent));
    if (internal.length) problems.push(...internal.map((m) => `after ${name} (#${i}): ${m}`));
    if (internal.length) await page.evaluate(() => window.heterolab.store.clearMessages());
    if (i % every === 0 || i === n) {
      const s = { at: i, ...(await sample(page)), seconds: Math.round((Date.now() - t0) / 1000) };
      samples.push(s);
      log(s);
    }
  }
  return { samples, counts, problems };
}

/** Memory after the run may exceed the first sample by at most this (MB) plus 25 %: flat, not a leak. */
export const SLACK_MB = 8;
export function assertFlat({ samples, problems }) {
  assert(problems.length === 0, `no errors: ${problems.slice(0, 5).join(' | ')}`);
  const [a, b] = [samples[0], samples.at(-1)];
  for (const k of ['heapMB', 'wasmMB', 'gpuMB']) assert(b[k] <= a[k] * 1.25 + SLACK_MB, `${k} flat: ${a[k]} → ${b[k]}`);
  // The buffer pool holds what the last operations needed (14–30 buffers in the 1,000-action run, up and down
  // with the number of stacked films), so the count is checked for a trend: the end may exceed the first
  // half's peak by at most that swing (16); a leak grows past it.
  const firstHalf = samples.filter((x) => x.at <= b.at / 2);
  const peak = Math.max(...firstHalf.map((x) => x.gpuBuffers));
  assert(b.gpuBuffers <= peak + 16, `GPU buffers flat: ${a.gpuBuffers} at the start, first-half peak ${peak}, ${b.gpuBuffers} at the end`);
}

export function soakSpecs() {
  return [
    ['soak [webgpu]: 50 mixed actions (fixed seed): no error, JS heap, wasm memory and GPU buffers flat', async ({ context, url }) => {
      // Its own context without service workers: a worker script served from the SW cache would bypass the meter.
      const own = await context.browser().newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
      const page = await own.newPage();
      await meterWorker(page);
      const r = await soak(page, url + '?backend=webgpu', { n: 50, seed: 17, every: 10 });
      await own.close();
      console.log(`    ${r.samples.map((s) => `#${s.at}: heap ${s.heapMB} MB, wasm ${s.wasmMB} MiB, GPU ${s.gpuBuffers} buffers ${s.gpuMB} MiB`).join(' → ')}`);
      assertFlat(r);
    }],
  ];
}
