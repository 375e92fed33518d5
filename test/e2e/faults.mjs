// Fault injection (issue 17, "Faults"): each fault falls back or fails with a clear message, and the last good
// session survives. Worker faults are injected by serving the compute worker's script with a prelude (below)
// that patches the worker's globals and obeys `{__fault}` messages before comlink sees them; page faults by
// patching IndexedDB in an init script; network faults by Playwright routes.
import { readFileSync, writeFileSync } from 'node:fs';
import { assert, Skip } from './harness.mjs';

/** Runs first in the worker. `opts.noAdapter`: navigator.gpu gives no adapter. Faults armed by message act on the next call. */
const prelude = (opts) => `
const __f = { next: null, loseGpu: false, oom: false, devices: [] };
if (${!!opts.noAdapter} && self.navigator.gpu) self.navigator.gpu.requestAdapter = async () => null;
if (self.GPUAdapter) {
  const rd = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function (...a) { const d = await rd.apply(this, a); __f.devices.push(d); return d; };
  const submit = GPUQueue.prototype.submit;
  GPUQueue.prototype.submit = function (...a) {
    const r = submit.apply(this, a);
    if (__f.loseGpu) { __f.loseGpu = false; for (const d of __f.devices) d.destroy(); }
    return r;
  };
}
// A real grow failure inside a geometry kernel: memory.grow past the 4 GiB wasm32 limit throws RangeError.
const inst = WebAssembly.instantiate;
WebAssembly.instantiate = async function (...a) {
  const r = await inst.apply(this, a);
  const i = r instanceof WebAssembly.Instance ? r : r.instance;
  if (typeof i.exports.hl_layout_ptr !== 'function') return r;
  const x = i.exports;
  // A copy, not a Proxy: the exports object is frozen, and a Proxy may not return other values for it.
  const wrapped = { ...x, hl_match: (...b) => { if (__f.oom) { __f.oom = false; x.memory.grow(70000); } return x.hl_match(...b); } };
  return r instanceof WebAssembly.Instance ? { exports: wrapped } : { module: r.module, instance: { exports: wrapped } };
};
self.addEventListener('message', (e) => {
  const d = e.data;
  if (d && d.__fault) {
    e.stopImmediatePropagation();
    if (d.__fault === 'lose-gpu') __f.loseGpu = true;
    else if (d.__fault === 'oom') __f.oom = true;
    else __f.next = d.__fault;
    return;
  }
  if (!d || d.type !== 'APPLY' || !__f.next) return;
  const f = __f.next;
  __f.next = null;
  e.stopImmediatePropagation();
  if (f === 'crash') throw new Error('injected crash');
  if (f === 'hang') for (;;);
});
`;

/** Serves the compute worker with the fault prelude. */
async function injectWorker(page, opts = {}) {
  await page.route(/compute\.worker-[^/]*\.js$/, async (route) => {
    const r = await route.fetch();
    const headers = { ...r.headers() };
    delete headers['content-length']; // the body grows by the prelude, and is sent uncompressed
    delete headers['content-encoding'];
    route.fulfill({ response: r, headers, body: prelude(opts) + (await r.text()) });
  });
}
const arm = (page, fault) => page.evaluate((f) => window.heterolab.client.worker.postMessage({ __fault: f }), fault);

const settled = (page) => page.waitForFunction(() => {
  const s = window.heterolab.wb.get();
  return s.iface && !s.live.pending && s.live.ff && (s.live.ml || s.live.mlError);
}, null, { timeout: 120_000 });
async function example(page, url, q = '?backend=cpu') {
  await page.goto(url + q);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.click('#example-interface');
  await settled(page);
}
const saved = (page) => page.waitForFunction(() => window.heterolab.wb.get().session.status === 'saved', null, { timeout: 20_000 });
const snapshot = (page) => page.evaluate(() => { const s = window.heterolab.wb.get(); return { id: s.session.id, revision: s.session.revision, atoms: s.iface?.numbers.length ?? 0, z: s.placement.zSeparation, shift: s.placement.shift.join() }; });
const messages = (page) => page.evaluate(() => [...document.querySelectorAll('#messages li')].map((li) => `${li.className}: ${li.textContent}`).join(' | '));
/** The stored record of a session, read straight from IndexedDB (what a reload would get). */
const stored = (page, id) => page.evaluate((key) => new Promise((resolve, reject) => {
  const rq = indexedDB.open('heterolab');
  rq.onsuccess = () => {
    const g = rq.result.transaction('sessions').objectStore('sessions').get(key);
    g.onsuccess = () => (resolve(g.result ? { revision: g.result.revision, z: g.result.placement?.zSeparation ?? g.result.workbench?.placement?.zSeparation ?? null } : null), rq.result.close());
    g.onerror = () => reject(g.error);
  };
  rq.onerror = () => reject(rq.error);
}), id);
async function setZ(page, z) {
  await page.fill('#zsep', String(z));
  await page.dispatchEvent('#zsep', 'input');
}

export function faultSpecs() {
  return [
    ['fault: no WebGPU adapter — webgpu asked, wasm runs, and the notice says why', async ({ page, url, shot }) => {
      await injectWorker(page, { noAdapter: true });
      await example(page, url, '?backend=webgpu');
      const st = await page.evaluate(() => ({ ff: window.heterolab.wb.get().live.ff.backend, status: document.getElementById('ff-status').textContent }));
      await shot('fault-no-adapter');
      assert(st.ff === 'wasm' && /WebGPU unavailable \(WebGPU is present but no adapter is available\); using wasm/.test(st.status), JSON.stringify(st));
    }],
    ['fault: WebGPU device lost mid-computation — the z-scan finishes on wasm, with a notice', async ({ page, url, shot }) => {
      await injectWorker(page);
      await example(page, url, '?backend=webgpu');
      const before = await page.evaluate(() => window.heterolab.wb.get().live.ff.backend);
      if (before !== 'webgpu') throw new Skip(`WebGPU did not start here (${await page.textContent('#ff-status')})`);
      await saved(page);
      const good = await snapshot(page);
      await arm(page, 'lose-gpu');
      await page.click('#run-zscan');
      await page.waitForFunction(() => window.heterolab.wb.get().zscan || window.heterolab.wb.get().error, null, { timeout: 180_000 });
      const r = await page.evaluate(() => ({ zscan: !!window.heterolab.wb.get().zscan, error: window.heterolab.wb.get().error, status: document.getElementById('ff-status').textContent }));
      await setZ(page, 3.3);
      await page.waitForFunction(() => { const s = window.heterolab.wb.get(); return !s.live.pending && s.live.ff && s.placement.zSeparation === 3.3; }, null, { timeout: 60_000 });
      const after = await page.evaluate(() => window.heterolab.wb.get().live.ff.backend);
      await shot('fault-device-lost');
      assert(r.zscan && !r.error, `z-scan finished: ${JSON.stringify(r)}`);
      assert(after === 'wasm' && /WebGPU device lost \(destroyed\).*continuing on wasm/.test(r.status + (await page.textContent('#ff-status'))), `fell back with a notice: ${after}, ${await page.textContent('#ff-status')}`);
      assert((await snapshot(page)).id === good.id, 'same session');
    }],
    ['fault: worker crash — the pending call fails with a message, the worker restarts, the session is intact', async ({ page, url, shot }) => {
      await injectWorker(page);
      await example(page, url);
      await saved(page);
      const good = await snapshot(page);
      await arm(page, 'crash');
      await page.click('#find-matches');
      await page.waitForFunction(() => /compute worker stopped/.test(document.getElementById('messages').textContent), null, { timeout: 20_000 });
      await page.waitForFunction(() => !window.heterolab.wb.get().job && document.getElementById('busy').hidden);
      const msg = await messages(page);
      const wbError = await page.evaluate(() => window.heterolab.wb.get().error ?? '');
      await shot('fault-worker-crash');
      assert(/injected crash/.test(msg) && /your session is intact/.test(msg), msg);
      assert(/has been restarted/.test(wbError), `the search says why it failed: ${wbError}`);
      const now = await snapshot(page);
      assert(now.atoms === good.atoms && now.z === good.z && now.shift === good.shift && now.id === good.id, `${JSON.stringify(good)} → ${JSON.stringify(now)}`);
      await page.click('#find-matches'); // the restarted worker answers
      await page.waitForFunction(() => !window.heterolab.wb.get().job && window.heterolab.wb.get().matches?.length && !window.heterolab.wb.get().error, null, { timeout: 60_000 });
    }],
    ['fault: worker hang — detected by the heartbeat, restarted, the pending file read fails with a message', async ({ page, url, shot }) => {
      await injectWorker(page);
      await example(page, url);
      await saved(page);
      const good = await snapshot(page);
      await page.evaluate(() => (window.heterolab.client.hangMs = 3000));
      await arm(page, 'hang');
      const t0 = Date.now();
      await page.setInputFiles('#file-input', ['test/fixtures/structures/graphene.vasp']);
      await page.waitForFunction(() => /did not answer for/.test(document.getElementById('messages').textContent), null, { timeout: 20_000 });
      const waited = Date.now() - t0;
      await page.waitForFunction(() => document.getElementById('busy').hidden);
      await shot('fault-worker-hang');
      const msg = await messages(page);
      assert(/error: .*graphene\.vasp not read: the compute worker stopped \(it did not answer for 3 s\)/.test(msg) && !/internal/.test(msg) && waited < 10_000, `${waited} ms: ${msg}`);
      const now = await snapshot(page);
      assert(now.atoms === good.atoms && now.id === good.id, `${JSON.stringify(good)} → ${JSON.stringify(now)}`);
      await page.setInputFiles('#file-input', ['test/fixtures/structures/graphene.vasp']);
      await page.waitForFunction(() => window.heterolab.store.get().structures.some((e) => e.file === 'graphene.vasp'), null, { timeout: 20_000 });
    }],
    ['fault: wasm out of memory (memory.grow fails in the search kernel) — a message, then the next search works', async ({ page, url, shot }) => {
      await injectWorker(page);
      await example(page, url);
      const good = await snapshot(page);
      await arm(page, 'oom');
      await page.click('#find-matches');
      await page.waitForFunction(() => !window.heterolab.wb.get().job && window.heterolab.wb.get().error, null, { timeout: 60_000 });
      const err = await page.evaluate(() => window.heterolab.wb.get().error);
      await shot('fault-wasm-oom');
      assert(/wasm kernel failed .*most likely out of memory; try a smaller search/.test(err), err);
      assert((await snapshot(page)).atoms === good.atoms, 'the interface on screen stays');
      await page.click('#find-matches');
      await page.waitForFunction(() => !window.heterolab.wb.get().job && window.heterolab.wb.get().matches?.length && !window.heterolab.wb.get().error, null, { timeout: 60_000 });
    }],
    ['fault: ONNX model missing (404), then corrupt bytes — the force field still runs and the ML estimate says why', async ({ page, url, shot }) => {
      let mode = '404';
      await page.route(/\.onnx$/, (route) => (mode === '404' ? route.fulfill({ status: 404, body: 'not found' }) : mode === 'bad' ? route.fulfill({ status: 200, body: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)) }) : route.continue()));
      await example(page, url);
      const r1 = await page.evaluate(() => ({ ff: window.heterolab.wb.get().live.ff?.bindingEnergy, ml: window.heterolab.wb.get().live.mlError, text: document.getElementById('estimates').textContent }));
      await shot('fault-onnx-missing');
      assert(Number.isFinite(r1.ff) && /^ebind\.onnx: HTTP 404, the model file is missing/.test(r1.ml) && /ML estimate: /.test(r1.text), JSON.stringify(r1));
      mode = 'bad';
      await setZ(page, 3.4);
      await page.waitForFunction(() => { const s = window.heterolab.wb.get(); return !s.live.pending && s.placement.zSeparation === 3.4 && s.live.mlError; }, null, { timeout: 60_000 });
      const r2 = await page.evaluate(() => window.heterolab.wb.get().live.mlError);
      assert(/^ebind\.onnx is corrupt or from another build \(4096 bytes, sha256 [0-9a-f]{12}…, expected [0-9a-f]{12}…\); reload/.test(r2), `corrupt model: ${r2}`);
      mode = 'ok';
      await setZ(page, 3.5);
      await page.waitForFunction(() => { const s = window.heterolab.wb.get(); return !s.live.pending && s.placement.zSeparation === 3.5 && (s.live.ml || s.live.mlError); }, null, { timeout: 60_000 });
      const r3 = await page.evaluate(() => ({ ml: window.heterolab.wb.get().live.ml?.bindingEnergy.value, err: window.heterolab.wb.get().live.mlError }));
      assert(Number.isFinite(r3.ml) && !r3.err, `the model loads once it is back: ${JSON.stringify(r3)}`);
      console.log(`    corrupt model message: ${r2}`);
    }],
    ['fault: IndexedDB quota exceeded — "storage full" shown, work stays on screen, saved once space is back', async ({ page, url, shot }) => {
      await page.addInitScript(() => {
        const put = IDBObjectStore.prototype.put;
        IDBObjectStore.prototype.put = function (...a) {
          if (window.__quota) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          return put.apply(this, a);
        };
      });
      await example(page, url);
      await saved(page);
      const good = await snapshot(page);
      await page.evaluate(() => (window.__quota = true));
      await setZ(page, 3.7);
      await page.waitForFunction(() => window.heterolab.wb.get().session.status === 'error', null, { timeout: 20_000 });
      const status = await page.textContent('#save-status');
      await shot('fault-quota');
      assert(/not saved: the browser’s storage for this site is full/.test(status), status);
      assert((await stored(page, good.id)).revision === good.revision, 'the stored copy is the last good one');
      assert((await snapshot(page)).z === 3.7, 'the edit stays on screen');
      await page.evaluate(() => (window.__quota = false));
      await saved(page); // the autosave retries
      assert((await stored(page, good.id)).z === 3.7, 'saved after space came back');
    }],
    ['fault: two tabs, the other opens a newer database version — this tab lets it upgrade, warns, and stops saving with a reason', async ({ page, context, url, shot }) => {
      await example(page, url);
      await saved(page);
      const good = await snapshot(page);
      const other = await context.newPage();
      await other.goto(url + 'favicon.svg');
      const upgraded = await other.evaluate(() => new Promise((resolve) => {
        const rq = indexedDB.open('heterolab', 2);
        rq.onupgradeneeded = () => undefined; // the newer build's step (nothing to add here)
        rq.onblocked = () => resolve('blocked');
        rq.onsuccess = () => { const n = rq.result.transaction('sessions').objectStore('sessions').count(); n.onsuccess = () => resolve(`v${rq.result.version}, ${n.result} session(s)`); };
        rq.onerror = () => resolve(String(rq.error));
      }));
      await page.waitForFunction(() => /newer heterolab opened in another tab/.test(document.getElementById('messages').textContent), null, { timeout: 10_000 });
      await setZ(page, 3.8);
      await page.waitForFunction(() => window.heterolab.wb.get().session.status === 'error', null, { timeout: 20_000 });
      const status = await page.textContent('#save-status');
      await shot('fault-blocked-upgrade');
      assert(/^v2, [1-9]/.test(upgraded), `the other tab upgraded and sees the sessions: ${upgraded}`);
      assert(/not saved: .*newer heterolab .*another tab.*reload this tab/.test(status), status);
      assert((await stored(other, good.id)).revision === good.revision, 'the last good session is kept');
      await other.close();
    }],
    ['fault: a corrupted session record — named in a warning, left as it is, and the last good session opens instead', async ({ page, url, shot }) => {
      await example(page, url);
      await saved(page);
      const good = await snapshot(page);
      await page.evaluate(() => new Promise((resolve, reject) => {
        const rq = indexedDB.open('heterolab');
        rq.onsuccess = () => {
          const tx = rq.result.transaction('sessions', 'readwrite');
          // Newer than the good one, so it is first in line; its structures are garbage.
          tx.objectStore('sessions').put({ id: 'session-corrupt', type: 'heterolab-session', schemaVersion: 1, name: 'broken', modified: '2999-01-01T00:00:00.000Z', structures: [{ numbers: [300], positions: 'x' }], revision: 3 });
          tx.oncomplete = () => (rq.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
      }));
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.ready === 'true' && window.heterolab.wb.get().iface, null, { timeout: 60_000 });
      await settled(page);
      const now = await snapshot(page);
      const msg = await messages(page);
      await shot('fault-corrupt-record');
      assert(now.id === good.id && now.atoms === good.atoms, `the good session reopened: ${JSON.stringify(now)} (was ${JSON.stringify(good)})`);
      assert(/a saved session could not be restored and was left as it is \(session-corrupt: /.test(msg), msg);
      assert((await stored(page, 'session-corrupt')) !== null, 'the corrupt record is not deleted');
    }],
    ['fault: a tab closed mid-save — the next tab opens a whole session (the old or the new revision, never a broken one)', async ({ page, context, url }) => {
      // With __slowTx set, a readwrite transaction is kept open (a chain of reads) for that many ms after the
      // save's put: the tab can be closed while the save is really in flight.
      await context.addInitScript(() => {
        const tx = IDBDatabase.prototype.transaction;
        IDBDatabase.prototype.transaction = function (names, mode, ...rest) {
          const t = tx.call(this, names, mode, ...rest);
          if (window.__slowTx && mode === 'readwrite') {
            const until = Date.now() + window.__slowTx, store = t.objectStore([].concat(names)[0]);
            const spin = () => { if (Date.now() < until) store.count().onsuccess = spin; };
            spin();
          }
          return t;
        };
      });
      await example(page, url);
      await saved(page);
      let tab = page;
      const seen = [];
      // Closed before the debounced save starts (flushed on pagehide, or not at all), then while it is in flight.
      for (const [k, delay] of [0, 150, 'saving', 'saving'].entries()) {
        const before = await snapshot(tab);
        const z = 3.1 + 0.1 * (k + 1);
        await setZ(tab, z);
        if (delay === 'saving') {
          await tab.evaluate(() => (window.__slowTx = 1500));
          await tab.waitForFunction(() => window.heterolab.wb.get().session.status === 'saving', null, { timeout: 10_000, polling: 50 });
        }
        else if (delay) await tab.waitForTimeout(delay);
        await tab.close({ runBeforeUnload: true });
        tab = await context.newPage();
        await tab.goto(url + '?backend=cpu');
        await tab.waitForFunction(() => document.body.dataset.ready === 'true' && window.heterolab.wb.get().iface, null, { timeout: 60_000 });
        await settled(tab);
        const after = await snapshot(tab);
        seen.push(`${delay}${typeof delay === 'number' ? ' ms' : ''}: z ${after.z} rev ${after.revision}`);
        assert(after.id === before.id && after.atoms === before.atoms && (after.z === before.z || Math.abs(after.z - z) < 1e-9), `${JSON.stringify(before)} → ${JSON.stringify(after)}`);
        assert(!/could not be restored/.test(await messages(tab)), await messages(tab));
      }
      console.log(`    reopened: ${seen.join('; ')}`);
    }],
    ['fault: a service-worker update while the tab is open — announced, activated on Reload, stale caches removed', async ({ page, url, shot }) => {
      await page.goto(url);
      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.reload();
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
      // What an older version left: a precache of an older workbox naming scheme, and an old asset in the current one.
      const planted = await page.evaluate(async () => {
        const scope = (await navigator.serviceWorker.ready).scope;
        await (await caches.open(`workbox-precache-${scope}`)).put(new URL('assets/old-DEADBEEF.js', scope).href, new Response('old'));
        const current = (await caches.keys()).find((k) => k.startsWith('workbox-precache-v2-'));
        await (await caches.open(current)).put(new URL('assets/stale-0BADF00D.js?__WB_REVISION__=1', scope).href, new Response('stale'));
        return { scope, current, keys: await caches.keys() };
      });
      // A new build: the same service worker with one byte changed (restored afterwards).
      const sw = readFileSync('dist/sw.js', 'utf8');
      try {
        writeFileSync('dist/sw.js', sw + '\n// update\n');
        await page.evaluate(async () => (await navigator.serviceWorker.ready).update());
        await page.waitForSelector('#update:not([hidden])', { timeout: 30_000 });
        await shot('fault-sw-update');
        await Promise.all([page.waitForEvent('load', { timeout: 30_000 }), page.click('#update-now')]);
      } finally {
        writeFileSync('dist/sw.js', sw);
      }
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
      const after = await page.waitForFunction(async (cur) => {
        const keys = await caches.keys();
        const c = await caches.open(cur);
        const urls = (await c.keys()).map((r) => r.url);
        return !keys.some((k) => k.startsWith('workbox-precache-http')) && !urls.some((u) => u.includes('stale-0BADF00D')) && urls.length > 5 ? { keys, n: urls.length } : null;
      }, planted.current, { timeout: 30_000 }).then((h) => h.jsonValue());
      assert(after.keys.includes(planted.current), `current precache kept: ${JSON.stringify(after)}`);
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
    }],
  ];
}
