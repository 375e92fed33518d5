import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROKEN, GOOD } from '../helpers/fixtures';

const BIN = new URL('../../dist-cli/heterolab.mjs', import.meta.url).pathname;
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('CLI contract', () => {
  it('info --json prints one parseable object with the documented keys', () => {
    const r = cli('info', GOOD + 'MoS2_2H.cif', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.formula).toBe('MoS2');
    expect(j.nsites).toBe(6);
    expect(Object.keys(j.lattice)).toEqual(['a', 'b', 'c', 'alpha', 'beta', 'gamma']);
    expect(j.lattice.gamma).toBeCloseTo(120, 9);
    expect(j.volume).toBeCloseTo(106.315848, 5);
    expect(Array.isArray(j.warnings)).toBe(true);
    expect(j.layer).toBeNull();
  });
  it('info reports a 2D layer with its vacuum axis and thickness', () => {
    const j = JSON.parse(cli('info', GOOD + 'MoS2_monolayer.vasp', '--json').out);
    expect(j.layer).toEqual({ vacuumAxis: 'c', thickness: 3.17, vacuum: 20 });
  });
  it('bad input: non-zero exit and {"error": {code, message, line}} on stdout', () => {
    const r = cli('info', BROKEN + 'bad_number_POSCAR', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.error).toMatchObject({ code: 'bad-number', line: 10 });
    expect(j.error.message).toMatch(/0\.5x/);
  });
  it('several files print an array in order, errors in place, exit non-zero if any failed', () => {
    const r = cli('info', GOOD + 'graphene.vasp', BROKEN + 'notes.txt', GOOD + 'water.xyz', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.map((x: { formula?: string; error?: { code: string } }) => x.formula ?? x.error!.code)).toEqual(['C', 'unknown-format', 'H2O']);
    expect(j[1].file).toBe(BROKEN + 'notes.txt');
  });
  it('human-readable info goes to stdout, warnings to stderr', () => {
    const r = cli('info', GOOD + 'CuAu_disordered.cif');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/formula\s+Au\s+\(4 sites\)/);
    expect(r.out).not.toMatch(/warning/);
    expect(r.err).toMatch(/warning: .*partial occupancy/);
  });
  it('convert writes each format and the result reads back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-'));
    for (const to of ['vasp', 'cif', 'extxyz']) {
      const out = join(dir, `out.${to}`);
      const r = cli('convert', GOOD + 'Au111_slab_selective.vasp', '--to', to, '-o', out);
      expect(r.code).toBe(0);
      expect(r.out).toBe('');
      const back = JSON.parse(cli('info', out, '--json').out);
      expect(back.nsites).toBe(16);
    }
    const poscar = readFileSync(join(dir, 'out.vasp'), 'utf8');
    expect(poscar).toMatch(/Selective dynamics/);
    expect(cli('convert', GOOD + 'graphene.vasp', '--to', 'cif').out).toMatch(/^data_/m);
  });
  it('usage errors exit 2 with a message', () => {
    expect(cli('convert', GOOD + 'graphene.vasp', '--to', 'pdb').code).toBe(2);
    expect(cli('frobnicate').code).toBe(2);
    expect(cli('info').err).toMatch(/needs at least one FILE/);
  });
  it('a missing file is reported, not thrown', () => {
    const r = cli('info', '/nonexistent/POSCAR', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error.message).toMatch(/ENOENT/);
  });
});
