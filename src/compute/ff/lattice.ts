/**
 * The in-plane periodicity of one rigid layer of an interface: the smallest lattice of in-plane translations
 * that maps the layer's atoms (species and height kept) onto themselves, modulo the supercell. A substrate
 * slab in a coincidence supercell of tens of primitive cells has the primitive surface cell as its lattice;
 * the tabulated layer potential (table.ts) is built over that cell, not over the supercell.
 */
import type { FFSystem } from './cpu';

/** Atoms closer than this (Å) in the plane and in height are the same site. */
export const SITE_TOL = 1e-3;

export interface LayerLattice {
  /** Primitive in-plane basis (Å), right-handed: p1 × p2 > 0. */
  p1: [number, number];
  p2: [number, number];
  /** Indices (into the system) of one atom per orbit: the layer's atoms in one primitive cell. */
  basis: number[];
  /** Number of primitive cells in the supercell. */
  cells: number;
}

/** Wrapped fractional coordinates (u, v) ∈ [0, 1)² of (x, y) in the basis (a, b). */
function frac(a: readonly number[], b: readonly number[], x: number, y: number): [number, number] {
  const det = a[0] * b[1] - a[1] * b[0];
  const u = (x * b[1] - y * b[0]) / det, v = (a[0] * y - a[1] * x) / det;
  return [u - Math.floor(u), v - Math.floor(v)];
}

/** A bin grid over the supercell's fractional square, for "is there a site near here" queries. */
class SiteIndex {
  private bins: number[][];
  private m: number;
  constructor(private sys: FFSystem, atoms: number[], private a: number[], private b: number[]) {
    this.m = Math.max(1, Math.floor(Math.sqrt(atoms.length)));
    this.bins = Array.from({ length: this.m * this.m }, () => []);
    for (const i of atoms) {
      const [u, v] = frac(a, b, sys.positions[3 * i], sys.positions[3 * i + 1]);
      this.bins[Math.min(this.m - 1, Math.floor(u * this.m)) * this.m + Math.min(this.m - 1, Math.floor(v * this.m))].push(i);
    }
  }
  /** Whether an atom of species z sits at (x, y, h) within SITE_TOL, periodic images included. */
  has(z: number, x: number, y: number, h: number): boolean {
    const [u, v] = frac(this.a, this.b, x, y);
    const { m, sys, a, b } = this;
    const bu = Math.floor(u * m), bv = Math.floor(v * m);
    for (let du = -1; du <= 1; du++)
      for (let dv = -1; dv <= 1; dv++)
        for (const j of this.bins[(((bu + du) % m) + m) % m * m + ((((bv + dv) % m) + m) % m)]) {
          if (sys.numbers[j] !== z || Math.abs(sys.positions[3 * j + 2] - h) > SITE_TOL) continue;
          const [fu, fv] = frac(a, b, sys.positions[3 * j] - x, sys.positions[3 * j + 1] - y);
          const wu = fu > 0.5 ? fu - 1 : fu, wv = fv > 0.5 ? fv - 1 : fv;
          if (Math.hypot(wu * a[0] + wv * b[0], wu * a[1] + wv * b[1]) < SITE_TOL) return true;
        }
    return false;
  }
}

/** The shortest image (Å) of an in-plane vector modulo the supercell (a, b). */
function shortest(a: readonly number[], b: readonly number[], x: number, y: number): [number, number] {
  const [u, v] = frac(a, b, x, y);
  let best: [number, number] = [u * a[0] + v * b[0], u * a[1] + v * b[1]];
  for (let i = -1; i <= 0; i++)
    for (let j = -1; j <= 0; j++) {
      const c: [number, number] = [(u + i) * a[0] + (v + j) * b[0], (u + i) * a[1] + (v + j) * b[1]];
      if (Math.hypot(...c) < Math.hypot(...best)) best = c;
    }
  return best;
}

/**
 * A basis of the lattice of translations that map the layer onto itself: candidates (vectors between atoms of
 * its rarest species at one height, shortest images, and the supercell's own vectors) tested shortest first;
 * the first valid one and the first valid one not collinear with it form a basis (in 2D the two successive
 * minima of a lattice do), so only a few candidates need the full O(N) check.
 */
function primitiveBasis(sys: FFSystem, atoms: number[], idx: SiteIndex, a: number[], b: number[]): [[number, number], [number, number]] {
  const count = new Map<number, number>();
  for (const i of atoms) count.set(sys.numbers[i], (count.get(sys.numbers[i]) ?? 0) + 1);
  const rare = [...count.entries()].sort((x, y) => x[1] - y[1])[0][0];
  const r = atoms.find((i) => sys.numbers[i] === rare)!;
  const P = sys.positions;
  const cand: [number, number][] = [[a[0], a[1]], [b[0], b[1]], [a[0] + b[0], a[1] + b[1]], [a[0] - b[0], a[1] - b[1]]];
  for (const j of atoms)
    if (j !== r && sys.numbers[j] === rare && Math.abs(P[3 * j + 2] - P[3 * r + 2]) <= SITE_TOL) cand.push(shortest(a, b, P[3 * j] - P[3 * r], P[3 * j + 1] - P[3 * r + 1]));
  cand.sort((p, q) => Math.hypot(...p) - Math.hypot(...q));
  const valid = ([tx, ty]: [number, number]) => Math.hypot(tx, ty) > SITE_TOL && atoms.every((k) => idx.has(sys.numbers[k], P[3 * k] + tx, P[3 * k + 1] + ty, P[3 * k + 2]));
  const p1 = cand.find(valid)!;
  const l1 = Math.hypot(...p1);
  const p2 = cand.find((q) => Math.abs(p1[0] * q[1] - p1[1] * q[0]) > 1e-6 * l1 * Math.hypot(...q) && valid(q))!;
  return p1[0] * p2[1] - p1[1] * p2[0] > 0 ? [p1, p2] : [p2, p1];
}

/** The primitive in-plane lattice of the atoms of `group` in `sys`, and one atom per orbit. */
export function layerLattice(sys: FFSystem, group: number): LayerLattice {
  const atoms: number[] = [];
  for (let i = 0; i < sys.numbers.length; i++) if (sys.role[i] === group) atoms.push(i);
  if (atoms.length === 0) throw new Error(`layer ${group} has no atoms`);
  const c = sys.cell;
  const a = [c[0], c[1]], b = [c[3], c[4]];
  const idx = new SiteIndex(sys, atoms, a, b);
  const [p1, p2] = primitiveBasis(sys, atoms, idx, a, b);
  const superArea = Math.abs(a[0] * b[1] - a[1] * b[0]);
  const primArea = p1[0] * p2[1] - p1[1] * p2[0];
  const cells = Math.round(superArea / primArea);
  if (Math.abs(primArea * cells - superArea) > 1e-6 * superArea || atoms.length % cells !== 0)
    throw new Error(`layer ${group}: its self-translations do not form a lattice of the supercell (numerical noise above ${SITE_TOL} Å?)`);
  // One atom per orbit: keep an atom unless an already kept one is a lattice translate of it.
  const basis: number[] = [];
  const P = sys.positions;
  for (const i of atoms) {
    const [u, v] = frac(p1, p2, P[3 * i], P[3 * i + 1]);
    const dup = basis.some((j) => {
      if (sys.numbers[j] !== sys.numbers[i] || Math.abs(P[3 * j + 2] - P[3 * i + 2]) > SITE_TOL) return false;
      const [fu, fv] = frac(p1, p2, P[3 * j], P[3 * j + 1]);
      const du = Math.abs(fu - u), dv = Math.abs(fv - v);
      const wu = Math.min(du, 1 - du), wv = Math.min(dv, 1 - dv);
      return Math.hypot(wu * p1[0], wu * p1[1]) + Math.hypot(wv * p2[0], wv * p2[1]) < 2 * SITE_TOL;
    });
    if (!dup) basis.push(i);
    if (basis.length > atoms.length / cells) break;
  }
  if (basis.length !== atoms.length / cells) throw new Error(`layer ${group}: ${basis.length} atoms per primitive cell, expected ${atoms.length / cells}`);
  return { p1, p2, basis, cells };
}
