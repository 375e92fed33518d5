/**
 * The in-app force-field benchmark (bench.html): builds MoS2 on Au(111) interfaces from the bundled examples in
 * the compute worker, then times energy+forces and a batched registry scan on wasm and WebGPU, for the exact
 * pair sum (pair terms inside the cutoff per second) and the tabulated rigid layers (lookups per second, table
 * build time). The results are a table on the page and plain text (copyable), and `window.benchResult` for
 * the scripted run.
 */
import type { FFBenchRow } from '../workers/protocol';
import { ComputeClient } from '../workers/client';

const client = new ComputeClient(() => new Worker(new URL('../workers/compute.worker.ts', import.meta.url), { type: 'module' }));
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function readExample(name: string) {
  const bytes = await (await fetch(`./examples/${name}`)).arrayBuffer();
  const [r] = await client.api().readFiles([{ name, bytes }]);
  if (!r.ok) throw new Error(`${name}: ${r.issue.message}`);
  return r.structures[0];
}

function fmt(x: number, digits = 0) {
  return x >= 1e6 ? x.toExponential(2) : x.toFixed(digits);
}

/** ?grid=N fixes the registry-scan grid (N × N; the tables get 4N × 4N), e.g. for a quick scripted check. */
const gridParam = Number(new URLSearchParams(location.search).get('grid')) || 0;

async function run(sizes: number[]) {
  const status = $('status');
  const rows: (FFBenchRow & { note?: string })[] = [];
  const film = await readExample('MoS2_monolayer.vasp');
  const substrate = await readExample('Au_fcc.cif');
  const req = { film, substrate, options: { hkl: [1, 1, 1] as [number, number, number], layers: 4, maxAtoms: 100000 } };
  const api = client.api();
  const m = await api.matches(req, { maxArea: 100, maxStrain: 0.05, maxAngle: Math.PI / 180 }, { kind: 'all' });
  const match = m.matches[0];
  const per = (await api.build({ request: req, match, placement: { zSeparation: 3.0, shift: [0, 0] } })).structure.numbers.length;
  const p = { model: 'd2' as const, cutoff: 12 };
  const gpuStatus = await api.ffConfigure('webgpu');
  const gpuNote = gpuStatus.kind === 'webgpu' ? gpuStatus.adapter ?? 'WebGPU' : `no WebGPU: ${gpuStatus.notices.join('; ')}`;
  for (const target of sizes) {
    const k = Math.max(1, Math.round(Math.sqrt(target / per)));
    const scaled = { ...match, filmMatrix: match.filmMatrix.map((r: number[]) => r.map((x) => x * k)), substrateMatrix: match.substrateMatrix.map((r: number[]) => r.map((x) => x * k)) } as typeof match;
    const s = (await api.build({ request: req, match: scaled, placement: { zSeparation: 3.0, shift: [0, 0] } })).structure;
    const grid = gridParam || (s.numbers.length > 5000 ? 4 : s.numbers.length > 1000 ? 8 : 24);
    for (const b of ['wasm', 'webgpu'] as const) {
      if (b === 'webgpu' && gpuStatus.kind !== 'webgpu') continue;
      status.textContent = `${b}: ${s.numbers.length} atoms…`;
      rows.push(...(await api.ffBench(s, b, p, grid, s.numbers.length > 5000 ? 1 : 3)));
      show(rows, gpuNote);
    }
  }
  status.textContent = `Done. WebGPU adapter: ${gpuNote}.`;
  (window as unknown as { benchResult: unknown }).benchResult = { rows, adapter: gpuNote };
  return rows;
}

/** Milliseconds with three significant digits below 10 ms (table lookups take fractions of a millisecond). */
const ms = (x: number) => (x < 10 ? x.toPrecision(3) : x.toFixed(1));

function show(rows: FFBenchRow[], adapter: string) {
  const tb = $('table').querySelector('tbody')!;
  tb.replaceChildren();
  const lines = [`adapter: ${adapter}`, 'backend  atoms  operation            configs  time_ms  configs_per_s  pair terms/s  lookups/s'];
  for (const r of rows) {
    const cps = (r.configurations / r.ms) * 1000, pps = (r.pairs / r.ms) * 1000, lps = (r.lookups / r.ms) * 1000;
    const build = r.what === 'table build';
    const cells = [fmt(cps, 1), fmt(pps), fmt(lps)].map((x, k) => (build || (k === 1 && !r.pairs) || (k === 2 && !r.lookups) ? '–' : x));
    const tr = document.createElement('tr');
    for (const v of [r.backend, String(r.atoms), r.what, String(r.configurations), ms(r.ms), ...cells]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.append(td);
    }
    tb.append(tr);
    lines.push(`${r.backend.padEnd(8)} ${String(r.atoms).padStart(6)}  ${r.what.padEnd(19)} ${String(r.configurations).padStart(7)}  ${ms(r.ms).padStart(7)}  ${cells[0].padStart(13)}  ${cells[1].padStart(12)}  ${cells[2].padStart(9)}`);
  }
  $('table').hidden = false;
  $('text').hidden = false;
  $('text').textContent = lines.join('\n');
}

$('run').addEventListener('click', () => {
  ($('run') as HTMLButtonElement).disabled = true;
  run($('big').matches('input:checked') ? [200, 2000, 20000] : [200, 2000])
    .catch((e) => ($('status').textContent = `Failed: ${(e as Error).message}`))
    .finally(() => (($('run') as HTMLButtonElement).disabled = false));
});
// Scripted runs (npm run bench ff-browser) start it with ?auto=200,2000.
const auto = new URLSearchParams(location.search).get('auto');
if (auto) void run(auto.split(',').map(Number)).catch((e) => ((window as unknown as { benchError: string }).benchError = String(e)));
