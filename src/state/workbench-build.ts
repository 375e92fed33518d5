/**
 * Building the interface on screen: one worker round trip per placement change gives the built structure and
 * its live estimates; the newest request wins (the worker drops superseded ones, late replies are ignored).
 */
import { libraryFormationEnergy } from '../core/library/library';
import type { Structure } from '../core/structure';
import { DEG } from './workbench-model';
import type { Workbench } from './workbench';

/**
 * Scans stay valid while only z or the shift moved (c grows with z): they go when the in-plane cell or the
 * atoms change (another termination puts other species on top with the same count, so the species are compared).
 */
export function sameLattice(old: Structure | null, next: Structure): boolean {
  if (!old || old.numbers.length !== next.numbers.length) return false;
  if (old.cell.some((x, i) => i < 6 && x !== next.cell[i])) return false;
  return old.numbers.every((z, i) => z === next.numbers[i]);
}

export async function rebuild(wb: Workbench): Promise<void> {
  const spec = wb.spec();
  if (!spec) return;
  const seq = ++wb.buildSeq;
  const t0 = wb.now();
  wb.set({ live: { ...wb.state.live, pending: true } });
  try {
    const r = await wb.port().place(spec, { ffModel: wb.state.ffModel, formation: libraryFormationEnergy(spec.request.film) });
    if (r.superseded || seq !== wb.buildSeq) return;
    wb.set({
      iface: r.structure,
      warnings: r.warnings,
      twistPeriodDeg: r.twistPeriod / DEG,
      stackPeriodsDeg: r.stackPeriods.map((p) => p / DEG),
      ...(sameLattice(wb.state.iface, r.structure) ? {} : { zscan: null, registry: null, relax: null }),
      live: { ff: r.ff, ffError: r.ffError, ml: r.ml, mlError: r.mlError, mlScope: r.mlScope, pending: false, latencyMs: wb.now() - t0 },
    });
    // Another backend ran than the one configured (the GPU was lost): fetch the status with its notice.
    if (r.ff && wb.state.ffStatus && r.ff.backend !== wb.state.ffStatus.kind) void wb.port().status().then((st) => st.ff && wb.set({ ffStatus: st.ff }));
  } catch (e) {
    if (seq === wb.buildSeq) wb.fail(e, 'twist'); // shown at the placement controls that asked for it
  }
}
