/**
 * Sessions panel: the session's name and save status, the sessions kept in this browser (open, rename,
 * duplicate, delete with confirmation), New, and session files (export / import). Follows a save made in
 * another tab when nothing is pending here.
 */
import { restoreSession, sessionToText, SessionError } from '../../state/session';
import type { SessionDb } from '../../state/persist';
import { watch } from '../../state/watch';
import { $, download, el, fileStem, on, text } from '../dom';
import { disposer, type PanelContext } from './panel';

export function mountSessions(root: HTMLElement, { store, wb }: PanelContext, dbReady: Promise<SessionDb | null>): () => void {
  const d = disposer();
  let db: SessionDb | null = null;
  const nameInput = $<HTMLInputElement>('session-name');
  const open = async (load: () => Promise<void>) => {
    await wb.flush();
    try {
      await load();
    } catch (e) {
      store.report('error', e instanceof SessionError ? `not opened: ${e.message}` : `could not open the session: ${(e as Error).message}`);
    }
    void refresh();
  };
  d.add(on(nameInput, 'change', () => wb.rename(nameInput.value)));
  d.add(on($('new-session'), 'click', async () => {
    await wb.flush();
    wb.startNew();
    void refresh();
  }));
  d.add(on($('export-session'), 'click', () => download(`${fileStem(wb.get().session.name)}.heterolab.json`, sessionToText(wb.toSession()), 'application/json')));
  const fileInput = $<HTMLInputElement>('session-input');
  d.add(on($('import-session'), 'click', () => fileInput.click()));
  d.add(on(fileInput, 'change', async () => {
    const f = fileInput.files?.[0];
    fileInput.value = '';
    if (!f) return;
    let s;
    try {
      s = restoreSession(await f.text());
    } catch (e) {
      return store.report('error', e instanceof SessionError ? `not imported: ${e.message}` : `could not import: ${(e as Error).message}`, f.name);
    }
    await open(async () => wb.load(db ? await db.load(await db.importSession(s)) : s));
  }));

  async function refresh(): Promise<void> {
    const sdb = db;
    if (!sdb) return;
    const list = await sdb.list();
    const cur = wb.get().session.id;
    const act = (label: string, title: string, fn: () => Promise<unknown>) => {
      const b = el('button', { type: 'button', class: 'link', title }, label);
      b.addEventListener('click', async () => {
        await fn().catch((e) => store.report('error', (e as Error).message));
        void refresh();
      });
      return b;
    };
    const ul = $('sessions'), when = (m: string, n: number) => ` ${n} structures · ${new Date(m).toLocaleString()}`;
    // The same sessions in the same order (a save of this one): only their details change, in place.
    const rows = [...ul.children] as HTMLElement[];
    if (rows.length === list.length && list.every((s, k) => rows[k].dataset.id === s.id && rows[k].dataset.name === s.name && rows[k].classList.contains('current') === (s.id === cur))) {
      list.forEach((s, k) => (text(rows[k].querySelector<HTMLElement>('.when')!, when(s.modified, s.structures))));
      return;
    }
    ul.replaceChildren(...list.map((s) => {
      const openBtn = el('button', { type: 'button', class: 'link' }, s.name);
      openBtn.addEventListener('click', () => void open(async () => wb.load(await sdb.load(s.id))));
      return el('li', { class: s.id === cur ? 'current' : '', 'data-id': s.id, 'data-name': s.name }, openBtn, el('span', { class: 'muted small when' }, when(s.modified, s.structures)),
        act('rename', 'Rename', async () => {
          const name = prompt('Session name', s.name);
          if (name) s.id === cur ? wb.rename(name) : await sdb.rename(s.id, name);
        }),
        act('duplicate', 'Duplicate', () => sdb.duplicate(s.id)),
        act('delete', 'Delete', async () => {
          if (s.id === cur) return store.report('warning', 'this session is open; start a new one before deleting it');
          if (confirm(`Delete session “${s.name}”? This cannot be undone.`)) await sdb.remove(s.id);
        }));
    }));
  }
  void dbReady.then((x) => {
    db = x;
    if (!db) return;
    void refresh();
    db.onRemoteSave((id) => {
      void refresh();
      // Another tab saved the session open here: if nothing is pending here, follow it; else keep ours (conflict shown).
      const s = wb.get().session;
      if (id === s.id && s.status === 'saved') void db!.load(id).then((x) => (x.revision > s.revision ? wb.load(x) : undefined));
    });
    d.add(on(window, 'pagehide' as 'click', () => void wb.flush()));
    d.add(on(document, 'visibilitychange' as 'click', () => document.visibilityState === 'hidden' && void wb.flush()));
  });

  d.add(watch(wb, (s) => [s.session.name, s.session.status, s.session.message] as const, (_, s) => {
    if (document.activeElement !== nameInput) nameInput.value = s.session.name;
    const status = { new: 'not saved yet', saved: 'saved', saving: 'saving…', unsaved: 'unsaved changes', error: `not saved: ${s.session.message}`, conflict: `conflict: ${s.session.message}` }[s.session.status];
    text($('save-status'), status);
    $('save-status').className = s.session.status === 'error' || s.session.status === 'conflict' ? 'error-text' : 'muted';
  }));
  d.add(watch(wb, (s) => [s.session.id, s.session.status === 'saved' || s.session.status === 'new'] as const, ([, done]) => done && void refresh()));
  void root;
  return d.dispose;
}
