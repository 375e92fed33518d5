import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cartesianToScaled } from '../../src/core/cell';
import { element } from '../../src/core/elements';
import { det3 } from '../../src/core/linalg';
import { makeStructure, type Structure } from '../../src/core/structure';
import { chooseWriteFormat, FORMATS, formatForPath, writableFormats } from '../../src/io/formats';
import { readStructureFile } from '../../src/io/registry';
import { writeStructure } from '../../src/io/write';
import { lammpsBox } from '../../src/io/write-lammps';
import { cartesianMoveMask, kMesh } from '../../src/io/write-util';
import { mustRead } from '../helpers/fixtures';
import { aseRead, haveAse } from './ase';
import { distanceTableDifference } from './compare';

describe('the format table', () => {
  it('lists the export targets with label and extension, in table order', () => {
    expect(writableFormats().map((f) => `${f.id} .${f.extension}`)).toEqual(['vasp .vasp', 'cif .cif', 'extxyz .extxyz', 'espresso-in .pwi', 'lammps-data .lmp', 'aims .in']);
    for (const f of writableFormats()) expect(f.label.length).toBeGreaterThan(2);
  });
  it('has one entry per id', () => {
    expect(new Set(FORMATS.map((f) => f.id)).size).toBe(FORMATS.length);
  });
  const PATHS: [string, string | null][] = [
    ['POSCAR', 'vasp'],
    ['run/CONTCAR_1', 'vasp'],
    ['Au111.POSCAR.cif', 'vasp'], // name patterns outrank the extension, as when reading
    ['iface.vasp', 'vasp'],
    ['iface.CIF', 'cif'],
    ['iface.xyz', 'extxyz'], // plain XYZ has no writer: .xyz exports extended XYZ
    ['iface.extxyz', 'extxyz'],
    ['pw.pwi', 'espresso-in'],
    ['iface.lmp', 'lammps-data'],
    ['iface.data', 'lammps-data'],
    ['geometry.in', 'aims'],
    ['geometry.in.next_step', 'aims'],
    ['scf.in', null], // pw.x and FHI-aims both use .in: the name does not tell
    ['iface.txt', null],
    ['iface', null],
  ];
  for (const [path, id] of PATHS) it(`formatForPath(${path}) → ${id}`, () => expect(formatForPath(path)?.id ?? null).toBe(id));
  it('chooses the output format from --to first, then the path, and says which ids exist', () => {
    expect(chooseWriteFormat('cif', 'x.vasp')).toEqual({ id: 'cif' });
    expect(chooseWriteFormat(undefined, 'geometry.in')).toEqual({ id: 'aims' });
    expect(chooseWriteFormat('pdb', 'x.vasp')).toEqual({ error: '--to must be one of vasp, cif, extxyz, espresso-in, lammps-data, aims (got "pdb")' });
    expect(chooseWriteFormat(undefined, 'run/scf.in')).toEqual({ error: 'cannot tell the output format from the name "scf.in" (it fits espresso-in and aims); give --to vasp|cif|extxyz|espresso-in|lammps-data|aims' });
    expect(writableFormats().find((f) => f.id === 'aims')!.fileName).toBe('geometry.in');
    expect(chooseWriteFormat(undefined, 'x.txt')).toMatchObject({ error: expect.stringMatching(/cannot tell the output format from the name "x.txt"; give --to vasp\|cif/) });
  });
  it('a file that only a write-only format claims gets a message saying so', async () => {
    const r = await readStructureFile('geometry.in', 'lattice_vector 3 0 0\natom 0 0 0 Cu\n');
    expect(r.ok).toBe(false);
    if (r.ok) throw new Error('read');
    expect(r.issue).toMatchObject({ code: 'unsupported', file: 'geometry.in' });
    expect(r.issue.message).toMatch(/FHI-aims geometry.in .*writes but does not read/);
  });
  it('the supported-formats hint lists every readable format from the table', async () => {
    const r = await readStructureFile('notes', 'hello\nworld\n');
    if (r.ok) throw new Error('read');
    for (const f of FORMATS.filter((x) => x.read)) expect(r.issue.hint).toContain(f.label);
    expect(r.issue.hint).not.toContain('LAMMPS');
  });
});

/** A 2×1 Au(111)-like slab cell: 4 atoms, the lower two fixed. */
function slab(): Structure {
  const cell = Float64Array.from([2.88, 0, 0, 1.44, 2.494, 0, 0, 0, 20]);
  const positions = Float64Array.from([0, 0, 5, 1.44, 0.831, 7.35, 0, 1.663, 9.7, 1.44, 0.831, 12.05]);
  return makeStructure({
    numbers: Uint8Array.of(79, 79, 79, 8),
    positions,
    cell,
    pbc: [true, true, true],
    arrays: { selectiveDynamics: Uint8Array.of(0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1) },
    info: { title: 'test slab' },
  });
}

describe('Quantum ESPRESSO pw.x input', () => {
  it('has ibrav 0, the counts, species masses from the element table and if_pos flags for fixed atoms', () => {
    const text = writeStructure(slab(), 'espresso-in');
    expect(text).toMatch(/^\s*ibrav = 0$/m);
    expect(text).toMatch(/^\s*nat = 4$/m);
    expect(text).toMatch(/^\s*ntyp = 2$/m);
    expect(text).toMatch(/calculation = 'relax'/);
    expect(text).toMatch(/^&IONS$/m);
    expect(text).toContain(`  Au ${element(79).mass} Au.UPF`);
    expect(text).toContain(`  O  ${element(8).mass} O.UPF`);
    const atoms = text.split('ATOMIC_POSITIONS angstrom\n')[1].split('\n').slice(0, 4);
    expect(atoms.map((l) => l.trim().split(/\s+/).slice(4).join(' '))).toEqual(['0 0 0', '0 0 0', '1 1 1', '0 0 1']);
    expect(text).toMatch(/K_POINTS automatic\n {2}\d+ \d+ 1 0 0 0\n$/);
  });
  it('without selective dynamics: scf, no flags', () => {
    const s = slab();
    const text = writeStructure({ ...s, arrays: {} }, 'espresso-in');
    expect(text).toMatch(/calculation = 'scf'/);
    expect(text).not.toMatch(/&IONS/);
    expect(text.split('ATOMIC_POSITIONS angstrom\n')[1].split('\n')[0].trim().split(/\s+/)).toHaveLength(4);
  });
  it('k mesh: at most 0.5 Å⁻¹ between points, one point across vacuum', () => {
    expect(kMesh(slab().cell, 0.5)).toEqual([Math.ceil((2 * Math.PI) / (2.494 * 0.5)), Math.ceil((2 * Math.PI) / (2.494 * 0.5)), 1]);
  });
});

describe('FHI-aims geometry.in', () => {
  it('writes lattice vectors, atoms, and constraints per fixed atom or axis', () => {
    const lines = writeStructure(slab(), 'aims').split('\n');
    expect(lines.filter((l) => l.startsWith('lattice_vector'))).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('atom '))).toHaveLength(4);
    const after = (k: number) => {
      const at = lines.findIndex((l, i) => l.startsWith('atom ') && lines.slice(0, i).filter((x) => x.startsWith('atom ')).length === k);
      const out: string[] = [];
      for (let i = at + 1; i < lines.length && lines[i].startsWith('    '); i++) out.push(lines[i].trim());
      return out;
    };
    expect(after(0)).toEqual(['constrain_relaxation .true.']);
    expect(after(2)).toEqual([]);
    expect(after(3)).toEqual(['constrain_relaxation x', 'constrain_relaxation y']);
  });
  it('writes a molecule without lattice vectors', () => {
    const m = makeStructure({ numbers: Uint8Array.of(8, 1, 1), positions: Float64Array.from([0, 0, 0, 0.76, 0.59, 0, -0.76, 0.59, 0]) });
    const text = writeStructure(m, 'aims');
    expect(text).not.toMatch(/lattice_vector/);
    expect(text.match(/^atom /gm)).toHaveLength(3);
  });
});

describe('LAMMPS data file', () => {
  it('puts a skewed cell into a lower-triangular box within the tilt limits, by a rotation and lattice vectors', () => {
    // b = b0 + 3a, c tilted far: the same lattice as a hexagonal cell, far outside LAMMPS's tilt limits.
    const a = [3, 1, 0.5], b0 = [-1.5, 2.6, 0.2], c0 = [0.3, -0.4, 20];
    const cell = Float64Array.from([...a, ...b0.map((x, j) => x + 3 * a[j]), ...c0.map((x, j) => x + 2 * b0[j] - a[j])]);
    const { box, rotation } = lammpsBox(cell);
    expect([box[1], box[2], box[5]]).toEqual([0, 0, 0]);
    expect(Math.min(box[0], box[4], box[8])).toBeGreaterThan(0);
    expect(Math.abs(box[3])).toBeLessThanOrEqual(box[0] / 2 + 1e-12);
    expect(Math.abs(box[6])).toBeLessThanOrEqual(box[0] / 2 + 1e-12);
    expect(Math.abs(box[7])).toBeLessThanOrEqual(box[4] / 2 + 1e-12);
    expect(det3(rotation)).toBeCloseTo(1, 12);
    expect(det3(box)).toBeCloseTo(det3(cell), 9);
    // Same lattice: the box vectors, rotated back, have integer coordinates in the original basis.
    const back = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) back[3 * i + j] = box[3 * i] * rotation[j] + box[3 * i + 1] * rotation[3 + j] + box[3 * i + 2] * rotation[6 + j];
    for (const x of cartesianToScaled(cell, back)!) expect(Math.abs(x - Math.round(x))).toBeLessThan(1e-9);
  });
  it('says it rotated, gives masses from the element table, lists fixed atoms and keeps atoms in the box', () => {
    const text = writeStructure(slab(), 'lammps-data');
    expect(text).toMatch(/^# rotated rigidly so that a lies along x and b in the xy plane/m);
    expect(text).toMatch(/^# fixed atoms \(selective dynamics F F F\), as for "group fixed id \.\.\.": 1:2$/m);
    expect(text).toMatch(/^# atoms fixed along some lattice vectors only .*: 4:FFT$/m);
    expect(text).toMatch(/^4 atoms$/m);
    expect(text).toMatch(/^2 atom types$/m);
    expect(text).toContain(`\n1 ${element(79).mass} # Au\n2 ${element(8).mass} # O\n`);
    expect(text).toMatch(/^Atoms # atomic$/m);
    const box = text.match(/^0\.0 (\S+) xlo xhi$/m)!;
    const lx = Number(box[1]);
    for (const l of text.split('Atoms # atomic\n\n')[1].trim().split('\n')) {
      const [id, type, x, y, z] = l.split(/\s+/).map(Number);
      expect(id).toBeGreaterThan(0);
      expect([1, 2]).toContain(type);
      expect(Number.isFinite(x + y + z)).toBe(true);
      expect(x).toBeLessThan(lx + 2.5);
    }
  });
  it('refuses a molecule with the reason', () => {
    const m = makeStructure({ numbers: Uint8Array.of(1), positions: new Float64Array(3) });
    expect(() => writeStructure(m, 'lammps-data')).toThrow(/LAMMPS data file: the structure has no cell/);
  });
});

describe('fixed atoms as per-axis constraints', () => {
  const orth = [3, 0, 0, 0, 4, 0, 0, 0, 20];
  const tilted = [3, 0, 0, 0, 4, 0, 1, 0, 20];
  it('maps free, fixed and axis-aligned partial masks exactly', () => {
    expect(cartesianMoveMask(tilted, [0, 0, 0])).toEqual([0, 0, 0]);
    expect(cartesianMoveMask(tilted, [1, 1, 1])).toEqual([1, 1, 1]);
    expect(cartesianMoveMask(orth, [0, 0, 1])).toEqual([0, 0, 1]);
    expect(cartesianMoveMask(orth, [1, 1, 0])).toEqual([1, 1, 0]);
    expect(cartesianMoveMask(tilted, [1, 1, 0])).toEqual([1, 1, 0]);
  });
  it('refuses a mask no per-axis constraint means (moving along a tilted c only), naming the atom', () => {
    expect(cartesianMoveMask(tilted, [0, 0, 1])).toBeNull();
    const s = makeStructure({ numbers: Uint8Array.of(29, 29), positions: new Float64Array(6), cell: Float64Array.from(tilted), pbc: [true, true, true], arrays: { selectiveDynamics: Uint8Array.of(1, 1, 1, 0, 0, 1) } });
    expect(() => writeStructure(s, 'espresso-in')).toThrow(/atom 2 has selective dynamics "F F T"/);
    expect(() => writeStructure(s, 'aims')).toThrow(/atom 2 has selective dynamics "F F T"/);
  });
});

describe('a built-like interface in every writable format', () => {
  it('reads back (where heterolab reads) with the same distances', async () => {
    const s = (await mustRead('W110_slab.extxyz')).structures[0];
    for (const f of writableFormats()) {
      const text = writeStructure(s, f.id);
      expect(text.length).toBeGreaterThan(100);
      if (!FORMATS.find((x) => x.id === f.id)!.read) continue;
      const r = await readStructureFile(`x.${f.extension}`, text);
      if (!r.ok) throw new Error(JSON.stringify(r.issue));
      const d = distanceTableDifference(s, r.structures[0]);
      expect(typeof d === 'number' ? d : Infinity).toBeLessThan(1e-5);
    }
  });
});

describe('LAMMPS box of a cell already within the limits', () => {
  it('is the cell itself, rotated (a hexagonal tilt of exactly half stays)', () => {
    const cell = Float64Array.from([5.77, 0, 0, 2.885, 4.997, 0, 0, 0, 27]);
    expect(Array.from(lammpsBox(cell).box)).toEqual(Array.from(cell));
  });
});

describe.runIf(haveAse('writers.test.ts'))('ASE reads the per-axis constraints of pw.x and FHI-aims files', () => {
  it('fixed, free and z-only atoms come back as FixAtoms / FixCartesian on the same axes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-axes-'));
    try {
      const files = (['espresso-in', 'aims'] as const).map((id) => {
        const path = join(dir, `slab.${id}`);
        writeFileSync(path, writeStructure(slab(), id));
        return { path, format: id };
      });
      for (const [k, a] of aseRead(files).entries()) {
        expect(a.error, files[k].format).toBeUndefined();
        // Atoms 1-2 fixed, 3 free, 4 free along z only (selective dynamics F F T with c along z).
        expect(a.cartesianFixed, files[k].format).toEqual([[1, 1, 1], [1, 1, 1], [0, 0, 0], [1, 1, 0]]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Box lengths and tilts as LAMMPS reads them from a data file's header. */
function headerBox(text: string) {
  const num = (re: RegExp) => text.match(re)!.slice(1).map(Number);
  const [lx] = num(/^0\.0 (\S+) xlo xhi$/m), [ly] = num(/^0\.0 (\S+) ylo yhi$/m);
  const [xy, xz, yz] = num(/^(\S+) (\S+) (\S+) xy xz yz$/m);
  return { lx, ly, xy, xz, yz };
}

describe('LAMMPS tilt limits as printed', () => {
  it('a tilt of exactly half stays within half the length after printing (read_data refuses 0.5000000001)', () => {
    // lx prints rounded down and lx/2 rounded up at 10 decimals: printed naively, xy/lx > 0.5.
    const L = 5.47328055194;
    const s = makeStructure({ numbers: Uint8Array.of(74), positions: new Float64Array(3), cell: Float64Array.from([L, 0, 0, L / 2, 4.74, 0, 0, 0, 20]), pbc: [true, true, true] });
    const b = headerBox(writeStructure(s, 'lammps-data'));
    expect(Math.abs(b.xy / b.lx)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(b.xz / b.lx)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(b.yz / b.ly)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(b.xy - L / 2)).toBeLessThan(2e-10);
  });
});

const LMP = ['/usr/bin/lmp', '/usr/local/bin/lmp'].find((p) => existsSync(p));
if (!LMP) console.warn('writers.test.ts: skipping the LAMMPS read_data check: no lmp binary (Debian package lammps)');
describe.runIf(LMP)('LAMMPS itself reads the data files', () => {
  it('read_data accepts hexagonal, skewed and left-handed cells with every atom', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-lmp-'));
    try {
      const L = 5.47328055194;
      const cases: Structure[] = [
        (await mustRead('Au111_slab_selective.vasp')).structures[0],
        (await mustRead('Bi2Se3_trigonal.cif')).structures[0],
        makeStructure({ numbers: Uint8Array.of(74, 42), positions: Float64Array.from([0, 0, 0, 1, 1, 1]), cell: Float64Array.from([L, 0, 0, L / 2, 4.74, 0, 0, 0, -20]), pbc: [true, true, true] }),
        makeStructure({ numbers: Uint8Array.of(29), positions: Float64Array.from([0.5, 0.5, 0.5]), cell: Float64Array.from([3, 1, 0.5, 7.5, 5.6, 1.7, 1.5, 4.8, 20.6]), pbc: [true, true, true] }),
      ];
      for (const [k, s] of cases.entries()) {
        writeFileSync(join(dir, `c${k}.lmp`), writeStructure(s, 'lammps-data'));
        writeFileSync(join(dir, `in.c${k}`), `units metal\natom_style atomic\nboundary p p p\nread_data c${k}.lmp\nprint "ATOMS $(atoms)"\n`);
        const r = spawnSync(LMP!, ['-in', `in.c${k}`, '-log', 'none'], { cwd: dir, encoding: 'utf8' });
        expect(r.stdout, `case ${k}: ${r.stdout.slice(-400)}`).toContain(`ATOMS ${s.numbers.length}\n`);
        expect(r.status).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('writeStructure refuses what no file should hold', () => {
  it('names the atom with a non-finite coordinate, in every format', () => {
    const s = slab();
    const positions = Float64Array.from(s.positions);
    positions[7] = Number.NaN;
    for (const f of writableFormats()) expect(() => writeStructure({ ...s, positions }, f.id)).toThrow(new RegExp(`cannot write ${f.label.replace(/[.()/]/g, '\\$&')}: atom 3 has a non-finite coordinate`));
    const cell = Float64Array.from(s.cell);
    cell[8] = Infinity;
    expect(() => writeStructure({ ...s, cell }, 'vasp')).toThrow(/the cell has a non-finite component/);
  });
});

const PW = ['/usr/bin/pw.x', '/usr/local/bin/pw.x'].find((p) => existsSync(p));
if (!PW) console.warn('writers.test.ts: skipping the pw.x check: no pw.x binary (Debian package quantum-espresso)');
describe.runIf(PW)('pw.x itself reads the inputs', () => {
  it('parses every namelist and card and stops only at the pseudopotential files it was not given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-pw-'));
    try {
      const cases = [slab(), (await mustRead('MoS2_2H.cif')).structures[0]];
      for (const [k, s] of cases.entries()) {
        writeFileSync(join(dir, `c${k}.pwi`), writeStructure(s, 'espresso-in'));
        const r = spawnSync(PW!, ['-in', `c${k}.pwi`], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ESPRESSO_PSEUDO: dir, OMP_NUM_THREADS: '1' } });
        const out = r.stdout + r.stderr;
        expect(out, `case ${k}: ${out.slice(-800)}`).toMatch(/Error in routine readpp[\s\S]*\.UPF not found/);
        expect(out).not.toMatch(/Error in routine (read_namelists|read_cards|card_|iosys)/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
