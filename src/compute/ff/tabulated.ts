/**
 * The force field of rigid layers through their tabulated potentials (table.ts): every layer that has atoms
 * above it gets a table, and the interlayer energy is Σ over layers g, atoms i of higher layers, of V_g(r_i)
 * in g's frame. Layers may move rigidly (translations) after the tables are built; anything else (a twist,
 * a strain, other atoms) needs new tables, and a call with a layer deformed since is refused.
 *
 * Forces: an atom above a layer gets −∇V exactly as tabulated; a layer's reaction (the opposite net force) is
 * spread evenly over its atoms, which is what rigid-body operations use (net force per layer), not a per-atom
 * force. The exact pair sum (cpu.ts, wasm) stays the reference and the single-point evaluation.
 */
import type { EnergyForces, FFSystem } from './cpu';
import type { FFParams } from './model';
import type { FFBackend } from './ops';
import { buildLayerTable, lookup, type LayerTable, type TableOptions } from './table';

/** The frame the tables were built in: the atoms, their layers and reference positions. */
export interface RigidFrame {
  p: FFParams;
  /** The layer of each atom (the group of the system the tables were built from). */
  layer: Uint8Array;
  numbers: Uint8Array;
  /** Positions when built (Å). */
  ref: Float64Array;
  /** First atom of each layer (−1 when absent), by layer number. */
  first: number[];
}

export interface RigidTables extends RigidFrame {
  /** The table of each layer with atoms above it, by layer number. */
  tables: (LayerTable | undefined)[];
  /** Per table: atomic number → species index in that table. */
  speciesIndex: (Int16Array | undefined)[];
  /** Build time (ms). */
  buildMs: number;
}

export function rigidFrame(sys: FFSystem, p: FFParams): RigidFrame {
  const top = Math.max(...sys.role);
  const first = Array.from({ length: top + 1 }, (_, g) => sys.role.indexOf(g));
  return { p, layer: sys.role.slice(), numbers: sys.numbers.slice(), ref: sys.positions.slice(), first };
}

/** Atomic number → species index of a table's species list (−1: not tabulated). */
export function speciesMap(species: number[]): Int16Array {
  const idx = new Int16Array(256).fill(-1);
  species.forEach((z, s) => (idx[z] = s));
  return idx;
}

/** Tables for every layer of `sys` that has layers above it. Throws TableTooLarge when one would be too big. */
export function buildRigidTables(sys: FFSystem, p: FFParams, o: TableOptions = {}): RigidTables {
  const t0 = Date.now();
  const frame = rigidFrame(sys, p);
  const tables: (LayerTable | undefined)[] = [];
  const speciesIndex: (Int16Array | undefined)[] = [];
  for (let g = 0; g < frame.first.length - 1; g++) {
    if (frame.first[g] < 0) continue;
    tables[g] = buildLayerTable(sys, g, p, o);
    speciesIndex[g] = speciesMap(tables[g]!.species);
  }
  return { ...frame, tables, speciesIndex, buildMs: Date.now() - t0 };
}

/** Each layer's rigid displacement in `sys` from the frame's reference; throws if a layer was deformed. */
export function displacements(T: RigidFrame, sys: FFSystem): Float64Array {
  const n = T.numbers.length;
  const other = () => new Error('tabulated force field: the system has other atoms than the one the tables were built for');
  if (sys.numbers.length !== n) throw other();
  // Plain loops: this runs once per relaxation step, next to a wasm call of similar cost.
  if (sys.numbers !== T.numbers) for (let i = 0; i < n; i++) if (sys.numbers[i] !== T.numbers[i]) throw other();
  const d = new Float64Array(3 * T.first.length);
  for (let g = 0; g < T.first.length; g++) {
    const i = T.first[g];
    if (i >= 0) for (let c = 0; c < 3; c++) d[3 * g + c] = sys.positions[3 * i + c] - T.ref[3 * i + c];
  }
  const P = sys.positions, R = T.ref, L = T.layer;
  for (let i = 0; i < n; i++) {
    const l = 3 * L[i], k = 3 * i;
    if (Math.abs(P[k] - R[k] - d[l]) > 1e-6 || Math.abs(P[k + 1] - R[k + 1] - d[l + 1]) > 1e-6 || Math.abs(P[k + 2] - R[k + 2] - d[l + 2]) > 1e-6)
      throw new Error(`tabulated force field: layer ${L[i]} moved other than rigidly since its table was built; rebuild the tables`);
  }
  return d;
}

export function checkParams(T: RigidFrame, p: FFParams): void {
  if (p.model !== T.p.model || p.cutoff !== T.p.cutoff) throw new Error(`tabulated force field: tables are for ${T.p.model}/${T.p.cutoff} Å, asked for ${p.model}/${p.cutoff} Å`);
}

/** Which layers a shift of `group` moves (the layers whose atoms are in that group of `sys`). */
export function movedLayers(T: RigidFrame, sys: FFSystem, group: number): boolean[] {
  return T.first.map((i) => i >= 0 && sys.role[i] === group);
}

/**
 * Interlayer energy (eV) with the layers displaced by `d` (3 per layer, Å); pairs of layers in the same group
 * of `group` (e.g. merged by withFilmsAbove) do not count. Adds forces into `forces` when given.
 */
export function tabulatedEnergy(T: RigidTables, group: Uint8Array, d: Float64Array, forces?: Float64Array): number {
  const n = T.numbers.length;
  const out = new Float64Array(4);
  let energy = 0;
  T.tables.forEach((t, g) => {
    if (!t) return;
    const idx = T.speciesIndex[g]!;
    const gg = group[T.first[g]];
    const gx = d[3 * g], gy = d[3 * g + 1], gz = d[3 * g + 2];
    let rx = 0, ry = 0, rz = 0;
    for (let i = 0; i < n; i++) {
      const li = T.layer[i];
      if (li <= g || group[i] === gg) continue;
      const x = T.ref[3 * i] + d[3 * li] - gx, y = T.ref[3 * i + 1] + d[3 * li + 1] - gy, z = T.ref[3 * i + 2] + d[3 * li + 2] - gz;
      lookup(t, idx[T.numbers[i]], x, y, z, out);
      energy += out[0];
      if (forces) {
        forces[3 * i] -= out[1];
        forces[3 * i + 1] -= out[2];
        forces[3 * i + 2] -= out[3];
        rx += out[1];
        ry += out[2];
        rz += out[3];
      }
    }
    if (forces) spreadReaction(T, g, rx, ry, rz, forces);
  });
  return energy;
}

function spreadReaction(T: RigidTables, g: number, rx: number, ry: number, rz: number, forces: Float64Array): void {
  let ng = 0;
  for (let i = 0; i < T.layer.length; i++) if (T.layer[i] === g) ng++;
  for (let i = 0; i < T.layer.length; i++)
    if (T.layer[i] === g) {
      forces[3 * i] += rx / ng;
      forces[3 * i + 1] += ry / ng;
      forces[3 * i + 2] += rz / ng;
    }
}

/**
 * A backend over the tables (TypeScript lookups). `kind` is 'cpu'; `tabulated` says the energies come from
 * tables. `pairs` is 0: no pair terms are evaluated. Calls with other parameters than the tables' are refused.
 */
export function tabulatedBackend(T: RigidTables): FFBackend {
  return {
    kind: 'cpu',
    tabulated: true,
    async energyForces(sys: FFSystem, p: FFParams): Promise<EnergyForces> {
      checkParams(T, p);
      const forces = new Float64Array(sys.positions.length);
      const energy = tabulatedEnergy(T, sys.role, displacements(T, sys), forces);
      return { energy, forces, pairs: 0 };
    },
    async energiesForShifts(sys, group, shifts, p) {
      checkParams(T, p);
      const d0 = displacements(T, sys);
      const moved = movedLayers(T, sys, group);
      const out = new Float64Array(shifts.length / 3);
      const d = new Float64Array(d0.length);
      for (let k = 0; k < out.length; k++) {
        d.set(d0);
        moved.forEach((m, g) => {
          if (m) for (let c = 0; c < 3; c++) d[3 * g + c] += shifts[3 * k + c];
        });
        out[k] = tabulatedEnergy(T, sys.role, d);
      }
      return out;
    },
  };
}
