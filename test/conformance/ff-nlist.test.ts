import { describe, expect, it } from 'vitest';
import { energyForces, type FFSystem } from '../../src/compute/ff/cpu';
import type { FFParams } from '../../src/compute/ff/model';
import { cpuBackend, shifted, type FFBackend } from '../../src/compute/ff/ops';
import { wasmBackend } from '../../src/compute/ff/wasm-backend';
import { wasmNeighbourBackend } from '../../src/compute/ff/nlist-wasm';
import { buildInterface, extractLayer, findMatches, inPlaneBasis, makeSlab, type IntMatrix2 } from '../../src/compute/geometry/geometry';
import { mustRead } from '../helpers/fixtures';
import { geometry } from '../helpers/geometry';
import { cases } from '../helpers/ff-cases';

/** MoS2 on Au(111) (4 layers) with about `target` atoms, as the ff bench builds them. */
async function interfaceOf(target: number): Promise<FFSystem> {
  const g = await geometry();
  const film = extractLayer(g, (await mustRead('MoS2_monolayer.vasp')).structures[0], { vacuum: 10 }).structure;
  const slab = makeSlab(g, (await mustRead('Au_fcc_conventional.vasp')).structures[0], { hkl: [1, 1, 1], layers: 4, vacuum: 10, maxAtoms: 1e6 }).structure;
  const m = findMatches(g, inPlaneBasis(film), inPlaneBasis(slab), { maxArea: 100, maxStrain: 0.05, maxAngle: Math.PI / 180 })[0];
  const times = (x: IntMatrix2, k: number) => x.map((r) => r.map((v) => v * k)) as IntMatrix2;
  const build = (k: number) => buildInterface(g, slab, [{ layer: film, filmMatrix: times(m.filmMatrix, k), zSeparation: 3.1, shift: [0.1, 0.2] }], { substrateMatrix: times(m.substrateMatrix, k), vacuum: 12, maxAtoms: 1e6 }).structure;
  const k = Math.max(1, Math.round(Math.sqrt(target / build(1).numbers.length)));
  const s = build(k);
  return { cell: s.cell, positions: s.positions, numbers: s.numbers, role: s.arrays.role! };
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every atom moved by a random vector of length below `max` (Å). */
function jiggled(sys: FFSystem, max: number, seed: number): FFSystem {
  const r = random(seed);
  const positions = sys.positions.slice();
  for (let i = 0; i < positions.length; i += 3) {
    const [u, v, len] = [2 * Math.PI * r(), Math.acos(2 * r() - 1), max * r()];
    positions[i] += len * Math.sin(v) * Math.cos(u);
    positions[i + 1] += len * Math.sin(v) * Math.sin(u);
    positions[i + 2] += len * Math.cos(v);
  }
  return { ...sys, positions };
}

async function expectSame(ref: FFBackend, got: FFBackend, sys: FFSystem, p: FFParams): Promise<number> {
  const [want, have] = [await ref.energyForces(sys, p), await got.energyForces(sys, p)];
  // Same f64 pair terms summed in another order: agreement to rounding.
  expect(have.pairs).toBe(want.pairs);
  expect(Math.abs(have.energy - want.energy)).toBeLessThanOrEqual(1e-10 * Math.abs(want.energy));
  const scale = Math.max(...want.forces.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < want.forces.length; i++) worst = Math.max(worst, Math.abs(have.forces[i] - want.forces[i]));
  expect(worst).toBeLessThanOrEqual(1e-10 * scale);
  return want.pairs;
}

describe('Verlet neighbour list (wasm) matches the exact pair sum', async () => {
  const g = await geometry();
  const exact = { cpu: cpuBackend(energyForces), wasm: wasmBackend(g) };
  // The TypeScript reference takes seconds per call at 2,000 atoms, so it checks the state that matters most (every
  // atom moved, list reused); the exact wasm kernel (itself checked against it in ff.test.ts) checks every state.
  for (const [target, cpuToo] of [[2000, true], [20000, false]] as const)
    for (const model of ['uff', 'd2'] as const)
      it(`${model}, ~${target} atoms, against the exact wasm${cpuToo ? ' and cpu' : ''} reference: moves below half the skin reuse the list, above rebuild it`, async () => {
        const sys0 = await interfaceOf(target);
        const P: FFParams = { model, cutoff: 12 };
        const ref = exact.wasm;
        const nl = wasmNeighbourBackend(g, { skin: 1.0 });
        const pairs0 = await expectSame(ref, nl, sys0, P);
        expect(nl.stats().builds).toBe(1);
        expect(nl.stats().listed).toBeGreaterThan(pairs0); // pairs between the cutoff and cutoff + skin are listed too
        // Every atom moved up to 0.49 Å (< skin/2): same list, and pairs that came within the cutoff are found in it.
        const moved = jiggled(sys0, 0.49, 7);
        const pairs1 = await expectSame(ref, nl, moved, P);
        if (cpuToo) await expectSame(exact.cpu, nl, moved, P);
        expect(nl.stats().builds).toBe(1);
        expect(pairs1).not.toBe(pairs0);
        // The film 0.3 Å closer: still within half the skin of the build, still the same list.
        await expectSame(ref, nl, shifted(sys0, 1, 0.2, 0, -0.3), P);
        expect(nl.stats().builds).toBe(1);
        // One atom 0.6 Å away from where the list was built (> skin/2): rebuilt once.
        const far = shifted(sys0, 1, 0, 0, 0);
        far.positions[3 * far.role.indexOf(1) + 2] -= 0.6;
        await expectSame(ref, nl, far, P);
        expect(nl.stats().builds).toBe(2);
        // A rigid shift of the film by more than a cell vector's worth of bins: rebuilt, same answer.
        await expectSame(ref, nl, shifted(sys0, 1, 0.37 * sys0.cell[0], 1.5, 0.8), P);
        expect(nl.stats().builds).toBe(3);
        nl.dispose();
      }, 120_000);
  it('two stacked films (partners of several species per atom: Au, Mo and S) and atoms on cell faces, both models', async () => {
    // The list splits an atom's partners into runs of one species (the SIMD kernel's undamped path loads a run's
    // parameters once): runs of odd and even length, several per atom, must give the exact answer.
    const all = await cases();
    for (const [, sys] of [all[3], all[5]])
      for (const model of ['uff', 'd2'] as const) {
        const P: FFParams = { model, cutoff: 12 };
        const nl = wasmNeighbourBackend(g);
        await expectSame(exact.cpu, nl, sys, P);
        await expectSame(exact.cpu, nl, jiggled(sys, 0.4, 3), P);
        expect(nl.stats().builds).toBe(1);
        nl.dispose();
      }
  });
  it('a new system (other atoms or cell) gets a new list; energiesForShifts agrees with the exact kernel', async () => {
    const a = await interfaceOf(200);
    const P: FFParams = { model: 'uff', cutoff: 12 };
    const nl = wasmNeighbourBackend(g);
    await expectSame(exact.cpu, nl, a, P);
    const b = { ...a, cell: Float64Array.from(a.cell, (x, i) => (i < 6 ? 1.01 * x : x)) };
    await expectSame(exact.cpu, nl, b, P);
    expect(nl.stats().builds).toBe(1);
    const sh = Float64Array.from([0, 0, 0, 0.3, -0.2, 0.1, 1.1, 0.4, -0.5, 0, 0, 1.5]);
    const [e1, e2] = [await exact.wasm.energiesForShifts(a, 1, sh, P), await nl.energiesForShifts(a, 1, sh, P)];
    for (let k = 0; k < 4; k++) expect(Math.abs(e2[k] - e1[k])).toBeLessThanOrEqual(1e-10 * Math.abs(e1[k]));
  });
});
