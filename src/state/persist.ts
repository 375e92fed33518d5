/**
 * Sessions in IndexedDB (idb). Every load goes through restoreSession. Saves are compare-and-set on the
 * session's revision inside one transaction: a tab whose copy is older than the stored one gets a conflict
 * instead of overwriting another tab's work. Other tabs hear about saves on a BroadcastChannel.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { restoreSession, toJson, type Session } from './session';
import type { SessionSink } from './workbench';

const DB_NAME = 'heterolab';
const DB_VERSION = 1;
const STORE = 'sessions';

export interface SessionSummary {
  id: string;
  name: string;
  modified: string;
  structures: number;
  revision: number;
}

export class SessionDb implements SessionSink {
  private channel: BroadcastChannel | null = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel('heterolab-sessions') : null;

  /** Why this tab's connection was closed (a newer version in another tab), after which nothing is written. */
  private closed: string | null = null;

  private constructor(private db: IDBPDatabase) {}

  static async open(onBlocked?: (why: string) => void): Promise<SessionDb> {
    let self: SessionDb | null = null;
    const db = await openDB(DB_NAME, DB_VERSION, {
      upgrade(db, oldVersion) {
        // Cumulative steps: a browser at any older version runs the ones it missed.
        if (oldVersion < 1) db.createObjectStore(STORE, { keyPath: 'id' }).createIndex('modified', 'modified');
      },
      blocked: () => onBlocked?.('another heterolab tab holds an older database version open; close it to finish upgrading'),
      blocking: () => {
        // A newer tab wants to upgrade: let it. This tab's records stay as they were; it stops writing.
        db.close();
        if (self) self.closed = 'a newer heterolab opened in another tab and took over session storage: nothing new was saved here (your work is still on screen); reload this tab';
        onBlocked?.('a newer heterolab opened in another tab; reload this one');
      },
    });
    return (self = new SessionDb(db));
  }

  /** Called with the session id whenever another tab saves a session. */
  onRemoteSave(fn: (id: string, revision: number) => void): void {
    if (this.channel) this.channel.onmessage = (ev) => ev.data?.type === 'saved' && fn(ev.data.id, ev.data.revision);
  }

  async save(s: Session, baseRevision: number) {
    if (this.closed) return { ok: false as const, reason: 'error' as const, message: this.closed };
    try {
      const tx = this.db.transaction(STORE, 'readwrite');
      const stored = (await tx.store.get(s.id)) as { revision?: number } | undefined;
      if (stored && (stored.revision ?? 0) > baseRevision) {
        await tx.done;
        return { ok: false as const, reason: 'conflict' as const, message: 'this session was changed in another tab; reload it there or save this one as a copy' };
      }
      const revision = baseRevision + 1;
      await tx.store.put(toJson({ ...s, revision, modified: new Date().toISOString() }));
      await tx.done;
      this.channel?.postMessage({ type: 'saved', id: s.id, revision });
      return { ok: true as const, revision };
    } catch (e) {
      const name = (e as DOMException).name;
      const message = name === 'QuotaExceededError' ? 'the browser’s storage for this site is full: nothing new was saved (your work is still on screen); export the session to a file, or delete old sessions' : `could not save: ${(e as Error).message}`;
      return { ok: false as const, reason: 'error' as const, message };
    }
  }

  async list(): Promise<SessionSummary[]> {
    const all = (await this.db.getAll(STORE)) as Record<string, unknown>[];
    return all
      .map((r) => ({ id: String(r.id), name: String(r.name ?? 'Untitled'), modified: String(r.modified ?? ''), structures: Array.isArray(r.structures) ? r.structures.length : 0, revision: Number(r.revision ?? 0) }))
      .sort((a, b) => b.modified.localeCompare(a.modified));
  }

  async load(id: string): Promise<Session> {
    const r = await this.db.get(STORE, id);
    if (!r) throw new Error(`session ${id} is gone (deleted in another tab?)`);
    return restoreSession(r);
  }

  /** The revision stored for `id` (0 when none), read without restoring: lets an unreadable record be replaced. */
  async storedRevision(id: string): Promise<number> {
    const r = (await this.db.get(STORE, id)) as { revision?: unknown } | undefined;
    return typeof r?.revision === 'number' && Number.isFinite(r.revision) ? r.revision : 0;
  }

  /**
   * The session to reopen: `want` if given, else the newest, and if that record fails validation (corrupted,
   * or written by a broken build) the next newest that restores. Bad records are named and left as they are.
   */
  async restoreLatest(want?: string | null): Promise<{ session: Session | null; skipped: string[] }> {
    const ids = (await this.list()).map((s) => s.id);
    const order = want ? (ids.includes(want) ? [want, ...ids.filter((i) => i !== want)] : []) : ids;
    const skipped: string[] = [];
    for (const id of order) {
      try {
        return { session: await this.load(id), skipped };
      } catch (e) {
        skipped.push(`${id}: ${(e as Error).message}`);
      }
    }
    return { session: null, skipped };
  }

  async rename(id: string, name: string): Promise<void> {
    const s = await this.load(id);
    await this.save({ ...s, name }, s.revision);
  }

  async duplicate(id: string): Promise<string> {
    const s = await this.load(id);
    const copy = { ...s, id: `session-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`, name: `${s.name} (copy)`, revision: 0, created: new Date().toISOString() };
    const r = await this.save(copy, 0);
    if (!r.ok) throw new Error(r.message);
    return copy.id;
  }

  async remove(id: string): Promise<void> {
    await this.db.delete(STORE, id);
  }

  /** Imports a session (from a file): a new id, so it never overwrites one already here. */
  async importSession(s: Session): Promise<string> {
    const id = `session-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const r = await this.save({ ...s, id, revision: 0 }, 0);
    if (!r.ok) throw new Error(r.message);
    return id;
  }
}

const BACKEND_KEY = 'heterolab.ffBackend';

/** The force-field backend the user chose last, kept per browser (a preference, not part of a session). */
export function readBackendChoice(): string | null {
  try {
    return localStorage.getItem(BACKEND_KEY);
  } catch {
    return null; // storage disabled: the choice lasts for this page only
  }
}

export function keepBackendChoice(choice: string): void {
  try {
    localStorage.setItem(BACKEND_KEY, choice);
  } catch {
    /* storage disabled or full: nothing to keep */
  }
}
