import { describe, expect, it } from 'vitest';
import { newSession, restoreSession, sessionToText } from '../state/session';
import { clampValue } from './clamp';
import { FIELDS } from './panels/options';

describe('number inputs held to their range', () => {
  const area = FIELDS.find((f) => f.key === 'maxArea')!;
  it('a value outside is set to the nearest bound, and the note names the field, the range and the new value', () => {
    expect(clampValue('99999', area)).toEqual({ value: String(area.max), note: `max area 99999 Å² is outside ${area.min} to ${area.max} Å²: set to ${area.max} Å²` });
    expect(clampValue('-3', area).value).toBe(String(area.min));
    expect(clampValue('1e400', area).note).toBeNull(); // Infinity is not a number to clamp: the form says so
    expect(clampValue('abc', area)).toEqual({ value: 'abc', note: null });
    expect(clampValue('', area)).toEqual({ value: '', note: null });
    expect(clampValue(String(area.max), area)).toEqual({ value: String(area.max), note: null });
  });
  it('every bound a form input can hold is accepted by session validation (a saved session always restores)', () => {
    for (const f of FIELDS)
      for (const x of [f.min, f.max]) {
        const s = newSession();
        const back = restoreSession(sessionToText({ ...s, options: { ...s.options, [f.key]: x } }));
        expect(back.options[f.key], `${f.label} = ${x}`).toBe(x);
      }
  });
});
