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
    const back = restoreSession({ type: 'heterolab-session', schemaVersion: 1, filmId: 'nope', placement: { zSeparation: 'x' } });
    expect(back.filmId).toBeNull();
    expect(back.placement.zSeparation).toBe(3.2);
    expect(back.options.hkl).toEqual([1, 1, 1]);
    expect(back.ffModel).toBe('d2');
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
