/**
 * Where the screen page keeps its screen: a session of its own in IndexedDB (listed with the others), whose
 * `screen` field holds the form, the definition and the finished rows. Its own record, not the workbench's
 * current session, so a screen running in one tab never races the workbench's autosave in another. Loads go
 * through restoreSession (validated like every session); saves are one at a time, compare-and-set on the
 * revision (a second screen tab gets a conflict, not a silent overwrite), and failures come back as messages.
 */
import { SessionDb } from './persist';
import { newSession, type Session } from './session';
import type { ScreenRecord } from './screen-record';

export const SCREEN_SESSION_ID = 'session-screen';
const NAME = 'Screen (screen.html)';

export class ScreenSession {
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private db: SessionDb | null,
    private session: Session,
    /** Why a stored screen could not be used or kept (null when all is well). */
    readonly notice: string | null,
  ) {}

  /** The kept screen (or a fresh session when there is none, or it is unreadable: then `notice` says why). */
  static async open(): Promise<ScreenSession> {
    let db: SessionDb;
    try {
      db = await SessionDb.open();
    } catch (e) {
      return new ScreenSession(null, screenSession(), `results are not kept in this browser (IndexedDB: ${(e as Error).message})`);
    }
    try {
      return new ScreenSession(db, await db.load(SCREEN_SESSION_ID), null);
    } catch (e) {
      const gone = /is gone/.test((e as Error).message);
      // An unreadable record is replaced at the next save; its revision is kept so that save is allowed.
      const revision = gone ? 0 : await db.storedRevision(SCREEN_SESSION_ID);
      return new ScreenSession(db, { ...screenSession(), revision }, gone ? null : `the kept screen could not be read and starts over: ${(e as Error).message}`);
    }
  }

  get screen(): ScreenRecord | null {
    return this.session.screen ?? null;
  }

  /** Keeps `screen` (null: forget it); resolves with an error message, or null when it was saved. */
  save(screen: ScreenRecord | null): Promise<string | null> {
    const run = async (): Promise<string | null> => {
      if (!this.db) return 'results are not kept in this browser (no IndexedDB)';
      const next = { ...this.session, screen };
      const r = await this.db.save(next, this.session.revision);
      if (!r.ok) return r.message;
      this.session = { ...next, revision: r.revision };
      return null;
    };
    const p = this.chain.then(run, run);
    this.chain = p;
    return p;
  }
}

function screenSession(): Session {
  return { ...newSession(NAME), id: SCREEN_SESSION_ID, screen: null };
}
