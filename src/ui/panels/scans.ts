/**
 * Scans panel: z-scan, registry scan and pre-relaxation of the selected film, with progress and cancel; the
 * binding curve drawn as interaction energy (eV per film atom, = −E_bind, so the well is a minimum) on a
 * y-range that shows the well, with the current z and the minimum marked and "move to minimum"; the registry
 * map; CSV of each. The charts are drawn when a scan finishes; a slider tick only moves the current-z marker.
 */
import { watch } from '../../state/watch';
import { activePlacement, type WorkbenchState } from '../../state/workbench-model';
import { clearChart, lineChart, type LineChartHandle } from '../../view/charts';
import { mapGeometry, registryMap, spreadMeV } from '../../view/registry-map';
import { $, csv, download, fileStem, fmt, hide, on, text } from '../dom';
import { disposer, type Panel } from './panel';

/** The y-range (eV/atom) that shows a binding well: from below its bottom to as far above zero as it is deep. */
export function wellRange(eInt: number[]): [number, number] {
  const lo = Math.min(...eInt);
  if (!(lo < 0)) return [Math.min(0, lo), Math.max(...eInt.filter(Number.isFinite), 0.01)];
  return [1.2 * lo, -0.8 * lo];
}

/** The cell's a and b in the plane with a along +x (same lengths, angle and hand), as the map draws them. */
export function inPlane(c: ArrayLike<number>): { a: [number, number]; b: [number, number] } {
  const la = Math.hypot(c[0], c[1]), lb = Math.hypot(c[3], c[4]);
  const cos = (c[0] * c[3] + c[1] * c[4]) / (la * lb), sin = (c[0] * c[4] - c[1] * c[3]) / (la * lb);
  return { a: [la, 0], b: [lb * cos, lb * sin] };
}

export const mountScans: Panel = (_root, { wb }) => {
  const d = disposer();
  let curve: LineChartHandle | null = null;
  const current = (s: WorkbenchState) => ({ x: activePlacement(s).zSeparation, colour: '#ff7a00', label: 'now' });
  const drawCurve = (s: WorkbenchState) => {
    const z = s.zscan;
    hide($('zscan-tools'), !z);
    if (!z) return (clearChart($('zscan-chart')), (curve = null));
    const eInt = z.bindingEnergy.map((e) => -e);
    const title = `binding curve${s.stack.length ? ` of film ${s.activeFilm + 1}` : ''} (${s.ffModel}, ${z.backend})`;
    $('zscan-chart').setAttribute('aria-label', title);
    curve = lineChart($('zscan-chart'), z.z, eInt, { title, xLabel: 'z-separation (Å)', yLabel: 'E_int (eV/atom)', yRange: wellRange(eInt), dot: [z.min.z, -z.min.bindingEnergy], marks: [current(s), { x: z.min.z, colour: '#d81b60', label: 'min' }] });
  };
  d.add(watch(wb, (s) => [s.zscan] as const, (_, s) => drawCurve(s)));
  d.add(watch(wb, (s) => [activePlacement(s).zSeparation] as const, (_, s) => s.zscan && curve?.setMarks([current(s), { x: s.zscan.min.z, colour: '#d81b60', label: 'min' }])));
  const map = $<HTMLCanvasElement>('registry-map');
  // Keyed on a and b as numbers: c (and the structure) change with every z tick, the map does not.
  d.add(watch(wb, (s) => [s.registry, s.iface ? Array.from(s.iface.cell.slice(0, 6)).join() : null, activePlacement(s).shift] as const, ([r], s) => {
    hide($('registry-csv'), !r);
    const cell = s.iface?.cell;
    if (!r || !cell) return hide(map, true);
    registryMap(map, { energy: r.energy, nx: r.nx, ny: r.ny, base: r.base, ...inPlane(cell), filmAtoms: r.filmAtoms, current: activePlacement(s).shift });
  }));
  // A click on the map moves the film to that shift.
  d.add(on(map, 'click', (ev) => {
    const cell = wb.get().iface?.cell;
    if (!cell || !wb.get().registry) return;
    const r = map.getBoundingClientRect();
    const { a, b } = inPlane(cell);
    const [u, v] = mapGeometry(map.width, map.height, a, b).toFrac(((ev.clientX - r.left) * map.width) / r.width, ((ev.clientY - r.top) * map.height) / r.height);
    if (u >= 0 && u <= 1 && v >= 0 && v <= 1) wb.setPlacement({ shift: [Math.round(u * 1000) / 1000, Math.round(v * 1000) / 1000] });
  }));
  d.add(watch(wb, (s) => [s.zscan, s.registry, s.relax] as const, (_, s) => {
    const notes: string[] = [];
    if (s.zscan) notes.push(`binding curve minimum: z = ${fmt(s.zscan.min.z, 2)} Å, E_int = ${fmt(-s.zscan.min.bindingEnergy, 4)} eV per film atom (E_bind ${fmt(s.zscan.min.bindingEnergy, 4)}, positive = bound; ${s.zscan.backend})`);
    if (s.registry) notes.push(`registry map (${s.registry.nx}×${s.registry.ny}, ${s.registry.backend}): lowest at shift ${s.registry.min.shift.map((x, k) => fmt((((s.registry!.base[k] + x) % 1) + 1) % 1, 2)).join(', ')} (fractions of a, b), E_bind ${fmt(s.registry.min.bindingEnergy, 4)} eV/atom; click the map to move the film there`);
    // A nearly flat map stretched onto the whole colour bar looks like noise: say how small the range is.
    const spread = s.registry ? spreadMeV(s.registry.energy, s.registry.filmAtoms) : 0;
    if (s.registry) notes.push(`the energy varies by ${fmt(spread, 2)} meV per film atom over the shifts${spread < 1 ? ': nearly flat, the registry hardly matters here (the colours stretch that small range)' : ''}`);
    if (s.relax) notes.push(`pre-relaxed${s.relax.films > 1 ? ` (${s.relax.films} films)` : ''} (${s.relax.backend}): film 1 z = ${fmt(s.relax.zSeparation, 3)} Å, E_bind = ${fmt(s.relax.bindingEnergy, 4)} eV/atom, ${s.relax.iterations} steps${s.relax.converged ? '' : ' (not converged)'}`);
    text($('scan-note'), notes.join(' · '));
  }));
  d.add(watch(wb, (s) => [s.job, !!s.iface, s.errorAt === 'scans' ? s.error : null] as const, ([job, have, problem], s) => {
    hide($('job'), !job);
    const bar = $<HTMLProgressElement>('job-progress');
    if (job?.total) (bar.max = job.total), (bar.value = job.done ?? 0);
    else bar.removeAttribute('value'); // indeterminate until the job reports
    text($('job-text'), job ? `${job.kind}${job.total ? ` ${Math.round((100 * (job.done ?? 0)) / job.total)} %` : '…'}${s.stack.length && job.kind !== 'matches' ? ` (film ${s.activeFilm + 1})` : ''}` : '');
    for (const id of ['run-zscan', 'run-registry', 'run-relax']) ($(id) as HTMLButtonElement).disabled = !have || !!job;
    text($('scans-error'), problem ?? '');
    hide($('scans-error'), !problem);
  }));
  d.add(on($('run-zscan'), 'click', () => void wb.zScan()));
  d.add(on($('run-registry'), 'click', () => void wb.registryScan()));
  d.add(on($('run-relax'), 'click', () => void wb.relax()));
  d.add(on($('cancel-job'), 'click', () => wb.cancelJob()));
  d.add(on($('zscan-min'), 'click', () => {
    const z = wb.get().zscan;
    if (z) wb.setPlacement({ zSeparation: Math.round(z.min.z * 1000) / 1000 });
  }));
  const stem = () => fileStem(wb.get().session.name);
  d.add(on($('zscan-csv'), 'click', () => {
    const z = wb.get().zscan;
    if (z) download(`${stem()}-binding-curve.csv`, csv(['z_A', 'energy_eV', 'E_bind_eV_per_film_atom', 'E_int_eV_per_film_atom'], z.z.map((x, k) => [x, z.energy[k], z.bindingEnergy[k], -z.bindingEnergy[k]])), 'text/csv');
  }));
  d.add(on($('registry-csv'), 'click', () => {
    const r = wb.get().registry;
    if (!r) return;
    const rows: number[][] = [];
    const abs = (k: number, x: number) => (((r.base[k] + x) % 1) + 1) % 1;
    for (let i = 0; i < r.nx; i++) for (let j = 0; j < r.ny; j++) rows.push([abs(0, i / r.nx), abs(1, j / r.ny), r.energy[i * r.ny + j], r.z[i * r.ny + j]]);
    download(`${stem()}-registry.csv`, csv(['shift_a', 'shift_b', 'energy_eV', 'z_A'], rows), 'text/csv');
  }));
  return d.dispose;
};
