/**
 * The workbench panels: interface options, matches (table, strain–area scatter, twist scan), placement
 * (sliders, drag gestures, undo/redo), live estimates (force field + ONNX, with model and accuracy), scans
 * with progress and cancel, exports, sessions, keyboard shortcuts. Renders from Workbench state; every action
 * goes through the Workbench.
 */
import { formula } from '../core/structure';
import { restoreSession, sessionToText, SessionError } from '../state/session';
import type { SessionDb } from '../state/persist';
import type { Store } from '../state/store';
import { activePlacement, activeTwist, type Workbench, type WorkbenchState } from '../state/workbench';
import { clearChart, heatmap, lineChart, pointChart } from '../view/charts';
import type { StructureView } from '../view/structure-view';
import type { ComputePort } from '../workers/client';
import { reduceTwist } from '../core/twist';

/** A twist (radians) in degrees, reduced into the pair's twist period: the one convention the UI shows. */
const shownTwist = (t: number, periodDeg: number) => (reduceTwist(t, (periodDeg * Math.PI) / 180) * 180) / Math.PI;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '–');

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

function download(name: string, data: Blob | string, type = 'text/plain'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const a = el('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export interface WorkbenchUi {
  /** Which structure the 3D view shows: the built interface or the structure selected in the list. */
  viewOwner(): 'interface' | 'structure';
  showStructure(): void;
}

export function mountWorkbench(store: Store, wb: Workbench, view: StructureView, port: ComputePort, dbReady: Promise<SessionDb | null>): WorkbenchUi {
  let db: SessionDb | null = null;
  let mode: 'interface' | 'structure' = 'structure';
  let sort: { key: string; dir: 1 | -1 } = { key: 'area', dir: 1 };
  let dragBase: { shift: [number, number]; twist: number } | null = null;

  // ---------------------------------------------------------------- interface options
  const num = (id: string) => Number($<HTMLInputElement>(id).value);
  const readOptions = () => {
    const hkl = $<HTMLInputElement>('hkl').value.trim().split(/[\s,]+/).map(Number);
    if (hkl.length !== 3 || hkl.some((x) => !Number.isInteger(x)) || hkl.every((x) => x === 0)) {
      store.report('error', `facet "${$<HTMLInputElement>('hkl').value}" is not three integers like 1 1 1`);
      return false;
    }
    wb.setOptions({ hkl: hkl as [number, number, number], layers: Math.max(1, Math.round(num('layers'))), vacuum: num('vacuum'), face: $<HTMLSelectElement>('face').value as 'bottom' | 'top', maxArea: num('max-area'), maxStrainPct: num('max-strain') });
    return true;
  };
  for (const id of ['hkl', 'layers', 'vacuum', 'face', 'max-area', 'max-strain']) $(id).addEventListener('change', () => readOptions());
  const find = () => readOptions() && void wb.findMatches().then(() => (mode = 'interface'));
  $('find-matches').addEventListener('click', find);
  $('twist-scan').addEventListener('click', () => readOptions() && void wb.twistScan());
  // Sortable matches table: click a header to sort by it, again to reverse.
  for (const th of document.querySelectorAll<HTMLElement>('#matches th[data-sort]'))
    th.addEventListener('click', () => {
      const key = th.dataset.sort!;
      sort = { key, dir: sort.key === key ? ((-sort.dir) as 1 | -1) : 1 };
      lastMatches = null;
      render(wb.get());
    });

  // ---------------------------------------------------------------- placement
  const twist = $<HTMLInputElement>('twist'), sa = $<HTMLInputElement>('shift-a'), sb = $<HTMLInputElement>('shift-b'), zs = $<HTMLInputElement>('zsep');
  // Sliders, gizmo and keys act on the selected film of the stack (film 1 unless another is selected).
  const act = () => activePlacement(wb.get());
  twist.addEventListener('input', () => void wb.setTwist(Number(twist.value)));
  sa.addEventListener('input', () => wb.setPlacement({ shift: [Number(sa.value), act().shift[1]] }));
  sb.addEventListener('input', () => wb.setPlacement({ shift: [act().shift[0], Number(sb.value)] }));
  zs.addEventListener('input', () => wb.setPlacement({ zSeparation: Number(zs.value) }));
  $('undo').addEventListener('click', () => wb.undo());
  $('redo').addEventListener('click', () => wb.redo());
  $('view-mode').addEventListener('click', () => toggleMode());
  const toggleMode = () => {
    mode = mode === 'interface' ? 'structure' : 'interface';
    lastDrawn = null;
    render(wb.get());
  };

  const gizmoMode = () => {
    view.setGizmoMode(view.getGizmoMode() === 'rotate' ? 'translate' : 'rotate');
    $('gizmo-mode').textContent = `Gizmo: ${view.getGizmoMode() === 'rotate' ? 'turn' : 'slide'}`;
  };
  $('gizmo-mode').addEventListener('click', gizmoMode);

  // Drag gestures on the active film (the view reports Å and degrees; the workbench keeps fractions and degrees).
  view.setGestures({
    slide(dx, dy, done) {
      const s = wb.get().iface;
      if (!s) return;
      // One undo step per drag: the first move records where the film was.
      const first = dragBase === null;
      dragBase ??= { shift: [...act().shift] as [number, number], twist: activeTwist(wb.get()) };
      const c = s.cell, det = c[0] * c[4] - c[1] * c[3];
      const du = (dx * c[4] - dy * c[3]) / det, dv = (c[0] * dy - c[1] * dx) / det;
      wb.setPlacement({ shift: [dragBase.shift[0] + du, dragBase.shift[1] + dv] }, first);
      if (done) dragBase = null;
    },
    turn(deg, done) {
      dragBase ??= { shift: [...act().shift] as [number, number], twist: activeTwist(wb.get()) };
      const P = wb.get().twistPeriodDeg;
      const t = (((dragBase.twist + deg) % P) + P) % P;
      if (done) {
        dragBase = null;
        void wb.setTwist(t);
      } else twist.value = String(t);
    },
    measure(text) {
      $('measure').hidden = !text;
      $('measure').textContent = text ?? '';
    },
  });

  // ---------------------------------------------------------------- stack of films
  /** Roles the user has hidden from the layers list (0 = substrate, k = film k). */
  const hiddenLayers = new Set<number>();
  $('add-film').addEventListener('click', () => {
    const id = $<HTMLSelectElement>('add-film-structure').value;
    if (id) void wb.addFilm(id, $<HTMLSelectElement>('add-film-face').value as 'bottom' | 'top');
  });
  const renderStack = (s: WorkbenchState) => {
    const st = store.get();
    const name = (id: string | null) => {
      const e = st.structures.find((x) => x.structure.id === id);
      return e ? formula(e.structure.numbers) : '?';
    };
    const row = (role: number, label: string, detail: string) => {
      const li = el('li', { class: role > 0 && role - 1 === s.activeFilm ? 'active' : '', 'data-role': String(role) });
      const eye = el('input', { type: 'checkbox', title: 'visible', 'aria-label': `show ${label}` }) as HTMLInputElement;
      eye.checked = !hiddenLayers.has(role);
      eye.addEventListener('change', () => {
        if (eye.checked) hiddenLayers.delete(role);
        else hiddenLayers.add(role);
        render(wb.get());
      });
      li.append(eye, el('span', { class: 'swatch', style: `background:${role === 0 ? '#b0b7c3' : FILM_SWATCH[(role - 1) % FILM_SWATCH.length]}` }), el('span', { class: 'what' }, el('b', {}, label), ' ', el('span', { class: 'muted small' }, detail)));
      if (role > 0) {
        const pick = el('button', { type: 'button', class: 'link', 'data-select': String(role - 1), title: 'Move this film with the sliders and gizmo' }, role - 1 === s.activeFilm ? 'moving' : 'select');
        pick.addEventListener('click', () => wb.selectFilm(role - 1));
        li.append(pick);
      }
      if (role > 1 && role - 1 === s.stack.length) {
        const rm = el('button', { type: 'button', class: 'link', id: 'remove-film', title: 'Take this film off the stack (Undo brings it back)' }, 'remove');
        rm.addEventListener('click', () => wb.removeTopFilm());
        li.append(rm);
      }
      return li;
    };
    const strain = (m: { principalStrains: [number, number] }) => `${fmt(100 * m.principalStrains[0], 2)}/${fmt(100 * m.principalStrains[1], 2)} %`;
    const det = (m: number[][]) => Math.abs(m[0][0] * m[1][1] - m[0][1] * m[1][0]);
    const rows = [row(0, `${name(s.substrateId)}(${s.options.hkl.join('')})`, `substrate, ${s.options.layers} layers`)];
    if (s.match) rows.push(row(1, name(s.filmId), `film 1 · twist ${fmt(shownTwist(s.match.twist, s.twistPeriodDeg), 2)}° · strain ${strain(s.match)} · z ${fmt(s.placement.zSeparation, 2)} Å`));
    s.stack.forEach((f, k) => {
      const grow = det(f.match.substrateMatrix);
      rows.push(row(k + 2, name(f.filmId), `film ${k + 2} · twist ${fmt(shownTwist(f.match.twist, s.twistPeriodDeg), 2)}° · strain ${strain(f.match)} · z ${fmt(f.placement.zSeparation, 2)} Å${grow > 1 ? ` · cell ×${grow}` : ''}`));
    });
    $('stack').replaceChildren(...rows);
    const sel = $<HTMLSelectElement>('add-film-structure');
    const keep = sel.value;
    // Any crystal but the substrate: the worker cuts one layer from it (and says so if it has none).
    const candidates = st.structures.filter((e) => e.structure.id !== s.substrateId && e.kind !== 'molecule');
    sel.replaceChildren(...candidates.map((e) => el('option', { value: e.structure.id }, `${formula(e.structure.numbers)} (${e.file})`)));
    if (candidates.some((e) => e.structure.id === keep)) sel.value = keep;
    ($('add-film') as HTMLButtonElement).disabled = !candidates.length || !!s.job || !s.iface;
  };

  // ---------------------------------------------------------------- force field and jobs
  $<HTMLSelectElement>('ff-model').addEventListener('change', (ev) => wb.setFFModel((ev.target as HTMLSelectElement).value as 'uff' | 'd2'));
  $<HTMLSelectElement>('ff-backend').addEventListener('change', (ev) => void wb.setBackend((ev.target as HTMLSelectElement).value as 'auto'));
  $('run-zscan').addEventListener('click', () => void wb.zScan());
  $('run-registry').addEventListener('click', () => void wb.registryScan());
  $('run-relax').addEventListener('click', () => void wb.relax());
  $('cancel-job').addEventListener('click', () => wb.cancelJob());
  $('model-card').addEventListener('click', async () => {
    const info = await port().modelInfo();
    $('card-text').replaceChildren(...markdown(info.card));
    $<HTMLDialogElement>('card-dialog').showModal();
  });

  // ---------------------------------------------------------------- export
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-export]'))
    b.addEventListener('click', async () => {
      const s = wb.get().iface;
      if (!s) return;
      const f = b.dataset.export as 'vasp' | 'cif' | 'extxyz';
      const text = await port().writeStructure(s, f);
      download(`${baseName()}${f === 'vasp' ? '.vasp' : f === 'cif' ? '.cif' : '.extxyz'}`, text);
    });
  $('export-png').addEventListener('click', async () => {
    const png = await view.toPng();
    if (png) download(`${baseName()}.png`, png);
  });
  $('export-report').addEventListener('click', () => download(`${baseName()}-report.txt`, report(wb.get())));
  const baseName = () => (wb.get().session.name || 'interface').replace(/[^\w.-]+/g, '_');

  // ---------------------------------------------------------------- sessions
  const nameInput = $<HTMLInputElement>('session-name');
  nameInput.addEventListener('change', () => wb.rename(nameInput.value));
  $('new-session').addEventListener('click', async () => {
    await wb.flush();
    wb.startNew();
    void refreshSessions();
  });
  $('export-session').addEventListener('click', () => download(`${baseName()}.heterolab.json`, sessionToText(wb.toSession()), 'application/json'));
  const sessionInput = $<HTMLInputElement>('session-input');
  $('import-session').addEventListener('click', () => sessionInput.click());
  sessionInput.addEventListener('change', async () => {
    const f = sessionInput.files?.[0];
    sessionInput.value = '';
    if (!f) return;
    try {
      const s = restoreSession(await f.text());
      await wb.flush();
      const id = db ? await db.importSession(s) : s.id;
      await wb.load(db ? await db.load(id) : s);
      mode = 'interface';
      void refreshSessions();
    } catch (e) {
      store.report('error', e instanceof SessionError ? `not imported: ${e.message}` : `could not import: ${(e as Error).message}`, f.name);
    }
  });
  async function refreshSessions(): Promise<void> {
    const sdb = db;
    if (!sdb) return;
    const list = await sdb.list();
    const cur = wb.get().session.id;
    $('sessions').replaceChildren(
      ...list.map((s) => {
        const open = el('button', { type: 'button', class: 'link' }, s.name);
        open.addEventListener('click', async () => {
          await wb.flush();
          try {
            await wb.load(await sdb.load(s.id));
            mode = 'interface';
          } catch (e) {
            store.report('error', `could not open session: ${(e as Error).message}`);
          }
          void refreshSessions();
        });
        const act = (label: string, title: string, fn: () => Promise<unknown>) => {
          const b = el('button', { type: 'button', class: 'link', title }, label);
          b.addEventListener('click', async () => {
            await fn().catch((e) => store.report('error', (e as Error).message));
            void refreshSessions();
          });
          return b;
        };
        return el('li', { class: s.id === cur ? 'current' : '', 'data-id': s.id }, open, el('span', { class: 'muted small' }, ` ${s.structures} structures · ${new Date(s.modified).toLocaleString()}`),
          act('rename', 'Rename', async () => {
            const name = prompt('Session name', s.name);
            if (name) s.id === cur ? wb.rename(name) : await sdb.rename(s.id, name);
          }),
          act('duplicate', 'Duplicate', () => sdb.duplicate(s.id)),
          act('delete', 'Delete', async () => {
            if (s.id === cur) return store.report('warning', 'this session is open; start a new one before deleting it');
            if (confirm(`Delete session “${s.name}”?`)) await sdb.remove(s.id);
          }),
        );
      }),
    );
  }
  void dbReady.then((d) => {
    db = d;
    if (!db) return;
    void refreshSessions();
    db.onRemoteSave((id) => {
      void refreshSessions();
      // Another tab saved the session open here: if nothing is pending here, follow it; else keep ours (conflict shown).
      const s = wb.get().session;
      if (id === s.id && s.status === 'saved')
        void db!.load(id).then((x) => {
          if (x.revision > s.revision) void wb.load(x);
        });
    });
    window.addEventListener('pagehide', () => void wb.flush());
    document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && void wb.flush());
  });

  // ---------------------------------------------------------------- first-run example
  $('example-interface').addEventListener('click', async () => {
    const files = await Promise.all(['MoS2_monolayer.vasp', 'Au_fcc.cif'].map(async (name) => ({ name, bytes: await (await fetch(`./examples/${name}`)).arrayBuffer() })));
    const before = new Set(store.get().structures.map((e) => e.structure.id));
    await store.addFiles(files);
    const added = store.get().structures.filter((e) => !before.has(e.structure.id));
    const film = added.find((e) => e.kind === '2D layer'), sub = added.find((e) => e.kind === 'bulk');
    if (!film || !sub) return;
    wb.setRole(film.structure.id, 'film');
    wb.setRole(sub.structure.id, 'substrate');
    $<HTMLInputElement>('hkl').value = '1 1 1';
    find();
  });

  // ---------------------------------------------------------------- keyboard
  window.addEventListener('keydown', (ev: KeyboardEvent) => {
    const t = ev.target as HTMLElement;
    if (t.closest('input, textarea, select, dialog')) return;
    const p = activePlacement(wb.get());
    const key = ev.key;
    if ((ev.ctrlKey || ev.metaKey) && key.toLowerCase() === 'z') {
      ev.preventDefault();
      return ev.shiftKey ? wb.redo() : wb.undo();
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const acts: Record<string, () => void> = {
      o: () => $('open').click(),
      m: () => find(),
      r: () => void wb.relax(),
      i: () => toggleMode(),
      '?': () => $<HTMLDialogElement>('help-dialog').showModal(),
      '[': () => void wb.setTwist(activeTwist(wb.get()) - 0.5),
      ']': () => void wb.setTwist(activeTwist(wb.get()) + 0.5),
      g: () => gizmoMode(),
      ArrowLeft: () => wb.setPlacement({ shift: [p.shift[0] - 0.01, p.shift[1]] }),
      ArrowRight: () => wb.setPlacement({ shift: [p.shift[0] + 0.01, p.shift[1]] }),
      ArrowDown: () => wb.setPlacement({ shift: [p.shift[0], p.shift[1] - 0.01] }),
      ArrowUp: () => wb.setPlacement({ shift: [p.shift[0], p.shift[1] + 0.01] }),
      PageUp: () => wb.setPlacement({ zSeparation: p.zSeparation + 0.05 }),
      PageDown: () => wb.setPlacement({ zSeparation: Math.max(0.5, p.zSeparation - 0.05) }),
    };
    if (/^[1-9]$/.test(key) && wb.get().iface && Number(key) <= wb.get().stack.length + 1) {
      ev.preventDefault();
      return wb.selectFilm(Number(key) - 1);
    }
    const f = acts[key];
    if (f && (wb.get().iface || 'om?i'.includes(key))) {
      ev.preventDefault();
      f();
    }
  });

  // ---------------------------------------------------------------- rendering
  let lastDrawn: unknown = null;
  let lastImages = false;
  let lastHidden = '';
  let lastMatches: unknown = null;
  let lastScan: unknown = null;
  let lastZ: unknown = null;
  let lastReg: unknown = null;
  const render = (s: WorkbenchState) => {
    const st = store.get();
    const film = st.structures.find((e) => e.structure.id === s.filmId), sub = st.structures.find((e) => e.structure.id === s.substrateId);
    $('roles').replaceChildren(
      film && sub
        ? `${formula(film.structure.numbers)} (film) on ${formula(sub.structure.numbers)} (substrate)`
        : el('span', {}, 'Mark one structure as ', el('b', {}, 'film'), ' (2D layer) and one as ', el('b', {}, 'substrate'), ' (bulk) with the buttons in the list.'),
    );
    ($('find-matches') as HTMLButtonElement).disabled = !film || !sub || !!s.job;
    ($('twist-scan') as HTMLButtonElement).disabled = !film || !sub || !!s.job;
    $('hkl-note').textContent = s.error ?? [s.hklNote, ...s.warnings].filter(Boolean).join('; ');
    $('hkl-note').classList.toggle('error-text', !!s.error || s.warnings.length > 0);

    // Twists in one convention: reduced into the pair's twist period (from the lattices).
    const twistDeg = (t: number) => shownTwist(t, s.twistPeriodDeg);
    // Matches
    $('matches-panel').hidden = !s.matches && !s.scan;
    if (s.matches !== lastMatches || s.match) {
      for (const th of document.querySelectorAll<HTMLElement>('#matches th[data-sort]')) th.dataset.dir = th.dataset.sort === sort.key ? (sort.dir > 0 ? '↑' : '↓') : '';
      lastMatches = s.matches;
      const ms = (s.matches ?? []).map((m, i) => ({ m, i, area: m.area, atoms: s.matchAtoms[i] ?? NaN, s1: 100 * m.principalStrains[0], s2: 100 * m.principalStrains[1], twist: twistDeg(m.twist) }));
      ms.sort((a, b) => sort.dir * ((a as unknown as Record<string, number>)[sort.key] - (b as unknown as Record<string, number>)[sort.key]));
      $('match-count').textContent = s.matches ? (s.matchesTotal > s.matches.length ? `(${s.matches.length} of ${s.matchesTotal}; ${s.matchesTotal - s.matches.length} more not shown: lower the max area or strain to see the rest)` : `(${s.matches.length})`) : '';
      $('matches').querySelector('tbody')!.replaceChildren(
        ...ms.slice(0, 200).map(({ m, i }) => {
          const tr = el('tr', { class: m === s.match ? 'selected' : '', 'data-index': String(i), tabindex: '0' },
            el('td', {}, fmt(m.area, 1)), el('td', {}, String(s.matchAtoms[i] ?? '–')), el('td', {}, fmt(100 * m.principalStrains[0], 2)), el('td', {}, fmt(100 * m.principalStrains[1], 2)), el('td', {}, fmt(twistDeg(m.twist), 2)));
          tr.addEventListener('click', () => {
            mode = 'interface';
            void wb.selectMatch(i);
          });
          return tr;
        }),
      );
      if (s.matches?.length) pointChart($('scatter'), s.matches.map((m) => m.area), s.matches.map((m) => 100 * Math.max(...m.principalStrains.map(Math.abs))), { title: 'strain vs area (click to select)', xLabel: 'area (Å²)', yLabel: 'max |strain| (%)', onPick: (i) => void wb.selectMatch(i) });
      else clearChart($('scatter'));
    }
    if (s.scan !== lastScan) {
      lastScan = s.scan;
      if (s.scan) lineChart($('scan-chart'), s.scan.map((e) => e.twistDeg), s.scan.map((e) => e.strainPct), { title: 'best strain per twist (click an angle)', xLabel: 'twist (°)', yLabel: 'strain (%)', onPick: (x) => void wb.setTwist(Math.round(x * 10) / 10).then(() => (mode = 'interface')) });
      else clearChart($('scan-chart'));
    }

    // Placement
    const have = !!s.iface;
    if (have && mode === 'structure' && lastDrawn === null && s.match) mode = 'interface';
    $('placement').hidden = !have || mode !== 'interface';
    $('view-mode').hidden = !have;
    $('view-mode').textContent = mode === 'interface' ? 'Show structure' : 'Show interface';
    const ap = activePlacement(s);
    if (document.activeElement !== twist && !dragBase) twist.value = String(activeTwist(s));
    $('twist-out').textContent = fmt(Number(twist.value), 1);
    if (document.activeElement !== sa) sa.value = String(ap.shift[0]);
    if (document.activeElement !== sb) sb.value = String(ap.shift[1]);
    if (document.activeElement !== zs) zs.value = String(ap.zSeparation);
    $('shift-a-out').textContent = fmt(ap.shift[0], 2);
    $('shift-b-out').textContent = fmt(ap.shift[1], 2);
    $('zsep-out').textContent = fmt(ap.zSeparation, 2);
    $('moving').textContent = s.stack.length ? `moving film ${s.activeFilm + 1} of ${s.stack.length + 1}` : '';
    $('stack-panel').hidden = !have;
    if (have) renderStack(s);
    ($('undo') as HTMLButtonElement).disabled = !s.canUndo;
    ($('redo') as HTMLButtonElement).disabled = !s.canRedo;

    // 3D view of the interface (the structure view is app.ts's when mode is 'structure')
    const images = st.showImages;
    const films = Array.from({ length: s.stack.length + 1 }, (_, k) => k + 1);
    const hidden = [...new Set([...hiddenLayers, ...($<HTMLInputElement>('show-substrate').checked ? [] : [0]), ...($<HTMLInputElement>('show-film').checked ? [] : films)])].sort();
    const drawKey = `${hidden.join()}|${s.activeFilm}`;
    // While a film is being dragged the view shows the drag itself; the newest interface is drawn on release.
    if (mode === 'interface' && s.iface && !view.dragging() && (s.iface !== lastDrawn || images !== lastImages || drawKey !== lastHidden)) {
      const fit = lastDrawn === null || (lastDrawn as { numbers?: Uint8Array }).numbers?.length !== s.iface.numbers.length;
      const r = view.setStructure(s.iface, { images, imageAxes: [true, true, false], hiddenRoles: hidden, tintFilms: true, activeRole: s.activeFilm + 1 }, fit);
      document.body.dataset.drawnAtoms = String(r.drawnAtoms);
      document.body.dataset.view = 'interface';
      lastDrawn = s.iface;
      lastImages = images;
      lastHidden = drawKey;
      const m = s.match!;
      $('overlay').replaceChildren(
        el('strong', {}, `${formula(s.iface.numbers)} · ${s.iface.numbers.length} atoms · interface`),
        el('div', {}, `area ${fmt(m.area, 2)} Å² · strain ${fmt(100 * m.principalStrains[0], 2)} / ${fmt(100 * m.principalStrains[1], 2)} % · twist ${fmt(shownTwist(m.twist, s.twistPeriodDeg), 2)}°`),
        el('div', {}, `z ${fmt(s.placement.zSeparation, 2)} Å · shift ${fmt(s.placement.shift[0], 2)}, ${fmt(s.placement.shift[1], 2)}${s.stack.length ? ` · ${s.stack.length + 1} films stacked` : ''}`),
      );
    }
    if (mode === 'structure' && lastDrawn !== null) {
      lastDrawn = null;
      document.body.dataset.view = 'structure';
      store.setShowImages(store.get().showImages); // app.ts redraws the selected structure
    }

    // Estimates
    $('estimates-panel').hidden = !have;
    $('export-panel').hidden = !have;
    $('estimates-state').textContent = s.live.pending ? 'updating…' : s.live.latencyMs !== undefined ? `updated in ${Math.round(s.live.latencyMs)} ms` : '';
    $('estimates').replaceChildren(...estimateRows(s));
    $('ff-status').textContent = s.ffStatus ? `force field runs on ${s.ffStatus.kind}${s.ffStatus.adapter ? ` (${s.ffStatus.adapter})` : ''}${s.ffStatus.notices.length ? ` — ${s.ffStatus.notices.join('; ')}` : ''}` : s.live.ff ? `force field runs on ${s.live.ff.backend}` : '';
    $('job').hidden = !s.job;
    const bar = $<HTMLProgressElement>('job-progress');
    if (s.job?.total) {
      bar.max = s.job.total;
      bar.value = s.job.done ?? 0;
    } else bar.removeAttribute('value'); // indeterminate until the job reports
    $('job-text').textContent = s.job ? `${s.job.kind}${s.job.total ? ` ${Math.round((100 * (s.job.done ?? 0)) / s.job.total)} %` : '…'}${s.stack.length && s.job.kind !== 'matches' ? ` (film ${s.activeFilm + 1})` : ''}` : '';
    for (const id of ['run-zscan', 'run-registry', 'run-relax']) ($(id) as HTMLButtonElement).disabled = !have || !!s.job;
    if (s.zscan !== lastZ) {
      lastZ = s.zscan;
      if (s.zscan) lineChart($('zscan-chart'), s.zscan.z, s.zscan.bindingEnergy, { title: `binding curve${s.stack.length ? ` of film ${s.activeFilm + 1}` : ''} (${s.ffModel}, ${s.zscan.backend})`, xLabel: 'z (Å)', yLabel: 'E_bind (eV/atom)', mark: s.zscan.min.z });
      else clearChart($('zscan-chart'));
    }
    if (s.registry !== lastReg) {
      lastReg = s.registry;
      if (s.registry) heatmap($<HTMLCanvasElement>('registry-map'), s.registry.energy, s.registry.nx, s.registry.ny);
      else $('registry-map').hidden = true;
    }
    const notes: string[] = [];
    if (s.zscan) notes.push(`binding curve minimum: z = ${fmt(s.zscan.min.z, 2)} Å, E_bind = ${fmt(s.zscan.min.bindingEnergy, 4)} eV/atom (${s.zscan.backend})`);
    if (s.registry) notes.push(`registry map (${s.registry.nx}×${s.registry.ny}, ${s.registry.backend}): lowest at shift ${s.registry.min.shift.map((x) => fmt(x, 2)).join(', ')}, E_bind ${fmt(s.registry.min.bindingEnergy, 4)} eV/atom; dark = low energy`);
    if (s.relax) notes.push(`pre-relaxed${s.relax.films > 1 ? ` (${s.relax.films} films)` : ''} (${s.relax.backend}): film 1 z = ${fmt(s.relax.zSeparation, 3)} Å, E_bind = ${fmt(s.relax.bindingEnergy, 4)} eV/atom, ${s.relax.iterations} steps${s.relax.converged ? '' : ' (not converged)'}`);
    $('scan-note').textContent = notes.join(' · ');

    $<HTMLSelectElement>('ff-backend').value = s.backend;
    $<HTMLSelectElement>('ff-model').value = s.ffModel;
    // Session
    if (document.activeElement !== nameInput) nameInput.value = s.session.name;
    const status = { new: 'not saved yet', saved: 'saved', saving: 'saving…', unsaved: 'unsaved changes', error: `not saved: ${s.session.message}`, conflict: `conflict: ${s.session.message}` }[s.session.status];
    $('save-status').textContent = status;
    $('save-status').className = s.session.status === 'error' || s.session.status === 'conflict' ? 'error-text' : 'muted';
  };
  wb.subscribe(render);
  store.subscribe(() => render(wb.get()));
  for (const id of ['show-substrate', 'show-film']) $(id).addEventListener('change', () => render(wb.get()));
  let lastSaved = '';
  wb.subscribe((s) => {
    const key = `${s.session.id}:${s.session.status}`;
    if (key !== lastSaved && (s.session.status === 'saved' || s.session.status === 'new')) void refreshSessions();
    lastSaved = key;
  });
  return {
    viewOwner: () => (mode === 'interface' && wb.get().iface ? 'interface' : 'structure'),
    showStructure: () => {
      if (mode === 'interface') toggleMode();
    },
  };
}

/** Layer swatches in the layers list: the same tints the 3D view mixes into each film's colours. */
const FILM_SWATCH = ['#ff7a00', '#1f9d55', '#8e44ad', '#d81b60'];

function estimateRows(s: WorkbenchState): HTMLElement[] {
  const rows: HTMLElement[] = [];
  const ff = s.live.ff, ml = s.live.ml;
  if (ff)
    rows.push(el('div', { class: 'est', 'data-kind': 'ff' }, el('span', { class: 'label' }, `Force field (${ff.model === 'd2' ? 'D2 + UFF repulsion' : 'UFF'}, ${ff.backend}${s.stack.length ? '; all interlayer pairs of the stack, per film atom' : ''})`), el('span', { class: 'value', id: 'ff-ebind' }, `E_bind ${fmt(ff.bindingEnergy, 4)} eV/atom`), el('span', { class: 'value' }, `E ${fmt(ff.energy, 4)} eV · z ${fmt(ff.zSeparation, 2)} Å`)));
  if (s.live.ffError) rows.push(el('div', { class: 'est error-text' }, `Force field: ${s.live.ffError}`));
  if (ml) {
    rows.push(
      el('div', { class: 'est', 'data-kind': 'ml' },
        el('span', { class: 'label' }, `ML estimate (${ml.model.name} ${ml.model.version})${s.live.mlScope ? ` ${s.live.mlScope}` : ''}`),
        el('span', { class: 'value', id: 'ml-ebind' }, `E_bind ${fmt(ml.bindingEnergy.value, 3)} ± ${fmt(ml.bindingEnergy.sigma, 3)} eV/atom`),
        el('span', { class: 'value', id: 'ml-z' }, `z ${fmt(ml.zSeparation.value, 2)} ± ${fmt(ml.zSeparation.sigma, 2)} Å`),
        el('span', { class: 'small muted' }, `held-out RMSE on new films: ${fmt(ml.bindingEnergy.accuracy.leaveOneFilmOutRmse, 3)} eV/atom, ${fmt(ml.zSeparation.accuracy.leaveOneFilmOutRmse, 2)} Å; on new metals: ${fmt(ml.bindingEnergy.accuracy.leaveOneSubstrateOutRmse, 3)} eV/atom, ${fmt(ml.zSeparation.accuracy.leaveOneSubstrateOutRmse, 2)} Å (${ml.model.ebind} / ${ml.model.zsep}; 109 DFT records; σ calibrated for ${ml.bindingEnergy.sigmaCalibration})`),
      ),
    );
    if (!ml.inDomain) rows.push(el('div', { class: 'est warn-text', id: 'ood' }, `Outside the training domain — treat as a rough guess: ${ml.warnings.join('; ')}`));
  }
  if (s.live.mlError) rows.push(el('div', { class: 'est error-text' }, `ML estimate: ${s.live.mlError}`));
  return rows;
}

/** A plain-text record of the interface for a lab notebook or a DFT input folder. */
function report(s: WorkbenchState): string {
  const m = s.match, i = s.iface;
  if (!m || !i) return 'no interface built\n';
  const L = [
    `heterolab interface report — ${new Date().toISOString()}`,
    `session: ${s.session.name}`,
    `structure: ${formula(i.numbers)}, ${i.numbers.length} atoms (${i.arrays.role ? Array.from(i.arrays.role).filter((r) => r > 0).length : 0} film atoms)`,
    `facet: (${s.options.hkl.join(' ')}), ${s.options.layers} slab layers, vacuum ${s.options.vacuum} Å, film face ${s.options.face}`,
    `match: area ${fmt(m.area, 3)} Å², principal strains ${fmt(100 * m.principalStrains[0], 3)} / ${fmt(100 * m.principalStrains[1], 3)} %, twist ${fmt(shownTwist(m.twist, s.twistPeriodDeg), 3)}° (period ${fmt(s.twistPeriodDeg, 0)}°)`,
    `  film supercell ${JSON.stringify(m.filmMatrix)}, substrate supercell ${JSON.stringify(m.substrateMatrix)}`,
    `placement: z-separation ${fmt(s.placement.zSeparation, 3)} Å, shift ${fmt(s.placement.shift[0], 4)}, ${fmt(s.placement.shift[1], 4)} (fractions of a, b)`,
    ...s.stack.flatMap((f, k) => [
      `stacked film ${k + 2} (face ${f.face}): twist ${fmt(shownTwist(f.match.twist, s.twistPeriodDeg), 3)}°, principal strains ${fmt(100 * f.match.principalStrains[0], 3)} / ${fmt(100 * f.match.principalStrains[1], 3)} %, z-separation ${fmt(f.placement.zSeparation, 3)} Å above film ${k + 1}, shift ${fmt(f.placement.shift[0], 4)}, ${fmt(f.placement.shift[1], 4)}`,
      `  film supercell ${JSON.stringify(f.match.filmMatrix)} on the cell below × ${JSON.stringify(f.match.substrateMatrix)}`,
    ]),
  ];
  if (s.live.ff) L.push(`force field (${s.live.ff.model}, cutoff 12 Å, ${s.live.ff.backend}): E = ${fmt(s.live.ff.energy, 6)} eV, E_bind = ${fmt(s.live.ff.bindingEnergy, 5)} eV/film atom`);
  if (s.relax) L.push(`pre-relaxation: z = ${fmt(s.relax.zSeparation, 3)} Å, E_bind = ${fmt(s.relax.bindingEnergy, 5)} eV/atom, ${s.relax.iterations} steps, ${s.relax.converged ? 'converged' : 'NOT converged'}`);
  if (s.live.ml) {
    const ml = s.live.ml;
    L.push(`ML (${ml.model.name} ${ml.model.version}; ${ml.model.ebind} / ${ml.model.zsep})${s.live.mlScope ? ` ${s.live.mlScope}` : ''}:`);
    L.push(`  E_bind = ${fmt(ml.bindingEnergy.value, 4)} ± ${fmt(ml.bindingEnergy.sigma, 4)} eV/atom (held-out RMSE, new films: ${fmt(ml.bindingEnergy.accuracy.leaveOneFilmOutRmse, 3)})`);
    L.push(`  z = ${fmt(ml.zSeparation.value, 3)} ± ${fmt(ml.zSeparation.sigma, 3)} Å (held-out RMSE, new films: ${fmt(ml.zSeparation.accuracy.leaveOneFilmOutRmse, 3)})`);
    L.push(`  in training domain: ${ml.inDomain ? 'yes' : `no — ${ml.warnings.join('; ')}`}`);
  }
  return L.join('\n') + '\n';
}

/** Tiny markdown renderer for the model card (headings, tables, lists, paragraphs, bold, code). */
function markdown(text: string): HTMLElement[] {
  const out: HTMLElement[] = [];
  const inline = (t: string) => {
    const span = document.createElement('span');
    for (const part of t.split(/(\*\*[^*]+\*\*|`[^`]+`)/)) span.append(part.startsWith('**') ? el('b', {}, part.slice(2, -2)) : part.startsWith('`') ? el('code', {}, part.slice(1, -1)) : part);
    return span;
  };
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k];
    if (l.startsWith('#')) out.push(el(l.startsWith('# ') ? 'h2' : 'h3', {}, inline(l.replace(/^#+\s*/, ''))));
    else if (l.startsWith('|')) {
      const rows: string[][] = [];
      for (; k < lines.length && lines[k].startsWith('|'); k++) if (!/^\|[-| ]+\|$/.test(lines[k])) rows.push(lines[k].slice(1, -1).split('|').map((c) => c.trim()));
      k--;
      out.push(el('table', { class: 'card-table' }, ...rows.map((r, i) => el('tr', {}, ...r.map((c) => el(i === 0 ? 'th' : 'td', {}, inline(c)))))));
    } else if (l.startsWith('- ')) out.push(el('li', {}, inline(l.slice(2))));
    else if (l.trim()) out.push(el('p', {}, inline(l)));
  }
  return out;
}
