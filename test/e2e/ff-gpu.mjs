// WebGPU in Chromium (issue 15): the tabulated rigid layers and the neighbour list on WebGPU against the exact sum
// (wasm, f64) on hundreds and thousands of atoms, and the benchmark page's pair-term and lookup rates.
import { assert, openMoS2OnAu, Skip } from './harness.mjs';

export function ffGpuSpecs() {
  return [
    ['tabulated layers on WebGPU in Chromium: energy 1e-4 relative (or 1e-5 eV/atom) and forces 1e-3 of the exact sum, hundreds and thousands of atoms', async ({ page, url }) => {
      await openMoS2OnAu(page, url);
      const r = await page.evaluate(async () => {
        const c = window.heterolab.api;
        const { req, m } = window.e2eMoS2OnAu;
        const out = [];
        let adapter = '';
        for (const k of [3, 7]) {
          const scaled = { ...m, filmMatrix: m.filmMatrix.map((row) => row.map((x) => x * k)), substrateMatrix: m.substrateMatrix.map((row) => row.map((x) => x * k)) };
          const s = (await c.build({ request: req, match: scaled, placement: { zSeparation: 3.2, shift: [0.13, 0.27] } })).structure;
          const films = Array.from(s.arrays.role).filter((x) => x > 0).length;
          for (const model of ['uff', 'd2']) {
            const t = await c.ffTableCheck(s, { model, cutoff: 12 }, [[0, 0, -0.6], [0.41, -0.17, 0], [1.3, 0.9, 0.5], [0, 0, 1.5]]);
            if ('skip' in t) return { skip: t.skip };
            adapter = t.adapter;
            let worstE = 0, worstF = 0;
            for (const { exact, table } of t.configs) {
              let fmax = 0, df = 0;
              for (let i = 0; i < exact.forces.length; i++) fmax = Math.max(fmax, Math.abs(exact.forces[i]));
              // Per-atom forces of the film (nothing above it); the substrate gets the spread reaction.
              const role = s.arrays.role;
              for (let i = 0; i < role.length; i++) if (role[i] === 1) for (let q = 0; q < 3; q++) df = Math.max(df, Math.abs(table.forces[3 * i + q] - exact.forces[3 * i + q]));
              worstE = Math.max(worstE, Math.abs(table.energy - exact.energy) / Math.max(1e-4 * Math.abs(exact.energy), 1e-5 * films));
              worstF = Math.max(worstF, df / (1e-3 * fmax));
            }
            let worstScan = 0;
            for (let q = 0; q < t.scan.exact.length; q++) worstScan = Math.max(worstScan, Math.abs(t.scan.table[q] - t.scan.exact[q]) / Math.max(1e-4 * Math.abs(t.scan.exact[q]), 1e-5 * films));
            out.push({ atoms: s.numbers.length, model, worstE, worstF, worstScan });
          }
        }
        return { adapter, out };
      });
      if (r.skip) throw new Skip(`WebGPU unavailable in this Chromium: ${r.skip}`);
      // Each worst is the error over its tolerance: ≤ 1 passes.
      console.log(`    adapter: ${r.adapter}; ${r.out.map((o) => `${o.atoms} atoms ${o.model}: E ${o.worstE.toFixed(3)}, F ${o.worstF.toFixed(3)}, scan ${o.worstScan.toFixed(3)} of tolerance`).join('; ')}`);
      assert(Math.max(...r.out.map((o) => o.atoms)) > 2000, 'a system of thousands of atoms');
      for (const o of r.out) assert(o.worstE <= 1 && o.worstF <= 1 && o.worstScan <= 1, JSON.stringify(o));
    }],
    ['neighbour list on WebGPU in Chromium: energy 1e-4 relative (or 1e-5 eV/atom) and forces 1e-3 of the exact sum, list reused below half the skin and rebuilt above, hundreds and thousands of atoms', async ({ page, url }) => {
      await openMoS2OnAu(page, url);
      const r = await page.evaluate(async () => {
        const c = window.heterolab.api;
        const { req, m } = window.e2eMoS2OnAu;
        const out = [];
        let adapter = '';
        for (const [k, models] of [[3, ['uff', 'd2', 'fit']], [7, ['d2']]]) {
          const scaled = { ...m, filmMatrix: m.filmMatrix.map((row) => row.map((x) => x * k)), substrateMatrix: m.substrateMatrix.map((row) => row.map((x) => x * k)) };
          const s = (await c.build({ request: req, match: scaled, placement: { zSeparation: 3.2, shift: [0.13, 0.27] } })).structure;
          for (const model of models) {
            const t = await c.ffListCheck(s, { model, cutoff: 12 });
            if ('skip' in t) return { skip: t.skip };
            adapter = t.adapter;
            let worstE = 0, worstF = 0;
            const builds = [], pairsOk = [];
            for (const { exact, list, builds: b } of t.states) {
              let fmax = 0, df = 0;
              for (let i = 0; i < exact.forces.length; i++) {
                fmax = Math.max(fmax, Math.abs(exact.forces[i]));
                df = Math.max(df, Math.abs(list.forces[i] - exact.forces[i]));
              }
              worstE = Math.max(worstE, Math.abs(list.energy - exact.energy) / Math.max(1e-4 * Math.abs(exact.energy), 1e-5 * s.numbers.length));
              worstF = Math.max(worstF, df / (1e-3 * fmax));
              builds.push(b);
              pairsOk.push(list.pairs === exact.pairs);
            }
            out.push({ atoms: s.numbers.length, model, worstE, worstF, builds: builds.join(','), pairsOk: pairsOk.every(Boolean) });
          }
        }
        return { adapter, out };
      });
      if (r.skip) throw new Skip(`WebGPU unavailable in this Chromium: ${r.skip}`);
      console.log(`    adapter: ${r.adapter}; ${r.out.map((o) => `${o.atoms} atoms ${o.model}: E ${o.worstE.toFixed(3)}, F ${o.worstF.toFixed(3)} of tolerance, builds ${o.builds}`).join('; ')}`);
      assert(Math.max(...r.out.map((o) => o.atoms)) > 2000, 'a system of thousands of atoms');
      // Builds after each state: reused while every atom stays within half the skin, rebuilt when one leaves it.
      for (const o of r.out) assert(o.worstE <= 1 && o.worstF <= 1 && o.pairsOk && o.builds === '1,1,1,2,3', JSON.stringify(o));
    }],
    ['bench.html on WebGPU: pair terms/s of the exact kernel and lookups/s of the tables, for wasm and WebGPU', async ({ page, url, shot }) => {
      await page.goto(`${url}bench.html?auto=200&grid=6`); // a small grid: SwiftShader runs the exact scan slowly
      await page.waitForFunction(() => window.benchResult || window.benchError, null, { timeout: 10 * 60_000 });
      const err = await page.evaluate(() => window.benchError);
      if (err) throw new Error(err);
      const res = await page.evaluate(() => window.benchResult);
      await shot('ff-bench');
      const text = await page.textContent('#text');
      console.log(text.split('\n').map((l) => `    ${l}`).join('\n'));
      if (!res.rows.some((x) => x.backend === 'webgpu')) throw new Skip(`no WebGPU on the bench page: ${res.adapter}`);
      for (const b of ['wasm', 'webgpu']) {
        const rows = res.rows.filter((x) => x.backend === b);
        const what = rows.map((x) => x.what).sort().join(',');
        assert(what === 'energy+forces,list energy+forces,registry scan,table build,table energy+forces,table registry scan', `${b}: ${what}`);
        for (const x of rows) assert(x.ms > 0 && (x.what.startsWith('table') ? x.pairs === 0 && (x.what === 'table build' || x.lookups > 0) : x.pairs > 0 && x.lookups === 0), JSON.stringify(x));
      }
      assert(/pair terms\/s/.test(text) && /lookups\/s/.test(text), 'rates in the text table');
    }],
  ];
}
