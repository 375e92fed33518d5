// End-to-end specs for the 3D view (issue 13 items 5, 11, 14 and the views and measurements users expect):
// element colours told apart with the legend showing what is drawn, no film tint by default, labels and bonds on
// demand; Reset view frames the interface (and a tall slab) clear of the info card and the toolbars; the ×N
// stack's area and the full composition; axis triad, view along a/b/c/normal, orthographic top view; distances,
// angles and dihedrals drawn; PNG export without gizmo and triad at 4× on white. Each at 1366×768 and 1440×900.
import { readFileSync } from 'node:fs';
import { assert, dropFiles } from './harness.mjs';
import { stackReady } from './workbench.mjs';

const SIZES = [{ width: 1366, height: 768 }, { width: 1440, height: 900 }];
const tagOf = (size) => `${size.width}×${size.height}`;
const settled = (page) => page.waitForFunction(() => {
  const s = window.heterolab.wb.get();
  return s.iface && !s.live.pending && s.live.ff && (s.live.ml || s.live.mlError) && !s.job;
}, null, { timeout: 120_000 });

/** MoS2 on Au(111) from the example button, in `backend` ('cpu' or 'auto'). */
async function example(page, url, size, backend = 'cpu') {
  await page.setViewportSize(size);
  await page.goto(url + (backend === 'auto' ? '' : `?backend=${backend}`));
  await page.waitForSelector('#empty:not([hidden])');
  await page.click('#example-interface');
  await settled(page);
  await page.waitForFunction(() => document.body.dataset.view === 'interface');
}

/** Pastes an XYZ text as a structure and waits until it is drawn. */
async function pasteXyz(page, name, lines) {
  await page.click('#paste');
  await page.fill('#paste-text', `${lines.length}\n${name}\n${lines.join('\n')}\n`);
  await page.fill('#paste-name', `${name}.xyz`);
  await page.click('#paste-read');
  // Shown from the list (with an interface built, adding a structure does not take the view).
  await page.locator('#structures li', { hasText: `${name}.xyz` }).click();
  await page.waitForFunction((n) => document.body.dataset.view === 'structure' && document.body.dataset.drawnAtoms === String(n), lines.length);
}

const rectOf = (page, sel) => page.evaluate((sel) => [...document.querySelectorAll(sel)].filter((e) => !e.hidden && e.offsetParent).map((e) => e.getBoundingClientRect().toJSON()), sel);
const overlaps = (p, q) => p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1;
const inside = (p, q, tol = 2) => p.left >= q.left - tol && p.right <= q.right + tol && p.top >= q.top - tol && p.bottom <= q.bottom + tol;

/** The view's framed area and the drawn structure's screen bounds, both in client px. */
const framing = (page) => page.evaluate(() => {
  const v = window.heterolab.view, r = document.getElementById('view').getBoundingClientRect(), f = v.freeArea();
  return { free: { left: r.left + f.left, top: r.top + f.top, right: r.left + f.right, bottom: r.top + f.bottom }, drawn: v.screenBounds(), canvas: r.toJSON() };
});

/** Turns the camera away and zooms (as a user would before pressing Reset view). */
async function scrambleCamera(page) {
  const r = await page.evaluate(() => document.getElementById('view').getBoundingClientRect().toJSON());
  await page.mouse.move(r.left + r.width * 0.8, r.top + r.height * 0.45);
  await page.mouse.down({ button: 'right' }); // pan
  await page.mouse.move(r.left + r.width * 0.95, r.top + r.height * 0.2, { steps: 5 });
  await page.mouse.up({ button: 'right' });
  await page.mouse.wheel(0, -600);
  await page.waitForTimeout(100);
}

/**
 * Counts, in the canvas on screen or in a PNG (base64), the triad-coloured pixels (strong red, green or blue) in
 * the free area's bottom-right 96 px square, the gizmo's pure-blue (#0000ff) pixels everywhere, and the
 * top-left pixel. Scaled to the image's resolution.
 */
const pixels = (page, b64 = null) => page.evaluate(async (b64) => {
  const v = window.heterolab.view, src = document.getElementById('view');
  let image = src;
  if (b64) {
    image = new Image();
    image.src = `data:image/png;base64,${b64}`;
    await image.decode();
  } else v.renderNow();
  const c = document.createElement('canvas');
  c.width = image.width;
  c.height = image.height;
  const ctx = c.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const f = v.freeArea(), k = image.width / src.clientWidth;
  const corner = ctx.getImageData(Math.round((f.right - 96) * k), Math.round((f.bottom - 96) * k), Math.round(96 * k), Math.round(96 * k)).data;
  let triad = 0, blue = 0;
  for (let i = 0; i < corner.length; i += 4) {
    const [r, g, b, a] = [corner[i], corner[i + 1], corner[i + 2], corner[i + 3]];
    if (a > 200 && ((r > 150 && g < 90 && b < 90) || (g > 120 && r < 90 && b < 90) || (b > 150 && r < 90 && g < 140))) triad++;
  }
  const all = ctx.getImageData(0, 0, c.width, c.height).data;
  for (let i = 0; i < all.length; i += 4) if (all[i + 2] > 200 && all[i] < 40 && all[i + 1] < 40) blue++;
  return { triad, blue, topLeft: Array.from(ctx.getImageData(1, 1, 1, 1).data) };
}, b64);

export function workbenchViewSpecs() {
  const specs = [];
  // Every spec in ?backend=cpu and auto at both sizes (issue 13's "Done when").
  for (const size of SIZES) for (const backend of ['cpu', 'auto']) {
    const tag = tagOf(size);
    specs.push([`view [${backend}] ${tag}: S/Au and N/W told apart, legend shows the drawn colours, no film tint by default, labels and bonds on demand`, async ({ page, url, shot }) => {
      await example(page, url, size, backend);
      const legend = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#legend .legend-item')].map((e) => [e.textContent, e.dataset.color])));
      assert(legend.S === '#ffff30' && legend.Au && legend.Au !== '#ffd123' && legend.Mo === '#54b5b5', `S keeps Jmol's yellow, Au moves away from it: ${JSON.stringify(legend)}`);
      // What the view draws is what the legend says, film atoms included (no tint by default).
      const drawn = await page.evaluate(() => {
        const s = window.heterolab.wb.get().iface, v = window.heterolab.view, first = (z, film) => [...s.numbers].findIndex((n, i) => n === z && (s.arrays.role[i] > 0) === film);
        return { mo: v.atomColour(first(42, true)), s: v.atomColour(first(16, true)), au: v.atomColour(first(79, false)), tint: document.getElementById('tint-films').checked };
      });
      assert(!drawn.tint && drawn.mo === legend.Mo && drawn.s === legend.S && drawn.au === legend.Au, `drawn colours ${JSON.stringify(drawn)} vs legend ${JSON.stringify(legend)}`);
      await shot(`view-${backend}-01-colours-${tag}`);
      await page.check('#tint-films');
      const tinted = await page.evaluate(() => window.heterolab.view.atomColour([...window.heterolab.wb.get().iface.arrays.role].findIndex((r) => r > 0)));
      assert(tinted !== legend.Mo && tinted !== legend.S, `tint toggle recolours the film: ${tinted}`);
      await page.uncheck('#tint-films');
      // Labels (L) and bonds (K) on demand.
      const atoms = await page.evaluate(() => window.heterolab.wb.get().iface.numbers.length);
      await page.keyboard.press('l');
      await page.keyboard.press('k');
      const extras = await page.evaluate(() => window.heterolab.view.extrasDrawn());
      assert(atoms <= 600 ? extras.labels === atoms : extras.labels === 0, `labels: ${extras.labels} for ${atoms} atoms`);
      assert(extras.bonds > atoms / 2, `bonds drawn: ${extras.bonds} for ${atoms} atoms`);
      await shot(`view-${backend}-02-labels-bonds-${tag}`);
      await page.keyboard.press('l');
      await page.keyboard.press('k');
      assert(JSON.stringify(await page.evaluate(() => window.heterolab.view.extrasDrawn())) === '{"bonds":0,"labels":0}', 'labels and bonds off again');
      // N next to W: W moves away from N's blue; B keeps its Jmol colour.
      await pasteXyz(page, 'NWB', ['N 0 0 0', 'W 2.6 0 0', 'B 0 2.6 0']);
      const nw = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#legend .legend-item')].map((e) => [e.textContent, e.dataset.color])));
      assert(nw.N === '#3050f8' && nw.W && nw.W !== '#2194d6' && nw.B === '#ffb5b5', `N/W legend: ${JSON.stringify(nw)}`);
      assert((await page.evaluate(() => window.heterolab.view.atomColour(1))) === nw.W, 'W drawn as the legend says');
      await shot(`view-${backend}-03-n-w-${tag}`);
    }]);

    specs.push([`view [${backend}] ${tag}: Reset view frames the interface clear of the info card and toolbars; full composition and area on the card`, async ({ page, url, shot }) => {
      await example(page, url, size, backend);
      await scrambleCamera(page);
      await page.click('#reset-view');
      const f = await framing(page);
      const covers = [...(await rectOf(page, '.stage > .overlay')), ...(await rectOf(page, '.view-bars > .toolbar')), ...(await rectOf(page, '#placement'))];
      assert(covers.length >= 3 && covers.every((c) => !overlaps(c, f.free)), `free area ${JSON.stringify(f.free)} clear of ${JSON.stringify(covers)}`);
      assert(inside(f.drawn, f.free), `interface ${JSON.stringify(f.drawn)} inside the free area ${JSON.stringify(f.free)}`);
      // Not a postage stamp either: the framed structure spans most of the free area's smaller side.
      const span = Math.max(f.drawn.right - f.drawn.left, f.drawn.bottom - f.drawn.top), side = Math.min(f.free.right - f.free.left, f.free.bottom - f.free.top);
      assert(span > 0.5 * side, `framed size ${span} px of ${side}`);
      const card = await page.evaluate(() => {
        const s = window.heterolab.wb.get(), c = s.iface.cell;
        return { text: document.getElementById('overlay').textContent, atoms: s.iface.numbers.length, area: Math.hypot(c[1] * c[5] - c[2] * c[4], c[2] * c[3] - c[0] * c[5], c[0] * c[4] - c[1] * c[3]) };
      });
      const full = /^((?:[A-Z][a-z]?\d*)+) · (\d+) atoms/.exec(card.text);
      const counts = full ? [...full[1].matchAll(/([A-Z][a-z]?)(\d*)/g)].reduce((t, m) => t + Number(m[2] || 1), 0) : -1;
      assert(full && counts === card.atoms && Number(full[2]) === card.atoms, `full composition on the card: ${card.text}`);
      assert(card.text.includes(`area ${card.area.toFixed(2)} Å²`), `area of the interface cell on the card: ${card.text} vs ${card.area}`);
      await shot(`view-${backend}-04-reset-${tag}`);
    }]);

    specs.push([`view [${backend}] ${tag}: a tall slab is framed below the toolbars`, async ({ page, url, shot }) => {
      await page.setViewportSize(size);
      await page.goto(url + (backend === 'auto' ? '' : `?backend=${backend}`));
      await page.waitForSelector('#empty:not([hidden])');
      await dropFiles(page, ['structures/W110_slab.extxyz']);
      await page.waitForFunction(() => document.body.dataset.view === 'structure');
      await page.click('#view-a');
      await page.click('#reset-view');
      const f = await framing(page);
      const bars = await rectOf(page, '.view-bars > .toolbar, .stage > .overlay');
      assert(inside(f.drawn, f.free) && bars.every((b) => !overlaps(b, f.drawn)), `slab ${JSON.stringify(f.drawn)} clear of ${JSON.stringify(bars)}`);
      await shot(`view-${backend}-05-tall-${tag}`);
    }]);

    specs.push([`view [${backend}] ${tag}: a stack of two films says the area of the whole stack cell on the card`, async ({ page, url, shot }) => {
      await page.setViewportSize(size);
      await stackReady(page, url, backend);
      const gid = await page.evaluate(() => window.heterolab.store.get().structures[2].structure.id);
      await page.selectOption('#add-film-structure', gid);
      await page.click('#add-film');
      await page.waitForFunction(() => window.heterolab.wb.get().stack.length === 1 && window.heterolab.wb.get().iface?.arrays.role.includes(2), null, { timeout: 60_000 });
      await settled(page);
      const st = await page.evaluate(() => {
        const s = window.heterolab.wb.get(), c = s.iface.cell;
        return { text: document.getElementById('overlay').textContent, stack: s.stack.length, match: s.match.area, area: Math.hypot(c[1] * c[5] - c[2] * c[4], c[2] * c[3] - c[0] * c[5], c[0] * c[4] - c[1] * c[3]) };
      });
      assert(st.text.includes(`area ${st.area.toFixed(2)} Å²`), `stack card says the stack cell's area: ${JSON.stringify(st)}`);
      assert(st.stack === 1 && /2 films stacked/.test(st.text), `stack noted: ${st.text}`);
      console.log(`    stack of ${st.stack + 1} films: card area ${st.area.toFixed(2)} Å², first match ${st.match.toFixed(2)} Å²`);
      await shot(`view-${backend}-06-stack-${tag}`);
    }]);

    specs.push([`view [${backend}] ${tag}: axis triad, view along a / b / c / normal, orthographic top view`, async ({ page, url, shot }) => {
      await example(page, url, size, backend);
      const triadPx = async () => (await pixels(page)).triad;
      // The triad is in the free area's corner; switched off, its colours are gone from there.
      const on = await triadPx();
      await page.uncheck('#triad');
      const off = await triadPx();
      await page.check('#triad');
      assert(on > 30 && off < on / 4, `triad pixels on ${on}, off ${off}`);
      const cell = await page.evaluate(() => Array.from(window.heterolab.wb.get().iface.cell));
      const unit = (v) => v.map((x) => x / Math.hypot(...v));
      const axes = { a: unit(cell.slice(0, 3)), b: unit(cell.slice(3, 6)), c: unit(cell.slice(6, 9)) };
      const n = unit([cell[1] * cell[5] - cell[2] * cell[4], cell[2] * cell[3] - cell[0] * cell[5], cell[0] * cell[4] - cell[1] * cell[3]]);
      for (const [key, axis] of [['a', axes.a], ['b', axes.b], ['c', axes.c], ['n', n]]) {
        await page.keyboard.press(key);
        const cam = await page.evaluate(() => window.heterolab.view.cameraState());
        const dot = cam.direction.reduce((t, x, i) => t + x * axis[i], 0);
        // Looking along the axis with the axis pointing at the viewer: the camera looks down −axis.
        assert(dot < -0.999, `view along ${key}: camera direction ${cam.direction} vs axis ${axis}`);
        const f = await framing(page);
        assert(inside(f.drawn, f.free), `view along ${key} framed in the free area`);
        if (key === 'a') await shot(`view-${backend}-07-along-a-${tag}`);
      }
      await page.click('#view-top');
      const top = await page.evaluate(() => ({ cam: window.heterolab.view.cameraState(), ortho: document.getElementById('ortho').checked, proj: document.body.dataset.projection }));
      assert(top.cam.orthographic && top.ortho && top.proj === 'orthographic' && top.cam.direction[2] < -0.999, `top view: ${JSON.stringify(top)}`);
      const f = await framing(page);
      assert(inside(f.drawn, f.free), `top view framed: ${JSON.stringify(f)}`);
      await shot(`view-${backend}-08-top-ortho-${tag}`);
      // P back to perspective keeps the direction; the film's gizmo still answers in orthographic (handles found).
      await page.keyboard.press('p');
      const back = await page.evaluate(() => window.heterolab.view.cameraState());
      assert(!back.orthographic && back.direction[2] < -0.999, `perspective again, same direction: ${JSON.stringify(back)}`);
    }]);

    specs.push([`view [${backend}] ${tag}: distance, angle and dihedral drawn in 3D; measurements follow the atoms; Esc clears`, async ({ page, url, shot }) => {
      await example(page, url, size, backend);
      // Clicks where the atom is once the view has stopped moving: in auto a late re-framing (the page settling
      // after the paste) moved the atoms between reading a position and clicking it (H4 missed at 1366×768).
      const clickAtom = async (i) => {
        const p = await page.evaluate((i) => new Promise((done) => {
          let last = null, still = 0;
          const tick = () => {
            const q = window.heterolab.view.atomClient(i);
            still = last && Math.abs(q.x - last.x) < 0.5 && Math.abs(q.y - last.y) < 0.5 ? still + 1 : 0;
            last = q;
            if (still >= 3) done(q);
            else requestAnimationFrame(tick);
          };
          tick();
        }), i);
        await page.mouse.click(p.x, p.y);
      };
      // On an interface, a distance follows the atoms when the film moves up.
      // Two atoms the gizmo's ring (drawn over everything) does not cover: the substrate atom lowest on screen
      // (front, bottom layer) from the reset view, then, looking down the normal, the film's top-layer atom
      // nearest the film's centre (well inside the ring). Picks carry over a change of view.
      const lowest = await page.evaluate(() => {
        const r = window.heterolab.wb.get().iface.arrays.role, v = window.heterolab.view;
        return [...r.keys()].filter((i) => r[i] === 0).sort((i, j) => v.atomClient(j).y - v.atomClient(i).y)[0];
      });
      await clickAtom(lowest);
      await page.click('#view-normal');
      const central = await page.evaluate(() => {
        const s = window.heterolab.wb.get().iface, r = s.arrays.role, v = window.heterolab.view, x = s.positions;
        const films = [...r.keys()].filter((i) => r[i] > 0), zTop = Math.max(...films.map((i) => x[3 * i + 2])), scr = films.map((i) => v.atomClient(i));
        const cx = scr.reduce((t, p) => t + p.x, 0) / scr.length, cy = scr.reduce((t, p) => t + p.y, 0) / scr.length;
        return films.filter((i) => x[3 * i + 2] > zTop - 0.3).sort((i, j) => Math.hypot(v.atomClient(i).x - cx, v.atomClient(i).y - cy) - Math.hypot(v.atomClient(j).x - cx, v.atomClient(j).y - cy))[0];
      });
      await clickAtom(central);
      const d0 = parseFloat((await page.evaluate(() => window.heterolab.view.measurements()))[0].value);
      const z0 = await page.evaluate(() => window.heterolab.wb.get().placement.zSeparation);
      await page.fill('#zsep', String(z0 + 1));
      await page.dispatchEvent('#zsep', 'input');
      await page.waitForFunction((z) => { const s = window.heterolab.wb.get(); return !s.live.pending && Math.abs(s.placement.zSeparation - z) < 1e-9 && !window.heterolab.view.dragging(); }, z0 + 1);
      await page.waitForTimeout(200);
      const d1 = parseFloat((await page.evaluate(() => window.heterolab.view.measurements()))[0]?.value);
      assert(d1 > d0 + 0.2, `distance follows z: ${d0} → ${d1}`);
      await shot(`view-${backend}-10-measure-interface-${tag}`);
      // H2O2 with O–O 1.475 Å, O–H 0.95 Å, both H–O–O angles 95°, H–O–O–H dihedral 120° (built from these numbers).
      const t = (95 * Math.PI) / 180, phi = (120 * Math.PI) / 180, oo = 1.475, oh = 0.95;
      const h1 = [oh * Math.sin(t), 0, oh * Math.cos(t)];
      const h2 = [oh * Math.sin(t) * Math.cos(phi), oh * Math.sin(t) * Math.sin(phi), oo - oh * Math.cos(t)];
      await pasteXyz(page, 'H2O2', ['O 0 0 0', `O 0 0 ${oo}`, `H ${h1.join(' ')}`, `H ${h2.join(' ')}`]);
      await page.click('#view-normal');
      await page.click('#view-b');
      await clickAtom(0);
      await clickAtom(1);
      await page.selectOption('#measure-mode', 'angle');
      for (const i of [2, 0, 1]) await clickAtom(i);
      await page.selectOption('#measure-mode', 'dihedral');
      for (const i of [2, 0, 1, 3]) await clickAtom(i);
      const m = await page.evaluate(() => window.heterolab.view.measurements());
      assert(m.length === 3 && m[0].value === '1.475 Å' && m[0].atoms.join() === 'O1,O2', `distance: ${JSON.stringify(m[0])}`);
      assert(m[1].kind === 'angle' && m[1].value === '95.00°', `angle: ${JSON.stringify(m[1])}`);
      assert(m[2].kind === 'dihedral' && Math.abs(Math.abs(parseFloat(m[2].value)) - 120) < 0.01, `dihedral: ${JSON.stringify(m[2])}`);
      const label = await page.textContent('#measure');
      assert(label.includes('H3 – O1 – O2 – H4') && label.includes(m[2].value), `measurement text: ${label}`);
      // Drawn: three groups (lines + value) in the scene.
      const groups = await page.evaluate(() => window.heterolab.view.measureGroupSize?.() ?? null);
      assert(groups === 3, `measurements drawn in 3D: ${groups}`);
      await page.keyboard.press('k');
      assert((await page.evaluate(() => window.heterolab.view.extrasDrawn().bonds)) === 3, 'H2O2 has three bonds (O–O, two O–H)');
      await shot(`view-${backend}-09-measure-${tag}`);
      await page.keyboard.press('Escape');
      assert((await page.evaluate(() => window.heterolab.view.measurements().length)) === 0 && (await page.isHidden('#measure')), 'Esc clears');
    }]);

    specs.push([`view [${backend}] ${tag}: PNG export at 4× on white without gizmo or triad`, async ({ page, url, shot }) => {
      await example(page, url, size, backend);
      await page.selectOption('#png-scale', '4');
      await page.selectOption('#png-background', 'white');
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
      const png = readFileSync(await dl.path());
      const canvas = await page.evaluate(() => { const c = document.getElementById('view'); return { w: c.width, h: c.height }; });
      const ihdr = { w: png.readUInt32BE(16), h: png.readUInt32BE(20) };
      assert(ihdr.w === 4 * canvas.w && ihdr.h === 4 * canvas.h, `4× the canvas: ${JSON.stringify(ihdr)} vs ${JSON.stringify(canvas)}`);
      // The PNG's triad corner holds no triad colours and no gizmo blue, its corner is white; on screen both are there.
      const px = await pixels(page, png.toString('base64')), screen = await pixels(page);
      assert(screen.triad > 30 && px.triad === 0, `triad pixels on screen ${screen.triad}, in the PNG ${px.triad}`);
      assert(screen.blue > 50 && px.blue === 0, `gizmo pixels on screen ${screen.blue}, in the PNG ${px.blue}`);
      assert(px.topLeft.join() === '255,255,255,255', `white background: ${px.topLeft}`);
      await shot(`view-${backend}-11-png-${tag}`);
    }]);
  }
  return specs;
}
