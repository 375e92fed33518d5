// The numbers of the interface (issue 13): cell, matrices, strain on each side, full composition, layers.
import { describe, expect, it } from 'vitest';
import { makeStructure } from '../core/structure';
import { initialState } from '../state/workbench-model';
import type { LatticeMatch } from '../compute/geometry/geometry';
import { interfaceNumbers, numbersText, sideStrains } from './interface-numbers';

describe('strain on each side', () => {
  const eps = [0.02, 0, 0, -0.01];
  it('film takes ε; substrate takes U⁻¹ − I; shared meets halfway', () => {
    const f = sideStrains(eps, 'film');
    f.film.forEach((x, k) => expect(x).toBeCloseTo(eps[k], 12));
    expect(f.substrate).toEqual([0, 0, 0, 0]);
    const sub = sideStrains(eps, 'substrate').substrate;
    expect(sub[0]).toBeCloseTo(1 / 1.02 - 1, 12);
    expect(sub[3]).toBeCloseTo(1 / 0.99 - 1, 12);
    const sh = sideStrains(eps, 'shared');
    expect(sh.film[0]).toBeCloseTo(0.01, 12);
    // The shared cell is the same seen from both sides: (1 + ε_f)·a_film = (1 + ε_s)·a_sub with a_sub = 1.02·a_film.
    expect((1 + sh.film[0]) / (1 + sh.substrate[0])).toBeCloseTo(1.02, 12);
  });
});

describe('interface numbers', () => {
  it('gives a, b, γ, c, the full composition and atoms per plane with the fixed ones', () => {
    // Two Au planes (4 atoms each, the bottom fixed) and a C film of 3 atoms, hexagonal a = 5 Å.
    const n = 11, h = Math.sqrt(3) / 2;
    const numbers = Uint8Array.from([79, 79, 79, 79, 79, 79, 79, 79, 6, 6, 6]);
    const role = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    const layerIndex = Uint16Array.from([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0]);
    const sd = new Uint8Array(3 * n).fill(1);
    sd.fill(0, 0, 12);
    const iface = makeStructure({ numbers, positions: new Float64Array(3 * n), cell: Float64Array.from([5, 0, 0, -2.5, 5 * h, 0, 0, 0, 30]), pbc: [true, true, true], arrays: { role, layerIndex, selectiveDynamics: sd } });
    const match = { area: 25 * h, principalStrains: [-0.01, 0.02], strainTensor: [0.02, 0, 0, -0.01], twist: 0, filmMatrix: [[2, 0], [0, 2]], substrateMatrix: [[1, 1], [-1, 2]] } as unknown as LatticeMatch;
    const s = { ...initialState({ id: 'x', name: 'x' }), iface, match, filmId: 'g' };
    const r = interfaceNumbers(s, (id) => (id === 'g' ? 'C2' : '?'))!;
    expect(r.a).toBeCloseTo(5, 12);
    expect(r.b).toBeCloseTo(5, 12);
    expect(r.gammaDeg).toBeCloseTo(120, 9);
    expect(r.c).toBeCloseTo(30, 12);
    expect(r.composition).toBe('Au8C3');
    expect(r.layers.map((l) => `${l.label}: ${l.atoms} ${l.composition}`)).toEqual(['substrate plane 1 (fixed): 4 Au4', 'substrate plane 2: 4 Au4', 'film 1 (C2) plane 1: 3 C3']);
    const lines = numbersText(r).join('\n');
    expect(lines).toMatch(/film supercell \[\[2, 0\], \[0, 2\]\], substrate supercell \[\[1, 1\], \[-1, 2\]\]/);
    expect(lines).toMatch(/strain on the film: film 1 tensor \[\[2\.000, 0\.000\], \[0\.000, -1\.000\]\] %/);
    expect(interfaceNumbers(initialState({ id: 'x', name: 'x' }), () => '')).toBeNull();
  });
});
