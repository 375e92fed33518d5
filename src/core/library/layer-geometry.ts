import { atomicNumber, element } from '../elements';
import type { LayerSite } from './types';

/** Prototype layouts of a layer's sites, bottom to top, as fractional in-plane positions of a hexagonal cell. */
const SITES_1H: [number, number][] = [[1 / 3, 2 / 3], [0, 0], [1 / 3, 2 / 3]];
const SITES_1T: [number, number][] = [[1 / 3, 2 / 3], [0, 0], [2 / 3, 1 / 3]];
const SITES_III_VI: [number, number][] = [[1 / 3, 2 / 3], [2 / 3, 1 / 3], [2 / 3, 1 / 3], [1 / 3, 2 / 3]];

function radius(symbol: string): number {
  return element(atomicNumber(symbol)).covalentRadius;
}

/**
 * Plane spacings (Å) of a layer of thickness tA whose bonds all have the covalent-radius lengths (Cordero et al.
 * 2008, via elements-data.ts) times one common factor s, chosen so the spacings add up to tA. `bonds` are the bond
 * lengths at s = 1 and `tilted` says whether a bond leans by the M–hollow distance a/√3 (M–X) or stands
 * vertically (M–M). The sum grows with s, so bisection finds it.
 */
function scaledSpacings(bonds: number[], tilted: boolean[], aA: number, tA: number): number[] {
  const p = aA / Math.sqrt(3);
  const spacings = (s: number) => bonds.map((d, i) => (tilted[i] ? Math.sqrt(Math.max(0, (s * d) ** 2 - p * p)) : s * d));
  const total = (s: number) => spacings(s).reduce((x, y) => x + y, 0);
  let lo = 0, hi = (tA + p) / Math.min(...bonds);
  for (let k = 0; k < 100; k++) {
    const mid = (lo + hi) / 2;
    if (total(mid) < tA) lo = mid;
    else hi = mid;
  }
  const h = spacings((lo + hi) / 2);
  const sum = h.reduce((x, y) => x + y, 0);
  // Remove the last bisection residue so the planes span exactly tA.
  return h.map((x) => (sum > 0 ? (x * tA) / sum : tA / h.length));
}

export const SPLIT_METHOD =
  'plane heights: every bond is its covalent-radius length (Cordero et al., Dalton Trans. 2008, 2832) times one factor, chosen so the planes span the thickness';

/** X–M–Y layer (1H or 1T) of thickness tA (Å): X at z = 0, M above it, Y at tA. */
export function mxySites(phase: '1H' | '1T', m: string, x: string, y: string, aA: number, tA: number): LayerSite[] {
  const [hx] = scaledSpacings([radius(m) + radius(x), radius(m) + radius(y)], [true, true], aA, tA);
  return mxySitesAt(phase, m, x, y, hx, tA);
}

/** X–M–Y layer with the M plane at zM (Å) and the Y plane at tA (Å). */
export function mxySitesAt(phase: '1H' | '1T', m: string, x: string, y: string, zM: number, tA: number): LayerSite[] {
  const uv = phase === '1H' ? SITES_1H : SITES_1T;
  return [x, m, y].map((species, i) => ({ species, u: uv[i][0], v: uv[i][1], z: [0, zM, tA][i] }));
}

/** X–M–M–Y quadruple layer (GaS type) of thickness tA (Å); the M–M bond is vertical. */
export function threeSixSites(m: string, x: string, y: string, aA: number, tA: number): LayerSite[] {
  const [g0, g1, g2] = scaledSpacings([radius(m) + radius(x), 2 * radius(m), radius(m) + radius(y)], [true, false, true], aA, tA);
  return threeSixSitesAt(m, x, y, [g0, g1, g2]);
}

/** X–M–M–Y layer from its three plane spacings (Å), bottom to top. */
export function threeSixSitesAt(m: string, x: string, y: string, gaps: [number, number, number]): LayerSite[] {
  const z = [0, gaps[0], gaps[0] + gaps[1], gaps[0] + gaps[1] + gaps[2]];
  return [x, m, m, y].map((species, i) => ({ species, u: SITES_III_VI[i][0], v: SITES_III_VI[i][1], z: z[i] }));
}

/** Flat two-site honeycomb (graphene, h-BN). */
export function honeycombSites(a: string, b: string): LayerSite[] {
  return [
    { species: a, u: 0, v: 0, z: 0 },
    { species: b, u: 1 / 3, v: 2 / 3, z: 0 },
  ];
}

/** Plane spacings of a site list (Å), bottom to top, over the distinct heights. */
export function planeGaps(sites: readonly LayerSite[]): number[] {
  const zs = [...new Set(sites.map((s) => s.z))].sort((p, q) => p - q);
  return zs.slice(1).map((z, i) => z - zs[i]);
}

/** Hexagonal cell area (Å²) for lattice constant aA (Å). */
export function hexArea(aA: number): number {
  return (Math.sqrt(3) / 2) * aA * aA;
}
