/**
 * The screen page (screen.html): choose 2D materials (library families, a filter, your own files), metals,
 * facets and limits; run every pair on a pool of compute workers (one per core) with progress, time left and
 * cancel; partial results are kept in a session (IndexedDB, state/screen-session.ts) and resumed after a reload
 * (Resume, or Run on the same screen, skips the finished pairs); table, heat map, scatter,
 * CSV/JSON export. A heat-map click opens the pair in the workbench.
 */
import { DEFAULTS } from '../core/defaults';
import { listLibrary, libraryStructure } from '../core/library/library';
import { poolOrder, rowsToCsv, type ScreenRow } from '../core/screen-table';
import type { Structure } from '../core/structure';
import type { ScreenDefinition, ScreenFilm, ScreenJob, StageTimes } from '../compute/screen/screen';
import type { ScreenForm, ScreenRecord } from '../state/screen-record';
import { ScreenSession } from '../state/screen-session';
import { ComputeClient } from '../workers/client';
import { drawHeat, drawScatter, ResultsTable } from './screen-views';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const spawn = () => new ComputeClient(() => new Worker(new URL('../workers/compute.worker.ts', import.meta.url), { type: 'module' }));
const DEG = Math.PI / 180;

const metals = listLibrary({ family: 'metal' });
const ownFilms: ScreenFilm[] = [];
$('n-janus').textContent = String(listLibrary({ family: 'janus' }).length);
$('n-common').textContent = String(listLibrary({ family: 'common-2d' }).length);
$('metals').replaceChildren(
  ...metals.map((m) => {
    const l = document.createElement('label'), c = document.createElement('input');
    Object.assign(c, { type: 'checkbox', checked: true, value: m.id });
    l.append(c, ` ${m.id}`);
    return l;
  }),
);
$<HTMLInputElement>('workers').value = String(Math.max(1, Math.min(8, navigator.hardwareConcurrency || 2)));

function chosenFilms(): ScreenFilm[] {
  const f = $<HTMLInputElement>('film-filter').value.trim().toLowerCase();
  const fams = [$<HTMLInputElement>('fam-janus').checked && 'janus', $<HTMLInputElement>('fam-common').checked && 'common-2d'].filter(Boolean) as ('janus' | 'common-2d')[];
  const lib = fams.flatMap((fam) => listLibrary({ family: fam })).filter((e) => !f || e.id.toLowerCase().includes(f) || e.elements.some((x) => x.toLowerCase() === f));
  return [...lib.map((e) => ({ name: e.id, structure: libraryStructure(e), formationEnergy: e.family === 'metal' ? null : e.formationEnergy })), ...ownFilms];
}

/** The form as the session keeps it. */
function form(): ScreenForm {
  const num = (id: string) => Number($<HTMLInputElement>(id).value);
  return {
    families: [$<HTMLInputElement>('fam-janus').checked && 'janus', $<HTMLInputElement>('fam-common').checked && 'common-2d'].filter(Boolean) as ScreenForm['families'],
    filmFilter: $<HTMLInputElement>('film-filter').value,
    metals: [...document.querySelectorAll<HTMLInputElement>('#metals input:checked')].map((c) => c.value),
    facets: [...document.querySelectorAll<HTMLInputElement>('.facet:checked')].map((c) => c.value),
    maxArea: num('max-area'), maxStrainPct: num('max-strain'), maxAngleDeg: num('max-angle'),
  };
}

function applyForm(f: ScreenForm): void {
  $<HTMLInputElement>('fam-janus').checked = f.families.includes('janus');
  $<HTMLInputElement>('fam-common').checked = f.families.includes('common-2d');
  $<HTMLInputElement>('film-filter').value = f.filmFilter;
  for (const c of document.querySelectorAll<HTMLInputElement>('#metals input')) c.checked = f.metals.includes(c.value);
  for (const c of document.querySelectorAll<HTMLInputElement>('.facet')) c.checked = f.facets.includes(c.value);
  $<HTMLInputElement>('max-area').value = String(f.maxArea);
  $<HTMLInputElement>('max-strain').value = String(f.maxStrainPct);
  $<HTMLInputElement>('max-angle').value = String(f.maxAngleDeg);
}

/** The screen the form describes (the model string matches the CLI's, so definitions hash alike). */
function definition(models = ''): ScreenDefinition {
  const num = (id: string) => Number($<HTMLInputElement>(id).value);
  const chosen = new Set([...document.querySelectorAll<HTMLInputElement>('#metals input:checked')].map((c) => c.value));
  return {
    films: chosenFilms(),
    substrates: metals.filter((m) => chosen.has(m.id)).map((m) => ({ name: m.id, structure: libraryStructure(m) })),
    facets: [...document.querySelectorAll<HTMLInputElement>('.facet:checked')].map((c) => c.value.split('').map(Number) as [number, number, number]),
    limits: { maxArea: num('max-area'), maxStrain: num('max-strain') / 100, maxAngle: num('max-angle') * DEG, criterion: 'vectors' },
    models,
  };
}

const table = new ResultsTable($<HTMLTableElement>('rows'));
let rows = new Map<number, ScreenRow>();
let total = 0, hash = '', pick: (x: number, y: number) => ScreenRow | undefined = () => undefined;
let running: AbortController | null = null;
let runForm: ScreenForm = form();
let ran = 0; // pairs computed since this page loaded (the e2e test checks a resume runs only the missing ones)
let stages: Partial<StageTimes> = {}; // worker seconds per stage of the last run, summed over workers (the benchmark reads it)
const kept = ScreenSession.open();

function show(): void {
  const all = [...rows.values()].sort((a, b) => a.index - b.index);
  table.set(all, $<HTMLInputElement>('row-filter').value);
  pick = drawHeat($<HTMLCanvasElement>('heat'), all);
  drawScatter($('scatter'), all);
  const built = all.filter((r) => !r.error);
  $('summary').textContent = `${all.length} of ${total} pairs · ${built.length} with a coincident cell · ${all.filter((r) => r.stable === 'stable').length} predicted stable, ${all.filter((r) => r.stable === 'undecided').length} undecided`;
  for (const id of ['csv', 'json']) $<HTMLButtonElement>(id).disabled = all.length === 0;
}

let saveTimer = 0;
/** Keeps the screen in its session: at most every 2 s while running, now at the end (awaited before the status says so). */
function save(now = false): Promise<void> {
  if (!now && saveTimer) return Promise.resolve(); // a write is due soon and will take this row too
  clearTimeout(saveTimer);
  saveTimer = 0;
  const write = async () => {
    const rec: ScreenRecord = { form: runForm, definition: hash, total, rows: [...rows.values()].sort((a, b) => a.index - b.index) };
    const why = await (await kept).save(rec);
    if (why) $('notice').textContent = `Results not kept: ${why}`;
  };
  if (now) return write();
  saveTimer = window.setTimeout(() => ((saveTimer = 0), void write()), 2000);
  return Promise.resolve();
}

/** Runs the jobs not yet done on `n` workers, chunk by chunk; cancel stops every worker at once. */
async function run(resume = false): Promise<void> {
  await restored; // the kept rows are in before the finished pairs are skipped
  const probe = spawn();
  const info = await probe.api().modelInfo().finally(() => probe.close());
  const def = definition(`${info.name} ${info.version}; prior ${DEFAULTS.ffModel}`);
  if (!def.films.length || !def.substrates.length || !def.facets.length) return void ($('status').textContent = 'Choose at least one 2D material, one metal and one facet.');
  running = new AbortController();
  const signal = running.signal;
  setRunning(true);
  const n = Math.max(1, Math.min(16, Number($<HTMLInputElement>('workers').value) || 1));
  const pool = Array.from({ length: n }, spawn);
  let cancelled = false, finished = false;
  try {
    const defs = await Promise.all(pool.map((c) => c.api(signal).screenDefine(def)));
    if (resume && defs[0].definition !== hash) throw new Error('the kept screen cannot be resumed: its 2D materials or models differ from these (own files must be chosen again)');
    if (defs[0].definition !== hash) rows = new Map(); // another screen: start over
    runForm = form();
    hash = defs[0].definition;
    total = defs[0].jobs.length;
    const todo: ScreenJob[] = poolOrder(defs[0].jobs.filter((j) => !rows.has(j.index)));
    const t0 = performance.now(), start = rows.size;
    stages = {};
    const tick = () => {
      const done = rows.size - start, left = todo.length - done, el = (performance.now() - t0) / 1000;
      $<HTMLProgressElement>('progress').value = rows.size / total;
      $('status').textContent = `${rows.size} / ${total} pairs on ${n} worker(s) · ${el.toFixed(0)} s${done ? `, ~${((el / done) * left).toFixed(0)} s left` : ''}`;
    };
    let next = 0;
    const chunk = 2 * Math.max(1, Math.min(4, Math.ceil(todo.length / (8 * n)))); // even: a pair's two faces stay on one worker
    await Promise.all(pool.map(async (c) => {
      while (next < todo.length && !signal.aborted) {
        const jobs = todo.slice(next, (next += chunk));
        // Rows still in flight when Cancel is pressed are dropped: what was kept is what the status says.
        const { times } = await c.api(signal).screenRun(jobs, (r) => void (signal.aborted || (rows.set(r.index, r), ran++, tick(), save())));
        for (const [k, v] of Object.entries(times) as [keyof StageTimes, number][]) stages[k] = (stages[k] ?? 0) + v;
      }
    }));
    tick();
    finished = true;
  } catch (e) {
    cancelled = (e as Error).name === 'AbortError';
    if (!cancelled) $('status').textContent = `The screen stopped: ${(e as Error).message}`;
  } finally {
    for (const c of pool) c.close();
    await save(true); // kept before the status says so
    if (finished) $('status').textContent += ' · done';
    if (cancelled) $('status').textContent = `Cancelled after ${rows.size} / ${total} pairs; the results so far are kept (Resume finishes the rest).`;
    running = null;
    setRunning(false);
    show();
  }
}

function setRunning(on: boolean): void {
  $<HTMLButtonElement>('run').disabled = on;
  $<HTMLButtonElement>('cancel').disabled = !on;
  $<HTMLButtonElement>('resume').hidden = on || rows.size === 0 || rows.size >= total;
}

function download(name: string, text: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

$('run').addEventListener('click', () => void run());
$('resume').addEventListener('click', () => void kept.then((k) => (k.screen && applyForm(k.screen.form), run(true))));
$('cancel').addEventListener('click', () => running?.abort());
$('row-filter').addEventListener('input', show);
$('csv').addEventListener('click', () => download('heterolab-screen.csv', rowsToCsv([...rows.values()].sort((a, b) => a.index - b.index)), 'text/csv'));
$('json').addEventListener('click', () => download('heterolab-screen.json', JSON.stringify([...rows.values()].sort((a, b) => a.index - b.index), null, 1), 'application/json'));
$('heat').addEventListener('click', (ev) => {
  const r = pick(ev.offsetX, ev.offsetY);
  if (!r || r.error) return;
  // The workbench opens library pairs handed over this way (see main.ts).
  localStorage.setItem('heterolab.open', JSON.stringify({ film: r.film, substrate: r.substrate, hkl: r.hkl.split('').map(Number), face: r.faceSide, maxArea: definition().limits.maxArea, maxStrainPct: Number($<HTMLInputElement>('max-strain').value), maxAngleDeg: Number($<HTMLInputElement>('max-angle').value) }));
  location.href = './?open=screen';
});
$<HTMLInputElement>('own-films').addEventListener('change', async (ev) => {
  const files = [...((ev.target as HTMLInputElement).files ?? [])];
  const c = spawn();
  const reports = await c.api().readFiles(await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() }))));
  c.close();
  const bad: string[] = [];
  for (const r of reports) r.ok ? ownFilms.push({ name: r.file.replace(/\.[^.]*$/, ''), structure: r.structures[0] as Structure, formationEnergy: null }) : bad.push(`${r.file}: ${r.issue.message}${r.issue.line ? ` (line ${r.issue.line})` : ''}`);
  $('film-count').textContent = `${ownFilms.length} own file(s)${bad.length ? `; not read: ${bad.join('; ')}` : ''}`;
});

// The kept screen comes back (validated by restoreSession); Resume, or Run on the same screen, finishes it.
const restored = kept.then((k) => {
  if (k.notice) $('notice').textContent = k.notice;
  const rec = k.screen;
  if (!rec) return;
  rows = new Map(rec.rows.map((r) => [r.index, r]));
  total = rec.total;
  hash = rec.definition;
  applyForm((runForm = rec.form));
  $('status').textContent = `${rows.size} / ${total} pairs from an earlier run are shown${rows.size < total ? '; Resume finishes the rest' : ''}.`;
  $<HTMLProgressElement>('progress').value = total ? rows.size / total : 0;
  setRunning(false);
  show();
});
window.addEventListener('pagehide', () => void (running && save(true)));
Object.assign(window, { heterolabScreen: { restored, run, ran: () => ran, cancel: () => running?.abort(), rows: () => [...rows.values()], total: () => total, stages: () => stages } });
