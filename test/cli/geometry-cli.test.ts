import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStructureFile } from '../../src/io/registry';
import { GOOD } from '../helpers/fixtures';

const BIN = new URL('../../dist-cli/heterolab.mjs', import.meta.url).pathname;
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const json = (...args: string[]) => {
  const r = cli(...args, '--json');
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.err}${r.out}`);
  return JSON.parse(r.out);
};

describe('CLI: slab', () => {
  it('conventional and primitive fcc cells give the same (111), (110), (100) slabs', () => {
    for (const hkl of ['1,1,1', '1,1,0', '1,0,0']) {
      const conv = json('slab', GOOD + 'Au_fcc_conventional.vasp', '--hkl', hkl, '--layers', '4');
      const prim = json('slab', GOOD + 'Au_fcc_primitive.vasp', '--hkl', hkl, '--layers', '4');
      expect(prim.area).toBeCloseTo(conv.area, 6);
      expect(prim.nsites).toBe(conv.nsites);
      expect(conv.hklCell).toMatch(/conventional standard cell of F m -3 m/);
    }
    // bcc given as a primitive cell (Mo) and as a conventional one (W): (110) has one atom per layer.
    expect(json('slab', GOOD + 'Mo_bcc_primitive.vasp', '--hkl', '1,1,0', '--layers', '3').nsites).toBe(3);
    expect(json('slab', GOOD + 'W_bcc_conventional.vasp', '--hkl', '1,1,0', '--layers', '3').nsites).toBe(3);
  });
  it('writes a POSCAR with the bottom layers fixed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-slab-'));
    const out = join(dir, 'Au111.vasp');
    const r = cli('slab', GOOD + 'Au_fcc_conventional.vasp', '--hkl', '1,1,1', '--layers', '4', '--vacuum', '15', '-o', out);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/Selective dynamics/);
    expect(text.match(/ F F F/g)!.length).toBe(2);
    expect(text.match(/ T T T/g)!.length).toBe(2);
  });
  it('bad parameters: a clear message and exit 2', () => {
    const r = cli('slab', GOOD + 'Au_fcc_conventional.vasp', '--hkl', '0,0,0');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--hkl must be three integers, not all zero/);
    expect(cli('slab', GOOD + 'Au_fcc_conventional.vasp', '--layers', '-3').err).toMatch(/--layers must be a whole number from 1/);
    const big = cli('slab', GOOD + 'Au_fcc_conventional.vasp', '--layers', '900', '--max-atoms', '100', '--json');
    expect(big.code).toBe(1);
    expect(JSON.parse(big.out).error.code).toBe('too-many-atoms');
  });
});

describe('CLI: match', () => {
  it('prints matches with the documented keys, units and sort order', () => {
    const j = json('match', GOOD + 'MoS2_monolayer.vasp', GOOD + 'Au_fcc_conventional.vasp', '--hkl', '1,1,1', '--max-area', '150', '--max-strain', '5', '--max-angle', '1');
    expect(j.matches.length).toBeGreaterThan(0);
    for (const m of j.matches) {
      expect(Object.keys(m)).toEqual(expect.arrayContaining(['area', 'strain', 'twistDeg', 'filmMatrix', 'substrateMatrix', 'nAtoms']));
      expect(m.area).toBeLessThanOrEqual(150);
      expect(Math.max(...m.strain.map(Math.abs))).toBeLessThanOrEqual(5 + 1e-9); // principal strains, %
      expect(m.filmMatrix).toHaveLength(2);
    }
    for (let k = 1; k < j.matches.length; k++) expect(j.matches[k].area).toBeGreaterThanOrEqual(j.matches[k - 1].area - 1e-9);
    expect(j.film.faces).toEqual({ bottom: 'S', top: 'S' });
  });
  it('--twist and --twist-scan', () => {
    const t = json('match', GOOD + 'graphene.vasp', GOOD + 'graphene.vasp', '--hkl', '0,0,1', '--hkl-cell', 'given', '--twist', '21.786789', '--max-area', '40', '--max-strain', '0.001', '--max-angle', '0.01');
    expect(t.matches[0].twistDeg).toBeCloseTo(21.786789, 3);
    const s = json('match', GOOD + 'MoS2_monolayer.vasp', GOOD + 'Au_fcc_conventional.vasp', '--hkl', '1,1,1', '--twist-scan', '0:60:1', '--max-area', '200', '--max-strain', '3');
    expect(s.scan).toHaveLength(61);
    expect(s.matches.length).toBe(s.scan.filter((e: { match: unknown }) => e.match).length);
  });
  it('a bulk film is refused with the reason', () => {
    const r = cli('match', GOOD + 'Au_fcc_conventional.vasp', GOOD + 'Cu_fcc_conventional.vasp', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error.code).toBe('not-layered');
  });
});

describe('CLI: build', () => {
  it('builds an interface that reads back with the expected atoms', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-build-'));
    const out = join(dir, 'iface.vasp');
    const r = cli('build', GOOD + 'MoSSe_janus.vasp', GOOD + 'Au_fcc_conventional.vasp', '--hkl', '1,1,1', '--match', '0', '--z', '3.2', '--shift', '0.1,0.2', '--layers', '4', '--vacuum', '15', '-o', out, '--max-area', '120');
    expect(r.code, r.err).toBe(0);
    const back = await readStructureFile('iface.vasp', readFileSync(out));
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    const s = back.structures[0];
    const m = JSON.parse(cli('match', GOOD + 'MoSSe_janus.vasp', GOOD + 'Au_fcc_conventional.vasp', '--hkl', '1,1,1', '--max-area', '120', '--json').out).matches[0];
    expect(s.numbers.length).toBe(m.nAtoms);
    expect(readFileSync(out, 'utf8')).toMatch(/Selective dynamics/);
  });
  it('refuses an out-of-range match index and a missing output', () => {
    expect(cli('build', GOOD + 'MoS2_monolayer.vasp', GOOD + 'Au_fcc_conventional.vasp', '--match', '9999', '-o', '/tmp/x.vasp').err).toMatch(/--match must be 0\.\./);
    expect(cli('build', GOOD + 'MoS2_monolayer.vasp', GOOD + 'Au_fcc_conventional.vasp').err).toMatch(/needs -o OUT/);
  });
});
