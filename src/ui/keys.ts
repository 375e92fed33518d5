/** Keyboard shortcuts of the workbench (the help dialog lists them); ignored while typing in a field. */
import { activePlacement, dialledTwist } from '../state/workbench-model';
import type { Workbench } from '../state/workbench';
import { $, on } from './dom';

export function mountKeys(wb: Workbench): () => void {
  return on(window, 'keydown', (ev: KeyboardEvent) => {
    const t = ev.target as HTMLElement;
    // Typing in a field (or moving a slider with the arrows) keeps its keys; a ticked checkbox does not.
    if (t.closest('textarea, select, dialog') || (t instanceof HTMLInputElement && !['checkbox', 'radio', 'button'].includes(t.type))) return;
    const s = wb.get(), p = activePlacement(s), key = ev.key;
    if ((ev.ctrlKey || ev.metaKey) && key.toLowerCase() === 'z') {
      ev.preventDefault();
      return ev.shiftKey ? wb.redo() : wb.undo();
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    // The view's keys work on any structure shown, interface or not.
    const viewKeys: Record<string, string> = { a: 'view-a', b: 'view-b', c: 'view-c', n: 'view-normal', t: 'view-top', p: 'ortho', k: 'bonds', l: 'labels', Escape: 'clear-measure' };
    if (viewKeys[key] && document.body.dataset.view) {
      ev.preventDefault();
      return $(viewKeys[key]).click();
    }
    const acts: Record<string, () => void> = {
      o: () => $('open').click(),
      m: () => $('find-matches').click(),
      r: () => void wb.relax(),
      i: () => wb.show(s.shows === 'interface' ? 'structure' : 'interface'),
      '?': () => $<HTMLDialogElement>('help-dialog').showModal(),
      '[': () => void wb.setTwist(dialledTwist(s) - 0.5),
      ']': () => void wb.setTwist(dialledTwist(s) + 0.5),
      g: () => $('gizmo-mode').click(),
      ArrowLeft: () => wb.setPlacement({ shift: [p.shift[0] - 0.01, p.shift[1]] }),
      ArrowRight: () => wb.setPlacement({ shift: [p.shift[0] + 0.01, p.shift[1]] }),
      ArrowDown: () => wb.setPlacement({ shift: [p.shift[0], p.shift[1] - 0.01] }),
      ArrowUp: () => wb.setPlacement({ shift: [p.shift[0], p.shift[1] + 0.01] }),
      PageUp: () => wb.setPlacement({ zSeparation: p.zSeparation + 0.05 }),
      PageDown: () => wb.setPlacement({ zSeparation: Math.max(0.5, p.zSeparation - 0.05) }),
    };
    if (/^[1-9]$/.test(key) && s.iface && Number(key) <= s.stack.length + 1) {
      ev.preventDefault();
      return wb.selectFilm(Number(key) - 1);
    }
    const f = acts[key];
    if (f && (s.iface || 'om?i'.includes(key))) {
      ev.preventDefault();
      f();
    }
  });
}
