// The pure parts of the panels: form validation messages, gizmo snapping, the binding-well range, CSV.
import { describe, expect, it } from 'vitest';
import { readOptionsForm } from './options';
import { ringTwist, snapTwist } from './placement';
import { initialState, type WorkbenchState } from '../../state/workbench-model';
import type { StackFilm } from '../../state/session';
import { inPlane, wellRange } from './scans';
import { mapGeometry, spreadMeV } from '../../view/registry-map';
import { csv } from '../dom';

const form = (o: Record<string, string> = {}) => ({ hkl: '1 1 1', face: 'bottom', layers: '4', vacuum: '15', 'max-area': '100', 'max-strain': '5', ...o });

describe('options form', () => {
  it('names the field, the value and what is allowed', () => {
    expect(readOptionsForm(form({ hkl: '0 0 0' }))).toEqual({ ok: false, problem: 'facet (0 0 0) is not a plane: at least one Miller index must be non-zero' });
    expect(readOptionsForm(form({ hkl: '1 1' })).ok).toBe(false);
    expect((readOptionsForm(form({ hkl: '1 x 1' })) as { problem: string }).problem).toMatch(/"x" is not a whole number/);
    expect((readOptionsForm(form({ layers: '0' })) as { problem: string }).problem).toBe('slab layers must be a whole number from 1 to 30 (got "0")');
    expect((readOptionsForm(form({ layers: '2.5' })) as { problem: string }).problem).toMatch(/slab layers must be a whole number/);
    expect((readOptionsForm(form({ vacuum: '-1' })) as { problem: string }).problem).toBe('vacuum must be a number from 0 to 100 Å (got "-1")');
    expect(readOptionsForm(form({ hkl: '1, -1, 0', 'max-area': '250' }))).toEqual({ ok: true, options: { hkl: [1, -1, 0], face: 'bottom', layers: 4, vacuum: 15, maxArea: 250, maxStrainPct: 5 } });
  });
});

describe('gizmo snapping', () => {
  it('the ring turns a stacked film freely in its own period; film 1 snaps in film 1\'s', () => {
    // Film 1 repeats every 30° (graphene on Cu(100)), the stacked film every 60° (h-BN on that cell).
    const film = { filmId: 'x', face: 'bottom', match: { twist: 0 }, twistDeg: null, placement: { zSeparation: 3.2, shift: [0, 0] } } as unknown as StackFilm;
    const s: WorkbenchState = { ...initialState({ id: 's', name: 's' }), twistPeriodDeg: 30, stackPeriodsDeg: [60], stack: [film], activeFilm: 1, scan: [{ twistDeg: 0, strainPct: 1 }, { twistDeg: 15, strainPct: 2 }] };
    expect(ringTwist(s, 30, 4.72)).toBeCloseTo(34.72, 9);
    expect(ringTwist(s, 50, 17)).toBeCloseTo(7, 9);
    expect(ringTwist({ ...s, activeFilm: 0 }, 10, 4)).toBe(15);
    expect(ringTwist({ ...s, activeFilm: 0 }, 25, 10)).toBe(0); // 35° is 5° in film 1's 30°, nearest 0°
  });
  it('goes to the nearest angle the twist scan found a cell at, across the period boundary', () => {
    const scan = [{ twistDeg: 0, strainPct: 1 }, { twistDeg: 10, strainPct: null }, { twistDeg: 19.1, strainPct: 2 }, { twistDeg: 58, strainPct: 3 }];
    expect(snapTwist(12, scan, 60)).toBe(19.1);
    expect(snapTwist(3, scan, 60)).toBe(0);
    expect(snapTwist(57, scan, 60)).toBe(58);
    expect(snapTwist(59.5, scan, 60)).toBe(0); // 0.5° away across the period, 1.5° from 58°
    expect(snapTwist(12, null, 60)).toBe(12);
  });
});

describe('binding curve range', () => {
  it('shows the well below zero and clips the repulsive wall', () => {
    const [lo, hi] = wellRange([2, 0.5, -0.1, -0.19, -0.15, -0.05]);
    expect(lo).toBeLessThan(-0.19);
    expect(hi).toBeGreaterThan(0);
    expect(hi).toBeLessThan(0.5);
  });
});

describe('csv', () => {
  it('quotes text with commas and writes numbers in full', () => {
    expect(csv(['a', 'b'], [[0.1 + 0.2, 'x,y'], [null, 'q"']])).toBe('a,b\n0.30000000000000004,"x,y"\n,"q"""\n');
  });
});

describe('registry map geometry', () => {
  it('draws a 60° cell as a rhombus with a along x, and a click maps back to the same shift', () => {
    const { a, b } = inPlane([0, 3, 0, -2.598, -1.5, 0, 0, 0, 20]); // a along y, b at 120° from a
    expect(a).toEqual([3, 0]);
    expect(b[0]).toBeCloseTo(-1.5);
    expect(b[1]).toBeCloseTo(2.598);
    const g = mapGeometry(300, 240, a, b);
    const [x, y] = g.toPx(0.25, 0.7);
    const [u, v] = g.toFrac(x, y);
    expect(u).toBeCloseTo(0.25);
    expect(v).toBeCloseTo(0.7);
  });

  it('says how far the energy spreads over the shifts, in meV per film atom (the colour bar\'s top)', () => {
    expect(spreadMeV([-10, -10.003, -10.001], 3)).toBeCloseTo(1, 9);
    expect(spreadMeV([-5, -5], 0)).toBe(0);
  });
});
