import { describe, expect, it } from 'vitest';
import { cartesianToScaled } from '../core/cell';
import { mustRead } from '../../test/helpers/fixtures';
import { cifNeedsSpaceGroupTables, cifNumber, parseCif, readCifBlocks } from './cif';

describe('CIF tokenizer', () => {
  it('handles quotes, text fields, comments, CIF 2 lists and triple quotes', () => {
    const [b] = readCifBlocks(`data_x
_a 'O'Keeffe, M.'   # apostrophe inside single quotes
_b "two words"
_c
;
line one
line two
;
_d '''triple "quoted"'''
_e [1 2 [3 4]]
_f 3.1604(2)
`);
    expect(b.items.get('_a')!.text).toBe("O'Keeffe, M.");
    expect(b.items.get('_b')!.text).toBe('two words');
    expect(b.items.get('_c')!.text).toBe('line one\nline two');
    expect(b.items.get('_d')!.text).toBe('triple "quoted"');
    expect(b.items.get('_e')!.text).toBe('[1 2 [3 4]]');
    expect(b.items.get('_f')!.line).toBe(11);
    expect(cifNumber(b.items.get('_f'))).toBe(3.1604);
  });
  it('numbers: uncertainties stripped, . and ? are null, quoted numbers too', () => {
    const v = (text: string, quoted = false) => ({ text, line: 1, quoted });
    expect(cifNumber(v('-1.5e-3(12)'))).toBe(-0.0015);
    expect(cifNumber(v('90.'))).toBe(90);
    expect(cifNumber(v('?'))).toBeNull();
    expect(cifNumber(v('.'))).toBeNull();
    expect(cifNumber(v('abc'))).toBeNaN();
  });
});

describe('CIF reader', () => {
  it('expands listed operations (MoS2, P6_3/mmc) to 6 sites with exact positions', async () => {
    const { structures: [s] } = await mustRead('MoS2_2H.cif');
    expect(s.numbers.length).toBe(6);
    expect([...s.numbers].filter((z) => z === 42).length).toBe(2);
    const f = cartesianToScaled(s.cell, s.positions)!;
    const mo = [0, 1, 2, 3, 4, 5].filter((i) => s.numbers[i] === 42).map((i) => [f[3 * i], f[3 * i + 1], f[3 * i + 2]]);
    mo.sort((a, b) => a[2] - b[2]);
    expect(mo[0][2]).toBeCloseTo(0.25, 9);
    expect(mo[1][2]).toBeCloseTo(0.75, 9);
  });
  it('generates operations from a symbol only (Fm-3m → 4 Au), a number only (229 → 2 Fe), and says so', async () => {
    const au = await mustRead('Au_symbol_only.cif');
    expect(au.structures[0].numbers.length).toBe(4);
    expect(au.warnings.join()).toMatch(/generated 192 from symbol "F m -3 m"/);
    const fe = await mustRead('Fe_number_only.cif');
    expect(fe.structures[0].numbers.length).toBe(2);
    expect(fe.warnings.join()).toMatch(/from number 229/);
  });
  it('honours a setting suffix: Fd-3m origin choice 2 gives the 8 atoms of diamond Si', async () => {
    const { structures: [s] } = await mustRead('Si_diamond_symbol_only.cif');
    expect(s.numbers.length).toBe(8);
  });
  it('merges symmetry images that coincide after rounding (0.3333 vs 1/3)', async () => {
    const { structures: [s] } = await mustRead('graphite_symbol_only.cif');
    expect(s.numbers.length).toBe(4);
  });
  it('partial occupancy: warning names the sites, occupancy kept per atom, nothing silently dropped', async () => {
    const { structures: [s], warnings } = await mustRead('CuAu_disordered.cif');
    expect(warnings.join('\n')).toMatch(/partial occupancy at Au1 \(0.5\), Cu1 \(0.5\)/);
    expect(warnings.join('\n')).toMatch(/Au1\/Cu1 share a position/);
    expect(s.arrays.occupancy).toBeDefined();
    expect(s.numbers.length).toBe(4);
  });
  it('returns every data block with atoms, named, and skips the others with a note', async () => {
    const { structures, warnings } = await mustRead('two_blocks.cif');
    expect(structures.map((s) => s.info.title)).toEqual(['Ag', 'Cu']);
    expect(structures.map((s) => s.numbers.length)).toEqual([4, 4]);
    expect(warnings.join()).toMatch(/data_publication/);
  });
  it('reads CIF 2 with DDLm dotted tags', async () => {
    const { structures: [s] } = await mustRead('MoS2_cif2.cif');
    expect(s.numbers.length).toBe(6);
    expect(s.cell[0]).toBeCloseTo(3.1604, 12);
  });
  it('reads charged type symbols (Zr4+, Te2-) and uncertainties in coordinates', async () => {
    const { structures: [s] } = await mustRead('ZrTe2_uncertainties.cif');
    expect(Array.from(s.numbers).sort()).toEqual([40, 52, 52]);
  });
  it('an unknown space group symbol is an error naming the line', () => {
    const r = parseCif('data_x\n_cell_length_a 3\n_cell_length_b 3\n_cell_length_c 3\n_symmetry_space_group_name_H-M "P 1"\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nH1 0 0 0\n');
    expect(r.ok).toBe(true); // P 1 needs no tables; missing angles default to 90 with a warning
    if (r.ok) expect(r.warnings.map((w) => w.message).join()).toMatch(/_cell_angle_alpha missing/);
  });
});

describe('CIF loop numbers read from the text', () => {
  it('equal Number() of the token for every decimal (property), and the general rules otherwise', () => {
    const tokens: string[] = [];
    let seed = 17;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let k = 0; k < 3000; k++) {
      const x = rnd() * 0.999;
      tokens.push(['0.' + String(Math.floor(x * 1e9)).padStart(9, '0'), x.toFixed(6 + (k % 12)), x.toExponential(8), `${x.toFixed(7)}(12)`, `+${x.toFixed(8)}`, x.toPrecision(17)][k % 6]);
    }
    // y keeps the sites apart (no merging); a = 1024 Å, so x = f·a is exact and f comes back as x / 1024.
    const rows = tokens.map((t, i) => `H${i} H ${t} ${((i + 0.5) / 4096).toFixed(10)} 0.654321`).join('\n');
    const r = parseCif(`data_x\n_cell_length_a 1024\n_cell_length_b 1024\n_cell_length_c 1024\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n${rows}\n`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const got = r.structures[0].positions;
    // Sites with more than 5 decimals are taken as written (no snapping).
    expect(got.length).toBe(3 * tokens.length);
    tokens.forEach((t, i) => expect(got[3 * i] / 1024, t).toBe(Number(t.replace(/\(\d+\)$/, ''))));
  });
});

describe('cifNeedsSpaceGroupTables (one pass over the text)', () => {
  it('is true exactly when some block lists no operations, in any case or tag spelling', () => {
    const cases: [string, boolean][] = [
      ['data_a\nloop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n', false],
      ['data_a\n_space_group_symop.operation_xyz x,y,z\n', false],
      ['data_a\n_SPACE_GROUP_SYMOP_OPERATION_XYZ x,y,z\n', false],
      ['data_a\n_symmetry_space_group_name_H-M "F m -3 m"\n', true],
      ['data_a\nloop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\ndata_b\n_space_group_IT_number 225\n', true],
      ['# no blocks\n', false],
      ['  DATA_x\n_cell_length_a 1\n', true],
    ];
    for (const [text, want] of cases) expect(cifNeedsSpaceGroupTables(text), text).toBe(want);
  });
});
