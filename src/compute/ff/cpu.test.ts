import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { energyForces, type FFSystem } from './cpu';
import { FFParameterError, ljPair, type FFParams } from './model';
import { cpuBackend, registryScan, relaxRigid, shifted, zScan, zSeparation } from './ops';
import { KCAL_PER_MOL_IN_EV } from './uff-params';

const P: FFParams = { model: 'uff', cutoff: 12 };
const hexCell = (a: number, c = 30) => Float64Array.from([a, 0, 0, -a / 2, (a * Math.sqrt(3)) / 2, 0, 0, 0, c]);

/** A small periodic interface: one substrate plane (2 atoms) and a film plane (2 atoms) above it. */
function toy(a = 2.6, z = 3.2, dx = 0.3, dy = 0.1): FFSystem {
  const h = (a * Math.sqrt(3)) / 2;
  return {
    cell: hexCell(a),
    positions: Float64Array.from([0, 0, 5, a / 2, h / 3, 3.2, 0.2 + dx, 0.4 + dy, 5 + z, a / 2 + dx, h / 3 + 0.9 + dy, 5 + z + 0.4]),
    numbers: Uint8Array.from([79, 79, 6, 16]),
    role: Uint8Array.from([0, 0, 1, 1]),
  };
}

describe('UFF pair term', () => {
  it('matches the closed form for one pair, with the force shift', () => {
    // C over Au, far apart in-plane so no image is within the cutoff (cell 40 Å).
    const sys: FFSystem = { cell: hexCell(40), positions: Float64Array.from([0, 0, 0, 0, 0, 3.7]), numbers: Uint8Array.from([79, 6]), role: Uint8Array.from([0, 1]) };
    const x = Math.sqrt(3.851 * 3.293), d = Math.sqrt(0.105 * 0.039) * KCAL_PER_MOL_IN_EV;
    const lj = (r: number) => d * ((x / r) ** 12 - 2 * (x / r) ** 6);
    const dlj = (r: number) => (12 * d * ((x / r) ** 6 - (x / r) ** 12)) / r;
    const want = lj(3.7) - lj(12) - (3.7 - 12) * dlj(12);
    const r = energyForces(sys, P);
    expect(r.energy).toBeCloseTo(want, 14);
    expect(r.forces[5]).toBeCloseTo(-(dlj(3.7) - dlj(12)), 12); // on the film atom, along +z
    expect(ljPair(x, d, x)[1]).toBeCloseTo(0, 12); // x is the minimum
  });
  it('energy and force go continuously to zero at the cutoff', () => {
    const at = (r: number) => energyForces({ cell: hexCell(40), positions: Float64Array.from([0, 0, 0, 0, 0, r]), numbers: Uint8Array.from([79, 6]), role: Uint8Array.from([0, 1]) }, P);
    const near = at(12 - 1e-6);
    expect(Math.abs(near.energy)).toBeLessThan(1e-12);
    expect(Math.abs(near.forces[5])).toBeLessThan(1e-9);
    expect(at(12 + 1e-6).pairs).toBe(0);
  });
  it('refuses elements UFF does not cover', () => {
    const sys: FFSystem = { cell: hexCell(40), positions: Float64Array.from([0, 0, 0, 0, 0, 3]), numbers: Uint8Array.from([79, 110]), role: Uint8Array.from([0, 1]) };
    expect(() => energyForces(sys, P)).toThrow(FFParameterError);
  });
});

describe('D2 pair term', () => {
  const D2: FFParams = { model: 'd2', cutoff: 12 };
  it('is UFF repulsion plus Grimme’s damped C6 term, by hand for S over Au', () => {
    const sys: FFSystem = { cell: hexCell(40), positions: Float64Array.from([0, 0, 0, 0, 0, 3.3]), numbers: Uint8Array.from([79, 16]), role: Uint8Array.from([0, 1]) };
    // UFF: Au x 3.293 Å, D 0.039 kcal/mol; S x 4.035, D 0.274. D2: Au C6 81.24, R0 1.772; S 5.57, 1.683.
    const x = Math.sqrt(3.293 * 4.035), d = Math.sqrt(0.039 * 0.274) * KCAL_PER_MOL_IN_EV;
    const c6 = 0.75 * Math.sqrt(81.24 * 5.57) * (1e6 / 96485.33212), r0 = 1.772 + 1.683;
    const e = (r: number) => d * (x / r) ** 12 - (c6 / r ** 6) / (1 + Math.exp(-20 * (r / r0 - 1)));
    const h = 1e-6, de = (r: number) => (e(r + h) - e(r - h)) / (2 * h);
    const want = e(3.3) - e(12) - (3.3 - 12) * de(12);
    expect(energyForces(sys, D2).energy).toBeCloseTo(want, 8);
  });
  it('binds S over Au more strongly than UFF does (metal C6 is large)', () => {
    const at = (m: FFParams) => energyForces({ cell: hexCell(40), positions: Float64Array.from([0, 0, 0, 0, 0, 3.8]), numbers: Uint8Array.from([79, 16]), role: Uint8Array.from([0, 1]) }, m).energy;
    expect(at(D2)).toBeLessThan(at(P));
  });
  it('refuses elements beyond Rn with a hint', () => {
    const sys: FFSystem = { cell: hexCell(40), positions: Float64Array.from([0, 0, 0, 0, 0, 3]), numbers: Uint8Array.from([79, 92]), role: Uint8Array.from([0, 1]) };
    expect(() => energyForces(sys, D2)).toThrow(/Z = 92.*--model uff/);
  });
});

describe.each([{ model: 'uff' }, { model: 'd2' }] as const)('interlayer energy and forces ($model)', ({ model }) => {
  const P: FFParams = { model, cutoff: 12 };
  it('forces are minus the gradient of the energy (finite differences, property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 2.2, max: 3.4, noNaN: true }), fc.double({ min: 2.6, max: 4, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, z, dx) => {
        const sys = toy(a, z, dx);
        const { forces } = energyForces(sys, P);
        const h = 1e-5;
        for (let i = 0; i < sys.numbers.length; i++)
          for (let c = 0; c < 3; c++) {
            const plus = sys.positions.slice(), minus = sys.positions.slice();
            plus[3 * i + c] += h;
            minus[3 * i + c] -= h;
            const num = -(energyForces({ ...sys, positions: plus }, P).energy - energyForces({ ...sys, positions: minus }, P).energy) / (2 * h);
            expect(forces[3 * i + c]).toBeCloseTo(num, 6);
          }
      }),
      { seed: 3, numRuns: 15 },
    );
  });
  it('obeys Newton’s third law and lattice translation invariance; same-layer pairs do not count', () => {
    const sys = toy();
    const r = energyForces(sys, P);
    for (let c = 0; c < 3; c++) expect([0, 1, 2, 3].reduce((s, i) => s + r.forces[3 * i + c], 0)).toBeCloseTo(0, 12);
    const moved = shifted(sys, 1, sys.cell[0], 0, 0);
    expect(energyForces(moved, P).energy).toBeCloseTo(r.energy, 12);
    const oneLayer = { ...sys, role: Uint8Array.from([0, 0, 0, 0]) };
    expect(energyForces(oneLayer, P).energy).toBe(0);
  });
  it('periodic images: a 3×3 supercell has 9 times the energy of its cell', () => {
    const sys = toy(2.5);
    const c = sys.cell;
    const pos: number[] = [], num: number[] = [], grp: number[] = [];
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 4; k++) {
          pos.push(sys.positions[3 * k] + i * c[0] + j * c[3], sys.positions[3 * k + 1] + i * c[1] + j * c[4], sys.positions[3 * k + 2]);
          num.push(sys.numbers[k]);
          grp.push(sys.role[k]);
        }
    const big: FFSystem = { cell: Float64Array.from([3 * c[0], 3 * c[1], 0, 3 * c[3], 3 * c[4], 0, 0, 0, 30]), positions: Float64Array.from(pos), numbers: Uint8Array.from(num), role: Uint8Array.from(grp) };
    expect(energyForces(big, P).energy / 9).toBeCloseTo(energyForces(sys, P).energy, 10);
  });
});

describe('operations (CPU backend)', () => {
  const b = cpuBackend(energyForces);
  it('z-scan finds a bound minimum to better than 0.01 Å', async () => {
    const sys = toy();
    const zs = Array.from({ length: 41 }, (_, k) => 2 + k * 0.1);
    const r = await zScan(b, sys, 1, zs, P);
    expect(r.energy).toHaveLength(41);
    expect(r.min.bindingEnergy).toBeGreaterThan(0);
    const e = async (z: number) => (await b.energiesForShifts(sys, 1, Float64Array.from([0, 0, z - zSeparation(sys, 1)]), P))[0];
    expect(await e(r.min.z)).toBeLessThanOrEqual((await e(r.min.z + 0.01)) + 1e-12);
    expect(await e(r.min.z)).toBeLessThanOrEqual((await e(r.min.z - 0.01)) + 1e-12);
  });
  it('registry scan covers the cell; its grid point (0,0) is the starting configuration', async () => {
    const sys = toy();
    const r = await registryScan(b, sys, 1, 6, 6, P);
    expect(r.energy[0]).toBeCloseTo(energyForces(sys, P).energy, 12);
    expect(Math.min(...r.energy)).toBeCloseTo(r.min.energy, 15);
  });
  it('rigid relaxation converges to the force tolerance and lowers the energy', async () => {
    const sys = toy(2.6, 4.2);
    const e0 = energyForces(sys, P).energy;
    const r = await relaxRigid(b, sys, P, { fmax: 0.005, maxSteps: 2000 });
    expect(r.converged).toBe(true);
    expect(r.maxForce).toBeLessThanOrEqual(0.005);
    expect(r.energy).toBeLessThan(e0);
    expect(r.films[0].zSeparation).toBeLessThan(4.2);
  });
});
