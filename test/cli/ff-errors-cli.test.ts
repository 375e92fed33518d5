import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, GOOD } from '../helpers/fixtures';

const BIN = new URL('../../dist-cli/heterolab.mjs', import.meta.url).pathname;
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** A US2 monolayer: the MoS2 fixture with U (Z = 92, beyond D2's Z = 1..86) in place of Mo. */
function us2(): string {
  const dir = mkdtempSync(join(tmpdir(), 'heterolab-u-'));
  const f = join(dir, 'US2.vasp');
  writeFileSync(f, readFileSync(GOOD + 'MoS2_monolayer.vasp', 'utf8').replace(/Mo/g, 'U'));
  return f;
}

describe('CLI: elements a force-field model does not cover (issue 12, bug 5)', () => {
  it('predict with a U film exits 1 with {"error"} naming U, the prior\'s model (fit) and what to do, not an internal error', () => {
    const r = cli('predict', us2(), GOOD + 'Au_fcc_conventional.vasp', '--hkl', '1,1,1', '--json');
    expect(r.err).not.toMatch(/internal error/);
    expect(r.code, r.err).toBe(1);
    const { error } = JSON.parse(r.out);
    expect(error.code).toBe('ff-parameters');
    expect(error.message).toMatch(/fit force field has no parameters for U \(Z = 92\)/);
    expect([error.z, error.model, error.line]).toEqual([92, 'fit', null]);
    expect(error.hint).toMatch(/--model uff/);
  });
  it('zscan --model d2 of a U-containing interface exits 1 (bad input), and --model uff runs it', () => {
    const iface = us2().replace(/US2\.vasp$/, 'US2_Au.extxyz');
    const b = cli('build', us2(), GOOD + 'Au_fcc_conventional.vasp', '--hkl', '1,1,1', '--z', '3', '-o', iface);
    expect(b.code, b.err).toBe(0);
    const r = cli('zscan', iface, '--model', 'd2', '--from', '2.5', '--to', '4', '--step', '0.5', '--json');
    expect(r.code, r.err).toBe(1);
    expect(JSON.parse(r.out).error.message).toMatch(/no parameters for U \(Z = 92\).*uff/);
    expect(cli('zscan', iface, '--model', 'uff', '--from', '2.5', '--to', '4', '--step', '0.5', '--json').code).toBe(0);
  });
  it('--model accepts fit and names every model when it is wrong', () => {
    const f = FIXTURES + 'ff/MoS2_Au111_small.extxyz';
    const r = cli('zscan', f, '--model', 'fit', '--from', '2', '--to', '4', '--step', '0.25', '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).model).toBe('fit');
    const bad = cli('zscan', f, '--model', 'lj');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--model must be uff, d2, fit \(got "lj"\)/);
  });
});
