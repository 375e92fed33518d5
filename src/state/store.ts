/**
 * The app store: the structures read (with their kind and layer faces), the selected one, the messages for the
 * user, the periodic-images toggle and the worker's status. The workbench (workbench.ts) holds the interface.
 */
import type { Structure } from '../core/structure';
import type { ParseIssue } from '../io/issues';
import type { ComputeApi, FileInput, WorkerStatus } from '../workers/protocol';

import type { LayerFaces, StructureKind } from '../core/layer';
export type { StructureKind } from '../core/layer';

export interface StructureEntry {
  structure: Structure;
  kind: StructureKind;
  file: string;
  /** Species of the faces of its 2D layer (from the worker's detection), for naming the face that goes down. */
  faces?: LayerFaces;
}

/** A message for the user: bad input (error/warning) or a bug (internal), kept apart as DESIGN.md §8 asks. */
export interface Message {
  id: number;
  severity: 'error' | 'warning' | 'internal';
  issue: ParseIssue;
}

export interface AppState {
  structures: StructureEntry[];
  selectedId: string | null;
  messages: Message[];
  showImages: boolean;
  busy: boolean;
  worker: WorkerStatus | null;
}

/** The part of the worker's API the store uses (derived from workers/protocol.ts). */
export type StorePort = (signal?: AbortSignal) => Pick<ComputeApi, 'readFiles' | 'status'>;

type Listener = (s: AppState) => void;

/** The session store: one state object, replaced (never mutated) on every change; listeners redraw from it. */
export class Store {
  private state: AppState = { structures: [], selectedId: null, messages: [], showImages: false, busy: false, worker: null };
  private listeners = new Set<Listener>();
  private nextMessage = 1;

  constructor(
    private compute: StorePort,
    private classify: (s: Structure) => StructureKind,
  ) {}

  get(): AppState {
    return this.state;
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    fn(this.state);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn(this.state);
  }

  selected(): StructureEntry | null {
    return this.state.structures.find((e) => e.structure.id === this.state.selectedId) ?? null;
  }

  async refreshStatus(): Promise<void> {
    this.set({ worker: await this.compute().status() });
  }

  /** Reads dropped, picked or pasted files. Nothing already loaded is lost when a file is bad. */
  async addFiles(files: FileInput[]): Promise<void> {
    if (files.length === 0) return;
    this.set({ busy: true });
    try {
      const reports = await this.compute().readFiles(files);
      const added: StructureEntry[] = [];
      const messages: Message[] = [];
      for (const r of reports) {
        if (!r.ok) {
          messages.push({ id: this.nextMessage++, severity: 'error', issue: r.issue });
          continue;
        }
        for (const w of r.warnings) messages.push({ id: this.nextMessage++, severity: 'warning', issue: w });
        r.structures.forEach((s, k) => added.push({ structure: s, kind: r.layers?.[k]?.kind ?? this.classify(s), file: r.file, ...(r.layers?.[k]?.faces ? { faces: r.layers[k].faces } : {}) }));
      }
      this.set({
        structures: [...this.state.structures, ...added],
        selectedId: added.length ? added[0].structure.id : this.state.selectedId,
        messages: [...messages, ...this.state.messages],
      });
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      // A worker that crashed or hung is a fault of the machine, not a bug: say which files were not read.
      const crashed = (e as Error).name === 'WorkerCrashedError';
      const message = crashed ? `${files.map((f) => f.name).join(', ')} not read: ${(e as Error).message}` : `internal error: ${(e as Error).message}`;
      this.set({ messages: [{ id: this.nextMessage++, severity: crashed ? 'error' : 'internal', issue: { code: 'unsupported', message } }, ...this.state.messages] });
    } finally {
      this.set({ busy: false });
    }
  }

  /** Adds structures made here (library entries), selecting the first. */
  addStructures(list: StructureEntry[]): void {
    if (!list.length) return;
    this.set({ structures: [...this.state.structures, ...list], selectedId: list[0].structure.id });
  }

  select(id: string): void {
    this.set({ selectedId: id });
  }

  remove(id: string): void {
    const structures = this.state.structures.filter((e) => e.structure.id !== id);
    this.set({ structures, selectedId: this.state.selectedId === id ? structures[0]?.structure.id ?? null : this.state.selectedId });
  }

  dismissMessage(id: number): void {
    this.set({ messages: this.state.messages.filter((m) => m.id !== id) });
  }

  clearMessages(): void {
    this.set({ messages: [] });
  }

  /** Replaces every structure (opening a session); the first becomes selected. */
  replaceStructures(list: StructureEntry[]): void {
    this.set({ structures: list, selectedId: list[0]?.structure.id ?? null });
  }

  /** A message from outside file reading (sessions, exports): shown like any other. */
  report(severity: Message['severity'], message: string, file?: string): void {
    this.set({ messages: [{ id: this.nextMessage++, severity, issue: { code: 'unsupported', message, file } }, ...this.state.messages] });
  }

  setShowImages(on: boolean): void {
    this.set({ showImages: on });
  }
}
