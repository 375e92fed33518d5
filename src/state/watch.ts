/**
 * Slice subscriptions over a store: a listener runs only when the values its selector picks change (compared
 * by identity, element by element), so a panel that shows the matches is not redrawn by a slider tick.
 */
/** Anything with a subscribe(listener) → unsubscribe: the app store and the workbench. */
export interface Source<S> {
  subscribe(fn: (s: S) => void): () => void;
}

export function sameTuple(a: readonly unknown[] | null, b: readonly unknown[]): boolean {
  return !!a && a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/** Calls `fn` now and whenever `select(state)` yields a different tuple; returns the unsubscribe function. */
export function watch<S, T extends readonly unknown[]>(source: Source<S>, select: (s: S) => T, fn: (picked: T, s: S) => void): () => void {
  let last: T | null = null;
  return source.subscribe((s) => {
    const next = select(s);
    if (sameTuple(last, next)) return;
    last = next;
    fn(next, s);
  });
}
