/**
 * Operations on an interface with the force field, for any backend that evaluates energies and forces:
 * single configuration, z-scan (binding curve), registry scan, rigid-body pre-relaxation of the films.
 * Films move as rigid bodies; the substrate stays put. Energies in eV, lengths in Å; the binding energy is
 * per film atom and positive when bound: E_bind = −E_interlayer / N_film.
 */
import type { EnergyForces, FFSystem } from './cpu';
import type { FFParams } from './model';
import { zSeparationOf } from '../../core/planes';
import { bfgsMinimise, inversePositive2, maxBodyForce } from './bfgs';

/** A force-field backend. Async because a GPU answers later; CPU backends resolve at once. */
export interface FFBackend {
  kind: 'cpu' | 'wasm' | 'webgpu';
  /** True when energies come from tabulated rigid-layer potentials (tabulated.ts), not the pair sum. */
  tabulated?: boolean;
  energyForces(sys: FFSystem, p: FFParams): Promise<EnergyForces>;
  /** Energies of many rigid displacements (dx, dy, dz per configuration, Å) of one group; GPUs batch these. */
  energiesForShifts(sys: FFSystem, group: number, shifts: Float64Array, p: FFParams): Promise<Float64Array>;
}


export function filmAtomCount(sys: FFSystem): number {
  return sys.role.reduce((a, g) => a + (g > 0 ? 1 : 0), 0);
}

export function bindingEnergy(energy: number, sys: FFSystem): number {
  return -energy / Math.max(1, filmAtomCount(sys));
}

/** Positions with one group displaced rigidly by (dx, dy, dz). */
export function shifted(sys: FFSystem, group: number, dx: number, dy: number, dz: number): FFSystem {
  const positions = sys.positions.slice();
  for (let i = 0; i < sys.numbers.length; i++)
    if (sys.role[i] === group) {
      positions[3 * i] += dx;
      positions[3 * i + 1] += dy;
      positions[3 * i + 2] += dz;
    }
  return { ...sys, positions };
}

/** z-separation (Å) of film `group`: mean z of its bottom plane − mean z of the top plane of the group below. */
export function zSeparation(sys: FFSystem, group: number): number {
  return zSeparationOf(sys.positions, sys.role, group);
}

/** Registry (fractions of a, b) of a film relative to where it started, from its in-plane displacement. */
export function registryOf(cell: ArrayLike<number>, dx: number, dy: number): [number, number] {
  const det = cell[0] * cell[4] - cell[1] * cell[3];
  const u = (dx * cell[4] - dy * cell[3]) / det;
  const v = (cell[0] * dy - cell[1] * dx) / det;
  const wrap = (x: number) => {
    const f = x - Math.floor(x);
    return f > 1 - 1e-9 ? 0 : f; // −1e-12 is 0, not 1
  };
  return [wrap(u), wrap(v)];
}

/** Reports work done: `done` of `total` configurations (scans) or steps (relaxation). */
export type Progress = (done: number, total: number) => void;

/**
 * Energies for many shifts, in chunks so progress can be reported between them. GPUs still batch a chunk;
 * 16 configurations or more per chunk keep a GPU's dispatch overhead small.
 */
async function chunkedEnergies(b: FFBackend, sys: FFSystem, group: number, shifts: Float64Array, p: FFParams, progress?: Progress): Promise<Float64Array> {
  const n = shifts.length / 3;
  if (!progress) return b.energiesForShifts(sys, group, shifts, p);
  const out = new Float64Array(n);
  const chunk = Math.max(16, Math.ceil(n / 20));
  for (let k = 0; k < n; k += chunk) {
    const m = Math.min(chunk, n - k);
    out.set(await b.energiesForShifts(sys, group, shifts.subarray(3 * k, 3 * (k + m)), p), k);
    progress(k + m, n);
  }
  return out;
}

/**
 * The system with films `group` and above merged into one rigid block (group number `group`): a z-scan of a
 * film in a stack then moves the films above it along, so only the gap under it changes. The pairs inside the
 * block no longer count, but they are constant while it moves rigidly, so the curve's shape is unchanged.
 */
export function withFilmsAbove(sys: FFSystem, group: number): FFSystem {
  return { ...sys, role: sys.role.map((x) => (x > group ? group : x)) };
}

export interface ZScanResult {
  z: number[];
  energy: number[];
  bindingEnergy: number[];
  /** Minimum refined by golden-section search to better than 0.01 Å. */
  min: { z: number; energy: number; bindingEnergy: number };
}

/** E(z) for film `group` placed at each z-separation; the minimum is refined between grid points. */
export async function zScan(b: FFBackend, sys: FFSystem, group: number, zs: number[], p: FFParams, progress?: Progress): Promise<ZScanResult> {
  const z0 = zSeparation(sys, group);
  const shifts = new Float64Array(3 * zs.length);
  zs.forEach((z, k) => (shifts[3 * k + 2] = z - z0));
  const energy = Array.from(await chunkedEnergies(b, sys, group, shifts, p, progress));
  let k = 0;
  for (let i = 1; i < energy.length; i++) if (energy[i] < energy[k]) k = i;
  const e = async (z: number) => (await b.energiesForShifts(sys, group, Float64Array.from([0, 0, z - z0]), p))[0];
  let lo = zs[Math.max(0, k - 1)], hi = zs[Math.min(zs.length - 1, k + 1)];
  const phi = (Math.sqrt(5) - 1) / 2;
  let c = hi - phi * (hi - lo), d = lo + phi * (hi - lo);
  let ec = await e(c), ed = await e(d);
  while (hi - lo > 1e-3) {
    if (ec < ed) (hi = d), (d = c), (ed = ec), (c = hi - phi * (hi - lo)), (ec = await e(c));
    else (lo = c), (c = d), (ec = ed), (d = lo + phi * (hi - lo)), (ed = await e(d));
  }
  const zm = (lo + hi) / 2;
  const em = Math.min(await e(zm), energy[k]);
  const best = em < energy[k] ? zm : zs[k];
  return { z: zs, energy, bindingEnergy: energy.map((x) => bindingEnergy(x, sys)), min: { z: best, energy: em, bindingEnergy: bindingEnergy(em, sys) } };
}

export interface RegistryScanResult {
  nx: number;
  ny: number;
  /** Energies (eV), row-major over (i along a, j along b), at fractional shifts (i/nx, j/ny). */
  energy: Float64Array;
  /** z-separation used at each point (Å): fixed, or minimised per point. */
  z: Float64Array;
  min: { shift: [number, number]; energy: number; z: number; bindingEnergy: number };
}

export async function registryScan(b: FFBackend, sys: FFSystem, group: number, nx: number, ny: number, p: FFParams, relaxZ = false, progress?: Progress): Promise<RegistryScanResult> {
  const c = sys.cell;
  const z0 = zSeparation(sys, group);
  const energy = new Float64Array(nx * ny);
  const zOut = new Float64Array(nx * ny).fill(z0);
  const shifts = new Float64Array(3 * nx * ny);
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++) {
      const k = i * ny + j;
      shifts[3 * k] = (i / nx) * c[0] + (j / ny) * c[3];
      shifts[3 * k + 1] = (i / nx) * c[1] + (j / ny) * c[4];
    }
  if (!relaxZ) energy.set(await chunkedEnergies(b, sys, group, shifts, p, progress));
  else
    for (let k = 0; k < nx * ny; k++) {
      const moved = shifted(sys, group, shifts[3 * k], shifts[3 * k + 1], 0);
      const zs = Array.from({ length: 31 }, (_, q) => Math.max(1.5, z0 - 1.5) + q * 0.1);
      const r = await zScan(b, moved, group, zs, p);
      energy[k] = r.min.energy;
      zOut[k] = r.min.z;
      progress?.(k + 1, nx * ny);
    }
  let m = 0;
  for (let k = 1; k < energy.length; k++) if (energy[k] < energy[m]) m = k;
  return {
    nx,
    ny,
    energy,
    z: zOut,
    min: { shift: [Math.floor(m / ny) / nx, (m % ny) / ny], energy: energy[m], z: zOut[m], bindingEnergy: bindingEnergy(energy[m], sys) },
  };
}

export interface RelaxResult {
  system: FFSystem;
  energy: number;
  bindingEnergy: number;
  /** Per film: z-separation (Å), registry relative to the start (fractions of a, b), displacement (Å). */
  films: { group: number; zSeparation: number; registry: [number, number]; displacement: [number, number, number] }[];
  iterations: number;
  /** Largest rigid-body force on any film at the end (eV/Å). */
  maxForce: number;
  converged: boolean;
}

/** z-separations (Å) that relaxRigid scans to bracket each film's minimum before FIRE: 2.0 to 6.0 Å. */
export const RELAX_BRACKET: readonly number[] = Array.from({ length: 41 }, (_, k) => 2 + 0.1 * k);

/**
 * Each film (bottom up, the films above riding along) moved to the minimum of a z-scan over `zs`, keeping its
 * registry. Far from the surface the net force is already below any useful tolerance, so FIRE alone stops
 * wherever it starts; from the bracketed minimum every start ends in the same well.
 */
export async function bracketZ(b: FFBackend, sys: FFSystem, p: FFParams, zs: readonly number[] = RELAX_BRACKET): Promise<FFSystem> {
  const groups = [...new Set(sys.role)].filter((g) => g > 0).sort((a, b2) => a - b2);
  let s = sys;
  for (const g of groups) {
    const block = withFilmsAbove(s, g);
    const r = await zScan(b, block, g, [...zs], p);
    const moved = shifted(block, g, 0, 0, r.min.z - zSeparation(block, g));
    s = { ...s, positions: moved.positions };
  }
  return s;
}

/**
 * How relaxRigid minimises: 'fire' (z bracket refined by golden section, then FIRE: robust, hundreds of
 * evaluations; the default on pair sums) or 'bfgs' (z bracket refined by a parabola, then BFGS on the films'
 * rigid coordinates: tens of evaluations; the default on tabulated layers, where one evaluation is cheap and
 * smooth). Both stop at the same force tolerance, in the same well.
 */
export type RigidOptimizer = 'fire' | 'bfgs';

/**
 * Rigid-body relaxation of every film in x, y, z (twist fixed): first a coarse z-scan per film (bracketZ,
 * over `o.bracket`, default RELAX_BRACKET; `false` skips it), then FIRE (Bitzek et al., PRL 97, 170201
 * (2006)) or BFGS (`o.optimizer`) on the net force per film, until every film's net force is below `fmax`
 * (eV/Å). Displacements and registries in the result are relative to the structure passed in.
 */
export async function relaxRigid(
  b: FFBackend,
  sys: FFSystem,
  p: FFParams,
  o: { fmax?: number; maxSteps?: number; bracket?: readonly number[] | false; optimizer?: RigidOptimizer } = {},
  progress?: Progress,
): Promise<RelaxResult> {
  const fmax = o.fmax ?? 0.01;
  const maxSteps = o.maxSteps ?? 500;
  const groups = [...new Set(sys.role)].filter((g) => g > 0).sort((a, b2) => a - b2);
  const nfilm = groups.map((g) => sys.role.reduce((a, x) => a + (x === g ? 1 : 0), 0));
  const q = new Float64Array(3 * groups.length); // displacements from `sys`
  if ((o.optimizer ?? (b.tabulated ? 'bfgs' : 'fire')) === 'bfgs') return relaxBfgs(b, sys, p, groups, nfilm, { fmax, maxSteps, bracket: o.bracket }, progress);
  if (o.bracket !== false) {
    const start = await bracketZ(b, sys, p, o.bracket);
    groups.forEach((g, k) => {
      const i = sys.role.indexOf(g); // rigid: any atom of the film gives its displacement
      q[3 * k + 2] = start.positions[3 * i + 2] - sys.positions[3 * i + 2];
    });
  }
  const v = new Float64Array(3 * groups.length);
  let dt = 0.05, alpha = 0.1, npos = 0;
  const dtMax = 0.3;
  const film = Int32Array.from(sys.role, (g) => groups.indexOf(g)); // index into groups; −1: substrate
  const placed = (disp: Float64Array): FFSystem => {
    const positions = sys.positions.slice();
    for (let i = 0; i < film.length; i++) if (film[i] >= 0) for (let c = 0; c < 3; c++) positions[3 * i + c] += disp[3 * film[i] + c];
    return { ...sys, positions };
  };
  const at = async (disp: Float64Array): Promise<{ e: number; f: Float64Array }> => {
    const r = await b.energyForces(placed(disp), p);
    const f = new Float64Array(3 * groups.length);
    for (let i = 0; i < film.length; i++) if (film[i] >= 0) for (let c = 0; c < 3; c++) f[3 * film[i] + c] += r.forces[3 * i + c];
    return { e: r.energy, f };
  };
  let cur = await at(q);
  let it = 0;
  const maxF = (f: Float64Array) => {
    let m = 0;
    for (let k = 0; k < groups.length; k++) m = Math.max(m, Math.hypot(f[3 * k], f[3 * k + 1], f[3 * k + 2]));
    return m;
  };
  // Rigid bodies get the mass of their atoms (in units where each atom weighs 1): heavy films move slower.
  for (; it < maxSteps && maxF(cur.f) > fmax; it++) {
    let P = 0, vn = 0, fn = 0;
    for (let k = 0; k < v.length; k++) (P += cur.f[k] * v[k]), (vn += v[k] * v[k]), (fn += cur.f[k] * cur.f[k]);
    vn = Math.sqrt(vn);
    fn = Math.sqrt(fn);
    if (P > 0) {
      for (let k = 0; k < v.length; k++) v[k] = (1 - alpha) * v[k] + (alpha * cur.f[k] * vn) / (fn || 1);
      if (++npos > 5) (dt = Math.min(dt * 1.1, dtMax)), (alpha *= 0.99);
    } else {
      v.fill(0);
      npos = 0;
      dt *= 0.5;
      alpha = 0.1;
    }
    for (let k = 0; k < v.length; k++) {
      v[k] += (dt * cur.f[k]) / nfilm[Math.floor(k / 3)];
      // Cap a step at 0.1 Å: a rigid layer never needs a bigger one and it keeps FIRE out of the repulsive wall.
      q[k] += Math.max(-0.1, Math.min(0.1, dt * v[k]));
    }
    cur = await at(q);
    // Steps are an upper bound on the work; report at most ~50 times.
    if (progress && it % 10 === 9) progress(it + 1, maxSteps);
  }
  // Done: the bar fills, also when the bracket left FIRE fewer than 10 steps.
  progress?.(maxSteps, maxSteps);
  const s = placed(q);
  return {
    system: s,
    energy: cur.e,
    bindingEnergy: bindingEnergy(cur.e, sys),
    films: groups.map((g, k) => ({ group: g, zSeparation: zSeparation(s, g), registry: registryOf(sys.cell, q[3 * k], q[3 * k + 1]), displacement: [q[3 * k], q[3 * k + 1], q[3 * k + 2]] })),
    iterations: it,
    maxForce: maxF(cur.f),
    converged: maxF(cur.f) <= fmax,
  };
}

/** Curvature (eV/Å²) assumed per film atom along z when no bracket measured it: physisorption wells are ~0.5. */
const Z_CURVATURE_PER_ATOM = 0.5;

/**
 * Each film (bottom up, the films above riding along) moved to the vertex of the parabola through the lowest
 * point of a batched z-scan over `zs` and its neighbours; returns the system and each film's z curvature
 * (eV/Å², NaN when the minimum is at an end of the scan). Two batched calls per film, no serial refinement.
 */
async function bracketZParabola(b: FFBackend, sys: FFSystem, p: FFParams, groups: number[], zs: readonly number[]): Promise<{ sys: FFSystem; curvature: number[] }> {
  let s = sys;
  const curvature: number[] = [];
  const energies = async (block: FFSystem, g: number, z0: number, at: number[]) => {
    const shifts = new Float64Array(3 * at.length);
    at.forEach((z, k) => (shifts[3 * k + 2] = z - z0));
    return b.energiesForShifts(block, g, shifts, p);
  };
  const argmin = (e: Float64Array) => e.reduce((m, x, i) => (x < e[m] ? i : m), 0);
  for (const g of groups) {
    const block = withFilmsAbove(s, g);
    const z0 = zSeparation(block, g);
    // Coarse (every 4th height, the last included), then every height within 3 of the coarse minimum: the same
    // minimum as the full scan for wells wider than 4 spacings, in under half the evaluations.
    const coarse = zs.map((_, i) => i).filter((i) => i % 4 === 0 || i === zs.length - 1);
    const kc = coarse[argmin(await energies(block, g, z0, coarse.map((i) => zs[i])))];
    const fine = zs.slice(Math.max(0, kc - 3), kc + 4);
    const e = await energies(block, g, z0, fine);
    const k = argmin(e);
    let z = fine[k], c = NaN;
    if (k > 0 && k < fine.length - 1) {
      const [x0, x1, x2, e0, e1, e2] = [fine[k - 1], fine[k], fine[k + 1], e[k - 1], e[k], e[k + 1]];
      c = (2 * ((e2 - e1) / (x2 - x1) - (e1 - e0) / (x1 - x0))) / (x2 - x0);
      if (c > 0) z = Math.max(x0, Math.min(x2, x1 - (0.5 * ((x1 - x0) ** 2 * (e1 - e2) - (x1 - x2) ** 2 * (e1 - e0))) / ((x1 - x0) * (e1 - e2) - (x1 - x2) * (e1 - e0))));
    }
    curvature.push(c);
    s = { ...s, positions: shifted(block, g, 0, 0, z - z0).positions };
  }
  return { sys: s, curvature };
}

/** Smallest in-plane curvature of the initial Hessian, as a fraction of the z curvature (flat registries). */
const IN_PLANE_CURVATURE_FLOOR = 1e-3;
/** Finite-difference step (Å) of inPlaneCurvature: ≪ a surface cell, ≫ the tables' rounding. */
const CURVATURE_STEP = 0.05;

/** In-plane Hessian [xx, xy, yy] (eV/Å²) of the energy under rigid shifts of `group`: central differences, one batched call. */
async function inPlaneCurvature(b: FFBackend, sys: FFSystem, group: number, p: FFParams): Promise<[number, number, number]> {
  const h = CURVATURE_STEP;
  const at = [[0, 0], [h, 0], [-h, 0], [0, h], [0, -h], [h, h], [-h, -h]];
  const shifts = new Float64Array(3 * at.length);
  at.forEach(([x, y], k) => ((shifts[3 * k] = x), (shifts[3 * k + 1] = y)));
  const [e0, ex1, ex2, ey1, ey2, ed1, ed2] = await b.energiesForShifts(sys, group, shifts, p);
  const hxx = (ex1 + ex2 - 2 * e0) / (h * h), hyy = (ey1 + ey2 - 2 * e0) / (h * h);
  return [hxx, (ed1 + ed2 - 2 * e0) / (2 * h * h) - 0.5 * (hxx + hyy), hyy];
}

async function relaxBfgs(
  b: FFBackend,
  sys: FFSystem,
  p: FFParams,
  groups: number[],
  nfilm: number[],
  o: { fmax: number; maxSteps: number; bracket?: readonly number[] | false },
  progress?: Progress,
): Promise<RelaxResult> {
  const q = new Float64Array(3 * groups.length);
  const curvature = groups.map(() => NaN);
  if (o.bracket !== false) {
    const r = await bracketZParabola(b, sys, p, groups, o.bracket ?? RELAX_BRACKET);
    groups.forEach((g, k) => {
      const i = sys.role.indexOf(g);
      q[3 * k + 2] = r.sys.positions[3 * i + 2] - sys.positions[3 * i + 2];
      curvature[k] = r.curvature[k];
    });
  }
  const film = Int32Array.from(sys.role, (g) => groups.indexOf(g));
  const placed = (disp: Float64Array): FFSystem => {
    const positions = sys.positions.slice();
    for (let i = 0; i < film.length; i++) if (film[i] >= 0) for (let c = 0; c < 3; c++) positions[3 * i + c] += disp[3 * film[i] + c];
    return { ...sys, positions };
  };
  const at = async (disp: Float64Array) => {
    const r = await b.energyForces(placed(disp), p);
    const f = new Float64Array(3 * groups.length);
    for (let i = 0; i < film.length; i++) if (film[i] >= 0) for (let c = 0; c < 3; c++) f[3 * film[i] + c] += r.forces[3 * i + c];
    return { e: r.energy, f };
  };
  const first = await at(q);
  // Initial inverse Hessian, one 3×3 block per film: z from the bracket's parabola; in the plane, where the film
  // is pushed sideways (in-plane force > fmax), the 2×2 from one batched scan of ±h shifts (registry scans are
  // the tables' cheapest call), else 1/curvature_z. Started from 1/curvature_z in the plane everywhere, BFGS spent
  // most of its steps learning how soft the plane is (d2 at 2,052 atoms: 11 energy+force calls instead of 4).
  const m = 3 * groups.length;
  const h0 = new Float64Array(m * m);
  for (const [k, g] of groups.entries()) {
    const cz = curvature[k] > 0 ? curvature[k] : Z_CURVATURE_PER_ATOM * nfilm[k];
    const pushed = Math.hypot(first.f[3 * k], first.f[3 * k + 1]) > o.fmax;
    const [exx, exy, eyy] = pushed ? await inPlaneCurvature(b, placed(q), g, p) : [cz, 0, cz];
    const [ixx, ixy, iyy] = inversePositive2(exx, exy, eyy, IN_PLANE_CURVATURE_FLOOR * cz);
    const o0 = 3 * k * m + 3 * k;
    h0[o0] = ixx;
    h0[o0 + 1] = h0[o0 + m] = ixy;
    h0[o0 + m + 1] = iyy;
    h0[o0 + 2 * m + 2] = 1 / cz;
  }
  const r = await bfgsMinimise(at, q, { fmax: o.fmax, maxSteps: o.maxSteps, maxStep: 0.1, h0, first }, progress && ((k) => k % 10 === 9 && progress(k + 1, o.maxSteps)));
  progress?.(o.maxSteps, o.maxSteps);
  const s = placed(r.q);
  const fm = maxBodyForce(r.f);
  return {
    system: s,
    energy: r.e,
    bindingEnergy: bindingEnergy(r.e, sys),
    films: groups.map((g, k) => ({ group: g, zSeparation: zSeparation(s, g), registry: registryOf(sys.cell, r.q[3 * k], r.q[3 * k + 1]), displacement: [r.q[3 * k], r.q[3 * k + 1], r.q[3 * k + 2]] })),
    iterations: r.steps,
    maxForce: fm,
    converged: fm <= o.fmax,
  };
}

/** The CPU backend: the reference implementation, one configuration at a time. */
export function cpuBackend(ef: (sys: FFSystem, p: FFParams) => EnergyForces): FFBackend {
  return {
    kind: 'cpu',
    energyForces: async (sys, p) => ef(sys, p),
    async energiesForShifts(sys, group, shifts, p) {
      const out = new Float64Array(shifts.length / 3);
      for (let k = 0; k < out.length; k++) out[k] = ef(shifted(sys, group, shifts[3 * k], shifts[3 * k + 1], shifts[3 * k + 2]), p).energy;
      return out;
    },
  };
}
