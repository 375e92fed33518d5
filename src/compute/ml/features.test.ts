import { describe, expect, it } from 'vitest';
import { makeStructure } from '../../core/structure';
import { canonicalInterface } from '../ff/system';
import { computeFeatures, FEATURE_NAMES, interfaceZSeparation } from './features';

/**
 * A hand-built interface on a 3 × 3 Å square cell: two Au planes (one atom each, 2.5 Å apart) and an S–Mo–S film
 * whose bottom S sits 2.8 Å above the top Au plane. Every expected value below is worked out by hand from
 * element-props.ts (Au: EN 2.4, φ* 5.15 V, cohesive 368.2 kJ/mol, metallic radius 134 pm, polarizability 36,
 * valence 11, d 10; S: EN 2.58, polarizability 19.4, radius 100 pm; Mo: EN 2.16, polarizability 87, radius 145).
 */
function toy(zFilm = 5.3) {
  const pos = [0, 0, 0, 1.5, 1.5, 2.5, 0, 0, zFilm, 1.5, 0, zFilm + 1.6, 0, 0, zFilm + 3.2];
  return makeStructure({
    numbers: Uint8Array.from([79, 79, 16, 42, 16]),
    positions: Float64Array.from(pos),
    cell: Float64Array.from([3, 0, 0, 0, 3, 0, 0, 0, 30]),
    pbc: [true, true, true],
    arrays: { role: Uint8Array.from([0, 0, 1, 1, 1]) },
  });
}
const get = (v: Float64Array, n: (typeof FEATURE_NAMES)[number]) => v[FEATURE_NAMES.indexOf(n)];

describe('interface features (hand-checked)', () => {
  it('substrate, film, face and match features', () => {
    const f = computeFeatures({ structure: toy(), strain: -0.021, ff: { zSeparation: 3.1, bindingEnergy: 0.12 }, filmSpaceGroup: 187 });
    const v = f.values;
    expect(v).toHaveLength(FEATURE_NAMES.length);
    expect(get(v, 'film_symmetry_ops')).toBe(12); // P-6m2 (1H-MoS2 in its own cell): point group -6m2, order 12
    expect(get(v, 'sub_en_pauling')).toBe(2.4);
    expect(get(v, 'sub_phi_miedema_V')).toBe(5.15);
    expect(get(v, 'sub_cohesive_kJmol')).toBe(368.2);
    expect(get(v, 'sub_metallic_radius_pm')).toBe(134);
    expect(get(v, 'sub_n_valence')).toBe(11);
    expect(get(v, 'sub_d_band_filling')).toBe(1);
    expect(get(v, 'sub_work_function_eV')).toBe(5.1);
    expect(get(v, 'sub_bulk_modulus_GPa')).toBe(220);
    // Only the four in-plane images lie within 1.08 × 3 Å (the other plane's atom is 3.28 Å away): coordination 4,
    // and both planes' atoms have all four, so no bond is broken.
    expect(get(v, 'sub_coordination')).toBe(4);
    expect(get(v, 'sub_cohesive_eV_per_bond')).toBeCloseTo(368.2 / 96.485332 / 2, 12);
    expect(get(v, 'sub_surface_energy_bb_eV_per_A2')).toBe(0);
    expect(get(v, 'film_en_range')).toBeCloseTo(0.42, 12);
    expect(get(v, 'film_Z_cation')).toBe(42);
    expect(get(v, 'film_Z_anion')).toBe(16);
    expect(get(v, 'film_valence_mean')).toBe(6);
    // Slater radii S 1.00 Å, Mo 1.45 Å; slab height = thickness 3.2 + bottom and top S radii.
    const vol = (r: number) => (4 / 3) * Math.PI * r ** 3;
    expect(get(v, 'film_packing_efficiency')).toBeCloseTo((2 * vol(1) + vol(1.45)) / (9 * (3.2 + 2)), 12);
    // Au–Au between planes: √(1.5² + 1.5² + 2.5²) = 3.28 Å; an atom's own in-plane image is closer, 3 Å.
    expect(get(v, 'sub_nn_distance_A')).toBeCloseTo(3, 12);
    expect(get(v, 'sub_top_density_per_A2')).toBeCloseTo(1 / 9, 12);
    expect(get(v, 'film_en_mean')).toBeCloseTo((2 * 2.58 + 2.16) / 3, 12);
    expect(get(v, 'film_en_min')).toBe(2.16);
    expect(get(v, 'film_en_max')).toBe(2.58);
    expect(get(v, 'film_polarizability_mean_bohr3')).toBeCloseTo((2 * 19.4 + 87) / 3, 10);
    expect(get(v, 'face_en')).toBe(2.58);
    expect(get(v, 'face_atomic_radius_pm')).toBe(100);
    expect(get(v, 'janus_en_asymmetry')).toBe(0);
    expect(get(v, 'film_thickness_A')).toBeCloseTo(3.2, 12);
    expect(get(v, 'area_per_film_atom_A2')).toBeCloseTo(3, 12);
    expect(get(v, 'strain_max_pct')).toBeCloseTo(2.1, 12);
    expect(get(v, 'face_minus_sub_en')).toBeCloseTo(0.18, 12);
    expect(get(v, 'ff_z_A')).toBe(3.1);
    expect(get(v, 'ff_ebind_eV_per_atom')).toBe(0.12);
    expect(f.face).toEqual(['S']);
    expect(f.substrateElements).toEqual(['Au']);
    expect(f.missing).toEqual([]);
    expect(interfaceZSeparation(toy())).toBeCloseTo(2.8, 12);
  });
  it("film_symmetry_ops comes from the film's own space group; without one it is missing, not guessed", () => {
    const janus = computeFeatures({ structure: toy(), strain: 0, filmSpaceGroup: 156 }); // P3m1: 3m, order 6
    expect(get(janus.values, 'film_symmetry_ops')).toBe(6);
    const none = computeFeatures({ structure: toy(), strain: 0 });
    expect(get(none.values, 'film_symmetry_ops')).toBeNaN();
    expect(none.missing.join()).toMatch(/space group of the film's own cell/);
  });
  it('broken bonds of a simple-cubic slab: coordination 6, one bond per top atom broken', () => {
    // Three Au planes 3 Å apart on a 3 × 3 Å cell (one atom each) and the toy's film 2.8 Å above them.
    const pos = [0, 0, 0, 0, 0, 3, 0, 0, 6, 0, 0, 8.8, 1.5, 0, 10.4, 0, 0, 12];
    const s = makeStructure({
      numbers: Uint8Array.from([79, 79, 79, 16, 42, 16]), positions: Float64Array.from(pos), cell: Float64Array.from([3, 0, 0, 0, 3, 0, 0, 0, 40]),
      pbc: [true, true, true], arrays: { role: Uint8Array.from([0, 0, 0, 1, 1, 1]) },
    });
    const v = computeFeatures({ structure: s, strain: 0 }).values;
    expect(get(v, 'sub_coordination')).toBe(6);
    const eBond = 368.2 / 96.485332 / 3;
    expect(get(v, 'sub_cohesive_eV_per_bond')).toBeCloseTo(eBond, 12);
    expect(get(v, 'sub_surface_energy_bb_eV_per_A2')).toBeCloseTo(((1 / 9) * eBond) / 2, 12);
  });
  it('a Janus film has an asymmetry: Se on top of S–Mo', () => {
    const s = toy();
    s.numbers[4] = 34; // Se, EN 2.55
    expect(get(computeFeatures({ structure: s, strain: 0 }).values, 'janus_en_asymmetry')).toBeCloseTo(2.55 - 2.58, 12);
  });
  it('without a force-field prior its features are NaN; missing element properties are named', () => {
    const s = toy();
    s.numbers[0] = s.numbers[1] = 8; // an oxygen "substrate" has no Miedema φ*
    const f = computeFeatures({ structure: s, strain: 0 });
    expect(Number.isNaN(get(f.values, 'ff_z_A'))).toBe(true);
    expect(f.missing.join()).toMatch(/phiMiedema of O/);
  });
  it('wrapped across the cell boundary or upside down, the same interface gives the same features', () => {
    const ref = computeFeatures({ structure: toy(), strain: 0 }).values;
    const wrapped = toy();
    for (let i = 2; i < 5; i++) wrapped.positions[3 * i + 2] -= 30; // film moved below by one c
    const flipped = toy();
    for (let i = 0; i < 5; i++) flipped.positions[3 * i + 2] = 20 - flipped.positions[3 * i + 2];
    for (const s of [wrapped, flipped]) {
      expect(interfaceZSeparation(s)).toBeCloseTo(2.8, 10);
      const v = computeFeatures({ structure: s, strain: 0 }).values;
      ref.forEach((x, j) => (Number.isNaN(x) ? expect(Number.isNaN(v[j])).toBe(true) : expect(v[j]).toBeCloseTo(x, 10)));
    }
    expect(canonicalInterface(toy()).positions).toEqual(toy().positions); // canonical input is left alone
  });
  it('refuses a structure without film/substrate roles', () => {
    const s = toy();
    delete s.arrays.role;
    expect(() => computeFeatures({ structure: s, strain: 0 })).toThrow(/roles/);
  });
});

/** A clean fcc slab of element z (lattice a, Å), 6 planes, one atom per plane in the primitive surface cell. */
function fccSlab(z: number, a: number, facet: '111' | '100' | '110') {
  const d = a / Math.SQRT2;
  const cells = {
    // in-plane cell rows, per-plane in-plane shift (fractional), plane spacing
    '111': { cell: [d, 0, 0, d / 2, (d * Math.sqrt(3)) / 2, 0], shift: (k: number) => [(k % 3) / 3, (k % 3) / 3], dz: a / Math.sqrt(3) },
    '100': { cell: [d, 0, 0, 0, d, 0], shift: (k: number) => [(k % 2) / 2, (k % 2) / 2], dz: a / 2 },
    '110': { cell: [d, 0, 0, 0, a, 0], shift: (k: number) => [(k % 2) / 2, (k % 2) / 2], dz: d / 2 },
  }[facet];
  const [ax, ay, , bx, by] = cells.cell;
  const pos: number[] = [];
  for (let k = 0; k < 6; k++) {
    const [u, v] = cells.shift(k);
    pos.push(u * ax + v * bx, u * ay + v * by, k * cells.dz);
  }
  const top = 5 * cells.dz;
  pos.push(0, 0, top + 3.2); // one film atom (S) above
  return makeStructure({
    numbers: Uint8Array.from([...Array(6).fill(z), 16]),
    positions: Float64Array.from(pos),
    cell: Float64Array.from([...cells.cell, 0, 0, 40]),
    pbc: [true, true, true],
    arrays: { role: Uint8Array.from([0, 0, 0, 0, 0, 0, 1]) },
  });
}

describe('substrate work function per facet (substrate-props.ts)', () => {
  const wf = (z: number, a: number, facet: '111' | '100' | '110') => get(computeFeatures({ structure: fccSlab(z, a, facet), strain: 0 }).values, 'sub_work_function_eV');
  it('reads the facet from the slab and uses its measured value where one is listed', () => {
    expect(wf(29, 3.615, '111')).toBe(4.94);
    expect(wf(29, 3.615, '100')).toBe(4.59);
    expect(wf(29, 3.615, '110')).toBe(4.48);
    expect(wf(47, 4.086, '111')).toBe(4.46);
  });
  it('falls back to the polycrystalline value where no facet value was verified', () => {
    expect(wf(79, 4.078, '111')).toBeCloseTo(5.1, 12);
  });
});
