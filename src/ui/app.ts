import { cellParameters, cellVolume } from '../core/cell';
import { formula } from '../core/structure';
import { MAX_FILE_BYTES } from '../core/validate';
import type { AppState, Message, Store, StructureEntry } from '../state/store';
import type { StructureView } from '../view/structure-view';
import type { FileInput } from '../workers/protocol';

import { $, el } from './dom';
import { showLegend } from './legend';

/** A file over the size limit is not read (a 1 GB drop would stall the page and fill memory): the worker refuses it by size. */
export async function toInputs(files: Iterable<File>): Promise<FileInput[]> {
  return Promise.all([...files].map(async (f) => (f.size > MAX_FILE_BYTES ? { name: f.name, bytes: new ArrayBuffer(0), size: f.size } : { name: f.name, bytes: await f.arrayBuffer() })));
}

function describeMessage(m: Message): HTMLElement {
  const i = m.issue;
  const where = `${i.file ?? ''}${i.line ? `, line ${i.line}` : ''}`;
  const label = m.severity === 'internal' ? 'Bug' : m.severity === 'error' ? 'Error' : 'Note';
  const li = el('li', { class: `msg ${m.severity}`, 'data-code': i.code },
    el('span', { class: 'msg-label' }, label),
    el('span', { class: 'msg-where' }, where),
    el('span', { class: 'msg-text' }, i.message),
  );
  if (i.hint) li.append(el('span', { class: 'msg-hint' }, i.hint));
  return li;
}

function overlayText(e: StructureEntry): string[] {
  const s = e.structure;
  const lines = [`${formula(s.numbers)} · ${s.numbers.length} atoms · ${e.kind}`];
  if (s.pbc.some(Boolean)) {
    const p = cellParameters(s.cell);
    const d = 180 / Math.PI;
    lines.push(`a ${p.a.toFixed(3)} b ${p.b.toFixed(3)} c ${p.c.toFixed(3)} Å · α ${(p.alpha * d).toFixed(2)}° β ${(p.beta * d).toFixed(2)}° γ ${(p.gamma * d).toFixed(2)}°`);
    lines.push(`V ${Math.abs(cellVolume(s.cell)).toFixed(2)} Å³`);
  }
  lines.push(`${e.file}${s.info.title ? ` — ${s.info.title}` : ''}`);
  return lines;
}

/** What the workbench adds to the structures list and the view (absent on pages without a workbench). */
export interface AppHooks {
  roleOf(id: string): 'film' | 'substrate' | null;
  setRole(id: string, role: 'film' | 'substrate' | null): void;
  /** When the workbench shows the interface, the list selection does not redraw the view. */
  viewOwner(): 'interface' | 'structure';
  /** Redraw the list when roles change, and the view when it goes back to the selected structure. */
  onChanged(fn: () => void): void;
  /** The user picked a structure in the list: show it rather than the interface. */
  showStructure(): void;
  /** What removing this structure would take with it (null: nothing), for the confirmation. */
  inUse(id: string): string | null;
}

/** Wires the DOM shell to the store and the view. The UI never parses files: it collects them and sends an action. */
export function mountApp(store: Store, view: StructureView, hooks?: AppHooks): void {
  const drop = $('drop');
  const input = $<HTMLInputElement>('file-input');
  const add = async (files: Iterable<File>) => store.addFiles(await toInputs(files));

  $('open').addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    if (input.files) void add(input.files);
    input.value = '';
  });
  // Dropping anywhere on the page works; the drop zone highlights.
  window.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    drop.classList.add('over');
  });
  window.addEventListener('dragleave', (ev) => {
    if (ev.target === document.documentElement || ev.target === drop) drop.classList.remove('over');
  });
  window.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    if (ev.dataTransfer?.files.length) void add(ev.dataTransfer.files);
  });

  const dialog = $<HTMLDialogElement>('paste-dialog');
  $('paste').addEventListener('click', () => dialog.showModal());
  dialog.addEventListener('close', () => {
    if (dialog.returnValue !== 'read') return;
    const text = $<HTMLTextAreaElement>('paste-text').value;
    const name = $<HTMLInputElement>('paste-name').value.trim() || 'pasted';
    void store.addFiles([{ name, bytes: new TextEncoder().encode(text).buffer as ArrayBuffer }]);
  });
  // Paste straight onto the page (Ctrl+V outside a text field) reads the clipboard text.
  window.addEventListener('paste', (ev) => {
    const t = ev.target as HTMLElement;
    if (t.closest('textarea, input, dialog')) return;
    const text = ev.clipboardData?.getData('text/plain');
    if (text) void store.addFiles([{ name: 'pasted', bytes: new TextEncoder().encode(text).buffer as ArrayBuffer }]);
  });

  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-example]'))
    b.addEventListener('click', async () => {
      const name = b.dataset.example!;
      const res = await fetch(`./examples/${name}`);
      void store.addFiles([{ name, bytes: await res.arrayBuffer() }]);
    });

  $<HTMLInputElement>('images').addEventListener('change', (ev) => store.setShowImages((ev.target as HTMLInputElement).checked));
  $('reset-view').addEventListener('click', () => {
    // Whatever is drawn (the interface, when it is shown), framed in the free area of the canvas; from the
    // default direction, so the top view is no longer on (the projection stays as chosen).
    view.fit();
    $('view-top').classList.remove('on');
  });
  $('clear-messages').addEventListener('click', () => store.clearMessages());

  let drawn: { id: string | null; images: boolean } = { id: null, images: false };
  const redraw = (s: AppState) => {
    // Structures list
    const list = $('structures');
    list.replaceChildren(
      ...s.structures.map((e) => {
        const li = el('li', { class: e.structure.id === s.selectedId ? 'selected' : '', 'data-id': e.structure.id, tabindex: '0' },
          el('span', { class: 'formula' }, formula(e.structure.numbers)),
          el('span', { class: 'atoms' }, `${e.structure.numbers.length} atoms`),
          el('span', { class: `kind kind-${e.kind.replace(/\s/g, '')}` }, e.kind),
          el('span', { class: 'file' }, e.file),
        );
        if (hooks) {
          const role = hooks.roleOf(e.structure.id);
          const roles = el('span', { class: 'roles' });
          for (const r of ['film', 'substrate'] as const) {
            const b = el('button', { type: 'button', class: `role${role === r ? ' on' : ''}`, 'data-role': r, 'aria-pressed': String(role === r), title: `Use as the ${r}` }, r);
            // A pressed role button stays pressed (the other role, or ×, changes it): a second click cannot undo a role silently.
            b.addEventListener('click', (ev) => {
              ev.stopPropagation();
              if (role !== r) hooks.setRole(e.structure.id, r);
            });
            roles.append(b);
          }
          li.append(roles);
          if (role) li.classList.add(`is-${role}`);
        }
        const remove = el('button', { class: 'remove', title: 'Remove', 'aria-label': `Remove ${e.file}` }, '×');
        remove.addEventListener('click', (ev) => {
          ev.stopPropagation();
          const loses = hooks?.inUse(e.structure.id);
          if (loses && !confirm(`Remove ${formula(e.structure.numbers)} (${e.file})? ${loses}`)) return;
          store.remove(e.structure.id);
        });
        li.append(remove);
        li.addEventListener('click', () => {
          hooks?.showStructure();
          store.select(e.structure.id);
        });
        li.addEventListener('keydown', (ev) => {
          if (ev.key !== 'Enter') return;
          hooks?.showStructure();
          store.select(e.structure.id);
        });
        return li;
      }),
    );
    $('count').textContent = s.structures.length ? `(${s.structures.length})` : '';
    $('empty').hidden = s.structures.length > 0;
    // Messages
    $('messages').replaceChildren(...s.messages.map(describeMessage));
    $('no-messages').hidden = s.messages.length > 0;
    $('busy').hidden = !s.busy;
    const w = s.worker;
    $('backend').textContent = w ? `geometry: ${w.geometry}` : 'starting worker…';
    if (w?.geometryError) $('backend').title = w.geometryError;
    // View
    if (hooks?.viewOwner() === 'interface') {
      drawn = { id: '(interface)', images: s.showImages };
      return;
    }
    // The interface view drew over the canvas meanwhile: the selected structure is drawn again.
    if (document.body.dataset.view === 'interface') drawn = { id: '(interface)', images: s.showImages };
    const e = s.structures.find((x) => x.structure.id === s.selectedId) ?? null;
    const overlay = $('overlay');
    delete overlay.dataset.card;
    if (!e) {
      overlay.replaceChildren(el('p', { class: 'muted' }, 'Nothing to show yet.'));
    } else {
      overlay.replaceChildren(...overlayText(e).map((t, i) => el(i === 0 ? 'strong' : 'div', {}, t)));
    }
    if (drawn.id !== (e?.structure.id ?? null) || drawn.images !== s.showImages) {
      const fit = drawn.id !== (e?.structure.id ?? null);
      const r = view.setStructure(e?.structure ?? null, { images: s.showImages, imageAxes: e && e.kind !== 'bulk' ? [true, true, false] : undefined }, fit);
      drawn = { id: e?.structure.id ?? null, images: s.showImages };
      showLegend(e?.structure.numbers ?? null);
      if (r.note) overlay.append(el('div', { class: 'note' }, r.note));
      document.body.dataset.drawnAtoms = String(r.drawnAtoms);
      document.body.dataset.view = 'structure';
    }
  };
  store.subscribe(redraw);
  hooks?.onChanged(() => redraw(store.get()));
}
