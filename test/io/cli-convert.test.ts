import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writableFormats } from '../../src/io/formats';
import { GOOD } from '../helpers/fixtures';

const BIN = new URL('../../dist-cli/heterolab.mjs', import.meta.url).pathname;
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const dir = mkdtempSync(join(tmpdir(), 'hl-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A line each format's writer always puts first (or early): enough to tell which writer ran. */
const SIGNATURE: Record<string, RegExp> = {
  vasp: /^Direct$/m,
  cif: /^data_/m,
  extxyz: /^16\nLattice=/,
  'espresso-in': /^ATOMIC_POSITIONS angstrom$/m,
  'lammps-data': /^Atoms # atomic$/m,
  aims: /^lattice_vector /m,
};

describe('CLI: convert over the format table', () => {
  for (const f of writableFormats()) {
    const name = f.fileName ?? `out.${f.extension}`;
    it(`-o ${name} writes ${f.id} without --to, and --to ${f.id} writes the same`, () => {
      const out = join(dir, name);
      const r = cli('convert', GOOD + 'Au111_slab_selective.vasp', '-o', out);
      expect(r.code, r.err).toBe(0);
      const text = readFileSync(out, 'utf8');
      expect(text).toMatch(SIGNATURE[f.id]);
      expect(cli('convert', GOOD + 'Au111_slab_selective.vasp', '--to', f.id).out).toBe(text);
    });
  }
  it('refuses an unknown --to with the list of ids, and a name that tells nothing', () => {
    const bad = cli('convert', GOOD + 'graphene.vasp', '--to', 'pdb');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(writableFormats().map((f) => f.id).join(', '));
    const vague = cli('convert', GOOD + 'graphene.vasp', '-o', join(dir, 'x.txt'));
    expect(vague.code).toBe(2);
    expect(vague.err).toMatch(/cannot tell the output format from the name "x.txt"/);
    expect(cli('convert', GOOD + 'graphene.vasp').err).toMatch(/convert needs --to/);
    expect(cli('convert', GOOD + 'graphene.vasp', '-o', join(dir, 'scf.in')).err).toMatch(/it fits espresso-in and aims/);
  });
  it('refuses a molecule for a format that needs a cell, and writes it where none is needed', () => {
    const r = cli('convert', GOOD + 'water.xyz', '--to', 'lammps-data');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/water.xyz: has no cell; LAMMPS data file needs a periodic structure/);
    const aims = cli('convert', GOOD + 'water.xyz', '--to', 'aims');
    expect(aims.code, aims.err).toBe(0);
    expect(aims.out.match(/^atom /gm)).toHaveLength(3);
  });
  it('slab -o takes the format from the name as well', () => {
    const out = join(dir, 'Au111.pwi');
    const r = cli('slab', GOOD + 'Au_fcc_conventional.vasp', '--hkl', '1,1,1', '--layers', '3', '-o', out);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^\s*ibrav = 0$/m);
    expect(cli('slab', GOOD + 'Au_fcc_conventional.vasp', '--hkl', '1,1,1', '-o', join(dir, 'x.txt')).code).toBe(2);
  });
});
