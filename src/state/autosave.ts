/**
 * Autosave: reacts only to changes a session record keeps (sessionSlice and the store's structures), so a
 * view option (periodic images, hidden layers, what the view shows) never marks the session unsaved.
 * Debounced; one save at a time; a conflict with another tab stops it (nothing is overwritten blindly).
 */
import { watch } from './watch';
import { sessionSlice, type SessionSink, type WorkbenchState } from './workbench-model';
import type { Workbench } from './workbench';

export class Autosave {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private saving: Promise<void> | null = null;
  private epoch: number;

  constructor(private wb: Workbench, private sink: SessionSink, private delayMs = 400) {
    this.epoch = wb.get().session.epoch;
    watch(wb, (s) => [...sessionSlice(s), s.session.epoch] as const, (_, s) => this.changed(s));
    watch(wb.store, (st) => [st.structures] as const, () => this.changed(wb.get()));
  }

  /** Something the session keeps changed (or another session replaced this one: then start over from it). */
  private changed(s: WorkbenchState): void {
    if (this.wb.restoring) return;
    if (s.session.epoch !== this.epoch) {
      this.epoch = s.session.epoch;
      return;
    }
    if (s.session.status === 'conflict') return; // another tab owns the newer copy; do not overwrite it
    if (this.wb.store.get().structures.length === 0 && s.session.revision === 0) return; // nothing to keep yet
    this.status({ status: 'unsaved' });
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  private status(patch: Partial<WorkbenchState['session']>): void {
    this.wb.set({ session: { ...this.wb.get().session, ...patch } });
  }

  /** Saves now if anything is unsaved (waits for a save already under way). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // One save at a time: a second one started before the first returned would send a stale base revision and
    // be refused as a conflict with ourselves.
    while (this.saving) await this.saving;
    if (this.wb.get().session.status !== 'unsaved') return;
    const done = this.saveNow();
    this.saving = done;
    try {
      await done;
    } finally {
      if (this.saving === done) this.saving = null;
    }
  }

  private async saveNow(): Promise<void> {
    const epoch = this.epoch;
    this.status({ status: 'saving' });
    const base = this.wb.get().session.revision;
    const r = await this.sink.save(this.wb.toSession(), base);
    if (epoch !== this.epoch) return; // another session was opened meanwhile
    // Edits made while saving set the status back to 'unsaved' (and scheduled another save): keep that.
    const now = this.wb.get().session.status;
    if (r.ok) this.status({ revision: r.revision, status: now === 'saving' ? 'saved' : now });
    else this.status({ status: r.reason === 'conflict' ? 'conflict' : 'error', message: r.message });
    if (!r.ok && r.reason === 'error') setTimeout(() => this.wb.get().session.status === 'error' && this.changed(this.wb.get()), 5000); // retry later; nothing is lost
  }
}
