import { describe, expect, it } from 'vitest';
import { atomicNumber, element } from '../core/elements';
import { LIBRARY } from '../core/library/library';
import { deltaE, deltaE2000, drawnColours, hexToLab, labToHex, MIN_DELTA_E } from './palette';

const z = (s: string) => atomicNumber(s);
const colours = (...symbols: string[]) => drawnColours(symbols.map(z));
const minPairDelta = (m: Map<number, { color: string }>) => {
  const cs = [...m.values()].map((c) => c.color);
  let d = Infinity;
  for (let i = 0; i < cs.length; i++) for (let j = i + 1; j < cs.length; j++) d = Math.min(d, deltaE(cs[i], cs[j]));
  return d;
};

describe('element colours drawn together', () => {
  it('CIEDE2000 matches the published test pairs (Sharma, Wu & Dalal 2005, table 1)', () => {
    expect(deltaE2000([50, 2.6772, -79.7751], [50, 0, -82.7485])).toBeCloseTo(2.0425, 4);
    expect(deltaE2000([50, -1, 2], [50, 0, 0])).toBeCloseTo(2.3669, 4);
    expect(deltaE2000([2.0776, 0.0795, -1.135], [0.9033, -0.0636, -0.5514])).toBeCloseTo(0.9082, 4);
    expect(deltaE2000([90.9257, -0.5406, -0.9208], [88.6381, -0.8985, -0.7239])).toBeCloseTo(1.5381, 4);
  });

  it('hex ↔ CIELAB round-trips', () => {
    for (const h of ['#ffd123', '#3050f8', '#909090', '#ffffff', '#000000']) expect(labToHex(hexToLab(h))).toBe(h);
  });

  it("Jmol's own S/Au and N/W are too close; drawn together they are told apart", () => {
    for (const [p, q] of [['S', 'Au'], ['N', 'W']]) {
      expect(deltaE(element(z(p)).color, element(z(q)).color)).toBeLessThan(MIN_DELTA_E);
      const m = colours(p, q);
      expect(deltaE(m.get(z(p))!.color, m.get(z(q))!.color)).toBeGreaterThanOrEqual(MIN_DELTA_E);
      // The lighter element keeps its Jmol colour; the heavier one says what Jmol's was.
      expect(m.get(z(p))).toEqual({ z: z(p), color: element(z(p)).color });
      expect(m.get(z(q))!.jmol).toBe(element(z(q)).color);
    }
  });

  it('Mo and C (MoS2 on graphite) are told apart, and Mo keeps its hue family', () => {
    const m = colours('C', 'Mo', 'S');
    expect(minPairDelta(m)).toBeGreaterThanOrEqual(MIN_DELTA_E);
    expect(m.get(z('C'))!.color).toBe(element(6).color);
  });

  it('elements that Jmol already separates keep their Jmol colours', () => {
    const m = colours('Mo', 'S', 'O', 'H');
    for (const [k, c] of m) expect(c.color).toBe(element(k).color);
  });

  it('every library structure, alone and as each film on each metal substrate, draws its elements distinctly', () => {
    const films = LIBRARY.filter((e) => e.kind === 'layer'), metals = LIBRARY.filter((e) => e.kind === 'bulk');
    const sets = [...LIBRARY.map((e) => e.elements), ...films.flatMap((f) => metals.map((m) => [...f.elements, ...m.elements]))];
    expect(sets.length).toBeGreaterThan(100);
    const worst = sets.map((s) => ({ s: s.join(''), d: minPairDelta(colours(...s)) })).sort((a, b) => a.d - b.d)[0];
    expect(worst.d, worst.s).toBeGreaterThanOrEqual(MIN_DELTA_E);
  });

  it('is deterministic and does not depend on the order the elements come in', () => {
    expect([...colours('Au', 'S', 'Mo')]).toEqual([...colours('Mo', 'S', 'Au', 'S')]);
  });
});
