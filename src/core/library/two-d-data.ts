import { hexArea, honeycombSites, mxySites, mxySitesAt, planeGaps, SPLIT_METHOD, threeSixSites, threeSixSitesAt } from './layer-geometry';
import type { LayerEntry, LayerSite } from './types';

/*
 * Sources of the 2D-material numbers.
 *
 * C2DB / BiDB: the Computational 2D Materials Database (S. Haastrup et al., 2D Mater. 5, 042002 (2018);
 * M. N. Gjerding et al., 2D Mater. 8, 044002 (2021)) and its bilayer database BiDB (S. Pakdel et al.,
 * Nat. Commun. (2024), doi:10.1038/s41467-024-45003-w; bidb.fysik.dtu.dk; its "Binding energy" column is the energy, per in-plane area, to pull the bilayer apart into two monolayers). Janus monolayers in C2DB: A. C. Riis-Jensen et al.,
 * ACS Nano 13, 13354 (2019). Numbers are PBE (lattice constants of TMDs ≈ 1 % above experiment).
 * - Janus rows: ../shared/data/c2db-bilayers/janus-like-monolayers.tsv (its README gives the derivation:
 *   a = √(2A/√3) from the cell area A, thickness = (bilayer thickness − interlayer distance)/2).
 * - Parent (non-Janus) rows: the same derivation applied to the BiDB table bidb.csv (mirror: GitHub
 *   AnVuong123/bimat_ml), taking for each monolayer the most strongly bound bilayer stacking.
 *
 * Formation energy (eV/atom, the Hetero2d definition: layer minus its bulk): estimated from the BiDB bilayer
 * binding energy Eb (meV/Å², most strongly bound stacking) as Eb · A / N, N atoms per monolayer cell. In the
 * bulk every layer has two neighbours and shares each interface with one of them, so it holds one interface's
 * binding energy; interactions beyond the nearest layer are left out (an underestimate of a few %).
 * Check against Hetero2d's DFT value for MoS2 (0.0724 eV/atom): this estimate gives 0.0776 (+7 %). ZnTe
 * (Hetero2d 0.176) is not in BiDB, so it cannot be checked.
 *
 * Phases: the table does not say which Janus entries are 1H and which 1T, and lists some compositions twice
 * (two polymorphs, names ending -1/-2). Group-VI (Mo, W, Cr) dichalcogenide monolayers are semiconductors in
 * the 1H phase and metals in the 1T phase (C. Ataca et al., J. Phys. Chem. C 116, 8983 (2012)); every Mo, W,
 * Cr row has a PBE gap ≥ 0.26 eV in the table except MoSSe-2 (gap 0), so those are 1H and MoSSe-2 is 1T
 * (MoSSe-1's a, 3.251 Å, is also the Vegard mean of 1H MoS2 and MoSe2 below, 3.252 Å). Sn and Zr S/Se have a
 * single row, taken as 1T like SnS2, SnSe2, ZrS2, ZrSe2 (its a is the Vegard mean of those 1T parents to 0.002 Å).
 * For the other group-IV pairs and the pnictogen chalcogenide-halides the polymorph with the larger a is
 * taken as 1T (for Ti S/Se it is the one whose a is the Vegard mean of the 1T parents TiS2, TiSe2), and the
 * single TiClBr and ZrBrI rows as 1T. These are inferences, not data: marked `phase inferred` in `method` and
 * by phaseInferred; a C2DB structure file per id would settle them.
 * Janus V, Nb and Ta compositions are left out: their two polymorphs cannot be told apart this way.
 */

const C2DB = 'C2DB/BiDB (Haastrup et al. 2018; Pakdel et al. 2024)';
const C2DB_JANUS = 'C2DB/BiDB Janus monolayers (Riis-Jensen et al., ACS Nano 2019; Pakdel et al. 2024)';
const EF_METHOD = 'estimated: BiDB bilayer binding energy × cell area / atoms (one interface per layer in the bulk)';

/** Formation energy estimate (eV/atom) from a bilayer binding energy ebMeV (meV/Å²), area (Å²) and atoms per cell. */
export function formationFromBinding(ebMeV: number, areaA2: number, atoms: number): number {
  return (ebMeV * areaA2) / 1000 / atoms;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

// [M, X (bottom), Y (top), phase, C2DB id, a (Å), thickness (Å), bilayer binding (meV/Å²), phase inferred]
// from janus-like-monolayers.tsv.
type JanusRow = readonly [string, string, string, '1H' | '1T', string, number, number, number, boolean];
const JANUS_C2DB: readonly JanusRow[] = [
  ['As', 'Te', 'Br', '1T', 'AsBrTe-64921449e408', 3.982, 3.309, 17.62, true],
  ['As', 'Te', 'Br', '1H', 'AsBrTe-671e6de2497a', 3.868, 3.631, 19.33, true],
  ['Bi', 'Te', 'Br', '1T', 'BiBrTe-304bc6a92d82', 4.343, 3.565, 16.83, true],
  ['Bi', 'Te', 'Br', '1H', 'BiBrTe-f4f45fcade85', 4.222, 3.854, 18.16, true],
  ['Bi', 'Te', 'I', '1T', 'BiITe-2d41b3dd1772', 4.422, 3.773, 17.54, true],
  ['Bi', 'Te', 'I', '1H', 'BiITe-a84d988e38ac', 4.296, 4.059, 18.32, true],
  ['Ti', 'Cl', 'Br', '1T', 'BrClTi-d3f135b9cf41', 3.380, 3.278, 19.61, true],
  ['Zr', 'Br', 'I', '1T', 'BrIZr-28c61999c692', 3.703, 3.762, 18.56, true],
  ['Cr', 'S', 'Se', '1H', 'CrSSe-09e1e5ef94cb', 3.129, 3.048, 26.83, false],
  ['Cr', 'S', 'Te', '1H', 'CrSTe-8a0864d30ce1', 3.272, 3.176, 28.46, false],
  ['Cr', 'Se', 'Te', '1H', 'CrSeTe-5d9d3ded04de', 3.347, 3.277, 27.68, false],
  ['Hf', 'S', 'Se', '1T', 'HfSSe-63618e5bf062', 3.711, 3.021, 20.58, true],
  ['Hf', 'S', 'Se', '1H', 'HfSSe-9afb20358166', 3.610, 3.245, 21.39, true],
  ['Hf', 'S', 'Te', '1T', 'HfSTe-6da5c5b7dd23', 3.807, 3.198, 22.34, true],
  ['Hf', 'S', 'Te', '1H', 'HfSTe-2602a918955b', 3.716, 3.391, 23.25, true],
  ['Hf', 'Se', 'Te', '1T', 'HfSeTe-a514ac4ca101', 3.872, 3.337, 22.91, true],
  ['Hf', 'Se', 'Te', '1H', 'HfSeTe-305c779b8752', 3.790, 3.520, 23.58, true],
  ['Sb', 'Te', 'I', '1T', 'ISbTe-0f02957b17cf', 4.318, 3.705, 17.47, true],
  ['Sb', 'Te', 'I', '1H', 'ISbTe-052a3116531d', 4.189, 4.011, 18.47, true],
  ['Mo', 'O', 'S', '1H', 'MoOS-85f406e841b4', 2.999, 2.778, 29.27, false],
  ['Mo', 'O', 'Se', '1H', 'MoOSe-d6479152c1bb', 3.067, 2.881, 35.15, false],
  ['Mo', 'S', 'Se', '1H', 'MoSSe-de7ac5fc6945', 3.251, 3.232, 28.05, false],
  ['Mo', 'S', 'Se', '1T', 'MoSSe-6a7e9eb85b12', 3.221, 3.329, 32.19, false],
  ['Mo', 'S', 'Te', '1H', 'MoSTe-e4bb8738150a', 3.363, 3.373, 29.92, false],
  ['Mo', 'Se', 'Te', '1H', 'MoSeTe-42eb12e7b656', 3.433, 3.476, 29.20, false],
  ['W', 'O', 'S', '1H', 'OSW-b3f989013f80', 3.005, 2.803, 31.72, false],
  ['W', 'O', 'Se', '1H', 'OSeW-1d3a0d54f893', 3.068, 2.909, 35.77, false],
  ['Sn', 'S', 'Se', '1T', 'SSeSn-9c38109ec332', 3.782, 3.070, 17.01, false],
  ['Ti', 'S', 'Se', '1T', 'SSeTi-2b3766515d71', 3.478, 2.966, 23.56, true],
  ['Ti', 'S', 'Se', '1H', 'SSeTi-358305cad463', 3.420, 3.122, 24.78, true],
  ['W', 'S', 'Se', '1H', 'SSeW-001e03f2c095', 3.252, 3.251, 29.71, false],
  ['Zr', 'S', 'Se', '1T', 'SSeZr-1a9901838600', 3.737, 3.026, 20.60, false],
  ['Ti', 'S', 'Te', '1T', 'STeTi-f7951952a07e', 3.590, 3.122, 24.13, true],
  ['Ti', 'S', 'Te', '1H', 'STeTi-be00293bffd6', 3.546, 3.250, 24.94, true],
  ['W', 'S', 'Te', '1H', 'STeW-75ee10091f43', 3.362, 3.390, 31.25, false],
  ['Zr', 'S', 'Te', '1T', 'STeZr-3f7c4bfed2d9', 3.824, 3.214, 21.00, true],
  ['Zr', 'S', 'Te', '1H', 'STeZr-3f3c7bc0ce7d', 3.744, 3.392, 21.87, true],
  ['Ti', 'Se', 'Te', '1T', 'SeTeTi-4e0ab8d328c1', 3.645, 3.280, 26.58, true],
  ['Ti', 'Se', 'Te', '1H', 'SeTeTi-03e8a2c97f5b', 3.616, 3.390, 26.60, true],
  ['W', 'Se', 'Te', '1H', 'SeTeW-6e2a4c6f4f57', 3.433, 3.494, 31.16, false],
  ['Zr', 'Se', 'Te', '1T', 'SeTeZr-bb384009e73e', 3.884, 3.364, 22.45, true],
  ['Zr', 'Se', 'Te', '1H', 'SeTeZr-dd69b684c867', 3.810, 3.532, 22.94, true],
];

// [key, M, X, phase or III-VI, C2DB id, a (Å), thickness (Å), bilayer binding (meV/Å²), atoms per cell] from bidb.csv.
type ParentRow = readonly [string, string, string, '1H' | '1T' | 'III-VI', string, number, number, number, number];
const PARENTS: readonly ParentRow[] = [
  ['MoS2-1H', 'Mo', 'S', '1H', 'MoS2-b3b4685fb6e1', 3.184, 3.127, 26.514, 3],
  ['MoSe2-1H', 'Mo', 'Se', '1H', 'MoSe2-f61b14d398c7', 3.32, 3.338, 28.444, 3],
  ['MoTe2-1H', 'Mo', 'Te', '1H', 'MoTe2-38a53176109a', 3.547, 3.611, 28.695, 3],
  ['WS2-1H', 'W', 'S', '1H', 'WS2-64090c9845f8', 3.186, 3.146, 27.505, 3],
  ['WSe2-1H', 'W', 'Se', '1H', 'WSe2-1cfbe6183886', 3.319, 3.358, 30.728, 3],
  ['TiS2-1T', 'Ti', 'S', '1T', 'TiS2-69e1739b4521', 3.414, 2.846, 23.67, 3],
  ['ZrS2-1T', 'Zr', 'S', '1T', 'ZrS2-8913f4e54692', 3.682, 2.892, 19.464, 3],
  ['SnS2-1T', 'Sn', 'S', '1T', 'SnS2-42a44e4e7298', 3.696, 2.955, 16.13, 3],
  ['SnSe2-1T', 'Sn', 'Se', '1T', 'SnSe2-2c6d4c024ca0', 3.865, 3.186, 18.52, 3],
  ['SnTe2-1T', 'Sn', 'Te', '1T', 'SnTe2-bf7106f4a58a', 4.122, 3.562, 23.76, 3],
  ['PtS2-1T', 'Pt', 'S', '1T', 'PtS2-77caffd1d3ed', 3.574, 2.464, 30.49, 3],
  ['PtSe2-1T', 'Pt', 'Se', '1T', 'PtSe2-d000f0288397', 3.748, 2.619, 34.106, 3],
  ['PtTe2-1T', 'Pt', 'Te', '1T', 'PtTe2-747f8e0087c0', 4.016, 2.775, 41.12, 3],
  ['GaS', 'Ga', 'S', 'III-VI', 'Ga2S2-ac002f4ce724', 3.645, 4.667, 15.539, 4],
  ['GaSe', 'Ga', 'Se', 'III-VI', 'Ga2Se2-394e5709a3ac', 3.824, 4.83, 16.62, 4],
  ['GaTe', 'Ga', 'Te', 'III-VI', 'Ga2Te2-55c23ca88a05', 4.13, 5.02, 16.04, 4],
  ['InS', 'In', 'S', 'III-VI', 'In2S2-172ef584c4a6', 3.915, 5.175, 16.27, 4],
  ['InSe', 'In', 'Se', 'III-VI', 'In2Se2-eb204c739879', 4.074, 5.367, 17.292, 4],
  ['InTe', 'In', 'Te', 'III-VI', 'In2Te2-fcd97ff5abcd', 4.37, 5.574, 16.29, 4],
];

function freezeEntry(e: LayerEntry): LayerEntry {
  for (const s of e.sites) Object.freeze(s);
  Object.freeze(e.sites);
  Object.freeze(e.elements);
  if (e.faces) Object.freeze(e.faces);
  return Object.freeze(e);
}

function elementsOf(sites: readonly LayerSite[]): string[] {
  return [...new Set(sites.map((s) => s.species))];
}

function thicknessOf(sites: readonly LayerSite[]): number {
  return Math.max(...sites.map((s) => s.z)) - Math.min(...sites.map((s) => s.z));
}

function janusFromC2db([m, x, y, phase, id, a, t, eb, inferred]: JanusRow): LayerEntry {
  const sites = mxySites(phase, m, x, y, a, t);
  return freezeEntry({
    kind: 'layer', id: `${m}${x}${y}-${phase}`, family: 'janus', formula: `${m}${x}${y}`, elements: elementsOf(sites),
    prototype: phase, a, thickness: t, cell2d: 'hexagonal', sites,
    source: `${C2DB_JANUS}, id ${id}`,
    method: `PBE a and thickness as derived in janus-like-monolayers.tsv${inferred ? `; phase inferred (${phase}: see two-d-data.ts)` : ''}`,
    estimated: false,
    heightMethod: SPLIT_METHOD,
    formationEnergy: r4(formationFromBinding(eb, hexArea(a), 3)), formationEnergyMethod: `${EF_METHOD} (id ${id}, Eb = ${eb} meV/Å²)`, formationEnergyEstimated: true,
    faces: { bottom: x, top: y },
    phaseInferred: inferred,
  });
}

function parentEntry([key, m, x, phase, id, a, t, eb, n]: ParentRow): LayerEntry {
  const sites = phase === 'III-VI' ? threeSixSites(m, x, x, a, t) : mxySites(phase, m, x, x, a, t);
  const formula = phase === 'III-VI' ? `${m}${x}` : `${m}${x}2`;
  const isMoS2 = key === 'MoS2-1H';
  const estimate = r4(formationFromBinding(eb, hexArea(a), n));
  return freezeEntry({
    kind: 'layer', id: key, family: 'common-2d', formula, elements: elementsOf(sites), prototype: phase, a, thickness: t,
    cell2d: 'hexagonal', sites, source: `${C2DB}, id ${id}`, method: 'PBE a and thickness, derived from bidb.csv as for janus-like-monolayers.tsv',
    estimated: false, heightMethod: SPLIT_METHOD,
    // MoS2 is one of the films whose formation energy Hetero2d computed (Formation_Energy.E_form of its records in ../shared/data/hetero2d).
    formationEnergy: isMoS2 ? 0.0724 : estimate,
    formationEnergyMethod: isMoS2 ? `Hetero2d DFT (Boland & Singh, Comput. Mater. Sci. 2022), record E_form; the BiDB estimate gives ${estimate}` : `${EF_METHOD} (id ${id}, Eb = ${eb} meV/Å²)`,
    formationEnergyEstimated: !isMoS2,
  });
}

const PARENT_ENTRIES = PARENTS.map(parentEntry);
function parent(key: string): LayerEntry {
  const p = PARENT_ENTRIES.find((e) => e.id === key);
  if (!p) throw new Error(`library: no parent ${key}`); // a data error, caught by the tests at import
  return p;
}

/** Janus MXY (1T) or M2XY (III–VI) estimated from its two parents by Vegard's law. */
function janusEstimate(m: string, x: string, y: string, phase: '1T' | 'III-VI'): LayerEntry {
  const key = (c: string) => (phase === 'III-VI' ? `${m}${c}` : `${m}${c}2-${phase}`);
  const px = parent(key(x)), py = parent(key(y));
  const a = r4((px.a + py.a) / 2);
  let sites: LayerSite[];
  if (phase === 'III-VI') {
    const gx = planeGaps(px.sites), gy = planeGaps(py.sites);
    sites = threeSixSitesAt(m, x, y, [gx[0], (gx[1] + gy[1]) / 2, gy[2]]);
  } else {
    const hx = px.thickness / 2, hy = py.thickness / 2;
    sites = mxySitesAt(phase, m, x, y, hx, hx + hy);
  }
  const ef = px.formationEnergy !== null && py.formationEnergy !== null ? r4((px.formationEnergy + py.formationEnergy) / 2) : null;
  return freezeEntry({
    kind: 'layer', id: phase === 'III-VI' ? `${m}2${x}${y}` : `${m}${x}${y}-${phase}`, family: 'janus',
    formula: phase === 'III-VI' ? `${m}2${x}${y}` : `${m}${x}${y}`, elements: elementsOf(sites), prototype: phase, a,
    thickness: r4(thicknessOf(sites)), cell2d: 'hexagonal', sites,
    source: `estimated from the parents ${px.id} and ${py.id} (${C2DB})`,
    method: "estimated: a by Vegard's law (mean of the parents' a)",
    estimated: true,
    heightMethod: `estimated: each face keeps its parent's plane spacing (${phase === 'III-VI' ? 'M–M spacing: mean of the parents' : 'half the parent thickness'})`,
    formationEnergy: ef, formationEnergyMethod: "estimated: mean of the parents' BiDB estimates", formationEnergyEstimated: true,
    faces: { bottom: x, top: y },
  });
}

const ESTIMATED: readonly [string, string, string, '1T' | 'III-VI'][] = [
  ['Pt', 'S', 'Se', '1T'], ['Pt', 'S', 'Te', '1T'], ['Pt', 'Se', 'Te', '1T'], ['Sn', 'S', 'Te', '1T'], ['Sn', 'Se', 'Te', '1T'],
  ['In', 'S', 'Se', 'III-VI'], ['In', 'S', 'Te', 'III-VI'], ['In', 'Se', 'Te', 'III-VI'],
  ['Ga', 'S', 'Se', 'III-VI'], ['Ga', 'S', 'Te', 'III-VI'], ['Ga', 'Se', 'Te', 'III-VI'],
];

export const JANUS: readonly LayerEntry[] = [...JANUS_C2DB.map(janusFromC2db), ...ESTIMATED.map((r) => janusEstimate(...r))];

/** Graphene and h-BN from C2DB (flat, thickness 0). */
function honeycomb(id: string, a: string, b: string, latticeA: number, c2db: string, eb: number): LayerEntry {
  const sites = honeycombSites(a, b);
  return freezeEntry({
    kind: 'layer', id, family: 'common-2d', formula: a === b ? a : `${a}${b}`, elements: elementsOf(sites), prototype: 'honeycomb',
    a: latticeA, thickness: 0, cell2d: 'hexagonal', sites, source: `${C2DB}, id ${c2db}`, method: 'PBE a, derived from bidb.csv',
    estimated: false, heightMethod: 'flat', formationEnergy: r4(formationFromBinding(eb, hexArea(latticeA), 2)),
    formationEnergyMethod: `${EF_METHOD} (id ${c2db}, Eb = ${eb} meV/Å²)`, formationEnergyEstimated: true,
  });
}

/**
 * Phosphorene: one layer of bulk black phosphorus as measured (A. Brown & S. Rundqvist, Acta Cryst. 19, 684
 * (1965): Cmca, a = 3.3136 Å (zigzag), b = 10.478 Å (stacking), c = 4.3763 Å (armchair), P at 8f with
 * y = 0.10168, z = 0.08056). Puckering height 2 y b; in-plane offset of a zigzag pair (1/2 − 2z) c.
 */
function phosphorene(): LayerEntry {
  const zig = 3.3136, arm = 4.3763, h = 2 * 0.10168 * 10.478, d = 0.5 - 2 * 0.08056;
  const sites: LayerSite[] = [
    { species: 'P', u: 0, v: 0, z: 0 },
    { species: 'P', u: 0.5, v: d, z: 0 },
    { species: 'P', u: 0.5, v: 0.5, z: h },
    { species: 'P', u: 0, v: 0.5 + d, z: h },
  ];
  return freezeEntry({
    kind: 'layer', id: 'phosphorene', family: 'common-2d', formula: 'P', elements: ['P'], prototype: 'phosphorene', a: zig, b: arm,
    thickness: h, cell2d: 'rectangular', sites, source: 'Brown & Rundqvist, Acta Cryst. 19, 684 (1965) (bulk black phosphorus, experimental)',
    method: 'one layer of the experimental bulk structure, unrelaxed', estimated: false, heightMethod: 'from the bulk atomic positions',
    formationEnergy: r4(formationFromBinding(21.451, 15.312, 4)), formationEnergyMethod: `${EF_METHOD} (id P4-276f0a298324, Eb = 21.451 meV/Å², A = 15.312 Å²)`,
    formationEnergyEstimated: true,
  });
}

export const COMMON_2D: readonly LayerEntry[] = [
  honeycomb('graphene', 'C', 'C', 2.467, 'C2-a6735a4a3797', 16.709),
  honeycomb('hBN', 'B', 'N', 2.51, 'BN-4a5edc763604', 16.113),
  phosphorene(),
  ...PARENT_ENTRIES,
];
