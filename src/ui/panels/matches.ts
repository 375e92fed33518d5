/**
 * Matches panel: the coincident supercells found (sortable table, at most 200 rows, with how many more exist),
 * the strain–area scatter and the twist scan (best strain per angle). Redrawn only when the matches, the chosen
 * match, the twist period or the scan change: a slider tick touches nothing here.
 */
import { watch } from '../../state/watch';
import { shownTwist, type WorkbenchState } from '../../state/workbench-model';
import { clearChart, lineChart, pointChart } from '../../view/charts';
import { $, csv, download, el, fileStem, fmt, hide, on, text } from '../dom';
import { disposer, type Panel } from './panel';

type Row = { i: number; area: number; atoms: number; s1: number; s2: number; twist: number };
const ROWS = 200;

export const mountMatches: Panel = (root, { wb }) => {
  const d = disposer();
  let sort: { key: keyof Row; dir: 1 | -1 } = { key: 'area', dir: 1 };
  const rowsOf = (s: WorkbenchState): Row[] => (s.matches ?? []).map((m, i) => ({ i, area: m.area, atoms: s.matchAtoms[i] ?? NaN, s1: 100 * m.principalStrains[0], s2: 100 * m.principalStrains[1], twist: shownTwist(m.twist, s.twistPeriodDeg) }));
  const body = root.querySelector('tbody')!;

  const drawTable = (s: WorkbenchState) => {
    for (const th of root.querySelectorAll<HTMLElement>('th[data-sort]')) th.dataset.dir = th.dataset.sort === sort.key ? (sort.dir > 0 ? '↑' : '↓') : '';
    const rows = rowsOf(s).sort((a, b) => sort.dir * (a[sort.key] - b[sort.key]));
    text($('match-count'), s.matches ? (s.matchesTotal > s.matches.length ? `(${s.matches.length} of ${s.matchesTotal}; ${s.matchesTotal - s.matches.length} more not shown: lower the max area or strain to see the rest)` : `(${s.matches.length})`) : '');
    body.replaceChildren(...rows.slice(0, ROWS).map((r) => el('tr', { 'data-index': String(r.i), tabindex: '0' }, el('td', {}, fmt(r.area, 1)), el('td', {}, String(s.matchAtoms[r.i] ?? '–')), el('td', {}, fmt(r.s1, 2)), el('td', {}, fmt(r.s2, 2)), el('td', {}, fmt(r.twist, 2)))));
    markSelected(s);
    if (s.matches?.length) pointChart($('scatter'), s.matches.map((m) => m.area), s.matches.map((m) => 100 * Math.max(...m.principalStrains.map(Math.abs))), { title: 'strain vs area (click to select)', xLabel: 'area (Å²)', yLabel: 'max |strain| (%)', onPick: (i) => void wb.selectMatch(i) });
    else clearChart($('scatter'));
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
      const key = th.dataset.sort as keyof Row;
      sort = { key, dir: sort.key === key ? ((-sort.dir) as 1 | -1) : 1 };
      drawTable(wb.get());
    }));
  d.add(on($('matches-csv'), 'click', () => {
    const s = wb.get();
    download(`${fileStem(s.session.name)}-matches.csv`, csv(['area_A2', 'atoms', 'strain1_pct', 'strain2_pct', 'twist_deg'], rowsOf(s).map((r) => [r.area, Number.isFinite(r.atoms) ? r.atoms : null, r.s1, r.s2, r.twist])), 'text/csv');
  }));
  d.add(on($('scan-csv'), 'click', () => {
    const s = wb.get();
    if (s.scan) download(`${fileStem(s.session.name)}-twist-scan.csv`, csv(['twist_deg', 'best_strain_pct'], s.scan.map((e) => [e.twistDeg, e.strainPct])), 'text/csv');
  }));

  d.add(watch(wb, (s) => [s.matches, s.matchAtoms, s.matchesTotal, s.twistPeriodDeg] as const, (_, s) => drawTable(s)));
  d.add(watch(wb, (s) => [s.match] as const, (_, s) => markSelected(s)));
  d.add(watch(wb, (s) => [s.matches, s.scan] as const, (_, s) => hide(root, !s.matches && !s.scan)));
  d.add(watch(wb, (s) => [s.scan] as const, ([scan]) => {
    hide($('scan-csv'), !scan);
    const none = !!scan && scan.every((e) => e.strainPct === null);
    text($('scan-none'), none ? 'No coincident cell at any twist within the tolerances: allow a larger area or strain.' : '');
    hide($('scan-none'), !none);
    if (scan) lineChart($('scan-chart'), scan.map((e) => e.twistDeg), scan.map((e) => e.strainPct), { title: 'best strain per twist (click an angle)', xLabel: 'twist (°)', yLabel: 'strain (%)', onPick: (x) => void wb.setTwist(Math.round(x * 10) / 10) });
    else clearChart($('scan-chart'));
  }));
  return d.dispose;
};
