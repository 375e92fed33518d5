/**
 * Force-field work on the interface: z-scan, registry scan, rigid pre-relaxation, the machinery that makes any
 * job cancellable with progress (one job at a time; a new one cancels the old), and the model and backend.
 */
import type { FFModel } from '../core/defaults';
import type { Progress } from '../compute/ff/ops';
import type { BackendChoice } from '../compute/ff/select';
import { DEFAULTS } from '../core/defaults';
import type { Placement } from './session';
import { activePlacement, wrap01, type JobKind, type NoteAt } from './workbench-model';
import type { Workbench } from './workbench';

/** Runs `fn` as the one job, with progress and cancel; errors land at `at`. */
export async function runJob(wb: Workbench, kind: JobKind, fn: (signal: AbortSignal, progress: Progress) => Promise<void>, at: NoteAt = 'scans'): Promise<void> {
  wb.jobAbort?.abort();
  const ac = new AbortController();
  wb.jobAbort = ac;
  wb.set({ job: { kind, started: Date.now() }, error: null });
  const progress: Progress = (done, total) => {
    if (wb.jobAbort === ac && wb.state.job) wb.set({ job: { ...wb.state.job, done, total } });
  };
  try {
    await fn(ac.signal, progress);
  } catch (e) {
    wb.fail(e, at);
  } finally {
    if (wb.jobAbort === ac) {
      wb.jobAbort = null;
      wb.set({ job: null });
    }
  }
}

export function cancelJob(wb: Workbench): void {
  wb.jobAbort?.abort();
  wb.jobAbort = null;
  wb.set({ job: null });
}

const ffParams = (wb: Workbench) => ({ model: wb.state.ffModel, cutoff: DEFAULTS.cutoff });

/** z-scan of the active film from 1.8 to 5.3 Å in 0.05 Å steps (71 points). */
export async function zScan(wb: Workbench): Promise<void> {
  const spec = wb.spec();
  if (!spec || !wb.state.iface) return;
  const zs = Array.from({ length: 71 }, (_, k) => 1.8 + 0.05 * k);
  await runJob(wb, 'z-scan', async (signal, progress) => wb.set({ zscan: await wb.port(signal).zScan(spec, wb.state.activeFilm + 1, zs, ffParams(wb), progress) }));
}

export async function registryScan(wb: Workbench, grid: number): Promise<void> {
  const spec = wb.spec();
  if (!spec || !wb.state.iface) return;
  const film = wb.state.activeFilm + 1, base = activePlacement(wb.state).shift, role = wb.state.iface.arrays.role;
  const filmAtoms = role ? Array.from(role).filter((r) => r === film).length : 0;
  await runJob(wb, 'registry scan', async (signal, progress) => wb.set({ registry: { ...(await wb.port(signal).registryScan(spec, film, grid, grid, ffParams(wb), false, progress)), base, filmAtoms } }));
}

/** Rigid pre-relaxation of every film; the result becomes their placements (z and shift), undoable and saved. */
export async function relax(wb: Workbench): Promise<void> {
  const spec = wb.spec();
  if (!spec || !wb.state.iface) return;
  await runJob(wb, 'relaxation', async (signal, progress) => {
    const r = await wb.port(signal).relax(spec, ffParams(wb), { fmax: 0.01, maxSteps: 500 }, progress);
    const f = r.films[0];
    const moved = (p: Placement, g: { zSeparation: number; registry: [number, number] }): Placement => ({ zSeparation: Math.round(g.zSeparation * 1000) / 1000, shift: [wrap01(p.shift[0] + g.registry[0]), wrap01(p.shift[1] + g.registry[1])] });
    wb.remember();
    wb.set({
      relax: { backend: r.backend, iterations: r.iterations, converged: r.converged, bindingEnergy: r.bindingEnergy, zSeparation: f.zSeparation, registry: f.registry, films: r.films.length },
      placement: moved(wb.state.placement, f),
      stack: wb.state.stack.map((x, k) => (r.films[k + 1] ? { ...x, placement: moved(x.placement, r.films[k + 1]) } : x)),
    });
    const kept = wb.state.relax;
    await wb.rebuild();
    wb.set({ relax: kept });
  });
}

/** Another force-field model: the scans made with the old one go, the estimates are made again. */
export function setFFModel(wb: Workbench, model: FFModel): void {
  wb.set({ ffModel: model, zscan: null, registry: null, relax: null });
  void wb.estimate();
}

export async function setBackend(wb: Workbench, choice: BackendChoice): Promise<void> {
  wb.set({ backend: choice });
  try {
    wb.set({ ffStatus: await wb.port().ffConfigure(choice) });
  } catch (e) {
    wb.fail(e, 'scans');
  }
  void wb.estimate();
}
