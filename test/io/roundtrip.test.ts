import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cartesianToScaled, cellFromParameters, rightHanded, scaledToCartesian } from '../../src/core/cell';
import { det3 } from '../../src/core/linalg';
import { makeStructure, supercell, type Structure } from '../../src/core/structure';
import { detectFormat } from '../../src/io/detect';
import { FORMATS, type StructureFormat } from '../../src/io/formats';
import { readStructureFile } from '../../src/io/registry';
import { writeStructure, type WriteFormat } from '../../src/io/write';
import { poscarOrder } from '../../src/io/write-vasp';
import { goodFixtureNames, mustRead } from '../helpers/fixtures';
import { aseRead, haveAse, type AseAtoms } from './ase';
import { chiralQuadruple, distanceTableDifference, signedVolume, type Atoms } from './compare';

const WRITABLE = FORMATS.filter((f) => f.write);
const READ_WRITE = WRITABLE.filter((f) => f.read);
const fileName = (f: StructureFormat, stem = 'out') => `${stem}.${f.extensions[0]}`;

/** Same atoms up to the POSCAR species grouping: compare in poscarOrder, positions modulo lattice translations. */
function expectSameStructure(a: Structure, b: Structure, reordered: boolean) {
  expect(b.numbers.length).toBe(a.numbers.length);
  const order = reordered ? poscarOrder(a.numbers) : Int32Array.from(a.numbers, (_, i) => i);
  for (let k = 0; k < 9; k++) expect(b.cell[k]).toBeCloseTo(a.cell[k], 7);
  const periodic = a.pbc.some(Boolean);
  const fa = periodic ? cartesianToScaled(a.cell, a.positions)! : a.positions;
  const fb = periodic ? cartesianToScaled(b.cell, b.positions)! : b.positions;
  order.forEach((i, k) => {
    expect(b.numbers[k]).toBe(a.numbers[i]);
    for (let c = 0; c < 3; c++) {
      let d = fb[3 * k + c] - fa[3 * i + c];
      if (periodic) d -= Math.round(d);
      expect(Math.abs(d)).toBeLessThan(1e-8);
    }
    if (a.arrays.selectiveDynamics && b.arrays.selectiveDynamics)
      expect(Array.from(b.arrays.selectiveDynamics.subarray(3 * k, 3 * k + 3))).toEqual(Array.from(a.arrays.selectiveDynamics.subarray(3 * i, 3 * i + 3)));
  });
}

describe('write → read round trip over every readable and writable format and every fixture', () => {
  for (const name of goodFixtureNames()) {
    for (const format of READ_WRITE) {
      it(`${name} → ${format.id}`, async () => {
        const { structures } = await mustRead(name);
        for (const read of structures) {
          if (!read.pbc.some(Boolean) && format.needsCell) continue; // a molecule has no POSCAR/CIF form
          const s = rightHanded(read); // what every writer writes
          const text = writeStructure(read, format.id as WriteFormat);
          expect(detectFormat(fileName(format), text).format).toBe(format.id);
          const r = await readStructureFile(fileName(format), text);
          if (!r.ok) throw new Error(`re-read failed: ${JSON.stringify(r.issue)}`);
          expect(r.structures.length).toBe(1);
          const back = r.structures[0];
          if (format.id === 'cif') {
            // CIF stores parameters, not vectors: compare in fractional coordinates after orienting both alike.
            expect(back.numbers.length).toBe(s.numbers.length);
            const fa = cartesianToScaled(s.cell, s.positions)!;
            const fb = cartesianToScaled(back.cell, back.positions)!;
            for (let i = 0; i < fa.length; i++) {
              const d = fb[i] - fa[i];
              expect(Math.abs(d - Math.round(d))).toBeLessThan(1e-8);
            }
            expect(Array.from(back.numbers)).toEqual(Array.from(s.numbers));
          } else {
            expectSameStructure(s, back, format.id === 'vasp');
          }
        }
      });
    }
  }
});

// ---- Every writer, the same structure: left-handed cells, read back by heterolab and by ASE ----

/** The atoms in POSCAR order, so that every format's output lists them in the same order. */
function grouped(s: Structure): Structure {
  const o = poscarOrder(s.numbers);
  const pick = <T extends Uint8Array | Float64Array>(a: T, w: number): T => {
    const out = new (a.constructor as new (n: number) => T)(a.length);
    o.forEach((i, k) => out.set(a.subarray(w * i, w * i + w), w * k));
    return out;
  };
  const arrays = { ...s.arrays };
  if (arrays.selectiveDynamics) arrays.selectiveDynamics = pick(arrays.selectiveDynamics, 3);
  if (arrays.role) arrays.role = pick(arrays.role, 1);
  delete arrays.labels;
  return { ...s, numbers: pick(s.numbers, 1), positions: pick(s.positions, 3), arrays };
}

/** Left-handed cells describing the same structure as a right-handed one: c reversed, or a and b swapped. */
async function leftHandedCases(): Promise<{ name: string; s: Structure }[]> {
  const slab = (await mustRead('Au111_slab_selective.vasp')).structures[0];
  const c = slab.cell;
  const reversed = { ...slab, cell: Float64Array.from([c[0], c[1], c[2], c[3], c[4], c[5], -c[6], -c[7], -c[8]]) };
  const janus = grouped(supercell((await mustRead('MoSSe_janus.vasp')).structures[0], [2, 0, 0, 0, 2, 0, 0, 0, 1]));
  const j = janus.cell;
  const n = janus.numbers.length;
  // Mo atoms fixed, the rest free; roles as an interface would carry them (Mo and S: 0, Se: 1).
  const sd = Uint8Array.from({ length: 3 * n }, (_, k) => (janus.numbers[Math.floor(k / 3)] === 42 ? 0 : 1));
  const role = Uint8Array.from(janus.numbers, (z) => (z === 34 ? 1 : 0));
  const swapped: Structure = {
    ...janus,
    cell: Float64Array.from([j[3], j[4], j[5], j[0], j[1], j[2], j[6], j[7], j[8]]),
    arrays: { selectiveDynamics: sd, role },
  };
  return [
    { name: 'Au(111) slab, bottom layers fixed, c reversed', s: reversed },
    { name: 'MoSSe 2×2 with Mo fixed and roles, a and b swapped', s: swapped },
  ];
}

const fixedAtoms = (s: Structure): number[] => {
  const sd = s.arrays.selectiveDynamics;
  return sd ? Array.from(s.numbers, (_, i) => i).filter((i) => !sd[3 * i] && !sd[3 * i + 1] && !sd[3 * i + 2]) : [];
};

/** Same distances (1e-5 Å), same handedness of a fixed quadruple of atoms, a right-handed cell, same fixed atoms. */
function expectSame(ref: Structure, back: Atoms & { fixed?: number[] }, what: string) {
  expect(det3(back.cell), `${what}: cell is left-handed`).toBeGreaterThan(0);
  const diff = distanceTableDifference(ref, back);
  expect(typeof diff === 'number' ? diff : Infinity, `${what}: distance tables differ (${diff})`).toBeLessThan(1e-5);
  const q = chiralQuadruple(ref);
  const v0 = signedVolume(ref, q);
  expect(signedVolume(back, q), `${what}: mirror image (signed volume of atoms ${q})`).toBeCloseTo(v0, 4);
  if (back.fixed) expect(back.fixed, `${what}: fixed atoms`).toEqual(fixedAtoms(ref));
}

describe('every writer writes the same structure on a right-handed cell (issue 12, bug 2)', async () => {
  const cases = await leftHandedCases();
  for (const { name, s } of cases) {
    it(`${name}: the case is left-handed`, () => expect(det3(s.cell)).toBeLessThan(0));
    for (const format of READ_WRITE)
      it(`${name} → ${format.id} → heterolab's reader`, async () => {
        const r = await readStructureFile(fileName(format), writeStructure(s, format.id as WriteFormat));
        if (!r.ok) throw new Error(`re-read failed: ${JSON.stringify(r.issue)}`);
        const back = r.structures[0];
        expectSame(s, { ...back, fixed: format.keepsFixedAtoms ? fixedAtoms(back) : undefined }, format.id);
        // Roles stay with their atoms (extended XYZ carries them).
        if (format.id === 'extxyz' && s.arrays.role) expect(Array.from(back.arrays.role ?? [])).toEqual(Array.from(s.arrays.role));
      });
  }
});

// ---- ASE, an independent reader, on every writable format ----

const haveVenv = haveAse('roundtrip.test.ts');

describe.runIf(haveVenv)('ASE reads every writer’s output as the same structure', async () => {
  const cases = await leftHandedCases();
  // Created in beforeAll: a suite filtered out (vitest -t) leaves nothing behind.
  const dir = join(tmpdir(), `hl-ase-${process.pid}-${Date.now()}`);
  const jobs: { name: string; format: StructureFormat; s: Structure; path: string }[] = [];
  cases.forEach(({ name, s }, k) => WRITABLE.forEach((format) => jobs.push({ name, format, s, path: join(dir, fileName(format, `case${k}`)) })));
  const results = new Map<string, AseAtoms | { error: string }>();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    const written = jobs.filter((j) => {
      try {
        writeFileSync(j.path, writeStructure(j.s, j.format.id as WriteFormat));
        return true;
      } catch (e) {
        results.set(j.path, { error: `heterolab could not write it: ${(e as Error).message}` });
        return false;
      }
    });
    aseRead(written.map((j) => ({ path: j.path, format: j.format.id }))).forEach((a, k) => results.set(written[k].path, a));
  });
  for (const j of jobs)
    it(`${j.name} → ${j.format.id} → ASE`, () => {
      const a = results.get(j.path)!;
      if ('error' in a && a.error) throw new Error(`${j.path}: ${a.error}`);
      expectSame(j.s, { ...(a as AseAtoms), fixed: j.format.keepsFixedAtoms ? (a as AseAtoms).fixed : undefined }, `${j.format.id} via ASE`);
    });
});

describe.runIf(haveVenv)('ASE reads every writer’s output of every fixture as the structure heterolab read', async () => {
  const dir = join(tmpdir(), `hl-ase-fix-${process.pid}-${Date.now()}`);
  const jobs: { name: string; format: StructureFormat; s: Structure; path: string }[] = [];
  for (const name of goodFixtureNames()) {
    const s = (await mustRead(name)).structures[0];
    if (s.numbers.length > 200) continue; // distance tables grow as N²; the left-handed cases above cover the rest
    for (const format of WRITABLE) {
      if (format.needsCell && !s.pbc.some(Boolean)) continue;
      jobs.push({ name, format, s, path: join(dir, fileName(format, `${name.replace(/\W/g, '_')}`)) });
    }
  }
  const results = new Map<string, AseAtoms | { error: string }>();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    for (const j of jobs) writeFileSync(j.path, writeStructure(j.s, j.format.id as WriteFormat));
    aseRead(jobs.map((j) => ({ path: j.path, format: j.format.id }))).forEach((a, k) => results.set(jobs[k].path, a));
  });
  for (const j of jobs)
    it(`${j.name} → ${j.format.id} → ASE`, () => {
      const a = results.get(j.path)!;
      if ('error' in a && a.error) throw new Error(`${j.path}: ${a.error}`);
      const back = a as AseAtoms;
      expect(Array.from(back.numbers).sort()).toEqual(Array.from(j.s.numbers).sort());
      const diff = distanceTableDifference(j.s, back);
      expect(typeof diff === 'number' ? diff : Infinity, `distance tables differ (${diff})`).toBeLessThan(1e-5);
      if (j.format.keepsFixedAtoms && j.format.id !== 'vasp') expect(back.fixed).toEqual(fixedAtoms(j.s));
    });
});

describe('format detection', () => {
  const TABLE: [name: string, text: string, format: string | null, by: string][] = [
    ['POSCAR', 'anything', 'vasp', 'name'],
    ['CONTCAR_relaxed', 'anything', 'vasp', 'name'],
    ['MoS2.POSCAR.vasp', 'x', 'vasp', 'name'],
    ['x.txt', '# comment\ndata_foo\n', 'cif', 'content'],
    ['x.dat', '{"lattice": 1}', 'json', 'content'],
    ['x.dat', '3\nLattice="1 0 0 0 1 0 0 0 1" Properties=species:S:1:pos:R:3\n', 'extxyz', 'content'],
    ['x.dat', '3\nwater\n', 'xyz', 'content'],
    ['x.cif', 'no signature', 'cif', 'extension'],
    ['x.vasp', 'no signature', 'vasp', 'extension'],
    ['x.xyz', 'no signature', 'xyz', 'extension'],
    ['x.json', 'no signature', 'json', 'extension'],
    ['structure', 'Cu\n1.0\n3 0 0\n0 3 0\n0 0 3\nCu\n1\nDirect\n0 0 0\n', 'vasp', 'heuristic'],
    ['notes', 'hello\nworld\n', null, 'none'],
    // Write-only formats are never detected for reading.
    ['geometry.in', 'atom 0 0 0 Cu\n', null, 'none'],
  ];
  for (const [name, text, format, by] of TABLE)
    it(`${name}: ${JSON.stringify(text.slice(0, 20))} → ${format} by ${by}`, () => {
      expect(detectFormat(name, text)).toEqual({ format, by });
    });
});

function hasChiralQuadruple(s: Structure): boolean {
  try {
    chiralQuadruple(s);
    return true;
  } catch {
    return false;
  }
}

describe('property: any cell, either hand, written and read back by heterolab, is the same structure', () => {
  const deg = Math.PI / 180;
  const arb = fc.record({
    p: fc.record({ a: fc.double({ min: 5, max: 9, noNaN: true }), b: fc.double({ min: 5, max: 9, noNaN: true }), c: fc.double({ min: 5, max: 9, noNaN: true }), alpha: fc.double({ min: 70, max: 110, noNaN: true }), beta: fc.double({ min: 70, max: 110, noNaN: true }), gamma: fc.double({ min: 60, max: 120, noNaN: true }) }),
    flip: fc.integer({ min: 0, max: 3 }),
    // Atom k near site k of a 2×2×2 grid (fractional displacements up to ±0.1), so no two atoms overlap.
    atoms: fc.array(fc.record({ z: fc.constantFrom(1, 8, 42, 79), d: fc.tuple(...[0, 1, 2].map(() => fc.integer({ min: -100, max: 100 }))), fixed: fc.boolean() }), { minLength: 4, maxLength: 8 }),
  });
  it('distances within 1e-5 Å, the same hand, right-handed cells, the same fixed atoms', async () => {
    await fc.assert(
      fc.asyncProperty(arb, async ({ p, flip, atoms }) => {
        const cell = cellFromParameters({ ...p, alpha: p.alpha * deg, beta: p.beta * deg, gamma: p.gamma * deg });
        fc.pre(cell !== null && det3(cell) > 5);
        if (flip < 3) for (let j = 0; j < 3; j++) cell![3 * flip + j] *= -1;
        const placed = atoms.map((x, k) => ({ ...x, f: [0, 1, 2].map((c) => 0.25 + 0.5 * ((k >> c) & 1) + x.d[c] / 1000) }));
        const sorted = placed.sort((x, y) => x.z - y.z);
        const numbers = Uint8Array.from(sorted, (x) => x.z);
        const s = makeStructure({
          numbers,
          positions: scaledToCartesian(cell!, sorted.flatMap((x) => x.f)),
          cell: cell!,
          pbc: [true, true, true],
          arrays: { selectiveDynamics: Uint8Array.from(sorted.flatMap((x) => (x.fixed ? [0, 0, 0] : [1, 1, 1]))) },
        });
        // No atom quadruple with unambiguous nearest images: not a structure to test the hand on.
        fc.pre(hasChiralQuadruple(s));
        for (const format of READ_WRITE) {
          const r = await readStructureFile(fileName(format), writeStructure(s, format.id as WriteFormat));
          if (!r.ok) throw new Error(JSON.stringify(r.issue));
          const back = r.structures[0];
          expectSame(s, { ...back, fixed: format.keepsFixedAtoms ? fixedAtoms(back) : undefined }, format.id);
        }
      }),
      { numRuns: 60 },
    );
  });
});
