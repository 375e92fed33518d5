/**
 * Tabulated rigid-layer potentials (issue 15 §1): the potential V_s(x, y, z) that a rigid layer (the substrate
 * slab, or a film under other films) exerts on an atom of species s is periodic over the layer's primitive
 * surface cell (lattice.ts), so it is tabulated once per (layer, species) on a grid over that cell × height,
 * and the energy of any supercell, twist or registry of the layers above costs one lookup per atom above.
 *
 * Grid: nu × nv nodes over the primitive cell (fractions i/nu, j/nv of p1, p2), nz heights h = h0 + k·dz above
 * the layer's top atom, of V and ∂V/∂z (both exact, from the force-shifted pair sum of cpu.ts). The
 * interpolant is an interpolating periodic cubic B-spline in the plane (C², O(h⁴), periodic by construction,
 * so continuous across cell edges) and cubic Hermite in height on the exact ∂V/∂z (O(dz⁴)). Above h = cutoff the potential is exactly
 * zero (every atom of the layer is at or below its top); below h0 an atom is summed exactly instead.
 * Energies in eV, lengths in Å, forces in eV/Å.
 */
import type { FFSystem } from './cpu';
import { layerLattice, type LayerLattice } from './lattice';
import { pairEnergy, pairTable, type FFParams } from './model';

export interface TableOptions {
  /** In-plane node spacing (Å), at most: 0.15 (energies ~1e-6 relative, forces ~1e-4 of the largest). */
  spacing?: number;
  /** Height step (Å): 0.075. */
  dz?: number;
  /** Lowest tabulated height above the layer's top atom (Å): 1.5; atoms below it are summed exactly. */
  h0?: number;
  /** Refuse tables whose build would take more pair terms than this: 5e8 (a few seconds). */
  maxWork?: number;
}

/** Which layer a table is of, and its grid: nu × nv nodes over the primitive cell, nz heights from top + h0 (Å) in steps dz (Å). */
export interface LayerGrid {
  group: number;
  lattice: LayerLattice;
  /** z (Å) of the layer's top atom when the table was built; heights are measured from it. */
  top: number;
  h0: number;
  dz: number;
  nu: number;
  nv: number;
  nz: number;
  /** Atomic numbers of the species tabulated (the species above the layer). */
  species: number[];
}

/** The tabulated potential of one rigid layer, for the species of the atoms above it. */
export interface LayerTable extends LayerGrid {
  /** In-plane B-spline coefficients of (V, ∂V/∂z) per node, index 2·(((s·nv + j)·nu + i)·nz + k): heights
   *  innermost, so a lookup's two levels are adjacent. */
  data: Float64Array;
  /** The exact point sum, for atoms below h0: one image-resolved list of the layer's atoms. */
  exact: ExactLayer;
}

/** The layer's atoms in one primitive cell, with their parameters against each tabulated species. */
export interface ExactLayer {
  p1: [number, number];
  p2: [number, number];
  /** Per basis atom: x, y (wrapped into the primitive cell), z. */
  xyz: Float64Array;
  /** Per (species s, basis atom b): A, C, R0, d, E(rc), E'(rc) at index 6·(s·nb + b). */
  pp: Float64Array;
  nb: number;
  /** Image range along p1, p2 that covers the cutoff from any point of the cell. */
  m1: number;
  m2: number;
  cutoff: number;
}

export const TABLE_DEFAULTS = { spacing: 0.15, dz: 0.075, h0: 1.5, maxWork: 5e8 } as const;

export class TableTooLarge extends Error {}

function exactLayer(sys: FFSystem, lat: LayerLattice, species: number[], p: FFParams): ExactLayer {
  const t = pairTable(sys.numbers, p.model);
  const { p1, p2, basis } = lat;
  const nb = basis.length;
  const det = p1[0] * p2[1] - p1[1] * p2[0];
  const xyz = new Float64Array(3 * nb);
  basis.forEach((i, b) => {
    const x = sys.positions[3 * i], y = sys.positions[3 * i + 1];
    const u = (x * p2[1] - y * p2[0]) / det, v = (p1[0] * y - p1[1] * x) / det;
    const fu = Math.floor(u), fv = Math.floor(v);
    xyz.set([x - fu * p1[0] - fv * p2[0], y - fu * p1[1] - fv * p2[1], sys.positions[3 * i + 2]], 3 * b);
  });
  const pp = new Float64Array(6 * species.length * nb);
  species.forEach((z, s) =>
    basis.forEach((i, b) => {
      const k = 4 * (t.index[z] * t.n + t.index[sys.numbers[i]]);
      const [A, C, R0, D] = [t.p[k], t.p[k + 1], t.p[k + 2], t.p[k + 3]];
      const [ec, fc] = pairEnergy(A, C, R0, D, p.cutoff);
      pp.set([A, C, R0, D, ec, fc], 6 * (s * nb + b));
    }),
  );
  const h1 = det / Math.hypot(p2[0], p2[1]), h2 = det / Math.hypot(p1[0], p1[1]);
  return { p1, p2, xyz, pp, nb, m1: Math.ceil(p.cutoff / h1) + 1, m2: Math.ceil(p.cutoff / h2) + 1, cutoff: p.cutoff };
}

/**
 * The in-plane neighbours of a point of the primitive cell: every image of every basis atom closer than the
 * cutoff in the plane, as (dx, dy, z, basis index) — reused for every height of a grid column.
 */
function column(L: ExactLayer, x: number, y: number): Float64Array {
  const out: number[] = [];
  const rc = L.cutoff;
  for (let b = 0; b < L.nb; b++)
    for (let i = -L.m1; i <= L.m1; i++)
      for (let j = -L.m2; j <= L.m2; j++) {
        const dx = L.xyz[3 * b] + i * L.p1[0] + j * L.p2[0] - x;
        const dy = L.xyz[3 * b + 1] + i * L.p1[1] + j * L.p2[1] - y;
        if (dx * dx + dy * dy < rc * rc) out.push(dx, dy, L.xyz[3 * b + 2], b);
      }
  return Float64Array.from(out);
}

/** Exact V and its gradient (eV, eV/Å) at height z over a column, for tabulated species s; into out[0..3]. */
function columnSum(L: ExactLayer, col: Float64Array, s: number, z: number, out: Float64Array): void {
  let e = 0, gx = 0, gy = 0, gz = 0;
  const rc = L.cutoff, pp = L.pp;
  for (let k = 0; k < col.length; k += 4) {
    const dx = col[k], dy = col[k + 1], dz = col[k + 2] - z;
    const r2 = dx * dx + dy * dy + dz * dz;
    if (r2 >= rc * rc) continue;
    const r = Math.sqrt(r2);
    const q = 6 * (s * L.nb + col[k + 3]);
    // pairEnergy (model.ts) inlined: this loop is the whole build cost.
    const A = pp[q], C = pp[q + 1], R0 = pp[q + 2], D = pp[q + 3];
    const ir6 = 1 / (r2 * r2 * r2);
    const rep = A * ir6 * ir6;
    let pe: number, de: number;
    if (D === 0) {
      pe = rep - C * ir6;
      de = (-12 * rep + 6 * C * ir6) / r;
    } else {
      const f = 1 / (1 + Math.exp(-D * (r / R0 - 1)));
      pe = rep - C * ir6 * f;
      de = (-12 * rep + 6 * C * ir6 * f) / r - C * ir6 * (D / R0) * f * (1 - f);
    }
    e += pe - pp[q + 4] - (r - rc) * pp[q + 5];
    // d = r_layer − r_atom, so ∇_atom V = −(dE/dr)·d/r.
    const g = -(de - pp[q + 5]) / r;
    gx += g * dx;
    gy += g * dy;
    gz += g * dz;
  }
  out[0] = e;
  out[1] = gx;
  out[2] = gy;
  out[3] = gz;
}

/** Exact V and gradient of the layer at any point (x, y, z) (the layer as built), for tabulated species s. */
export function exactPoint(L: ExactLayer, s: number, x: number, y: number, z: number, out: Float64Array): void {
  const det = L.p1[0] * L.p2[1] - L.p1[1] * L.p2[0];
  const u = (x * L.p2[1] - y * L.p2[0]) / det, v = (L.p1[0] * y - L.p1[1] * x) / det;
  const fu = Math.floor(u), fv = Math.floor(v);
  columnSum(L, column(L, x - fu * L.p1[0] - fv * L.p2[0], y - fu * L.p1[1] - fv * L.p2[1]), s, z, out);
}

/** Species (atomic numbers) of the atoms of groups above `group`. */
function speciesAbove(sys: FFSystem, group: number): number[] {
  const set = new Set<number>();
  for (let i = 0; i < sys.numbers.length; i++) if (sys.role[i] > group) set.add(sys.numbers[i]);
  return [...set].sort((a, b) => a - b);
}

/** Grid size for a layer, and the pair terms its build costs (checked before any work is done). */
export function tableSize(lat: LayerLattice, nspecies: number, p: FFParams, o: TableOptions = {}): { nu: number; nv: number; nz: number; work: number } {
  const h = o.spacing ?? TABLE_DEFAULTS.spacing, dz = o.dz ?? TABLE_DEFAULTS.dz, h0 = o.h0 ?? TABLE_DEFAULTS.h0;
  const nu = Math.max(8, Math.ceil(Math.hypot(...lat.p1) / h));
  const nv = Math.max(8, Math.ceil(Math.hypot(...lat.p2) / h));
  const nz = Math.ceil((p.cutoff - h0) / dz) + 2;
  const area = Math.abs(lat.p1[0] * lat.p2[1] - lat.p1[1] * lat.p2[0]);
  const neighbours = (Math.PI * p.cutoff ** 2 * lat.basis.length) / area;
  return { nu, nv, nz, work: nu * nv * nz * nspecies * neighbours };
}

/** A layer ready to tabulate: its lattice, the species above it, the grid, and its exact point sum. */
export interface LayerPlan extends LayerGrid {
  exact: ExactLayer;
}

/** Plans the table of layer `group` of `sys` for the species above it. Throws TableTooLarge past `o.maxWork`. */
export function planLayerTable(sys: FFSystem, group: number, p: FFParams, o: TableOptions = {}): LayerPlan {
  const lattice = layerLattice(sys, group);
  const species = speciesAbove(sys, group);
  const { nu, nv, nz, work } = tableSize(lattice, species.length, p, o);
  const maxWork = o.maxWork ?? TABLE_DEFAULTS.maxWork;
  if (work > maxWork)
    throw new TableTooLarge(`layer ${group}: a ${nu}×${nv}×${nz} table needs ~${work.toExponential(1)} pair terms (limit ${maxWork.toExponential(1)}); its primitive cell is ${lattice.cells === 1 ? 'the whole supercell' : 'large'}`);
  let top = -Infinity;
  for (let i = 0; i < sys.numbers.length; i++) if (sys.role[i] === group) top = Math.max(top, sys.positions[3 * i + 2]);
  const h0 = o.h0 ?? TABLE_DEFAULTS.h0, dz = o.dz ?? TABLE_DEFAULTS.dz;
  return { group, lattice, species, top, h0, dz, nu, nv, nz, exact: exactLayer(sys, lattice, species, p) };
}

/** The table of layer `group` of `sys` for the species above it (TypeScript build). */
export function buildLayerTable(sys: FFSystem, group: number, p: FFParams, o: TableOptions = {}): LayerTable {
  const plan = planLayerTable(sys, group, p, o);
  const { lattice: lat, species, top, h0, dz, nu, nv, nz, exact: L } = plan;
  const data = new Float64Array(2 * species.length * nz * nv * nu);
  const g = new Float64Array(4);
  for (let j = 0; j < nv; j++)
    for (let i = 0; i < nu; i++) {
      const x = (i / nu) * lat.p1[0] + (j / nv) * lat.p2[0], y = (i / nu) * lat.p1[1] + (j / nv) * lat.p2[1];
      const col = column(L, x, y);
      for (let s = 0; s < species.length; s++)
        for (let k = 0; k < nz; k++) {
          columnSum(L, col, s, top + h0 + k * dz, g);
          const q = 2 * (((s * nv + j) * nu + i) * nz + k);
          data[q] = g[0];
          data[q + 1] = g[3];
        }
    }
  for (let s = 0; s < species.length; s++) for (let k = 0; k < nz; k++) for (let f = 0; f < 2; f++) prefilter(data, (j, i) => 2 * (((s * nv + j) * nu + i) * nz + k) + f, nu, nv);
  return { ...plan, data };
}

/** z₁ = √3 − 2, the pole of the cubic B-spline interpolation filter (Unser, IEEE Signal Proc. Mag. 1999). */
const Z1 = Math.sqrt(3) - 2;
/** Filter taps √3·z₁^|k| for |k| ≤ 24 (z₁²⁴ ≈ 2e-14): the inverse of (1, 4, 1)/6 on a periodic grid. */
const TAPS = Array.from({ length: 25 }, (_, k) => Math.sqrt(3) * Z1 ** k);

/**
 * Samples → periodic cubic B-spline coefficients, in place, for one nv × nu plane of the grid whose node (j, i)
 * is data[at(j, i)]: the spline through the samples, separably along u then v.
 */
function prefilter(data: Float64Array, at: (j: number, i: number) => number, nu: number, nv: number): void {
  const line = (n: number, pos: (i: number) => number) => {
    const x = Float64Array.from({ length: n }, (_, i) => data[pos(i)]);
    for (let i = 0; i < n; i++) {
      let c = TAPS[0] * x[i];
      for (let k = 1; k < TAPS.length; k++) c += TAPS[k] * (x[(((i - k) % n) + n) % n] + x[(i + k) % n]);
      data[pos(i)] = c;
    }
  };
  for (let j = 0; j < nv; j++) line(nu, (i) => at(j, i));
  for (let i = 0; i < nu; i++) line(nv, (j) => at(j, i));
}

/** Uniform cubic B-spline weights and their derivatives at t ∈ [0, 1) for nodes −1, 0, 1, 2. */
function bspline(t: number, w: Float64Array, dw: Float64Array): void {
  const t2 = t * t, t3 = t2 * t, s = 1 - t;
  w[0] = (s * s * s) / 6;
  w[1] = (3 * t3 - 6 * t2 + 4) / 6;
  w[2] = (-3 * t3 + 3 * t2 + 3 * t + 1) / 6;
  w[3] = t3 / 6;
  dw[0] = -0.5 * s * s;
  dw[1] = 1.5 * t2 - 2 * t;
  dw[2] = -1.5 * t2 + t + 0.5;
  dw[3] = 0.5 * t2;
}

const W = { wu: new Float64Array(4), du: new Float64Array(4), wv: new Float64Array(4), dv: new Float64Array(4), acc: new Float64Array(12) };

/**
 * V and its gradient (eV, eV/Å) for tabulated species index s at (x, y, z), in the layer's frame as built;
 * into out[0..3]. Below h0 the exact sum answers.
 */
export function lookup(T: LayerTable, s: number, x: number, y: number, z: number, out: Float64Array): void {
  const h = z - T.top;
  if (h >= T.exact.cutoff) {
    out.fill(0, 0, 4);
    return;
  }
  if (h < T.h0) return exactPoint(T.exact, s, x, y, z, out);
  const { p1, p2 } = T.lattice;
  const det = p1[0] * p2[1] - p1[1] * p2[0];
  const fu = (x * p2[1] - y * p2[0]) / det, fv = (p1[0] * y - p1[1] * x) / det;
  const gu = (fu - Math.floor(fu)) * T.nu, gv = (fv - Math.floor(fv)) * T.nv;
  const iu = Math.floor(gu), iv = Math.floor(gv);
  const hz = (h - T.h0) / T.dz;
  const kz = Math.min(T.nz - 2, Math.floor(hz)), tz = hz - kz;
  const { wu, du, wv, dv, acc } = W;
  bspline(gu - iu, wu, du);
  bspline(gv - iv, wv, dv);
  acc.fill(0);
  // acc[6·l + 3·f + c]: level l ∈ {kz, kz+1}, field f ∈ {V, ∂V/∂z}, c ∈ {value, ∂/∂gu, ∂/∂gv}.
  for (let b = 0; b < 4; b++) {
    const row = (s * T.nv + ((iv - 1 + b + T.nv) % T.nv)) * T.nu;
    for (let a = 0; a < 4; a++) {
      const q = 2 * ((row + ((iu - 1 + a + T.nu) % T.nu)) * T.nz + kz);
      const w = wu[a] * wv[b], wdu = du[a] * wv[b], wdv = wu[a] * dv[b];
      for (let m = 0; m < 4; m++) {
        const f = T.data[q + m];
        acc[3 * m] += w * f;
        acc[3 * m + 1] += wdu * f;
        acc[3 * m + 2] += wdv * f;
      }
    }
  }
  hermite(tz, T.dz, acc, out);
  // Fractional-grid derivatives to Cartesian: ∂/∂x = nu·∂/∂gu·∂fu/∂x + nv·∂/∂gv·∂fv/∂x.
  const eu = out[1] * T.nu, ev = out[2] * T.nv;
  out[1] = (eu * p2[1] - ev * p1[1]) / det;
  out[2] = (-eu * p2[0] + ev * p1[0]) / det;
}

/** Cubic Hermite in height over two levels; out = (V, ∂V/∂gu, ∂V/∂gv, ∂V/∂z). */
function hermite(t: number, dz: number, acc: Float64Array, out: Float64Array): void {
  const t2 = t * t, t3 = t2 * t;
  const h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + t, h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
  const d00 = (6 * t2 - 6 * t) / dz, d10 = 3 * t2 - 4 * t + 1, d01 = (-6 * t2 + 6 * t) / dz, d11 = 3 * t2 - 2 * t;
  for (let c = 0; c < 3; c++) out[c] = h00 * acc[c] + h10 * dz * acc[3 + c] + h01 * acc[6 + c] + h11 * dz * acc[9 + c];
  out[3] = d00 * acc[0] + d10 * acc[3] + d01 * acc[6] + d11 * acc[9];
}
