import { describe, expect, it } from 'vitest';
import { watch } from './watch';

describe('watch', () => {
  it('runs a listener only when its slice changes', () => {
    let state = { a: 1, b: { x: 1 } };
    const fns = new Set<(s: typeof state) => void>();
    const subscribe = (fn: (s: typeof state) => void) => (fns.add(fn), fn(state), () => fns.delete(fn));
    const set = (p: Partial<typeof state>) => ((state = { ...state, ...p }), fns.forEach((f) => f(state)));
    const seen: number[] = [];
    const off = watch({ subscribe }, (s) => [s.b] as const, ([b]) => seen.push(b.x));
    set({ a: 2 });
    set({ a: 3 });
    expect(seen).toEqual([1]);
    set({ b: { x: 5 } });
    expect(seen).toEqual([1, 5]);
    off();
    set({ b: { x: 6 } });
    expect(seen).toEqual([1, 5]);
  });
});
