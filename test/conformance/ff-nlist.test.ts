import { describe, expect, it } from 'vitest';
import { energyForces, type FFSystem } from '../../src/compute/ff/cpu';
import type { FFParams } from '../../src/compute/ff/model';
import { cpuBackend, shifted, type FFBackend } from '../../src/compute/ff/ops';
import { wasmBackend } from '../../src/compute/ff/wasm-backend';
import { wasmNeighbourBackend } from '../../src/compute/ff/nlist-wasm';
import { buildPairList, cpuNeighbourBackend, wasmPairList, type PairList } from '../../src/compute/ff/nlist';
import { geometry } from '../helpers/geometry';
import { interfaceOf, jiggled, listStates } from '../helpers/nlist-cases';
import { cases } from '../helpers/ff-cases';

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

describe('Verlet neighbour list (TypeScript reference) matches the exact pair sum and the wasm list', async () => {
  const g = await geometry();
  const exact = wasmBackend(g);
  for (const model of ['uff', 'd2'] as const)
    it(`${model}, ~2000 atoms: same pairs, energy and forces in every list state; builds only when an atom moved > skin/2`, async () => {
      const P: FFParams = { model, cutoff: 12 };
      const sys0 = await interfaceOf(2000);
      const cpu = cpuNeighbourBackend({ skin: 1.0 });
      const wasm = wasmNeighbourBackend(g, { skin: 1.0 });
      for (const st of listStates(sys0)) {
        await expectSame(exact, cpu, st.sys, P);
        await expectSame(wasm, cpu, st.sys, P);
        expect([st.what, cpu.stats().builds]).toEqual([st.what, st.builds]);
        // Both builders list the same pairs (within cutoff + skin of the positions at the build).
        expect([st.what, cpu.stats()]).toEqual([st.what, wasm.stats()]);
      }
      wasm.dispose();
    }, 120_000);
  it('a new cell is a new list; energiesForShifts matches the exact kernel', async () => {
    const a = await interfaceOf(200);
    const P: FFParams = { model: 'uff', cutoff: 12 };
    const cpu = cpuNeighbourBackend();
    await expectSame(exact, cpu, a, P);
    await expectSame(exact, cpu, { ...a, cell: Float64Array.from(a.cell, (x, i) => (i < 6 ? 1.01 * x : x)) }, P);
    expect(cpu.stats().builds).toBe(1);
    const sh = Float64Array.from([0, 0, 0, 0.3, -0.2, 0.1, 1.1, 0.4, -0.5, 0, 0, 1.5]);
    const [e1, e2] = [await exact.energiesForShifts(a, 1, sh, P), await cpu.energiesForShifts(a, 1, sh, P)];
    for (let k = 0; k < 4; k++) expect(Math.abs(e2[k] - e1[k])).toBeLessThanOrEqual(1e-10 * Math.abs(e1[k]));
  });
});

describe('the list wasm exports (hl_ffn_pairs) is the reference list', async () => {
  const g = await geometry();
  const keys = (l: PairList) => Array.from(l.i, (i, k) => `${i} ${l.j[k]} ${l.ia[k]} ${l.ib[k]}`).sort();
  it('same pairs and images, for atoms inside and outside the cell and after moves', async () => {
    const sys0 = await interfaceOf(500);
    const P: FFParams = { model: 'd2', cutoff: 12 };
    for (const sys of [sys0, shifted(sys0, 1, 1.7 * sys0.cell[0] - 0.4, -2.2 * sys0.cell[4], 0.3), jiggled(sys0, 0.8, 3)]) {
      const [ref, wasm] = [buildPairList(sys, 12, 1.0), wasmPairList(g)(sys, P, 1.0)];
      expect(wasm.i.length).toBe(ref.i.length);
      expect(keys(wasm)).toEqual(keys(ref));
      expect(Array.from(wasm.wrap)).toEqual(Array.from(ref.wrap));
    }
  });
});
