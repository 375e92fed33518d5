/**
 * The screen page's result views: a sortable, filterable table of every pair, a films × metals heat map of the
 * predicted binding energy (strongest over facets and faces; a click opens that pair in the workbench), and the
 * binding-energy-vs-strain scatter. All text is set with textContent: names from files are shown as text.
 */
import type { ScreenRow } from '../compute/screen/screen';
import { pointChart } from '../view/charts';

const COLS: [keyof ScreenRow, string][] = [
  ['film', 'film'], ['face', 'face down'], ['substrate', 'metal'], ['hkl', 'facet'], ['area', 'area Å²'], ['nAtoms', 'atoms'],
  ['strain', 'strain %'], ['ffZSeparation', 'FF z Å'], ['ffBindingEnergy', 'FF E_bind eV/atom'], ['mlZSeparation', 'ML z Å'],
  ['mlZSeparationSigma', 'σ z'], ['mlBindingEnergy', 'ML E_bind eV/atom'], ['mlBindingEnergySigma', 'σ E'], ['formationEnergy', 'E_form eV/atom'], ['stable', 'stable?'], ['error', 'note'],
];
const TEXT = new Set<keyof ScreenRow>(['film', 'face', 'substrate', 'hkl', 'stable', 'error']);

export class ResultsTable {
  private sort: { key: keyof ScreenRow; dir: 1 | -1 } = { key: 'mlBindingEnergy', dir: -1 };
  private rows: ScreenRow[] = [];
  private filter = '';

  constructor(private table: HTMLTableElement) {
    const tr = document.createElement('tr');
    for (const [k, label] of COLS) {
      const th = document.createElement('th');
      th.textContent = label;
      if (TEXT.has(k)) th.className = 't';
      th.addEventListener('click', () => {
        this.sort = { key: k, dir: this.sort.key === k ? ((-this.sort.dir) as 1 | -1) : TEXT.has(k) ? 1 : -1 };
        this.render();
      });
      tr.append(th);
    }
    table.tHead!.replaceChildren(tr);
  }

  set(rows: ScreenRow[], filter = this.filter): void {
    this.rows = rows;
    this.filter = filter.trim().toLowerCase();
    this.render();
  }

  /** Rows shown: matching the filter (any text column contains it), sorted; at most 2,000 drawn. */
  shown(): ScreenRow[] {
    const f = this.filter;
    const keep = f ? this.rows.filter((r) => [r.film, r.face, r.substrate, r.hkl, r.stable ?? '', r.error ?? ''].some((t) => t.toLowerCase().includes(f))) : this.rows;
    const { key, dir } = this.sort;
    return [...keep].sort((a, b) => {
      const x = a[key], y = b[key];
      if (x === y) return a.index - b.index;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return dir * (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y)));
    });
  }

  private render(): void {
    const body = this.table.tBodies[0];
    body.replaceChildren(
      ...this.shown().slice(0, 2000).map((r) => {
        const tr = document.createElement('tr');
        for (const [k] of COLS) {
          const td = document.createElement('td');
          const v = r[k];
          td.textContent = v === null || v === undefined ? '–' : String(v);
          if (TEXT.has(k)) td.className = k === 'stable' && v ? `t ${v}` : 't';
          tr.append(td);
        }
        return tr;
      }),
    );
  }
}

/** Strongest predicted binding per (film, metal), metals ordered by their mean over films. */
export function heatCells(rows: ScreenRow[]): { films: string[]; metals: string[]; best: Map<string, ScreenRow> } {
  const best = new Map<string, ScreenRow>();
  const films: string[] = [], metalsSeen: string[] = [];
  for (const r of rows) {
    if (!films.includes(r.film)) films.push(r.film);
    if (!metalsSeen.includes(r.substrate)) metalsSeen.push(r.substrate);
    const k = `${r.film}|${r.substrate}`, cur = best.get(k);
    if (r.mlBindingEnergy !== null && (!cur || cur.mlBindingEnergy === null || r.mlBindingEnergy > cur.mlBindingEnergy)) best.set(k, r);
    else if (!cur) best.set(k, r);
  }
  const mean = (m: string) => {
    const v = films.map((f) => best.get(`${f}|${m}`)?.mlBindingEnergy).filter((x): x is number => typeof x === 'number');
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : -Infinity;
  };
  const metals = [...metalsSeen].sort((a, b) => mean(b) - mean(a));
  return { films, metals, best };
}

/** Draws the heat map; returns a function mapping a click position to the row under it. */
export function drawHeat(canvas: HTMLCanvasElement, rows: ScreenRow[]): (x: number, y: number) => ScreenRow | undefined {
  const { films, metals, best } = heatCells(rows);
  const left = 110, top = 34, cw = Math.max(14, Math.min(40, (canvas.clientWidth || 900 - left) / Math.max(1, metals.length))), ch = 12;
  canvas.width = Math.max(left + cw * metals.length + 10, 480); // room for the colour legend
  canvas.height = top + ch * films.length + 30;
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const vals = [...best.values()].map((r) => r.mlBindingEnergy).filter((x): x is number => typeof x === 'number');
  const lo = Math.min(...vals, 0), hi = Math.max(...vals, 0.01);
  ctx.font = '10px system-ui, sans-serif';
  ctx.fillStyle = '#1d2433';
  metals.forEach((m, j) => ctx.fillText(m, left + j * cw + 1, top - 6));
  films.forEach((f, i) => {
    ctx.fillStyle = '#1d2433';
    ctx.fillText(f, 2, top + i * ch + 10);
    metals.forEach((m, j) => {
      const v = best.get(`${f}|${m}`)?.mlBindingEnergy;
      const t = typeof v === 'number' ? (v - lo) / (hi - lo) : NaN;
      ctx.fillStyle = Number.isFinite(t) ? `rgb(${Math.round(253 - 200 * t)},${Math.round(231 - 150 * t)},${Math.round(37 + 100 * t)})` : '#d0d5dd';
      ctx.fillRect(left + j * cw, top + i * ch, cw - 1, ch - 1);
    });
  });
  ctx.fillStyle = '#5b6577';
  ctx.fillText(`colour: ${lo.toFixed(3)} (light) … ${hi.toFixed(3)} eV/atom (dark)`, left, top + films.length * ch + 18);
  return (x, y) => {
    const i = Math.floor((y - top) / ch), j = Math.floor((x - left) / cw);
    return i >= 0 && j >= 0 && i < films.length && j < metals.length ? best.get(`${films[i]}|${metals[j]}`) : undefined;
  };
}

export function drawScatter(el: HTMLElement, rows: ScreenRow[]): void {
  const ok = rows.filter((r) => r.strain !== null && r.mlBindingEnergy !== null);
  if (ok.length) pointChart(el, ok.map((r) => r.strain!), ok.map((r) => r.mlBindingEnergy!), { title: 'ML binding energy vs strain', xLabel: 'strain (%)', yLabel: 'E_bind (eV/atom)' });
}
