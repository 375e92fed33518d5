// A screen kept in a session (issue 14): it round-trips through the session text and restoreSession, and a
// damaged or oversized record is refused with the field named, as every other part of a session is.
import { describe, expect, it } from 'vitest';
import type { ScreenRow } from '../core/screen-table';
import { newSession, restoreSession, sessionToText, SessionError } from './session';
import { MAX_SCREEN_ROWS, type ScreenRecord } from './screen-record';

const row = (index: number, more: Partial<ScreenRow> = {}): ScreenRow => ({
  index, film: 'MoSSe-1H', face: 'Se', faceSide: 'top', substrate: 'Au', hkl: '111', area: 25.3, nAtoms: 57, strain: 0.41, twistDeg: 0,
  ffZSeparation: 2.9, ffBindingEnergy: 0.21, mlZSeparation: 2.7, mlZSeparationSigma: 0.2, mlBindingEnergy: 0.3, mlBindingEnergySigma: 0.1,
  formationEnergy: 0.09, stable: 'stable', pStable: 0.98, ...more,
});
const record = (rows: unknown[], more: Partial<ScreenRecord> = {}) => ({
  form: { families: ['janus'], filmFilter: 'MoSSe', metals: ['Au', 'Cu'], facets: ['111', '110'], maxArea: 200, maxStrainPct: 1, maxAngleDeg: 1 },
  definition: 'abc123', total: 12, rows, ...more,
});
const restore = (screen: unknown) => restoreSession(JSON.parse(sessionToText({ ...newSession(), screen: screen as ScreenRecord })));

describe('a screen in the session', () => {
  it('comes back from the session text with its form, definition and rows (an error row too)', () => {
    const rec = record([row(0), row(3, { area: null, nAtoms: null, stable: null, error: 'no coincident supercell within the limits' })]);
    const s = restore(rec);
    expect(s.screen).toEqual(rec);
    expect(restoreSession(newSession()).screen).toBeNull(); // a session without a screen (every older one)
  });

  it.each([
    ['a row outside the screen', record([row(12)]), /row 1: index 12 is not a pair of this screen \(0\.\.11\)/],
    ['a pair with two rows', record([row(1), row(1)]), /pair 1 has two rows/],
    ['a text where a number belongs', record([row(0, { mlBindingEnergy: '0.3' as never })]), /row 1\.mlBindingEnergy must be a number/],
    ['an unknown stability', record([row(0, { stable: 'maybe' as never })]), /row 1\.stable is "maybe"/],
    ['a bad face side', record([row(0, { faceSide: 'left' as never })]), /faceSide must be bottom or top/],
    ['a bad facet in the form', { ...record([]), form: { ...record([]).form, facets: ['1 1 1; drop'] } }, /form\.facets\[0\]/],
    ['a negative area limit', { ...record([]), form: { ...record([]).form, maxArea: -5 } }, /form\.maxArea \(Å²\) is -5/],
    ['a fractional total', record([], { total: 2.5 }), /total \(pairs\) must be a whole number/],
    ['rows that are not a list', record({ 0: row(0) } as never), /rows must be a list/],
    ['more rows than a session keeps', record(Array.from({ length: MAX_SCREEN_ROWS + 1 }, () => null), { total: 10 * MAX_SCREEN_ROWS }), new RegExp(`rows must be a list of at most ${MAX_SCREEN_ROWS}`)],
  ])('refuses %s', (_, screen, message) => {
    expect(() => restore(screen)).toThrow(SessionError);
    expect(() => restore(screen)).toThrow(message);
  });
});
