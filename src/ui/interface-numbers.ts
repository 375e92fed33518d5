/**
 * The numbers of the interface on screen, as the Interface numbers panel and the report show them: supercell
 * a, b, γ (in-plane) and c, both supercell matrices of every film, the strain tensors each side carries,
 * the full (unreduced) composition and the atoms of every layer, bottom to top. Pure: no DOM.
 */
import { cellParameters } from '../core/cell';
import { formula } from '../core/structure';
import type { StrainSide } from '../core/defaults';
import type { WorkbenchState } from '../state/workbench-model';

type M2 = [number, number, number, number];

export interface LayerCount {
  /** "substrate plane 1 (bottom, fixed)", "film 1 (MoS2) plane 2", … */
  label: string;
  atoms: number;
  /** Full composition of the layer, e.g. "Au12". */
  composition: string;
}

export interface InterfaceNumbers {
  /** Å, Å, degrees, Å */
  a: number;
  b: number;
  gammaDeg: number;
  c: number;
  /** Å² */
  area: number;
  atoms: number;
  /** Full composition (e.g. Au405C37 would be given as is, never reduced). */
  composition: string;
  reduced: string;
  films: { label: string; filmMatrix: number[][]; substrateMatrix: number[][]; strainPct: [number, number] }[];
  /** Strain tensors (row-major 2×2, %, symmetric) applied to film 1 and to the substrate, for the strain side chosen. */
  strainSide: StrainSide;
  filmStrain: M2;
  substrateStrain: M2;
  layers: LayerCount[];
}

const inv2 = (m: M2): M2 => {
  const d = m[0] * m[3] - m[1] * m[2];
  return [m[3] / d, -m[1] / d, -m[2] / d, m[0] / d];
};
const minusI = (m: M2): M2 => [m[0] - 1, m[1], m[2], m[3] - 1];

/**
 * Strain on each side from the match's stretch U (film → substrate, U = I + ε): the film takes ε, or the
 * substrate takes U⁻¹ − I, or both meet halfway (the cell is (I + U)/2 of the film: film (U − I)/2,
 * substrate (I + U⁻¹)/2 − I). As the assembly does it (wasm/src/interface.rs).
 */
export function sideStrains(strainTensor: readonly number[], side: StrainSide): { film: M2; substrate: M2 } {
  const U: M2 = [1 + strainTensor[0], strainTensor[1], strainTensor[2], 1 + strainTensor[3]];
  const zero: M2 = [0, 0, 0, 0];
  if (side === 'film') return { film: minusI(U), substrate: zero };
  if (side === 'substrate') return { film: zero, substrate: minusI(inv2(U)) };
  const Ui = inv2(U);
  return { film: minusI(U).map((x) => x / 2) as M2, substrate: [(1 + Ui[0]) / 2 - 1, Ui[1] / 2, Ui[2] / 2, (1 + Ui[3]) / 2 - 1] };
}

/** In-plane area (Å²) of a cell: |a × b| (the card and the numbers panel both show it). */
export function cellArea(c: ArrayLike<number>): number {
  const x = c[1] * c[5] - c[2] * c[4], y = c[2] * c[3] - c[0] * c[5], z = c[0] * c[4] - c[1] * c[3];
  return Math.hypot(x, y, z);
}

export function interfaceNumbers(s: WorkbenchState, names: (id: string) => string): InterfaceNumbers | null {
  const i = s.iface, m = s.match;
  if (!i || !m) return null;
  const p = cellParameters(i.cell);
  const area = cellArea(i.cell);
  const side = s.options.strain;
  const st = sideStrains(m.strainTensor, side);
  const pct = (t: M2) => t.map((x) => 100 * x) as M2;
  const films = [
    { label: `film 1 (${s.filmId ? names(s.filmId) : 'film'})`, filmMatrix: m.filmMatrix, substrateMatrix: m.substrateMatrix, strainPct: [100 * m.principalStrains[0], 100 * m.principalStrains[1]] as [number, number] },
    ...s.stack.map((f, k) => ({ label: `film ${k + 2} (${names(f.filmId)}) on the cell below`, filmMatrix: f.match.filmMatrix, substrateMatrix: f.match.substrateMatrix, strainPct: [100 * f.match.principalStrains[0], 100 * f.match.principalStrains[1]] as [number, number] })),
  ];
  return {
    a: p.a, b: p.b, gammaDeg: (p.gamma * 180) / Math.PI, c: p.c, area,
    atoms: i.numbers.length, composition: formula(i.numbers, false), reduced: formula(i.numbers),
    films, strainSide: side, filmStrain: pct(st.film), substrateStrain: pct(st.substrate),
    layers: layerCounts(s, names),
  };
}

/** Atoms per layer, bottom to top: each substrate plane (the fixed ones said), then each plane of each film. */
function layerCounts(s: WorkbenchState, names: (id: string) => string): LayerCount[] {
  const i = s.iface!;
  const role = i.arrays.role, li = i.arrays.layerIndex, sd = i.arrays.selectiveDynamics;
  if (!role || !li) return [{ label: 'all', atoms: i.numbers.length, composition: formula(i.numbers, false) }];
  const groups = new Map<string, { role: number; plane: number; idx: number[] }>();
  for (let k = 0; k < role.length; k++) {
    const key = `${role[k]}:${li[k]}`;
    const g = groups.get(key) ?? { role: role[k], plane: li[k], idx: [] };
    g.idx.push(k);
    groups.set(key, g);
  }
  const filmIds = [s.filmId, ...s.stack.map((f) => f.filmId)];
  return [...groups.values()]
    .sort((x, y) => x.role - y.role || x.plane - y.plane)
    .map((g) => {
      const fixed = g.role === 0 && !!sd && g.idx.every((k) => !sd[3 * k]);
      const who = g.role === 0 ? 'substrate' : `film ${g.role}${filmIds[g.role - 1] ? ` (${names(filmIds[g.role - 1]!)})` : ''}`;
      return { label: `${who} plane ${g.plane + 1}${fixed ? ' (fixed)' : ''}`, atoms: g.idx.length, composition: formula(Uint8Array.from(g.idx, (k) => i.numbers[k]), false) };
    });
}

const f = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : '–');
export const matrixText = (m: number[][]) => `[[${m[0].join(', ')}], [${m[1].join(', ')}]]`;
export const tensorText = (t: M2) => `[[${f(t[0], 3)}, ${f(t[1], 3)}], [${f(t[2], 3)}, ${f(t[3], 3)}]] %`;

/** The numbers as text lines (the report's section; the panel shows the same values in a table). */
export function numbersText(n: InterfaceNumbers): string[] {
  return [
    `supercell: a ${f(n.a, 4)} Å, b ${f(n.b, 4)} Å, γ ${f(n.gammaDeg, 3)}°, c ${f(n.c, 4)} Å, area ${f(n.area, 3)} Å²`,
    `composition: ${n.composition} (${n.atoms} atoms; reduced ${n.reduced})`,
    ...n.films.map((x) => `${x.label}: film supercell ${matrixText(x.filmMatrix)}, substrate supercell ${matrixText(x.substrateMatrix)}, principal strains ${f(x.strainPct[0], 3)} / ${f(x.strainPct[1], 3)} %`),
    `strain on the ${n.strainSide === 'shared' ? 'film and substrate (shared)' : n.strainSide}: film 1 tensor ${tensorText(n.filmStrain)}, substrate tensor ${tensorText(n.substrateStrain)}`,
    'atoms per layer (bottom to top):',
    ...n.layers.map((l) => `  ${l.label}: ${l.atoms} atoms, ${l.composition}`),
  ];
}
