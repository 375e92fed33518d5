import { describe, expect, it } from 'vitest';
import type { FFSystem } from '../../src/compute/ff/cpu';
import { FF_MODELS, type FFParams } from '../../src/compute/ff/model';
import { registryScan, relaxRigid, shifted, withFilmsAbove, zScan, type FFBackend } from '../../src/compute/ff/ops';
import { layerLattice } from '../../src/compute/ff/lattice';
import { buildLayerTable, exactPoint, lookup, TableTooLarge } from '../../src/compute/ff/table';
import { buildRigidTables, tabulatedBackend } from '../../src/compute/ff/tabulated';
import { buildWasmTable, rigidLayersBackend, wasmLookup, wasmTableData, wasmTabulatedBackend } from '../../src/compute/ff/table-wasm';
import { wasmBackend } from '../../src/compute/ff/wasm-backend';
import { cases, turnedLayer } from '../helpers/ff-cases';
import { geometry } from '../helpers/geometry';

/**
 * The tabulated rigid-layer path (issue 15 §1) against the exact pair sum (wasm, itself the TypeScript
 * reference to 1e-10): energy within 1e-4 relative or 1e-5 eV per film atom, per-atom forces on the top layer
 * within 1e-3 of the largest force, net forces per layer within 1e-3 of the layer's summed force magnitudes, over the heights a relaxation visits, several registries and in-plane rotations of the film
 * atoms, both models, and a stack.
 */
const all = await cases();
const g = await geometry();
const exact = wasmBackend(g);
/** The tabulated path under test: wasm (fast to build); the TypeScript twin is compared with it below. */
const tabulated = (sys: FFSystem, P: FFParams) => wasmTabulatedBackend(g, sys, P);

/**
 * The top film's atoms turned by `deg` degrees about the cell's centre: another twist over the same layers
 * below (a turned lower film would no longer repeat within the cell, so it would have no small table).
 */
function turned(sys: FFSystem, deg: number): FFSystem {
  return turnedLayer(sys, Math.max(...sys.role), deg);
}


async function expectClose(tab: FFBackend, sys: FFSystem, P: FFParams): Promise<void> {
  const want = await exact.energyForces(sys, P);
  const have = await tab.energyForces(sys, P);
  const nfilm = sys.role.reduce((a, g) => a + (g > 0 ? 1 : 0), 0);
  expect(Math.abs(have.energy - want.energy)).toBeLessThanOrEqual(Math.max(1e-4 * Math.abs(want.energy), 1e-5 * nfilm));
  // Per-atom forces on the top layer (nothing above it), and the net force on every layer.
  const top = Math.max(...sys.role);
  let fmax = 0;
  for (const f of want.forces) fmax = Math.max(fmax, Math.abs(f));
  const net = (f: Float64Array, g: number) => [0, 1, 2].map((c) => sys.role.reduce((a, x, i) => a + (x === g ? f[3 * i + c] : 0), 0));
  for (let i = 0; i < sys.numbers.length; i++)
    if (sys.role[i] === top) for (let c = 0; c < 3; c++) expect(Math.abs(have.forces[3 * i + c] - want.forces[3 * i + c])).toBeLessThanOrEqual(1e-3 * fmax);
  // A net force is extensive (small per-atom errors add up over a layer), so its scale is the sum of the
  // reference's per-atom force magnitudes over the layer; that bounds the relaxed z error (checked below too).
  for (let g = 0; g <= top; g++) {
    const [a, b] = [net(have.forces, g), net(want.forces, g)];
    let scale = 0;
    for (let i = 0; i < sys.numbers.length; i++) if (sys.role[i] === g) scale += Math.hypot(want.forces[3 * i], want.forces[3 * i + 1], want.forces[3 * i + 2]);
    for (let c = 0; c < 3; c++) expect(Math.abs(a[c] - b[c])).toBeLessThanOrEqual(1e-3 * scale);
  }
}

describe('tabulated rigid layers match the exact pair sum', () => {
  const picks: [string, FFSystem][] = [all[0], all[1], all[3]];
  for (const model of FF_MODELS)
    for (const [name, sys] of picks)
      it(`${model}: ${name}, heights −0.6…+1.5 Å, registries and twists`, async () => {
        const P: FFParams = { model, cutoff: 12 };
        const tab = tabulated(sys, P);
        for (const dz of [-0.6, -0.3, 0, 0.5, 1.5]) await expectClose(tab, shifted(withFilmsAbove(sys, 1), 1, 0, 0, dz), P);
        for (const [dx, dy] of [[0.41, -0.17], [1.3, 0.9]]) await expectClose(tab, shifted(sys, 1, dx, dy, 0), P);
        // Twists change the film atoms only, so the same tables answer.
        for (const deg of [7, 30]) await expectClose(tabulated(turned(sys, deg), P), turned(sys, deg), P);
        if (Math.max(...sys.role) > 1) for (const dz of [-0.3, 0.5]) await expectClose(tab, shifted(sys, 2, 0.2, 0.1, dz), P);
      });
  it('thousands of atoms (7×7, d2): energy and forces', async () => {
    const [, sys] = all[2];
    const P: FFParams = { model: 'd2', cutoff: 12 };
    await expectClose(tabulated(sys, P), sys, P);
  });
  it('the TypeScript tables and lookups are the wasm ones (stack, both models)', async () => {
    const [, sys] = all[3];
    for (const model of FF_MODELS) {
      const P: FFParams = { model, cutoff: 12 };
      const [ts, wa] = [tabulatedBackend(buildRigidTables(sys, P)), tabulated(sys, P)];
      for (const s of [shifted(sys, 1, 0.3, -0.2, 0.4), shifted(sys, 2, -1.1, 0.5, -0.3)]) {
        const [a, b] = [await ts.energyForces(s, P), await wa.energyForces(s, P)];
        expect(Math.abs(a.energy - b.energy)).toBeLessThanOrEqual(1e-11 * Math.abs(b.energy));
        for (let i = 0; i < a.forces.length; i++) expect(Math.abs(a.forces[i] - b.forces[i])).toBeLessThanOrEqual(1e-11);
      }
      const sh = Float64Array.from([0, 0, 0, 0.5, 0.25, -0.4, 2.2, -1.3, 1.1]);
      const [ea, eb] = [await ts.energiesForShifts(sys, 1, sh, P), await wa.energiesForShifts(sys, 1, sh, P)];
      for (let k = 0; k < 3; k++) expect(Math.abs(ea[k] - eb[k])).toBeLessThanOrEqual(1e-11 * Math.abs(eb[k]));
      // One z for every shift: wasm folds heights into planes (its registry-scan path); same numbers.
      const flat = Float64Array.from([0, 0, 0.1, 0.5, 0.25, 0.1, 2.2, -1.3, 0.1, -7.7, 3.1, 0.1]);
      for (const moved of [1, 2]) {
        const [fa, fb] = [await ts.energiesForShifts(sys, moved, flat, P), await wa.energiesForShifts(sys, moved, flat, P)];
        for (let k = 0; k < 4; k++) expect(Math.abs(fa[k] - fb[k])).toBeLessThanOrEqual(1e-11 * Math.abs(fb[k]));
        // One in-plane part for every shift (a z-scan): wasm folds each plane's in-plane weights; same numbers,
        // heights into the exact region below the tables (−2 Å) and beyond the cutoff included.
        const zs = [-2, -0.6, -0.1, 0, 0.35, 1.5, 13];
        const along = Float64Array.from(zs.flatMap((z) => [0.4, -0.3, z]));
        const [za, zb] = [await ts.energiesForShifts(sys, moved, along, P), await wa.energiesForShifts(sys, moved, along, P)];
        for (let k = 0; k < zs.length; k++) expect(Math.abs(za[k] - zb[k])).toBeLessThanOrEqual(1e-11 * Math.abs(zb[k]) + 1e-12);
      }
      wa.dispose();
      await expect(wa.energyForces(sys, P)).rejects.toThrow(/disposed/);
    }
  });
  it('energiesForShifts, z-scan, registry scan and rigid relaxation agree with the exact path', async () => {
    const [, sys] = all[1];
    const P: FFParams = { model: 'd2', cutoff: 12 };
    const tab = tabulated(sys, P);
    const sh = Float64Array.from([0, 0, 0, 0.3, -0.2, 0.1, 1.1, 0.4, -0.5, 0, 0, 1.5]);
    const [a, b] = [await tab.energiesForShifts(sys, 1, sh, P), await exact.energiesForShifts(sys, 1, sh, P)];
    for (let k = 0; k < 4; k++) expect(Math.abs(a[k] - b[k])).toBeLessThanOrEqual(1e-4 * Math.abs(b[k]));
    const zs = Array.from({ length: 21 }, (_, k) => 2.4 + 0.1 * k);
    expect(Math.abs((await zScan(tab, sys, 1, zs, P)).min.z - (await zScan(exact, sys, 1, zs, P)).min.z)).toBeLessThan(0.005);
    const [rt, re] = [await registryScan(tab, sys, 1, 4, 4, P), await registryScan(exact, sys, 1, 4, 4, P)];
    for (let k = 0; k < 16; k++) expect(Math.abs(rt.energy[k] - re.energy[k])).toBeLessThanOrEqual(1e-4 * Math.abs(re.energy[k]));
    const [xt, xe] = [await relaxRigid(tab, sys, P), await relaxRigid(exact, sys, P)];
    expect(xt.converged && xe.converged).toBe(true);
    expect(Math.abs(xt.films[0].zSeparation - xe.films[0].zSeparation)).toBeLessThan(0.01);
    expect(Math.abs(xt.energy - xe.energy)).toBeLessThanOrEqual(1e-4 * Math.abs(xe.energy));
  });
});

describe('the table itself', () => {
  const [, sys] = all[1];
  const P: FFParams = { model: 'uff', cutoff: 12 };
  const t = buildLayerTable(sys, 0, P);
  const v = new Float64Array(4), w = new Float64Array(4);
  it('finds the primitive surface cell of the substrate slab in the 3×3 supercell', () => {
    const lat = layerLattice(sys, 0);
    const c = sys.cell;
    expect(lat.cells).toBe(81);
    expect(lat.basis).toHaveLength(sys.role.filter((g) => g === 0).length / 81);
    expect((lat.p1[0] * lat.p2[1] - lat.p1[1] * lat.p2[0]) * 81).toBeCloseTo(Math.abs(c[0] * c[4] - c[1] * c[3]), 6);
    expect(Math.hypot(...lat.p1)).toBeCloseTo(Math.hypot(...lat.p2), 6); // fcc(111): hexagonal
  });
  it('finds the primitive cell of a strained film in a stack (3 atoms per MoS2 cell), and none in a turned film', () => {
    const [, stack] = all[3];
    const n1 = stack.role.filter((x) => x === 1).length;
    const lat = layerLattice(stack, 1);
    expect(lat.basis.map((i) => stack.numbers[i]).sort()).toEqual([16, 16, 42]);
    expect(lat.cells).toBe(n1 / 3);
    const odd = layerLattice(turned(stack, 7), 2);
    expect(odd.cells).toBe(1);
  });
  it('is periodic: a lattice translation gives the same value and gradient', () => {
    const { p1, p2 } = t.lattice;
    for (const [x, y, z] of [[0.3, 0.7, t.top + 2.6], [-4.1, 2.2, t.top + 3.3], [10.5, -7.7, t.top + 5.9]]) {
      lookup(t, 0, x, y, z, v);
      lookup(t, 0, x + 3 * p1[0] - 2 * p2[0], y + 3 * p1[1] - 2 * p2[1], z, w);
      for (let c = 0; c < 4; c++) expect(w[c]).toBeCloseTo(v[c], 12);
    }
  });
  it('is continuous with continuous gradient across the cell edges and between height levels', () => {
    const { p1, p2 } = t.lattice;
    const eps = 1e-9;
    for (const f of [0, 0.37]) {
      // Just either side of the edge u = 0 (and v = 0) of the primitive cell.
      for (const [ex, ey] of [p1, p2]) {
        const [ox, oy] = ex === p1[0] ? [f * p2[0], f * p2[1]] : [f * p1[0], f * p1[1]];
        lookup(t, 1, ox - eps * ex, oy - eps * ey, t.top + 2.8, v);
        lookup(t, 1, ox + eps * ex, oy + eps * ey, t.top + 2.8, w);
        for (let c = 0; c < 4; c++) expect(Math.abs(w[c] - v[c])).toBeLessThan(1e-6 * (Math.abs(v[c]) + 1e-3));
      }
    }
    const zk = t.top + t.h0 + 20 * t.dz;
    lookup(t, 0, 0.4, 0.2, zk - eps, v);
    lookup(t, 0, 0.4, 0.2, zk + eps, w);
    for (let c = 0; c < 4; c++) expect(Math.abs(w[c] - v[c])).toBeLessThan(1e-6 * (Math.abs(v[c]) + 1e-3));
  });
  it('its gradient is the derivative of its value (finite differences), and its value the exact sum at the nodes', () => {
    const h = 1e-5;
    const [x, y, z] = [0.77, 1.31, t.top + 2.9];
    lookup(t, 0, x, y, z, v);
    const fd = [
      [h, 0, 0],
      [0, h, 0],
      [0, 0, h],
    ].map(([a, b, c]) => {
      lookup(t, 0, x + a, y + b, z + c, w);
      const up = w[0];
      lookup(t, 0, x - a, y - b, z - c, w);
      return (up - w[0]) / (2 * h);
    });
    for (let c = 0; c < 3; c++) expect(Math.abs(fd[c] - v[c + 1])).toBeLessThan(1e-6 * Math.hypot(v[1], v[2], v[3]) + 1e-9);
    const zn = t.top + t.h0 + 14 * t.dz;
    lookup(t, 0, 0, 0, zn, v);
    exactPoint(t.exact, 0, 0, 0, zn, w);
    expect(v[0]).toBeCloseTo(w[0], 10);
  });
  it('is zero above the cutoff and falls back to the exact sum below its lowest height', () => {
    lookup(t, 0, 0.1, 0.2, t.top + 12.0001, v);
    expect([...v]).toEqual([0, 0, 0, 0]);
    lookup(t, 1, 0.1, 0.2, t.top + 1.2, v);
    exactPoint(t.exact, 1, 0.1, 0.2, t.top + 1.2, w);
    expect([...v]).toEqual([...w]);
  });
  it('wasm builds the same coefficients and answers the same lookups, below h0 and above the cutoff included', () => {
    const h = buildWasmTable(g, t);
    const data = wasmTableData(g, h);
    expect(data.length).toBe(t.data.length);
    let worst = 0;
    for (let k = 0; k < data.length; k++) worst = Math.max(worst, Math.abs(data[k] - t.data[k]) / (Math.abs(t.data[k]) + 1e-6));
    expect(worst).toBeLessThan(1e-10);
    for (const [x, y, z] of [[0.3, 0.7, t.top + 2.6], [-4.1, 2.2, t.top + 1.1], [10.5, -7.7, t.top + 12.5], [2.2, 1.9, t.top + 4.44]]) {
      lookup(t, 1, x, y, z, v);
      const w2 = wasmLookup(g, h, 1, x, y, z);
      for (let c = 0; c < 4; c++) expect(Math.abs(w2[c] - v[c])).toBeLessThanOrEqual(1e-11 * (Math.abs(v[c]) + 1e-3));
    }
    expect(() => wasmLookup(g, h, 7, 0, 0, 0)).toThrow(/bad parameter/);
  });
  it('refuses a table too large to build, naming the layer and the limit', () => {
    expect(() => buildLayerTable(sys, 0, P, { maxWork: 1e5 })).toThrow(TableTooLarge);
    expect(() => buildLayerTable(sys, 0, P, { maxWork: 1e5 })).toThrow(/layer 0: a \d+×\d+×\d+ table needs ~.* pair terms \(limit 1\.0e\+5\)/);
  });
  it('rigidLayersBackend uses the tables, or the exact sum with the reason when a lower layer has no small cell', async () => {
    const [, stack] = all[3];
    const ok = rigidLayersBackend(g, stack, P, exact);
    expect(ok.backend.tabulated).toBe(true);
    expect(ok.notice).toBeUndefined();
    ok.dispose();
    const twisted = { ...stack, group: stack.role.map((x) => (x === 2 ? 1 : x === 1 ? 2 : x)) }; // film 2 (turned below) under film 1
    const r = rigidLayersBackend(g, turnedLayer(twisted, 1, 7), P, exact);
    expect(r.backend).toBe(exact);
    expect(r.notice).toMatch(/tabulated layers unavailable \(layer 1: a \d+×\d+×\d+ table needs .* its primitive cell is the whole supercell\); using the exact pair sum on wasm/);
  });
  it('refuses a system whose layers moved other than rigidly since the tables were built', async () => {
    const T = buildRigidTables(all[0][1], P);
    const bent = { ...all[0][1], positions: all[0][1].positions.slice() };
    bent.positions[3 * bent.role.indexOf(1) + 2] += 0.01;
    await expect(tabulatedBackend(T).energyForces(bent, P)).rejects.toThrow(/layer 1 moved other than rigidly/);
    await expect(tabulatedBackend(T).energyForces(all[0][1], { model: 'd2', cutoff: 12 })).rejects.toThrow(/tables are for uff/);
  });
});
