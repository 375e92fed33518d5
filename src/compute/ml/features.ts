/**
 * Features of a film-on-substrate interface for the binding-energy and z-separation models. One
 * implementation: the app and the CLI call it at prediction time, and the CLI writes the training table with
 * it (`heterolab features`), so training and inference can never disagree about a feature.
 *
 * Input is an interface structure whose `role` column marks the substrate (0) and the film (1), the match's
 * largest principal strain, and optionally the force field's own z-separation and binding energy (a physics
 * prior the model corrects). Elemental properties come from element-props.ts (sources cited there).
 */
import { PLANE_TOL, zSeparationOf } from '../../core/planes';
import { formula, type Structure } from '../../core/structure';
import { canonicalInterface } from '../ff/system';
import { ELEMENT_PROPS } from './element-props';
import { FACET_WORK_FUNCTION_EV, KJ_PER_MOL_PER_EV, WORK_FUNCTION_EV } from './substrate-props';
import { symmetryOpsOfSpaceGroup } from './symmetry-ops';

/** Version of the feature definitions; a model records the version it was trained with. */
export const FEATURES_VERSION = 4;

export const FEATURE_NAMES = [
  'sub_en_pauling',
  'sub_phi_miedema_V',
  'sub_cohesive_kJmol',
  'sub_metallic_radius_pm',
  'sub_polarizability_bohr3',
  'sub_n_valence',
  'sub_d_band_filling',
  'sub_nn_distance_A',
  'sub_top_density_per_A2',
  'sub_work_function_eV',
  'sub_bulk_modulus_GPa',
  'sub_coordination',
  'sub_cohesive_eV_per_bond',
  'sub_surface_energy_bb_eV_per_A2',
  'film_en_mean',
  'film_en_min',
  'film_en_max',
  'film_polarizability_mean_bohr3',
  'film_atomic_radius_mean_pm',
  'film_en_range',
  'film_Z_cation',
  'film_Z_anion',
  'film_valence_mean',
  'film_packing_efficiency',
  'film_symmetry_ops',
  'face_en',
  'face_polarizability_bohr3',
  'face_atomic_radius_pm',
  'janus_en_asymmetry',
  'film_thickness_A',
  'area_per_film_atom_A2',
  'strain_max_pct',
  'face_minus_sub_en',
  'ff_z_A',
  'ff_ebind_eV_per_atom',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export interface FeatureInput {
  /** Interface with arrays.role: 0 = substrate, 1 = the film the features describe (higher films ignored). */
  structure: Structure;
  /** Largest principal strain of the match (fraction, sign ignored). */
  strain: number;
  /** Force-field prior for the same interface, if computed: z-separation (Å) and binding energy (eV/film atom). */
  ff?: { zSeparation: number; bindingEnergy: number };
  /**
   * ITA number (1–230) of the space group of the film in its own cell (unstrained, with vacuum; not the strained
   * film inside the interface): the app's from moyo (symmetry.ts, once per prepared pair), the training table's
   * from the record's film_spacegroup. Gives film_symmetry_ops (symmetry-ops.ts); absent: NaN, listed as missing.
   */
  filmSpaceGroup?: number | null;
}

export interface Features {
  values: Float64Array;
  /** Properties the table lacks for some element (the value is NaN, and the model's domain check flags it). */
  missing: string[];
  /** Chemical symbols of the film's bottom plane (the face touching the substrate) and the substrate. */
  face: string[];
  substrateElements: string[];
  filmElements: string[];
  /** Reduced formula of the film (alphabetical, as core's formula()). */
  filmFormula: string;
}

const COLS = { enPauling: 2, phiMiedema: 3, cohesive: 4, metallicRadius: 5, atomicRadius: 6, polarizability: 7, nValence: 8, nD: 9, bulkModulus: 10 } as const;
type Col = keyof typeof COLS;

function prop(z: number, c: Col, missing: Set<string>): number {
  const row = ELEMENT_PROPS[z - 1];
  const v = row?.[COLS[c]] as number | null | undefined;
  if (v === null || v === undefined) {
    missing.add(`${c} of ${row?.[1] ?? `Z=${z}`}`);
    return NaN;
  }
  return v;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The facet an fcc slab's top face is, from (bulk coordination, top-atom coordination); others are not told apart. */
export const FACET_OF: Readonly<Record<string, string>> = { '12,9': '111', '12,8': '100', '12,7': '110' };

/** Work function (eV) of element z: the facet's measured value where FACET_WORK_FUNCTION_EV has it, else polycrystalline. */
function workFunction(z: number, facet: string | undefined, missing: Set<string>): number {
  const sym = ELEMENT_PROPS[z - 1]?.[1] ?? `Z=${z}`;
  const v = (facet !== undefined ? FACET_WORK_FUNCTION_EV[sym]?.[facet] : undefined) ?? WORK_FUNCTION_EV[sym];
  if (v === undefined) missing.add(`work function of ${sym}`);
  return v ?? NaN;
}

export function computeFeatures(inp: FeatureInput): Features {
  const s = canonicalInterface(inp.structure);
  const role = s.arrays.role;
  if (!role) throw new Error('features need an interface with film/substrate roles');
  const n = s.numbers.length;
  const sub: number[] = [], film: number[] = [];
  for (let i = 0; i < n; i++) (role[i] === 0 ? sub : role[i] === 1 ? film : null)?.push(i);
  if (sub.length === 0 || film.length === 0) throw new Error('features need both substrate (role 0) and film (role 1) atoms');
  const z = (i: number) => s.positions[3 * i + 2];
  const missing = new Set<string>();
  const avg = (idx: number[], c: Col) => mean(idx.map((i) => prop(s.numbers[i], c, missing)));

  const subTop = Math.max(...sub.map(z));
  const topPlane = sub.filter((i) => subTop - z(i) <= PLANE_TOL);
  const fz = film.map(z);
  const fMin = Math.min(...fz), fMax = Math.max(...fz);
  const face = film.filter((i) => z(i) - fMin <= PLANE_TOL);
  const top = film.filter((i) => fMax - z(i) <= PLANE_TOL);
  const c = s.cell;
  const area = Math.abs(c[0] * c[4] - c[1] * c[3]);
  const filmEn = film.map((i) => prop(s.numbers[i], 'enPauling', missing));
  const subEn = avg(sub, 'enPauling');
  const faceEn = avg(face, 'enPauling');

  const nn = nearestNeighbour(s, sub);
  const bonds = substrateBonds(s, sub, nn, area);
  const eBond = (avg(sub, 'cohesive') / KJ_PER_MOL_PER_EV) / (bonds.coordination / 2);
  const volume = (i: number) => (4 / 3) * Math.PI * (prop(s.numbers[i], 'atomicRadius', missing) / 100) ** 3;
  const slabHeight = fMax - fMin + avg(face, 'atomicRadius') / 100 + avg(top, 'atomicRadius') / 100;
  const ions = filmIons(film.map((i) => s.numbers[i]), missing);
  const symOps = symmetryOpsOfSpaceGroup(inp.filmSpaceGroup);
  if (Number.isNaN(symOps)) missing.add(`space group of the film's own cell${inp.filmSpaceGroup != null ? ` (got ${inp.filmSpaceGroup})` : ''}`);

  const values = [
    subEn,
    avg(sub, 'phiMiedema'),
    avg(sub, 'cohesive'),
    avg(sub, 'metallicRadius'),
    avg(sub, 'polarizability'),
    avg(sub, 'nValence'),
    avg(sub, 'nD') / 10,
    nn,
    topPlane.length / area,
    mean(sub.map((i) => workFunction(s.numbers[i], FACET_OF[`${bonds.coordination},${bonds.topCoordination}`], missing))),
    avg(sub, 'bulkModulus'),
    bonds.coordination,
    eBond,
    (bonds.brokenPerArea * eBond) / 2,
    mean(filmEn),
    Math.min(...filmEn),
    Math.max(...filmEn),
    avg(film, 'polarizability'),
    avg(film, 'atomicRadius'),
    Math.max(...filmEn) - Math.min(...filmEn),
    ions.cation,
    ions.anion,
    avg(film, 'nValence'),
    film.reduce((a, i) => a + volume(i), 0) / (area * slabHeight),
    symOps,
    faceEn,
    avg(face, 'polarizability'),
    avg(face, 'atomicRadius'),
    avg(top, 'enPauling') - faceEn,
    fMax - fMin,
    area / film.length,
    Math.abs(inp.strain) * 100,
    faceEn - subEn,
    inp.ff?.zSeparation ?? NaN,
    inp.ff?.bindingEnergy ?? NaN,
  ];
  const sym = (idx: number[]) => [...new Set(idx.map((i) => ELEMENT_PROPS[s.numbers[i] - 1]?.[1] ?? `Z${s.numbers[i]}`))].sort();
  return { values: Float64Array.from(values), missing: [...missing], face: sym(face), substrateElements: sym(sub), filmElements: sym(film), filmFormula: formula(Uint8Array.from(film, (i) => s.numbers[i])) };
}

/** Shortest distance (Å) between two substrate atoms, with in-plane periodic images (a bulk-metal property). */
function nearestNeighbour(s: Structure, idx: number[]): number {
  const c = s.cell, p = s.positions;
  let best2 = Infinity;
  // The shortest bond shows up from any atom of the slab's top plane; a few dozen atoms are plenty.
  const sample = idx.slice(0, 48);
  for (const i of sample)
    for (const j of idx) {
      const dz = p[3 * j + 2] - p[3 * i + 2], dz2 = dz * dz;
      if (dz2 >= best2) continue; // no in-plane image can beat the best so far
      for (let a = -1; a <= 1; a++)
        for (let b = -1; b <= 1; b++) {
          const dx = p[3 * j] + a * c[0] + b * c[3] - p[3 * i];
          const dy = p[3 * j + 1] + a * c[1] + b * c[4] - p[3 * i + 1];
          const d2 = dx * dx + dy * dy + dz2;
          if (d2 > 0.25 && d2 < best2) best2 = d2;
        }
    }
  return Math.sqrt(best2);
}

/** Atomic number of the film's least electronegative element (the "metal") and the mean Z of its other atoms. */
function filmIons(numbers: number[], missing: Set<string>): { cation: number; anion: number } {
  const en = (z: number) => prop(z, 'enPauling', missing);
  const cation = [...new Set(numbers)].reduce((a, b) => (en(b) < en(a) ? b : a));
  const rest = numbers.filter((z) => z !== cation);
  return { cation, anion: rest.length ? mean(rest) : cation };
}

/** Neighbours closer than this factor × the nearest-neighbour distance are bonded (bcc's second shell is at 1.155). */
const BOND_FACTOR = 1.08;
/** Atoms sampled for the bond counts: the counts are per atom of a periodic slab, so a few dozen suffice. */
const SAMPLE = 48;

/** How many of the candidates (with in-plane images) lie within maxD (Å) of atom i. */
function neighbourCount(s: Structure, i: number, cands: number[], maxD: number): number {
  let n = 0;
  eachNeighbour(s, i, cands, maxD, () => n++);
  return n;
}

/** Calls f(d²) for every candidate image (in-plane images −2..2) with 0.25 < d² ≤ maxD², in a fixed order. */
function eachNeighbour(s: Structure, i: number, cands: number[], maxD: number, f: (d2: number) => void): void {
  const c = s.cell, p = s.positions, max2 = maxD * maxD;
  const xi = p[3 * i], yi = p[3 * i + 1], zi = p[3 * i + 2];
  for (const j of cands) {
    const dz = p[3 * j + 2] - zi, dz2 = dz * dz;
    if (dz2 > max2) continue; // no in-plane image brings it closer (the cell's third vector is not imaged)
    for (let a = -2; a <= 2; a++)
      for (let b = -2; b <= 2; b++) {
        const dx = p[3 * j] + a * c[0] + b * c[3] - xi;
        const dy = p[3 * j + 1] + a * c[1] + b * c[4] - yi;
        const d2 = dx * dx + dy * dy + dz2;
        if (d2 > 0.25 && d2 <= max2) f(d2);
      }
  }
}

/**
 * Bulk coordination of the substrate (the largest neighbour count among atoms near the slab's middle, each
 * counting neighbours within BOND_FACTOR × its own nearest distance) and the bonds its top surface breaks per Å²
 * (atoms within one bond length of the top plane, each missing coordination − its count). With the cohesive
 * energy per bond this is the broken-bond estimate of the facet's surface energy, γ ≈ (broken bonds per area) ×
 * E_bond / 2 (e.g. M. Methfessel, D. Hennig, M. Scheffler, Phys. Rev. B 46 (1992) 4816).
 */
function substrateBonds(s: Structure, sub: number[], nn: number, area: number): { coordination: number; topCoordination: number; brokenPerArea: number } {
  const z = (i: number) => s.positions[3 * i + 2];
  const maxD = 2 * nn;
  const near = (i: number) => sub.filter((j) => Math.abs(z(j) - z(i)) <= maxD);
  const zs = sub.map(z);
  const top = Math.max(...zs), bot = Math.min(...zs), mid = (top + bot) / 2;
  const byMid = [...sub].sort((i, j) => Math.abs(z(i) - mid) - Math.abs(z(j) - mid)).slice(0, 8);
  let coordination = 0, bond = nn;
  for (const i of byMid) {
    // The nearest distance, then the neighbours within BOND_FACTOR of it (two passes, no list to sort).
    const cands = near(i);
    let min2 = Infinity;
    eachNeighbour(s, i, cands, maxD, (d2) => { if (d2 < min2) min2 = d2; });
    if (min2 === Infinity) continue; // no neighbour: counts 0, never the largest
    const d0 = Math.sqrt(min2), lim = BOND_FACTOR * d0;
    let count = 0;
    eachNeighbour(s, i, cands, maxD, (d2) => { if (Math.sqrt(d2) <= lim) count++; });
    if (count > coordination) [coordination, bond] = [count, d0];
  }
  const region = sub.filter((i) => top - z(i) <= bond);
  const sample = region.slice(0, SAMPLE);
  const count = (i: number) => neighbourCount(s, i, near(i), BOND_FACTOR * bond);
  let missing = 0;
  for (const i of sample) missing += Math.max(0, coordination - count(i));
  // Neighbours of the top plane's atoms: what tells the facet (fcc: 9 on (111), 8 on (100), 7 on (110)).
  const topCoordination = Math.max(0, ...sub.filter((i) => top - z(i) <= PLANE_TOL).slice(0, 8).map(count));
  return { coordination, topCoordination, brokenPerArea: (missing / sample.length) * (region.length / area) };
}

/** z-separation (Å) of film 1 over the substrate: bottom plane of the film minus top plane of the substrate. */
export function interfaceZSeparation(s0: Structure): number {
  const s = canonicalInterface(s0);
  return zSeparationOf(s.positions, s.arrays.role!, 1);
}
