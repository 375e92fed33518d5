/**
 * The workbench UI: mounts each panel (panels/*.ts, one file per panel, each saying what it shows) over the
 * app store and the workbench, the 3D view of the interface and the keyboard shortcuts. Returns unmount.
 */
import type { SessionDb } from '../state/persist';
import { $ } from './dom';
import { mountInterfaceView } from './interface-view';
import { mountKeys } from './keys';
import { mountEstimates } from './panels/estimates';
import { mountExport } from './panels/export';
import { mountLayers } from './panels/layers';
import { mountMatches } from './panels/matches';
import { mountOptions } from './panels/options';
import type { PanelContext } from './panels/panel';
import { mountPlacement } from './panels/placement';
import { mountScans } from './panels/scans';
import { mountSessions } from './panels/sessions';
import { mountLibrary } from './panels/library';
import { mountNumbers } from './panels/numbers';

export function mountWorkbench(ctx: PanelContext, dbReady: Promise<SessionDb | null>): () => void {
  const off = [
    mountOptions($('options-panel'), ctx),
    mountMatches($('matches-panel'), ctx),
    mountPlacement($('placement'), ctx),
    mountLayers($('stack-panel'), ctx),
    mountEstimates($('estimates-panel'), ctx),
    mountScans($('estimates-panel'), ctx),
    mountNumbers($('numbers-panel'), ctx),
    mountExport($('export-panel'), ctx),
    mountSessions($('sessions-panel'), ctx, dbReady),
    mountLibrary($('library-panel'), ctx),
    mountInterfaceView(ctx),
    mountKeys(ctx.wb),
  ];
  return () => off.forEach((f) => f());
}
