import { describe, expect, it } from 'vitest';
import { newSession, restoreSession, sessionToText } from '../state/session';
import { FIELDS } from './panels/options';

describe('number inputs held to their range', () => {
  it('every bound a form input can hold is accepted by session validation (a saved session always restores)', () => {
    for (const f of FIELDS)
      for (const x of [f.min, f.max]) {
        const s = newSession();
        const back = restoreSession(sessionToText({ ...s, options: { ...s.options, [f.key]: x } }));
        expect(back.options[f.key], `${f.label} = ${x}`).toBe(x);
      }
  });
});
