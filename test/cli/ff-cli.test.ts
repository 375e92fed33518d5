import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GOOD } from '../helpers/fixtures';

const BIN = new URL('../../dist-cli/heterolab.mjs', import.meta.url).pathname;
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
let iface = '', ifacePoscar = '';

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-ff-'));
  iface = join(dir, 'iface.extxyz');
  ifacePoscar = join(dir, 'iface.vasp');
  for (const out of [iface, ifacePoscar]) {
    const r = cli('build', GOOD + 'MoS2_monolayer.vasp', GOOD + 'Au_fcc_conventional.vasp', '--hkl', '1,1,1', '--z', '3.6', '--layers', '3', '--max-area', '70', '-o', out);
    if (r.code !== 0) throw new Error(r.err);
  }
});

describe('CLI: force field', () => {
  it('relax prints the documented keys and lowers the separation from 3.6 Å', () => {
    const r = cli('relax', iface, '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['zSeparation', 'bindingEnergy', 'registry', 'energy', 'backend', 'model']));
    expect(j.backend).toBe('wasm');
    const ref = JSON.parse(cli('relax', iface, '--json', '--backend', 'cpu').out);
    expect(ref.backend).toBe('cpu');
    expect(ref.energy).toBeCloseTo(j.energy, 6);
    expect(j.model).toBe('fit'); // the default model (DEFAULTS.ffModel)
    expect(j.film).toBe('role column of the file');
    expect(j.zSeparation).toBeLessThan(3.6);
    expect(j.bindingEnergy).toBeGreaterThan(0);
    expect(j.registry.every((x: number) => x >= 0 && x < 1)).toBe(true);
  });
  it('finds the film in a POSCAR by the widest plane gap, or as told', () => {
    const a = JSON.parse(cli('relax', ifacePoscar, '--json').out);
    const b = JSON.parse(cli('relax', iface, '--json').out);
    expect(a.film).toMatch(/widest gap/);
    expect(a.zSeparation).toBeCloseTo(b.zSeparation, 6);
    expect(cli('relax', ifacePoscar, '--film-atoms', '1-999').err).toMatch(/outside 1\.\./);
  });
  it('zscan and registry-scan tables', () => {
    const z = JSON.parse(cli('zscan', iface, '--from', '2.5', '--to', '5', '--step', '0.1', '--json').out);
    expect(z.z).toHaveLength(26);
    expect(z.min.z).toBeGreaterThan(2.5);
    expect(z.min.z).toBeLessThan(5);
    const g = JSON.parse(cli('registry-scan', iface, '--grid', '4', '--json').out);
    expect(g.energy).toHaveLength(4);
    expect(g.energy[0]).toHaveLength(4);
    expect(cli('zscan', iface, '--from', '5', '--to', '2').code).toBe(2);
    expect(cli('relax', iface, '--model', 'd3').err).toMatch(/--model must be uff/);
  });
});
