/** What a panel is given: the app store (structures, messages), the workbench, the view and the worker port. */
import type { Store } from '../../state/store';
import type { Workbench } from '../../state/workbench';
import type { StructureView } from '../../view/structure-view';
import type { ComputePort } from '../../workers/client';

export interface PanelContext {
  store: Store;
  wb: Workbench;
  view: StructureView;
  port: ComputePort;
}

/** A panel mounts into its root element and returns the function that unmounts it (listeners removed). */
export type Panel = (root: HTMLElement, ctx: PanelContext) => () => void;

/** Collects unsubscribe functions so unmount removes everything a panel attached. */
export function disposer(): { add: (f: () => void) => void; dispose: () => void } {
  const fs: (() => void)[] = [];
  return { add: (f) => void fs.push(f), dispose: () => fs.splice(0).forEach((f) => f()) };
}
