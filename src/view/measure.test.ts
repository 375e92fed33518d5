import { describe, expect, it } from 'vitest';
import { angleDeg, dihedralDeg, distance, measureText } from './measure';

describe('measurements', () => {
  it('distance, angle and dihedral of known geometries', () => {
    expect(distance([0, 0, 0], [3, 4, 0])).toBe(5);
    expect(angleDeg([1, 0, 0], [0, 0, 0], [0, 1, 0])).toBeCloseTo(90, 10);
    expect(angleDeg([1, 0, 0], [0, 0, 0], [-1, 1e-9, 0])).toBeCloseTo(180, 6);
    // Tetrahedral angle: two corners of a cube seen from its centre.
    expect(angleDeg([1, 1, 1], [0, 0, 0], [1, -1, -1])).toBeCloseTo((Math.acos(-1 / 3) * 180) / Math.PI, 10);
  });

  it('dihedral: cis 0°, trans 180°, and the IUPAC sign (+90° clockwise from atom 2 to 3)', () => {
    const b: [number, number, number] = [0, 0, 0], c: [number, number, number] = [0, 0, 1];
    expect(dihedralDeg([1, 0, 0], b, c, [1, 0, 1])).toBeCloseTo(0, 10);
    expect(Math.abs(dihedralDeg([1, 0, 0], b, c, [-1, 0, 1]))).toBeCloseTo(180, 10);
    // Looking along +z (b → c) the viewer's right is +x and up is −y: a at +x (right) turns clockwise onto d at
    // +y (down), a positive torsion; onto d at −y (up) it turns anticlockwise, a negative one.
    expect(dihedralDeg([1, 0, 0], b, c, [0, 1, 1])).toBeCloseTo(90, 10);
    expect(dihedralDeg([1, 0, 0], b, c, [0, -1, 1])).toBeCloseTo(-90, 10);
  });

  it('formats each kind with its unit', () => {
    expect(measureText([[0, 0, 0], [0, 0, 2.41]])).toBe('2.410 Å');
    expect(measureText([[1, 0, 0], [0, 0, 0], [0, 1, 0]])).toBe('90.00°');
    expect(measureText([[1, 0, 0], [0, 0, 0], [0, 0, 1], [0, -1, 1]])).toBe('-90.00°');
  });
});
