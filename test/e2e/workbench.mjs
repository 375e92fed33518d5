// End-to-end specs for the workbench (issue 7): film + bulk → match → rotate (slider and ring) → slide →
// estimates change → z-scan chart → export POSCAR and read it back → reload restores the session → offline
// reload still works → a second tab follows the first. Run with ?backend=cpu and with auto (WebGPU).
import { readFileSync } from 'node:fs';
import { assert, dropFiles } from './harness.mjs';



const state = (page) => page.evaluate(() => {
  const s = window.heterolab.wb.get();
  return { atoms: s.iface?.numbers.length ?? 0, area: s.match?.area ?? null, twist: s.twistDeg, z: s.placement.zSeparation, shift: s.placement.shift, ffE: s.live.ff?.bindingEnergy ?? null, mlE: s.live.ml?.bindingEnergy.value ?? null, ffBackend: s.live.ff?.backend ?? null, session: s.session };
});
const settled = (page) => page.waitForFunction(() => {
  const s = window.heterolab.wb.get();
  return s.iface && !s.live.pending && s.live.ff && (s.live.ml || s.live.mlError) && s.live.ff.zSeparation !== undefined;
}, null, { timeout: 120_000 });
const estimatesFor = (page, prev) => page.waitForFunction((p) => {
  const s = window.heterolab.wb.get();
  return !s.live.pending && s.live.ff && s.live.ff.bindingEnergy !== p;
}, prev, { timeout: 120_000 }).catch(async (e) => {
  // Say what the estimates were when they did not come (the bare timeout hid the cause).
  const live = await page.evaluate(() => { const s = window.heterolab.wb.get(); return { pending: s.live.pending, ff: s.live.ff?.bindingEnergy ?? null, ffError: s.live.ffError ?? null, backend: s.live.ff?.backend ?? null, twist: s.twistDeg, messages: s.messages?.slice?.(-3) }; });
  throw new Error(`${e.message}; estimates: ${JSON.stringify(live)} (previous ${prev})`);
});

/** MoS2 (film), Au (substrate) and graphene dropped, the first match built and estimated (`?backend=cpu`). */
export async function stackReady(page, url, backend = 'cpu') {
  await page.goto(url + (backend === 'auto' ? '' : `?backend=${backend}`));
  await page.waitForSelector('#empty:not([hidden])');
  await dropFiles(page, ['structures/MoS2_monolayer.vasp', 'structures/Au_fcc_conventional.vasp', 'structures/graphene.vasp']);
  await page.waitForFunction(() => document.querySelectorAll('#structures li').length === 3);
  await page.click('#structures li:nth-child(1) [data-role=film]');
  await page.click('#structures li:nth-child(2) [data-role=substrate]');
  await page.click('#find-matches');
  await settled(page);
}

export function workbenchSpecs(backend) {
  const q = backend === 'auto' ? '' : `?backend=${backend}`;
  const tag = `[${backend}]`;
  return [
    [`workbench ${tag}: drop film and bulk, match, rotate, slide, estimates, z-scan, export, reload, offline, second tab`, async ({ page, context, url, shot }) => {
      const p = (n) => shot(`wb-${backend}-${n}`);
      await page.goto(url + q);
      await page.waitForSelector('#empty:not([hidden])');
      await dropFiles(page, ['structures/MoS2_monolayer.vasp', 'structures/Au_fcc_conventional.vasp']);
      await page.waitForFunction(() => document.querySelectorAll('#structures li').length === 2);
      await page.click('#structures li:nth-child(1) [data-role=film]');
      await page.click('#structures li:nth-child(2) [data-role=substrate]');
      await page.fill('#max-area', '120');
      await page.dispatchEvent('#max-area', 'change');
      // A non-default vacuum must reach every export (it used to be replaced by 15 Å).
      await page.fill('#vacuum', '25');
      await page.dispatchEvent('#vacuum', 'change');
      await p('01-roles');
      await page.click('#find-matches');
      await page.waitForSelector('#matches tbody tr');
      await settled(page);
      const rows = await page.locator('#matches tbody tr').count();
      assert(rows >= 1, `matches listed: ${rows}`);
      await page.click('#matches tbody tr:last-child');
      await settled(page);
      let s0 = await state(page);
      assert(s0.atoms > 0 && s0.ffE !== null && s0.mlE !== null, `interface and estimates: ${JSON.stringify(s0)}`);
      const est = await page.textContent('#estimates');
      assert(/E_bind .* ± .* eV\/atom/.test(est) && /held-out RMSE on new films/.test(est) && /heterolab-hetero2d/.test(est), `estimates text: ${est}`);
      if (backend !== 'auto') assert(s0.ffBackend === backend, `force field ran on ${s0.ffBackend}, asked ${backend}`);
      await p('02-match');

      // Rotate with the slider to an angle where a coincident cell exists (asked of the worker, as the twist-scan chart would).
      const angle = await page.evaluate(async () => {
        const wb = window.heterolab.wb;
        for (const t of [30, 10, 20, 40, 50, 5, 15, 25, 35, 45, 55]) {
          const r = await window.heterolab.api.matches(wb.request(), wb.params(), { kind: 'twist', twist: (t * Math.PI) / 180 });
          if (r.matches.length) return t;
        }
        return null;
      });
      assert(angle !== null, 'some twist angle has a coincident cell');
      // fill sends the input event, as a drag of the slider does; a second one would read the slider after it
      // moved to the cell's own twist (within the angle tolerance) and dial that instead.
      await page.fill('#twist', String(angle));
      await page.waitForFunction((a) => window.heterolab.wb.get().twistDeg === a, angle);
      await estimatesFor(page, s0.ffE);
      const s1 = await state(page);
      assert(s1.twist === angle && s1.ffE !== s0.ffE, `twist slider changed the estimate: ${s0.ffE} → ${s1.ffE}`);
      await p('03-twist-slider');

      // Slide by dragging a film atom, and turn by dragging the ring.
      await page.waitForTimeout(200);
      let h = await page.evaluate(() => window.heterolab.view.handles());
      assert(h.film && h.ring, 'film atom and ring are on screen');
      await page.mouse.move(h.film.x, h.film.y);
      await page.mouse.down();
      await page.mouse.move(h.film.x + 25, h.film.y + 10, { steps: 4 });
      await page.mouse.up();
      await settled(page);
      const s2 = await state(page);
      assert(s2.shift[0] !== s1.shift[0] || s2.shift[1] !== s1.shift[1], `dragging the film slid it: ${JSON.stringify(s1.shift)} → ${JSON.stringify(s2.shift)}`);
      h = await page.evaluate(() => window.heterolab.view.handles());
      await page.mouse.move(h.ring.x, h.ring.y);
      await page.mouse.down();
      await page.mouse.move(h.ring.x - 10, h.ring.y - 60, { steps: 5 });
      await page.mouse.up();
      // The ring asks for a new twist: built when a coincident cell exists there, else refused with a message.
      await page.waitForFunction((t) => window.heterolab.wb.get().twistDeg !== t || /No coincident supercell at/.test(window.heterolab.wb.get().error ?? ''), s2.twist);
      await settled(page);
      const s3 = await state(page);
      const turned = s3.twist !== angle;
      const refused = await page.evaluate(() => window.heterolab.wb.get().error ?? '');
      assert(turned || /No coincident supercell at/.test(refused), `dragging the ring turned the film (twist ${s3.twist}) or said why not (${refused})`);
      await p('04-dragged');
      // Undo (keyboard) returns to the slid placement at the slider's angle.
      await page.evaluate(() => document.activeElement?.blur());
      if (turned) {
        await page.keyboard.press('Control+z');
        await page.waitForFunction((a) => window.heterolab.wb.get().twistDeg === a, angle);
      }
      await page.keyboard.press('Control+z'); // undo the slide
      await page.waitForFunction((sh) => window.heterolab.wb.get().placement.shift.join() === sh, s1.shift.join());
      await settled(page);

      // z-scan: the binding curve chart appears.
      await page.click('#run-zscan');
      await page.waitForFunction(() => window.heterolab.wb.get().zscan, null, { timeout: 180_000 });
      await page.waitForSelector('#zscan-chart canvas');
      const pts = await page.getAttribute('#zscan-chart', 'data-points');
      assert(Number(pts) > 20, `z-scan chart has ${pts} points`);
      await p('05-zscan');

      // Export POSCAR and read it back through the app's own reader: same atoms, fixed layers kept.
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-export=vasp]')]);
      const text = readFileSync(await dl.path(), 'utf8');
      const back = await page.evaluate(async (t) => {
        const r = await window.heterolab.api.readFiles([{ name: 'POSCAR', bytes: new TextEncoder().encode(t).buffer }]);
        const s = window.heterolab.wb.get().iface;
        if (!r[0].ok) return { error: r[0].issue.message };
        const b = r[0].structures[0];
        let maxd = 0;
        for (let i = 0; i < b.positions.length; i++) maxd = Math.max(maxd, Math.abs(b.positions[i] - s.positions[i]));
        const sorted = (x) => Array.from(x).sort((p, q) => p - q).join();
        return { n: b.numbers.length, want: s.numbers.length, same: sorted(b.numbers) === sorted(s.numbers), maxd, fixed: b.arrays.selectiveDynamics ? Array.from(b.arrays.selectiveDynamics).filter((f) => f === 0).length : 0 };
      }, text);
      assert(!back.error && back.n === back.want && back.same && back.fixed > 0, `POSCAR read back: ${JSON.stringify(back)}`);
      // The CIF of the same interface is the same structure (not its mirror image), with the same 25 Å of vacuum.
      const [dlCif] = await Promise.all([page.waitForEvent('download'), page.click('[data-export=cif]')]);
      const same = await page.evaluate(async ([poscar, cif]) => {
        const [a, b] = await window.heterolab.api.readFiles([{ name: 'POSCAR', bytes: new TextEncoder().encode(poscar).buffer }, { name: 'x.cif', bytes: new TextEncoder().encode(cif).buffer }]);
        if (!a.ok || !b.ok) return { error: JSON.stringify([a.issue, b.issue]) };
        const [p, c] = [a.structures[0], b.structures[0]];
        const det = (m) => m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
        const vacuum = (s) => {
          let lo = Infinity, hi = -Infinity;
          for (let i = 2; i < s.positions.length; i += 3) (lo = Math.min(lo, s.positions[i])), (hi = Math.max(hi, s.positions[i]));
          return Math.abs(det(s.cell)) / Math.hypot(s.cell[0] * s.cell[4] - s.cell[1] * s.cell[3], s.cell[2] * s.cell[3] - s.cell[0] * s.cell[5], s.cell[1] * s.cell[5] - s.cell[2] * s.cell[4]) - (hi - lo);
        };
        // Same structure: the same multiset of each atom's 12 nearest distances (periodic in a, b, c) ...
        const table = (s) => {
          const n = s.numbers.length, out = [];
          for (let i = 0; i < n; i++) {
            const d = [];
            for (let j = 0; j < n; j++)
              for (const [u, v, w] of [[0, 0, 0], [1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [1, 1, 0], [-1, -1, 0], [1, -1, 0], [-1, 1, 0], [0, 0, 1], [0, 0, -1]]) {
                const x = s.positions[3 * j] + u * s.cell[0] + v * s.cell[3] + w * s.cell[6] - s.positions[3 * i];
                const y = s.positions[3 * j + 1] + u * s.cell[1] + v * s.cell[4] + w * s.cell[7] - s.positions[3 * i + 1];
                const z = s.positions[3 * j + 2] + u * s.cell[2] + v * s.cell[5] + w * s.cell[8] - s.positions[3 * i + 2];
                const r = Math.hypot(x, y, z);
                if (r > 1e-6) d.push(r);
              }
            out.push(s.numbers[i] + ':' + d.sort((q, r) => q - r).slice(0, 12).map((x) => x.toFixed(4)).join());
          }
          return out.sort().join(';');
        };
        // ... and the same hand: each POSCAR atom has a CIF atom of the same species at the same fractional
        // coordinates, and the signed volume of one non-flat tetrahedron of matched atoms has the same sign in
        // both (a mirror image has the same distances).
        const frac = (s) => {
          const m = s.cell, d = det(m);
          const inv = [m[4] * m[8] - m[5] * m[7], m[2] * m[7] - m[1] * m[8], m[1] * m[5] - m[2] * m[4], m[5] * m[6] - m[3] * m[8], m[0] * m[8] - m[2] * m[6], m[2] * m[3] - m[0] * m[5], m[3] * m[7] - m[4] * m[6], m[1] * m[6] - m[0] * m[7], m[0] * m[4] - m[1] * m[3]].map((x) => x / d);
          return Array.from({ length: s.numbers.length }, (_, i) => [0, 1, 2].map((k) => s.positions[3 * i] * inv[k] + s.positions[3 * i + 1] * inv[3 + k] + s.positions[3 * i + 2] * inv[6 + k]));
        };
        const [fp, fc] = [frac(p), frac(c)];
        const near = (x, y) => x.every((v, k) => Math.abs(v - y[k] - Math.round(v - y[k])) < 1e-4);
        const partner = fp.map((x, i) => fc.findIndex((y, j) => c.numbers[j] === p.numbers[i] && near(x, y)));
        const sameFrac = partner.every((j) => j >= 0) && new Set(partner).size === partner.length;
        const vol = (s, q) => {
          const d = (k) => [0, 1, 2].map((x) => s.positions[3 * q[k] + x] - s.positions[3 * q[0] + x]);
          const [u, v, w] = [d(1), d(2), d(3)];
          return u[0] * (v[1] * w[2] - v[2] * w[1]) - u[1] * (v[0] * w[2] - v[2] * w[0]) + u[2] * (v[0] * w[1] - v[1] * w[0]);
        };
        let quad = null;
        for (let b = 1; !quad && b < p.numbers.length; b++) for (let cc = b + 1; !quad && cc < p.numbers.length; cc++) for (let e = cc + 1; !quad && e < p.numbers.length; e++) if (Math.abs(vol(p, [0, b, cc, e])) > 0.5) quad = [0, b, cc, e];
        const chirality = quad && sameFrac ? [Math.sign(vol(p, quad)), Math.sign(vol(c, quad.map((i) => partner[i])))] : [0, 0];
        return { n: [p.numbers.length, c.numbers.length], vacuum: [vacuum(p), vacuum(c)], handed: [Math.sign(det(p.cell)), Math.sign(det(c.cell))], sameTable: table(p) === table(c), sameFrac, chirality };
      }, [text, readFileSync(await dlCif.path(), 'utf8')]);
      assert(!same.error && same.n[0] === same.n[1] && same.sameTable && same.sameFrac && same.chirality[0] !== 0 && same.chirality[0] === same.chirality[1], `POSCAR and CIF read back as the same structure: ${JSON.stringify(same)}`);
      assert(same.vacuum.every((v) => Math.abs(v - 25) < 1e-3) && same.handed.every((h) => h === 1), `25 Å of vacuum and right-handed cells in both exports: ${JSON.stringify(same)}`);

      // Reload: the session comes back as it was.
      await page.waitForFunction(() => window.heterolab.wb.get().session.status === 'saved', null, { timeout: 20_000 });
      const before = await state(page);
      await page.reload();
      await page.waitForFunction(() => window.heterolab.wb?.get().iface, null, { timeout: 60_000 });
      await settled(page);
      const after = await state(page);
      assert(after.atoms === before.atoms && after.area === before.area && after.z === before.z && after.shift.join() === before.shift.join() && after.session.id === before.session.id, `restored: ${JSON.stringify(before)} vs ${JSON.stringify(after)}`);
      await p('06-reloaded');

      // Offline: once the service worker controls the page, a reload with the network off still works.
      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.reload();
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
      await context.setOffline(true);
      await page.reload();
      await page.waitForFunction(() => window.heterolab.wb?.get().iface, null, { timeout: 60_000 });
      await settled(page);
      const off = await state(page);
      assert(off.mlE !== null && off.ffE !== null, `offline estimates: ${JSON.stringify(off)}`);
      await page.fill('#zsep', '3.6');
      await page.dispatchEvent('#zsep', 'input');
      await estimatesFor(page, off.ffE);
      // Still offline: drop a further file, match again, turn with the slider, z-scan and export.
      await dropFiles(page, ['structures/graphene.vasp']);
      await page.waitForFunction(() => document.querySelectorAll('#structures li').length === 3);
      await page.click('#find-matches');
      await page.waitForFunction(() => !window.heterolab.wb.get().job && window.heterolab.wb.get().matches?.length, null, { timeout: 60_000 });
      await settled(page);
      const angle2 = await page.evaluate(async (a0) => {
        const wb = window.heterolab.wb;
        for (const t of [30, 10, 20, 40, 50, 5, 15, 25, 35, 45, 55].filter((t) => t !== a0)) {
          const r = await window.heterolab.api.matches(wb.request(), wb.params(), { kind: 'twist', twist: (t * Math.PI) / 180 });
          if (r.matches.length) return t;
        }
        return null;
      }, angle);
      assert(angle2 !== null, 'another twist angle has a coincident cell');
      await page.fill('#twist', String(angle2));
      await page.waitForFunction((a) => window.heterolab.wb.get().twistDeg === a, angle2);
      // The new angle may be symmetry-equivalent to the old one (same energy to the last digit): wait for its estimates, not for a new value.
      await settled(page);
      await page.click('#run-zscan');
      await page.waitForFunction(() => window.heterolab.wb.get().zscan, null, { timeout: 180_000 });
      await page.waitForSelector('#zscan-chart canvas');
      const [dlOff] = await Promise.all([page.waitForEvent('download'), page.click('[data-export=vasp]')]);
      const offText = readFileSync(await dlOff.path(), 'utf8');
      const offAtoms = Number(offText.split('\n')[6].trim().split(/\s+/).reduce((a, b) => a + Number(b), 0));
      assert(offAtoms === (await state(page)).atoms, `offline POSCAR has ${offAtoms} atoms`);
      await p('07-offline');

      // A second tab on the same session: a change there reaches this tab; nothing is overwritten.
      const page2 = await context.newPage();
      await page2.goto(url + q);
      await page2.waitForFunction(() => window.heterolab.wb?.get().iface, null, { timeout: 60_000 });
      const t2 = await state(page2);
      assert(t2.session.id === off.session.id, 'the second tab opens the same session');
      await page.waitForFunction(() => window.heterolab.wb.get().session.status === 'saved', null, { timeout: 20_000 });
      await page2.waitForFunction(() => window.heterolab.wb.get().session.status === 'saved' || window.heterolab.wb.get().session.status === 'new', null, { timeout: 20_000 });
      await page2.evaluate(() => window.heterolab.wb.load && null);
      await page2.reload();
      await page2.waitForFunction(() => window.heterolab.wb?.get().iface, null, { timeout: 60_000 });
      await page2.fill('#zsep', '2.9');
      await page2.dispatchEvent('#zsep', 'input');
      await page2.waitForFunction(() => window.heterolab.wb.get().session.status === 'saved' && window.heterolab.wb.get().placement.zSeparation === 2.9, null, { timeout: 20_000 });
      await page.waitForFunction(() => window.heterolab.wb.get().placement.zSeparation === 2.9, null, { timeout: 20_000 });
      const statuses = [await state(page), await state(page2)].map((x) => x.session.status);
      assert(!statuses.includes('conflict') && !statuses.includes('error'), `no conflict after following: ${statuses}`);
      await context.setOffline(false);
      await p('08-second-tab');
      await page2.close();
    }],
  ];
}

/** z-separation (Å) of film `role` as built: its lowest plane over the top plane of the layer below (0.3 Å planes). */
const builtZ = (page, role) => page.evaluate((g) => {
  const s = window.heterolab.wb.get().iface;
  const zs = (r) => Array.from(s.arrays.role).flatMap((x, i) => (x === r ? [s.positions[3 * i + 2]] : []));
  const mean = (a) => a.reduce((p, q) => p + q, 0) / a.length;
  const below = zs(g - 1), film = zs(g);
  const top = Math.max(...below), bot = Math.min(...film);
  return mean(film.filter((z) => z - bot <= 0.3)) - mean(below.filter((z) => top - z <= 0.3));
}, role);

/** Stacking (issue 7, "add another film on top"): graphene on MoS2 on Au(111), each film moved on its own. */
export function stackSpecs() {
  return [
    ['layout: laptop (1366×768) and large monitor (2560×1440): no horizontal scrolling, the 3D view gets the room', async ({ page, url, shot }) => {
      await page.goto(url + '?backend=wasm');
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      await page.click('#example-interface');
      await settled(page);
      for (const [w, h] of [[1366, 768], [2560, 1440]]) {
        await page.setViewportSize({ width: w, height: h });
        await page.waitForTimeout(300);
        const r = await page.evaluate(() => {
          const v = document.getElementById('view').getBoundingClientRect();
          const sliders = document.getElementById('placement').getBoundingClientRect();
          return { scrollW: document.documentElement.scrollWidth, clientW: document.documentElement.clientWidth, view: [v.width, v.height], sliders: [sliders.top, sliders.bottom] };
        });
        await shot(`layout-${w}x${h}`);
        assert(r.scrollW <= r.clientW, `${w}×${h}: page scrolls sideways (${r.scrollW} > ${r.clientW})`);
        assert(r.view[0] >= 0.4 * w && r.view[1] >= 0.6 * h, `${w}×${h}: 3D view is ${r.view.join('×')}`);
        assert(r.sliders[1] <= h, `${w}×${h}: placement sliders end at ${r.sliders[1]}, below the window`);
      }
      // The example's burst of edits is saved one write at a time: never a conflict with itself.
      await page.waitForFunction(() => ['saved', 'conflict', 'error'].includes(window.heterolab.wb.get().session.status), null, { timeout: 20_000 });
      const status = await page.evaluate(() => window.heterolab.wb.get().session);
      assert(status.status === 'saved', `one tab, session ${status.status}: ${status.message ?? ''}`);
    }],
    ['view [wasm]: a 10,000-atom interface is drawn as sphere impostors that can still be picked and measured', async ({ page, url, shot }) => {
      await page.goto(url + '?backend=wasm');
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      await page.click('#example-interface');
      await settled(page);
      const n = await page.evaluate(async () => {
        const wb = window.heterolab.wb;
        const m0 = wb.get().match, k = Math.ceil(Math.sqrt(10000 / wb.get().iface.numbers.length));
        await wb.selectMatch(0, false);
        wb.state = { ...wb.state, matches: [{ ...m0, filmMatrix: m0.filmMatrix.map((r) => r.map((x) => x * k)), substrateMatrix: m0.substrateMatrix.map((r) => r.map((x) => x * k)) }] };
        await wb.selectMatch(0);
        return wb.get().iface.numbers.length;
      });
      await settled(page);
      await page.waitForFunction((x) => Number(document.body.dataset.drawnAtoms) === x, n);
      assert(n >= 10000, `${n} atoms`);
      const h = await page.evaluate(() => window.heterolab.view.handles());
      assert(h.film, 'a film atom is on screen');
      await page.mouse.click(h.film.x, h.film.y);
      await page.waitForSelector('#measure:not([hidden])');
      assert(/click a second atom/.test(await page.textContent('#measure')), 'the first click picked an atom');
      // The middle of the view, where the dense structure covers every pixel.
      const box = await page.locator('#view').boundingBox();
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForFunction(() => !/click a second/.test(document.getElementById('measure').textContent));
      const text = await page.textContent('#measure');
      await shot('view-10k-impostors');
      assert(/^[A-Z][a-z]?\d+ – [A-Z][a-z]?\d+: \d+\.\d{3} Å$/.test(text), `measured: ${text}`);
    }],
    ['workbench [cpu]: stack graphene on MoS2/Au(111), move each film (slider, gizmo turn and slide), export, reload, remove and undo', async ({ page, url, shot }) => {
      const p = (n) => shot(`stack-${n}`);
      await stackReady(page, url);
      const one = await state(page);
      const gid = await page.evaluate(() => window.heterolab.store.get().structures[2].structure.id);
      await page.selectOption('#add-film-structure', gid);
      await page.click('#add-film');
      await page.waitForFunction(() => window.heterolab.wb.get().stack.length === 1 && window.heterolab.wb.get().iface?.arrays.role.includes(2), null, { timeout: 60_000 });
      await settled(page);
      const two = await page.evaluate(() => { const s = window.heterolab.wb.get(); return { activeFilm: s.activeFilm, atoms: s.iface.numbers.length, film2: Array.from(s.iface.arrays.role).filter((r) => r === 2).length, rows: document.querySelectorAll('#stack li').length, ffE: s.live.ff.bindingEnergy, scope: s.live.mlScope ?? '' }; });
      assert(two.activeFilm === 1 && two.film2 > 0 && two.atoms > one.atoms && two.rows === 3, `stacked: ${JSON.stringify(two)}`);
      assert(/film 1 on the substrate only/.test(await page.textContent('#estimates')), 'the ML estimate says it sees film 1 only');
      const z1 = await builtZ(page, 1);
      await p('01-stacked');

      // The z slider moves the selected film (film 2); film 1 stays where it was.
      await page.fill('#zsep', '3.6');
      await page.dispatchEvent('#zsep', 'input');
      await page.waitForFunction(() => window.heterolab.wb.get().stack[0].placement.zSeparation === 3.6);
      await estimatesFor(page, two.ffE);
      const [a1, a2] = [await builtZ(page, 1), await builtZ(page, 2)];
      assert(Math.abs(a2 - 3.6) < 1e-6 && Math.abs(a1 - z1) < 1e-6, `film 2 at ${a2} Å, film 1 still at ${a1} Å (was ${z1})`);

      // Turn film 2 with the gizmo's ring (three's TransformControls, about the normal).
      await page.waitForTimeout(200);
      let h = await page.evaluate(() => window.heterolab.view.handles());
      assert(h.ring, 'the turning ring is on screen');
      const before = await page.evaluate(() => ({ twist: window.heterolab.wb.get().stack[0].match.twist, err: window.heterolab.wb.get().error }));
      await page.mouse.move(h.ring.x, h.ring.y);
      await page.mouse.down();
      await page.mouse.move(h.ring.x + 40, h.ring.y - 5, { steps: 5 });
      await page.mouse.up();
      await page.waitForFunction((b) => { const s = window.heterolab.wb.get(); return s.stack[0].match.twist !== b.twist || (s.error && /No coincident cell for C/.test(s.error)); }, before, { timeout: 60_000 });
      const turn = await page.evaluate(() => ({ twist: window.heterolab.wb.get().stack[0].twistDeg, err: window.heterolab.wb.get().error }));
      assert(turn.twist !== null || /No coincident cell/.test(turn.err), `the ring turned film 2 (${turn.twist}°) or said why not (${turn.err})`);
      await settled(page);
      await p('02-turned');

      // Slide film 2 with the gizmo's in-plane handle (G switches the gizmo to sliding).
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press('g');
      await page.waitForTimeout(200);
      h = await page.evaluate(() => window.heterolab.view.handles());
      assert(h.plane, 'the sliding handle is on screen');
      const sh0 = await page.evaluate(() => window.heterolab.wb.get().stack[0].placement.shift.join());
      const f1 = await page.evaluate(() => window.heterolab.wb.get().placement.shift.join());
      await page.mouse.move(h.plane.x, h.plane.y);
      await page.mouse.down();
      await page.mouse.move(h.plane.x + 30, h.plane.y + 12, { steps: 5 });
      await page.mouse.up();
      await page.waitForFunction((x) => window.heterolab.wb.get().stack[0].placement.shift.join() !== x, sh0);
      await settled(page);
      assert((await page.evaluate(() => window.heterolab.wb.get().placement.shift.join())) === f1, 'film 1 did not slide');
      await p('03-slid');

      // Select film 1: now the slider moves film 1, and film 2 keeps its gap above it.
      await page.click('#stack [data-select="0"]');
      await page.waitForFunction(() => window.heterolab.wb.get().activeFilm === 0);
      await page.fill('#zsep', '2.8');
      await page.dispatchEvent('#zsep', 'input');
      await page.waitForFunction(() => window.heterolab.wb.get().placement.zSeparation === 2.8);
      await settled(page);
      const [b1, b2] = [await builtZ(page, 1), await builtZ(page, 2)];
      assert(Math.abs(b1 - 2.8) < 1e-6 && Math.abs(b2 - 3.6) < 1e-6, `film 1 at ${b1} Å, film 2 keeps ${b2} Å`);

      // z-scan of film 1 (film 2 rides along) with a progress bar that fills.
      const fractions = [];
      await page.exposeFunction('progressSeen', (x) => fractions.push(x));
      await page.evaluate(() => window.heterolab.wb.subscribe((s) => s.job?.total && window.progressSeen(s.job.done / s.job.total)));
      await page.click('#run-zscan');
      await page.waitForFunction(() => window.heterolab.wb.get().zscan, null, { timeout: 180_000 });
      assert(fractions.length > 1 && fractions.at(-1) === 1, `progress reported: ${fractions.map((x) => x.toFixed(2)).join(' ')}`);
      assert(/binding curve of film 1/.test(await page.getAttribute('#zscan-chart', 'aria-label') + (await page.textContent('#zscan-chart'))), 'the chart names the scanned film');
      await p('04-zscan');

      // Export: the POSCAR holds all three layers.
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-export=vasp]')]);
      const text = readFileSync(await dl.path(), 'utf8');
      const back = await page.evaluate(async (t) => {
        const r = await window.heterolab.api.readFiles([{ name: 'POSCAR', bytes: new TextEncoder().encode(t).buffer }]);
        return r[0].ok ? { n: r[0].structures[0].numbers.length, want: window.heterolab.wb.get().iface.numbers.length } : { error: r[0].issue.message };
      }, text);
      assert(!back.error && back.n === back.want, `POSCAR read back: ${JSON.stringify(back)}`);
      const report = await page.evaluate(() => new Promise((resolve) => {
        const orig = URL.createObjectURL;
        URL.createObjectURL = (b) => (b.text().then(resolve), (URL.createObjectURL = orig), orig(b));
        document.getElementById('export-report').click();
      }));
      assert(/stacked film 2 \(C side down\): twist/.test(report), `report lists the stacked film: ${report.slice(0, 400)}`);

      // Reload: the stack comes back.
      await page.waitForFunction(() => window.heterolab.wb.get().session.status === 'saved', null, { timeout: 20_000 });
      const saved = await page.evaluate(() => ({ atoms: window.heterolab.wb.get().iface.numbers.length, stack: JSON.stringify(window.heterolab.wb.get().stack.map((f) => f.placement)) }));
      await page.reload();
      await page.waitForFunction(() => window.heterolab.wb?.get().iface, null, { timeout: 60_000 });
      await settled(page);
      const restored = await page.evaluate(() => ({ atoms: window.heterolab.wb.get().iface.numbers.length, stack: JSON.stringify(window.heterolab.wb.get().stack.map((f) => f.placement)) }));
      assert(JSON.stringify(restored) === JSON.stringify(saved), `restored ${JSON.stringify(restored)} vs ${JSON.stringify(saved)}`);
      await p('05-reloaded');

      // Remove the top film, then undo it back.
      await page.click('#remove-film');
      await page.waitForFunction(() => window.heterolab.wb.get().stack.length === 0 && !window.heterolab.wb.get().iface.arrays.role.includes(2));
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press('Control+z');
      await page.waitForFunction(() => window.heterolab.wb.get().stack.length === 1 && window.heterolab.wb.get().iface.arrays.role.includes(2));
      await settled(page);
      await p('06-undo-remove');
    }],
  ];
}
