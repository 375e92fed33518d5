import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeStructure } from '../core/structure';
import { newSession, restoreSession, SCHEMA_VERSION, sessionToText, SessionError } from './session';

const au = () => makeStructure({ numbers: Uint8Array.from([79, 79]), positions: Float64Array.from([0, 0, 0, 1.4, 1.4, 2]), cell: Float64Array.from([2.9, 0, 0, 0, 2.9, 0, 0, 0, 20]), pbc: [true, true, true], arrays: { role: Uint8Array.from([0, 1]) } });

describe('session records', () => {
  it('round-trip through a session file: structures, roles, placement and unknown fields survive', () => {
    const s = { ...newSession('MoS2 on Au'), structures: [{ structure: au(), file: 'Au.vasp', kind: 'bulk' as const }], placement: { zSeparation: 3.1, shift: [0.25, 0.5] as [number, number] }, futureField: { kept: true } };
    s.filmId = s.structures[0].structure.id;
    const back = restoreSession(sessionToText(s));
    expect(back.name).toBe('MoS2 on Au');
    expect(back.structures[0].structure.positions).toEqual(s.structures[0].structure.positions);
    expect(back.structures[0].structure.arrays.role).toEqual(Uint8Array.from([0, 1]));
    expect(back.structures[0].structure.id).toBe(s.filmId);
    expect(back.filmId).toBe(s.filmId);
    expect(back.placement).toEqual({ zSeparation: 3.1, shift: [0.25, 0.5] });
    expect(back.futureField).toEqual({ kept: true });
    expect(restoreSession(back)).toEqual(back); // idempotent: loading an already restored record changes nothing
  });
  it('fills defaults for missing fields and drops dangling references', () => {
    const back = restoreSession({ type: 'heterolab-session', schemaVersion: 1, filmId: 'nope', placement: { shift: [0.5, 0] } });
    expect(back.filmId).toBeNull();
    expect(back.placement).toEqual({ zSeparation: 3.2, shift: [0.5, 0] });
    expect(back.options.hkl).toEqual([1, 1, 1]);
    expect(back.ffModel).toBe('fit'); // DEFAULTS.ffModel: the fitted model (models/ff-fit/FIT_CARD.md)
  });
  it('refuses a structure kind it does not know (issue 17: markup in kind was shown)', () => {
    const rec = (kind: unknown) => JSON.parse(sessionToText({ ...newSession(), structures: [{ structure: au(), file: 'Au.vasp', kind: kind as 'bulk' }] }));
    expect(restoreSession(rec('slab')).structures[0].kind).toBe('slab');
    expect(() => restoreSession(rec('<img src=x onerror=alert(1)>'))).toThrow(/structure 1: kind is "<img.*it must be one of 2D layer, bulk, slab, molecule/);
    expect(() => restoreSession(rec(7))).toThrow(/kind is 7/);
  });
  it('refuses what it cannot read, with a reason', () => {
    expect(() => restoreSession('{not json')).toThrow(/not valid JSON/);
    expect(() => restoreSession({ type: 'something-else' })).toThrow(SessionError);
    expect(() => restoreSession({ type: 'heterolab-session', schemaVersion: SCHEMA_VERSION + 1 })).toThrow(/newer heterolab/);
    expect(() => restoreSession({ type: 'heterolab-session' })).toThrow(/schemaVersion/);
    expect(() => restoreSession({ type: 'heterolab-session', schemaVersion: 1, structures: [{ structure: { numbers: { $typed: 'Uint8Array', data: [1] }, positions: { $typed: 'Float64Array', data: [0, 0] }, cell: { $typed: 'Float64Array', data: [1, 0, 0, 0, 1, 0, 0, 0, 1] } } }] })).toThrow(/structure 1: positions do not match/);
  });
  it('reads the version-1 fixture (every schema version keeps one): one film, no stack', () => {
    const s = restoreSession(readFileSync('test/fixtures/sessions/v1.json', 'utf8'));
    expect(s.schemaVersion).toBe(SCHEMA_VERSION);
    expect(s.stack).toEqual([]);
    expect(s.twistDeg).toBeNull();
    expect(s.placement).toEqual({ zSeparation: 3.1, shift: [0.1, 0.2] });
    expect(s.structures.map((e) => e.kind)).toEqual(['2D layer', 'bulk']);
    expect(s.filmId).toBe(s.structures[0].structure.id);
    expect(s.substrateId).toBe(s.structures[1].structure.id);
    expect(s.match?.area).toBeGreaterThan(0);
  });
  it('reads the version-2 fixture: a film stacked on film 1, with its own match and placement', () => {
    const s = restoreSession(readFileSync('test/fixtures/sessions/v2.json', 'utf8'));
    expect(s.stack).toHaveLength(1);
    expect(s.stack[0].filmId).toBe(s.structures[2].structure.id);
    expect(s.stack[0].placement).toEqual({ zSeparation: 3.35, shift: [0.5, 0] });
    expect(s.stack[0].match.filmMatrix).toHaveLength(2);
    expect(restoreSession(sessionToText(s))).toEqual(s);
  });
  it('refuses a stacked film whose structure is missing or whose match is broken, naming it', () => {
    const s = restoreSession(readFileSync('test/fixtures/sessions/v2.json', 'utf8'));
    expect(() => restoreSession({ ...s, stack: [{ ...s.stack[0], filmId: 'gone' }] })).toThrow(/stacked film 2: its structure \(gone\) is not in the session/);
    expect(() => restoreSession({ ...s, stack: [{ ...s.stack[0], match: {} }] })).toThrow(/stacked film 2: the match is missing/);
  });
});

/** A saved session's text with one atom-level field replaced, as a hand-edited or hostile file would have it. */
function sessionText(edit: { numbers?: string; positions?: string; cell?: string; placement?: string; options?: string }): string {
  const s = { ...newSession('x'), structures: [{ structure: au(), file: 'Au.vasp', kind: 'bulk' as const }] };
  let t = sessionToText(s);
  const typed = (name: string, data: string) => `{"$typed":"${name}","data":[${data}]}`;
  if (edit.numbers) t = t.replace(/"numbers":\{[^}]*\}/, `"numbers":${typed('Uint8Array', edit.numbers)}`);
  if (edit.positions) t = t.replace(/"positions":\{[^}]*\}/, `"positions":${typed('Float64Array', edit.positions)}`);
  if (edit.cell) t = t.replace(/"cell":\{[^}]*\}/, `"cell":${typed('Float64Array', edit.cell)}`);
  if (edit.placement) t = t.replace(/"placement":\{[^}]*\]\}/, `"placement":${edit.placement}`);
  if (edit.options) t = t.replace(/"options":\{[^}]*\]?[^}]*\}/, `"options":${edit.options}`);
  return t;
}

describe('restored sessions are validated like parsed files (issue 17, item 5)', () => {
  const refuse = (text: string, message: RegExp) => {
    let err: unknown;
    try {
      restoreSession(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SessionError); // never a RangeError or another uncaught exception
    expect((err as Error).message).toMatch(message);
  };
  it('the unedited text restores (the edits below are what fails)', () => {
    expect(restoreSession(sessionText({})).structures[0].structure.numbers).toEqual(Uint8Array.from([79, 79]));
  });
  it('atomic numbers outside 1..118 are refused, and 300 is not wrapped into a byte (Ru)', () => {
    refuse(sessionText({ numbers: '0,79' }), /structure 1 \(Au\.vasp\).*atom 1 has atomic number 0, outside 1\.\.118/);
    refuse(sessionText({ numbers: '79,255' }), /atom 2 has atomic number 255, outside 1\.\.118/);
    refuse(sessionText({ numbers: '300,79' }), /atom 1 has atomic number 300, outside 1\.\.118/);
    refuse(sessionText({ numbers: '79.5,79' }), /atomic number 79\.5/);
  });
  it('non-finite and absurd coordinates are refused', () => {
    refuse(sessionText({ positions: '1e400,0,0,1.4,1.4,2' }), /atom 1 has a coordinate \(Infinity\)/);
    refuse(sessionText({ positions: '1e300,0,0,1.4,1.4,2' }), /atom 1 has a coordinate \(1e\+300\) that is not a finite number of at most/);
    refuse(sessionText({ positions: 'null,0,0,1.4,1.4,2' }), /positions\[0\] is null/);
  });
  it('a zero, singular or degenerate cell is refused', () => {
    refuse(sessionText({ cell: '0,0,0,0,0,0,0,0,0' }), /linearly dependent/);
    refuse(sessionText({ cell: '2.9,0,0,5.8,0,0,0,0,20' }), /linearly dependent/);
    refuse(sessionText({ cell: '2.9,0,0,2.9,0.000001,0,0,0,20' }), /degenerate.*periodic images/);
  });
  it('a negative, absurd or non-numeric z-separation is refused, naming the field and the range', () => {
    refuse(sessionText({ placement: '{"zSeparation":-50,"shift":[0,0]}' }), /placement\.zSeparation \(Å\) is -50; it must be a number from 0\.5 to 100/);
    refuse(sessionText({ placement: '{"zSeparation":1e300,"shift":[0,0]}' }), /zSeparation \(Å\) is 1e\+300/);
    refuse(sessionText({ placement: '{"zSeparation":"x","shift":[0,0]}' }), /zSeparation \(Å\) is "x"/);
    refuse(sessionText({ placement: '{"zSeparation":3,"shift":[1e400,0]}' }), /placement\.shift\[0\] is Infinity/);
  });
  it('values the app can write restore (z above the slider, a large search area)', () => {
    const s = restoreSession(sessionText({ placement: '{"zSeparation":60,"shift":[0.5,0]}', options: '{"maxArea":6000,"vacuum":200}' }));
    expect([s.placement.zSeparation, s.options.maxArea, s.options.vacuum]).toEqual([60, 6000, 200]);
  });
  it('absurd interface options are refused', () => {
    refuse(sessionText({ options: '{"hkl":[0,0,0]}' }), /options\.hkl is 0 0 0/);
    refuse(sessionText({ options: '{"maxArea":1e9}' }), /options\.maxArea \(Å²\) is 1000000000; it must be a number from 1 to 100000/);
    refuse(sessionText({ options: '{"layers":2.5}' }), /options\.layers is 2\.5; it must be a whole number/);
  });
  it('10^5 levels of nesting give a clear refusal, not "Maximum call stack size exceeded"', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    refuse(`{"type":"heterolab-session","schemaVersion":2,"junk":${deep}}`, /nested deeper than 64 levels/);
    let o: unknown = 1;
    for (let k = 0; k < 100_000; k++) o = { o };
    expect(() => restoreSession({ type: 'heterolab-session', schemaVersion: 2, o })).toThrow(/nested deeper than 64 levels/);
  });
  it('per-atom arrays of the wrong length and broken matches are refused', () => {
    const t = sessionText({}).replace('"role":{"$typed":"Uint8Array","data":[0,1]}', '"role":{"$typed":"Uint8Array","data":[0]}');
    refuse(t, /arrays\.role has 1 entries for 2 atoms/);
    const s = restoreSession(readFileSync('test/fixtures/sessions/v2.json', 'utf8'));
    expect(() => restoreSession({ ...s, match: { ...s.match, filmMatrix: [[1, 0], [2, 0]] } })).toThrow(/film 1: match\.filmMatrix must be a 2×2 matrix of whole numbers with a non-zero determinant/);
  });
});
