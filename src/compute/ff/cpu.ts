/**
 * The reference force field: pairwise van der Waals energy and forces between the layers of an interface,
 * written to be read. Only pairs of atoms in different groups interact (substrate = 0, films 1, 2, …);
 * periodic images in the plane of the cell's a and b vectors, none along z. Each pair term is force-shifted,
 * E_sf(r) = E(r) − E(rc) − (r − rc)·E'(rc) for r < rc, so energy and force are continuous at the cutoff.
 */
import { pairEnergy, pairTable, type FFParams, type PairTable } from './model';

export interface FFSystem {
  /** Rows a, b, c (Å); a and b span the periodic plane (their z components are ignored), c is not used. */
  cell: Float64Array;
  positions: Float64Array;
  numbers: Uint8Array;
  /** 0 = substrate, k = k-th film. */
  role: Uint8Array;
}

export interface EnergyForces {
  /** Total interlayer energy (eV). */
  energy: number;
  /** Forces (eV/Å), 3 per atom. */
  forces: Float64Array;
  /** Pair terms evaluated inside the cutoff. */
  pairs: number;
}

/** In-plane image ranges so that every image within the cutoff is visited. */
export function imageRanges(cell: ArrayLike<number>, cutoff: number, span: number): [number, number] {
  const ax = cell[0], ay = cell[1], bx = cell[3], by = cell[4];
  const area = Math.abs(ax * by - ay * bx);
  const ha = area / Math.hypot(bx, by); // distance between lines of constant fractional a
  const hb = area / Math.hypot(ax, ay);
  // `span`: largest in-plane extent of the atoms, so unwrapped coordinates are covered too.
  return [Math.ceil((cutoff + span) / ha), Math.ceil((cutoff + span) / hb)];
}

export function inPlaneSpan(positions: Float64Array): number {
  let minx = Infinity, maxx = -Infinity, miny = Infinity, maxy = -Infinity;
  for (let i = 0; i < positions.length; i += 3) {
    minx = Math.min(minx, positions[i]);
    maxx = Math.max(maxx, positions[i]);
    miny = Math.min(miny, positions[i + 1]);
    maxy = Math.max(maxy, positions[i + 1]);
  }
  return Math.hypot(maxx - minx, maxy - miny);
}

/** One species pair's parameters with its force shift at the cutoff rc (Å): E(rc) (eV) and E'(rc) (eV/Å). */
export interface ShiftedPair {
  A: number;
  C: number;
  R0: number;
  D: number;
  rc: number;
  eC: number;
  fC: number;
}

export function shiftedPair(t: PairTable, k: number, rc: number): ShiftedPair {
  const A = t.p[4 * k], C = t.p[4 * k + 1], R0 = t.p[4 * k + 2], D = t.p[4 * k + 3];
  const [eC, fC] = pairEnergy(A, C, R0, D, rc);
  return { A, C, R0, D, rc, eC, fC };
}

/**
 * The force-shifted term of pair (i, j) at d = r_j − r_i (Å): its forces added into `forces` (eV/Å), its energy
 * (eV) returned; null at or beyond the cutoff.
 */
export function addPair(q: ShiftedPair, i: number, j: number, dx: number, dy: number, dz: number, forces: Float64Array): number | null {
  const r = Math.hypot(dx, dy, dz);
  if (r >= q.rc) return null;
  const [e, de] = pairEnergy(q.A, q.C, q.R0, q.D, r);
  const g = (de - q.fC) / r; // dE_sf/dr / r
  // E depends on r = |r_j − r_i|: F_i = +E'·d/r, F_j = −F_i.
  forces[3 * i] += g * dx;
  forces[3 * i + 1] += g * dy;
  forces[3 * i + 2] += g * dz;
  forces[3 * j] -= g * dx;
  forces[3 * j + 1] -= g * dy;
  forces[3 * j + 2] -= g * dz;
  return e - q.eC - (r - q.rc) * q.fC;
}

export function energyForces(sys: FFSystem, p: FFParams): EnergyForces {
  const n = sys.numbers.length;
  const t = pairTable(sys.numbers, p.model);
  const rc = p.cutoff;
  const forces = new Float64Array(3 * n);
  const [na, nb] = imageRanges(sys.cell, rc, inPlaneSpan(sys.positions));
  const c = sys.cell;
  let energy = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      // Each unordered pair of different groups once: i in the higher group.
      if (sys.role[i] <= sys.role[j]) continue;
      const k = t.index[sys.numbers[i]] * t.n + t.index[sys.numbers[j]];
      const q = shiftedPair(t, k, rc);
      for (let ia = -na; ia <= na; ia++)
        for (let ib = -nb; ib <= nb; ib++) {
          const dx = sys.positions[3 * j] + ia * c[0] + ib * c[3] - sys.positions[3 * i];
          const dy = sys.positions[3 * j + 1] + ia * c[1] + ib * c[4] - sys.positions[3 * i + 1];
          const dz = sys.positions[3 * j + 2] - sys.positions[3 * i + 2];
          const e = addPair(q, i, j, dx, dy, dz, forces);
          if (e === null) continue;
          energy += e;
          pairs++;
        }
    }
  }
  return { energy, forces, pairs };
}
