import { classifyStructure } from './core/layer';
import { findLibraryEntry, libraryStructure } from './core/library/library';
import { keepBackendChoice, readBackendChoice, SessionDb } from './state/persist';
import type { Session } from './state/session';
import { Store } from './state/store';
import { Workbench, type SessionSink } from './state/workbench';
import { watch } from './state/watch';
import { mountApp } from './ui/app';
import { setUpOffline } from './ui/offline';
import './ui/style.css';
import { mountWorkbench } from './ui/workbench-ui';
import { StructureView } from './view/structure-view';
import { ComputeClient } from './workers/client';

// Composition root: one compute worker, one store, one workbench, one view, the DOM shell, sessions in IndexedDB.
// Everything is mounted at once; the database opens in the background and the last session is restored after.
const client = new ComputeClient(() => new Worker(new URL('./workers/compute.worker.ts', import.meta.url), { type: 'module' }));
const port = client.api;
const store = new Store(port, classifyStructure);
client.onCrash = (why) => store.report('error', `the compute worker stopped (${why}) and was restarted: what was running failed, your session is intact`);
const view = new StructureView(document.getElementById('view') as HTMLCanvasElement);
const params = new URLSearchParams(location.search);

const dbReady: Promise<SessionDb | null> = SessionDb.open((why) => store.report('warning', why)).catch((e) => {
  store.report('warning', `sessions cannot be saved in this browser (${(e as Error).message}); export the session to keep your work`);
  return null;
});
const sink: SessionSink = {
  async save(s: Session, base: number) {
    const db = await dbReady;
    return db ? db.save(s, base) : { ok: false, reason: 'error', message: 'no session storage in this browser' };
  },
};
const wb = new Workbench(store, port, sink);
mountWorkbench({ store, wb, view, port }, dbReady);
mountApp(store, view, {
  roleOf: (id) => (wb.get().filmId === id ? 'film' : wb.get().substrateId === id ? 'substrate' : null),
  setRole: (id, role) => wb.setRole(id, role),
  viewOwner: () => (wb.get().shows === 'interface' && wb.get().iface ? 'interface' : 'structure'),
  onChanged: (fn) => watch(wb, (s) => [s.filmId, s.substrateId, s.shows] as const, fn),
  showStructure: () => wb.show('structure'),
  inUse: (id) => {
    const s = wb.get(), role = s.filmId === id ? 'film' : s.substrateId === id ? 'substrate' : s.stack.some((f) => f.filmId === id) ? 'stacked film' : null;
    return role && s.iface ? `It is the ${role} of the interface on screen: the interface goes with it.` : role ? `It is the ${role}.` : null;
  },
});
// A handle for the end-to-end tests and the console; nothing in the app depends on it.
Object.assign(window, { heterolab: { store, view, client, api: port(), wb } });

void store.refreshStatus();
// ?backend=cpu|wasm|webgpu|auto picks the force-field backend (tests run both cpu and auto).
// Otherwise the user's last choice (kept in this browser), else auto.
const isChoice = (b: string | null): b is 'auto' | 'cpu' | 'wasm' | 'webgpu' => b === 'auto' || b === 'cpu' || b === 'wasm' || b === 'webgpu';
const asked = params.get('backend'), kept = readBackendChoice();
void wb.setBackend(isChoice(asked) ? asked : isChoice(kept) ? kept : 'auto');
wb.subscribe((s) => s.backend !== readBackendChoice() && !isChoice(asked) && keepBackendChoice(s.backend));
setUpOffline();

/**
 * A pair handed over by the screen page (?open=screen): a fresh session with both library structures, roles,
 * facet, face and max area as screened, and the search run. Returns whether it did.
 */
async function openFromScreen(): Promise<boolean> {
  const raw = params.get('open') === 'screen' ? localStorage.getItem('heterolab.open') : null;
  if (!raw) return false;
  localStorage.removeItem('heterolab.open');
  const o = JSON.parse(raw) as { film: string; substrate: string; hkl: [number, number, number]; face: 'bottom' | 'top'; maxArea: number; maxStrainPct: number; maxAngleDeg: number };
  const film = findLibraryEntry(o.film), sub = findLibraryEntry(o.substrate);
  if (!film || !sub) return store.report('warning', `the screened pair ${o.film} / ${o.substrate} is not in this build's library`), false;
  wb.startNew();
  const [f, b] = [libraryStructure(film), libraryStructure(sub)];
  store.replaceStructures([{ structure: f, file: `library: ${film.id}`, kind: classifyStructure(f) }, { structure: b, file: `library: ${sub.id}`, kind: classifyStructure(b) }]);
  wb.setRole(f.id, 'film');
  wb.setRole(b.id, 'substrate');
  wb.setOptions({ hkl: o.hkl, face: o.face, maxArea: o.maxArea, maxStrainPct: o.maxStrainPct, maxAngleDeg: o.maxAngleDeg });
  await wb.findMatches();
  return true;
}

// Reopen the session the user was last in (?session=ID opens a given one), unless they already started work.
void dbReady.then(async (db) => {
  try {
    if (await openFromScreen()) return;
    if (!db) return;
    const { session, skipped } = await db.restoreLatest(params.get('session')); // validated through restoreSession
    if (session && store.get().structures.length === 0) await wb.load(session);
    // After loading (which clears the message list), so the warning stays in view.
    for (const why of skipped) store.report('warning', `a saved session could not be restored and was left as it is (${why})`);
  } catch (e) {
    store.report('warning', `the last session could not be restored: ${(e as Error).message}`);
  } finally {
    document.body.dataset.ready = 'true';
  }
});
