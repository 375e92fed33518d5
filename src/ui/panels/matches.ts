/**
 * Matches panel: the coincident supercells found (sortable table, by |ε| too; filters on twist, area and
 * atoms; "show more" asks the worker for the next 200 past the cap), the strain–area scatter with a tooltip
 * per point, and the twist scan (best strain per angle). Redrawn only when the matches, the chosen match, the
 * filters, the twist period or the scan change: a slider tick touches nothing here.
 */
import { DEFAULTS } from '../../core/defaults';
import { watch } from '../../state/watch';
import { shownTwist, type WorkbenchState } from '../../state/workbench-model';
import { clearChart, lineChart, pointChart } from '../../view/charts';
import { $, csv, download, el, fileStem, fmt, hide, on, text } from '../dom';
import { disposer, type Panel } from './panel';

export type MatchRow = { i: number; area: number; atoms: number; eps: number; s1: number; s2: number; twist: number };
/** Bounds a match must be within to be listed (null: no bound); twist in degrees as shown, area Å². */
export interface MatchFilter {
  twistMin: number | null;
  twistMax: number | null;
  maxArea: number | null;
  maxAtoms: number | null;
}

export function matchRows(s: WorkbenchState): MatchRow[] {
  return (s.matches ?? []).map((m, i) => ({
    i, area: m.area, atoms: s.matchAtoms[i] ?? NaN, eps: 100 * Math.max(...m.principalStrains.map(Math.abs)),
    s1: 100 * m.principalStrains[0], s2: 100 * m.principalStrains[1], twist: shownTwist(m.twist, s.twistPeriodDeg),
  }));
}

/** The rows within the filter, sorted by one key (ties by area, then index, so the order is stable). */
export function filterRows(rows: MatchRow[], f: MatchFilter, sort: { key: keyof MatchRow; dir: 1 | -1 }): MatchRow[] {
  const ok = (r: MatchRow) => (f.twistMin === null || r.twist >= f.twistMin - 1e-9) && (f.twistMax === null || r.twist <= f.twistMax + 1e-9)
    && (f.maxArea === null || r.area <= f.maxArea + 1e-9) && (f.maxAtoms === null || !(r.atoms > f.maxAtoms));
  return rows.filter(ok).sort((a, b) => sort.dir * (a[sort.key] - b[sort.key]) || a.area - b.area || a.i - b.i);
}

const num = (id: string) => {
  const v = $<HTMLInputElement>(id).value.trim();
  return v === '' || !Number.isFinite(Number(v)) ? null : Number(v);
};

export const mountMatches: Panel = (root, { wb }) => {
  const d = disposer();
  let sort: { key: keyof MatchRow; dir: 1 | -1 } = { key: 'area', dir: 1 };
  const body = root.querySelector('tbody')!;
  const filter = (): MatchFilter => ({ twistMin: num('filter-twist-min'), twistMax: num('filter-twist-max'), maxArea: num('filter-area'), maxAtoms: num('filter-atoms') });

  const drawTable = (s: WorkbenchState) => {
    for (const th of root.querySelectorAll<HTMLElement>('th[data-sort]')) th.dataset.dir = th.dataset.sort === sort.key ? (sort.dir > 0 ? '↑' : '↓') : '';
    const all = matchRows(s), rows = filterRows(all, filter(), sort);
    const more = s.matches ? s.matchesTotal - s.matches.length : 0;
    text($('match-count'), s.matches ? (more > 0 ? `(${s.matches.length} of ${s.matchesTotal})` : `(${s.matches.length})`) : '');
    text($('filter-count'), rows.length < all.length ? `${rows.length} of ${all.length} within the filters` : '');
    text($('matches-more'), more > DEFAULTS.matchLimit ? `show ${DEFAULTS.matchLimit} more (of ${more} not listed)` : `show the ${more} more not listed`);
    hide($('matches-more'), more <= 0);
    body.replaceChildren(...rows.map((r) => el('tr', { 'data-index': String(r.i), tabindex: '0' }, el('td', {}, fmt(r.area, 1)), el('td', {}, String(s.matchAtoms[r.i] ?? '–')), el('td', {}, fmt(r.eps, 2)), el('td', {}, fmt(r.s1, 2)), el('td', {}, fmt(r.s2, 2)), el('td', {}, fmt(r.twist, 2)))));
    markSelected(s);
    if (rows.length) {
      const tip = (k: number) => { const r = rows[k]; return `area ${fmt(r.area, 1)} Å² · ${Number.isFinite(r.atoms) ? r.atoms : '–'} atoms · |ε| ${fmt(r.eps, 2)} % · twist ${fmt(r.twist, 2)}°`; };
      pointChart($('scatter'), rows.map((r) => r.area), rows.map((r) => r.eps), { title: 'strain vs area (click to select)', xLabel: 'area (Å²)', yLabel: 'max |strain| (%)', onPick: (k) => void wb.selectMatch(rows[k].i), tip });
    } else clearChart($('scatter'));
  };
  /** The chosen match is highlighted in place (a class toggle, no rows rebuilt). */
  const markSelected = (s: WorkbenchState) => {
    const k = s.match ? s.matches?.indexOf(s.match) ?? -1 : -1;
    for (const tr of body.children) tr.classList.toggle('selected', Number((tr as HTMLElement).dataset.index) === k);
  };
  d.add(on(body, 'click', (ev) => {
    const tr = (ev.target as HTMLElement).closest('tr');
    if (tr) void wb.selectMatch(Number(tr.dataset.index));
  }));
  d.add(on(body, 'keydown', (ev) => {
    const tr = (ev.target as HTMLElement).closest('tr');
    if (tr && ev.key === 'Enter') void wb.selectMatch(Number(tr.dataset.index));
  }));
  // Sortable: click a header to sort by it, again to reverse.
  for (const th of root.querySelectorAll<HTMLElement>('th[data-sort]'))
    d.add(on(th, 'click', () => {
      const key = th.dataset.sort as keyof MatchRow;
      sort = { key, dir: sort.key === key ? ((-sort.dir) as 1 | -1) : 1 };
      drawTable(wb.get());
    }));
  for (const id of ['filter-twist-min', 'filter-twist-max', 'filter-area', 'filter-atoms']) d.add(on($(id), 'input', () => drawTable(wb.get())));
  d.add(on($('matches-more'), 'click', () => void wb.moreMatches()));
  d.add(on($('matches-csv'), 'click', () => {
    const s = wb.get();
    download(`${fileStem(s.session.name)}-matches.csv`, csv(['area_A2', 'atoms', 'strain1_pct', 'strain2_pct', 'twist_deg'], matchRows(s).map((r) => [r.area, Number.isFinite(r.atoms) ? r.atoms : null, r.s1, r.s2, r.twist])), 'text/csv');
  }));
  d.add(on($('scan-csv'), 'click', () => {
    const s = wb.get();
    if (s.scan) download(`${fileStem(s.session.name)}-twist-scan.csv`, csv(['twist_deg', 'best_strain_pct'], s.scan.map((e) => [e.twistDeg, e.strainPct])), 'text/csv');
  }));

  d.add(watch(wb, (s) => [s.matches, s.matchAtoms, s.matchesTotal, s.twistPeriodDeg] as const, (_, s) => drawTable(s)));
  d.add(watch(wb, (s) => [s.match] as const, (_, s) => markSelected(s)));
  d.add(watch(wb, (s) => [s.matches, s.scan] as const, (_, s) => hide(root, !s.matches && !s.scan)));
  // The list and the scan are film 1 on the substrate; with a stacked film selected, say whose they are.
  d.add(watch(wb, (s) => [s.activeFilm, s.stack.length] as const, ([k]) => {
    text($('matches-film-note'), k > 0 ? `These are film 1's cells and twist scan (film 1 on the substrate); a click here turns film 1. Film ${k + 1} is matched to the cell below it (Layers panel).` : '');
    hide($('matches-film-note'), k === 0);
  }));
  d.add(watch(wb, (s) => [!!s.job] as const, ([busy]) => (($('matches-more') as HTMLButtonElement).disabled = busy)));
  d.add(watch(wb, (s) => [s.scan] as const, ([scan]) => {
    hide($('scan-csv'), !scan);
    const none = !!scan && scan.every((e) => e.strainPct === null);
    text($('scan-none'), none ? 'No coincident cell at any twist within the tolerances: allow a larger area or strain.' : '');
    hide($('scan-none'), !none);
    if (scan) lineChart($('scan-chart'), scan.map((e) => e.twistDeg), scan.map((e) => e.strainPct), { title: 'best strain per twist (click an angle)', xLabel: 'twist (°)', yLabel: 'strain (%)', onPick: (x) => void wb.setTwist(Math.round(x * 10) / 10, 0) });
    else clearChart($('scan-chart'));
  }));
  return d.dispose;
};
