// The pure parts of the options and matches panels (issue 13): fixed layers, terminations named by species,
// the strain side, the matches filters and the sort by |ε|.
import { describe, expect, it } from 'vitest';
import { readOptionsForm, terminationLabel } from './options';
import { filterRows, type MatchRow } from './matches';

const form = (o: Record<string, string> = {}) => ({ hkl: '0 0 1', face: 'bottom', layers: '4', vacuum: '15', 'max-area': '100', 'max-strain': '5', 'fixed-layers': '2', termination: '1', strain: 'substrate', ...o });

describe('options form: termination, fixed layers, strain side', () => {
  it('reads them, and names the field and the allowed range for a bad fixed-layer count', () => {
    expect(readOptionsForm(form())).toEqual({ ok: true, options: { hkl: [0, 0, 1], face: 'bottom', layers: 4, vacuum: 15, maxArea: 100, maxStrainPct: 5, fixedLayers: 2, termination: 1, strain: 'substrate' } });
    // More fixed layers than the slab has (the layer count was just lowered): all of them are fixed, the layer change is not refused.
    expect((readOptionsForm(form({ 'fixed-layers': '5' })) as { options: { fixedLayers: number } }).options.fixedLayers).toBe(4);
    expect(readOptionsForm(form({ 'fixed-layers': '-1' }))).toEqual({ ok: false, problem: 'fixed layers must be a whole number from 0 to 4 (the slab layers; got "-1")' });
    expect((readOptionsForm(form({ 'fixed-layers': '' })) as { problem: string }).problem).toMatch(/^fixed layers must be/);
    expect((readOptionsForm(form({ strain: 'sideways' })) as { options: { strain: string } }).options.strain).toBe('film');
  });

  it('names a termination by the species on top and under it', () => {
    expect(terminationLabel({ top: [30], below: [8] }, 0)).toBe('Zn on top (O below)');
    expect(terminationLabel({ top: [8], below: [] }, 1)).toBe('O on top');
    expect(terminationLabel(undefined, 0)).toBe('first');
    expect(terminationLabel(undefined, 2)).toBe('termination 3');
  });
});

describe('matches filters and sort', () => {
  const rows: MatchRow[] = [
    { i: 0, area: 20, atoms: 40, eps: 3, s1: -3, s2: 1, twist: 0 },
    { i: 1, area: 40, atoms: 90, eps: 0.5, s1: 0.2, s2: -0.5, twist: 19.1 },
    { i: 2, area: 60, atoms: 130, eps: 1.2, s1: 1.2, s2: 0.1, twist: 30 },
    { i: 3, area: 60, atoms: NaN, eps: 0.5, s1: 0.5, s2: 0.5, twist: 40.9 },
  ];
  const none = { twistMin: null, twistMax: null, maxArea: null, maxAtoms: null };
  it('sorts by the largest |ε| (ties by area, then index), not by the signed strain', () => {
    expect(filterRows(rows, none, { key: 'eps', dir: 1 }).map((r) => r.i)).toEqual([1, 3, 2, 0]);
    expect(filterRows(rows, none, { key: 's1', dir: 1 }).map((r) => r.i)).toEqual([0, 1, 3, 2]);
    const tie = [{ ...rows[2], i: 0 }, { ...rows[0], i: 1, eps: 1.2 }];
    expect(filterRows(tie, none, { key: 'eps', dir: 1 }).map((r) => r.area)).toEqual([20, 60]);
  });
  it('keeps only rows within twist, area and atom bounds (inclusive); an unknown atom count is not excluded', () => {
    expect(filterRows(rows, { ...none, twistMin: 19.1, twistMax: 30 }, { key: 'area', dir: 1 }).map((r) => r.i)).toEqual([1, 2]);
    expect(filterRows(rows, { ...none, maxArea: 40 }, { key: 'area', dir: 1 }).map((r) => r.i)).toEqual([0, 1]);
    expect(filterRows(rows, { ...none, maxAtoms: 90 }, { key: 'area', dir: -1 }).map((r) => r.i)).toEqual([3, 1, 0]);
  });
});
