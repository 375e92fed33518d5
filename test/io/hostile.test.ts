import { describe, expect, it } from 'vitest';
import { readStructureFile } from '../../src/io/registry';
import { findOverlaps, MAX_OVERLAP_PAIRS, validateStructure } from '../../src/core/validate';
import { makeStructure } from '../../src/core/structure';
import { parsePymatgenJson } from '../../src/io/json';

/**
 * Issue 17: hostile and slow inputs, generated here. These assert behaviour and warning codes, never times: the
 * times (117 s → under a second for 100,000 atoms at one point) come from `IO_BENCH=hostile npm run bench -- io`.
 */
const enc = (s: string) => new TextEncoder().encode(s);
function poscar(cell: number, n: number, at: (i: number) => [number, number, number]): Uint8Array {
  const lines = ['hostile', '1.0', `${cell} 0 0`, `0 ${cell} 0`, `0 0 ${cell}`, 'Cu', String(n), 'Cartesian'];
  for (let i = 0; i < n; i++) lines.push(at(i).map((x) => x.toFixed(6)).join(' '));
  return enc(lines.join('\n') + '\n');
}
let seed = 7;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);

describe('overlap check: bounded work whatever the input (item 1)', () => {
  it('100,000 atoms at one point: read, with an overlap warning that says the check stopped', async () => {
    const r = await readStructureFile('POSCAR', poscar(10, 100_000, () => [1, 1, 1]));
    expect(r.ok).toBe(true);
    if (!r.ok) throw new Error(r.issue.message);
    expect(r.structures[0].numbers.length).toBe(100_000);
    const w = r.warnings.find((x) => x.code === 'overlap')!;
    expect(w.message).toMatch(new RegExp(`^at least ${MAX_OVERLAP_PAIRS} atom pair\\(s\\) closer than 0.5 Å \\(the check stops at ${MAX_OVERLAP_PAIRS} pairs\\), e\\.g\\. Cu1–Cu2 at 0\\.000 Å`));
  });
  it('20,000 atoms in a 2 Å cell: the same warning', async () => {
    const r = await readStructureFile('POSCAR', poscar(2, 20_000, () => [2 * rnd(), 2 * rnd(), 2 * rnd()]));
    expect(r.ok && r.warnings.map((w) => w.code)).toEqual(['overlap']);
    expect(r.ok && r.warnings[0].message).toMatch(/^at least 10000 atom pair/);
  });
  it('below the pair limit the count is exact; a sparse open cloud in a huge box has no overlaps and completes', () => {
    // 30 pairs of atoms 0.1 Å apart, the pairs 10 Å apart, in open space.
    const n = 60;
    const pos = Float64Array.from({ length: 3 * n }, (_, k) => (k % 3 === 0 ? Math.floor(k / 6) * 10 + (Math.floor(k / 3) % 2) * 0.1 : 0));
    const pairs = findOverlaps(makeStructure({ numbers: new Uint8Array(n).fill(6), positions: pos }), 0.5);
    expect(pairs).toMatchObject({ count: 30, complete: true });
    // 20,000 atoms on a 1 Å grid in one corner of a 10^6 Å box: once quadratic (one bin held everything).
    const m = 20_000;
    const cloud = Float64Array.from({ length: 3 * m }, (_, k) => [Math.floor(k / 3) % 28, Math.floor(k / 84) % 28, Math.floor(k / (3 * 784))][k % 3]);
    const big = makeStructure({ numbers: new Uint8Array(m).fill(6), positions: cloud, cell: Float64Array.from([1e6, 0, 0, 0, 1e6, 0, 0, 0, 1e6]), pbc: [true, true, true] });
    expect(findOverlaps(big, 0.5)).toEqual({ count: 0, complete: true });
    expect(validateStructure(big)).toEqual([]);
  });
  it('a sheared cell (heights below the cutoff, vectors long) still finds image overlaps, after reduction', () => {
    // a = (3,0,0), b = (300.2,1,0): the same lattice as a, (0.2,1,0) — images of an atom 1 Å apart along b', 0.2 Å shear.
    const cell = Float64Array.from([3, 0, 0, 300.2, 1, 0, 0, 0, 10]);
    const s = makeStructure({ numbers: Uint8Array.from([6, 6]), positions: Float64Array.from([0, 0, 0, 0.1, 0.5, 0]), cell, pbc: [true, true, true] });
    const brute = (() => {
      let c = 0;
      for (let a = -3; a <= 3; a++) for (let b = -3; b <= 3; b++) for (let z = -1; z <= 1; z++) {
        const d = [0.1 + a * 3 + b * 0.2, 0.5 + b * 1, z * 10];
        if (Math.hypot(...d) < 0.6) c++;
      }
      return c;
    })();
    expect(brute).toBeGreaterThan(0);
    expect(findOverlaps(s, 0.6)).toMatchObject({ count: brute, complete: true });
  });
});

describe('CIF: several blocks, placeholders, old symbols, partial occupancy (item 8)', () => {
  const head = (name: string, sg: string) => `data_${name}\n_cell_length_a 4.0\n_cell_length_b 4.0\n_cell_length_c 4.0\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n_symmetry_space_group_name_H-M '${sg}'\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n`;
  it('a block whose site loop holds only ? and . is skipped, and the warning names the block read', async () => {
    const text = head('unrefined', 'P 1') + 'Cu1 Cu ? ? ? ?\nCu2 Cu . . . .\n' + head('refined', 'P 1') + 'Cu1 Cu 0 0 0 1\n';
    const r = await readStructureFile('two.cif', enc(text));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.structures.map((s) => s.info.title)).toEqual(['refined']);
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(/data_unrefined: the site loop holds only placeholders \(\? or \.\), no structure; read data_refined/);
  });
  it('only placeholder blocks: refused, saying so', async () => {
    const r = await readStructureFile('none.cif', enc(head('unrefined', 'P 1') + 'Cu1 Cu ? ? ? ?\n'));
    expect(r.ok || r.issue).toMatchObject({ code: 'missing-field', line: 1 });
    expect(r.ok || r.issue.message).toMatch(/data_unrefined hold only placeholders/);
  });
  it('"P m 3 m" (no overbar) is read as Pm-3m: CsCl has 2 atoms', async () => {
    const r = await readStructureFile('CsCl.cif', enc(head('CsCl', 'P m 3 m') + 'Cs1 Cs 0 0 0 1\nCl1 Cl 0.5 0.5 0.5 1\n'));
    expect(r.ok || r.issue).toBe(true);
    if (!r.ok) return;
    expect(r.structures[0].numbers.length).toBe(2);
    expect(r.warnings.map((w) => w.message).join()).toMatch(/generated 48 from symbol "P m 3 m" as P m -3 m \(No\. 221/);
  });
  it('partial occupancy: the ordered structure is kept for building, the composition by occupancy is reported', async () => {
    const text = head('CuAu', 'F m -3 m') + 'Au1 Au 0 0 0 0.5\nCu1 Cu 0 0 0 0.5\n';
    const r = await readStructureFile('CuAu.cif', enc(text));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.structures[0].numbers.length).toBe(4);
    expect(r.structures[0].info.compositionByOccupancy).toBe('Au2 Cu2'); // pymatgen: Composition("Au2 Cu2") on this cell
    expect(r.warnings.map((w) => w.message).join()).toMatch(/composition by occupancy Au2 Cu2/);
  });
  it('pymatgen JSON: the same composition by occupancy, with the majority species kept', () => {
    const d = { lattice: { matrix: [[3, 0, 0], [0, 3, 0], [0, 0, 3]] }, sites: [{ species: [{ element: 'Fe', occu: 0.7 }, { element: 'Ni', occu: 0.3 }], abc: [0, 0, 0] }, { species: [{ element: 'Fe', occu: 1 }], abc: [0.5, 0.5, 0.5] }] };
    const r = parsePymatgenJson(JSON.stringify(d));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Array.from(r.structures[0].numbers)).toEqual([26, 26]);
    expect(r.structures[0].info.compositionByOccupancy).toBe('Fe1.7 Ni0.3');
  });
});

describe('limits are checked before the work, and say how to get under them (What to build, item 2)', () => {
  it('a counts line of 10,000,000 atoms is refused from the header, naming the limit', async () => {
    const r = await readStructureFile('POSCAR', enc('big\n1\n3 0 0\n0 3 0\n0 0 3\nCu\n10000000\nDirect\n0 0 0\n'));
    expect(r.ok || r.issue).toMatchObject({ code: 'too-many-atoms', line: 7 });
    expect(r.ok || r.issue.hint).toMatch(/at most 2,000,000 atoms \(MAX_ATOMS in src\/core\/validate\.ts/);
  });
  it('a CIF whose symmetry expansion could pass the limit is refused before expanding', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `Cu${i} Cu ${(i / 20_000).toFixed(6)} 0.1 0.2`).join('\n');
    const text = `data_x\n_cell_length_a 50\n_cell_length_b 50\n_cell_length_c 50\n_symmetry_space_group_name_H-M 'F m -3 m'\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n${rows}\n`;
    const r = await readStructureFile('x.cif', enc(text));
    expect(r.ok || r.issue).toMatchObject({ code: 'too-many-atoms', line: 6 });
    expect(r.ok || r.issue.message).toMatch(/20000 sites × 192 operations could exceed 2000000 atoms/);
    expect(r.ok || r.issue.hint).toMatch(/MAX_ATOMS/);
  });
});
