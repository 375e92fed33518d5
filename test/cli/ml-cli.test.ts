import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GOOD } from '../helpers/fixtures';

const BIN = new URL('../../dist-cli/heterolab.mjs', import.meta.url).pathname;
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('CLI: predictors', () => {
  it('predict prints value and σ for both targets, the model, its accuracy and the domain check', () => {
    const r = cli('predict', GOOD + 'MoS2_monolayer.vasp', GOOD + 'Au_fcc_conventional.vasp', '--hkl', '1,1,1', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    for (const k of ['bindingEnergy', 'zSeparation']) {
      expect(Number.isFinite(j[k].value)).toBe(true);
      expect(j[k].sigma).toBeGreaterThan(0);
      expect(j[k].heldOutRmse.leaveOneFilmOut).toBeGreaterThan(0);
    }
    expect(j.bindingEnergy.unit).toBe('eV/atom');
    expect(j.zSeparation.unit).toBe('Å');
    expect(j.model.name).toBe('heterolab-hetero2d');
    expect(typeof j.inDomain).toBe('boolean');
    expect(Array.isArray(j.warnings)).toBe(true);
    expect(j.face).toEqual(['S']);
    // MoS2 is a training film with one phase: its formation energy gives P(stable) without --e-form.
    expect(j.formationEnergy.source).toMatch(/training film MoS2/);
    expect(j.pStable).toBeGreaterThanOrEqual(0);
    expect(j.pStable).toBeLessThanOrEqual(1);
    expect(j.stable).toBe(j.bindingEnergy.value > j.formationEnergy.value);
    expect(j.domain.distance).toBeGreaterThan(0);
    expect(typeof j.domain.inDomain).toBe('boolean');
    // A sanity band, not a pinned number: MoS2 physisorbs on Au(111) 2–3.6 Å above the metal.
    expect(j.zSeparation.value).toBeGreaterThan(1.5);
    expect(j.zSeparation.value).toBeLessThan(4);
  });
  it('predict --e-form EV,SIGMA sets the formation energy for P(stable); a bad value is a usage error', () => {
    const base = ['predict', GOOD + 'MoS2_monolayer.vasp', GOOD + 'Au_fcc_conventional.vasp', '--hkl', '1,1,1', '--json'];
    const j = JSON.parse(cli(...base, '--e-form', '-3,0.05').out);
    expect(j.formationEnergy).toEqual({ value: -3, sigma: 0.05, source: '--e-form' });
    expect(j.stable).toBe(true);
    expect(j.pStable).toBe(1);
    const bad = cli(...base, '--e-form', 'abc');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--e-form needs EV or EV,SIGMA/);
  });
  it('a film of elements the models never saw is flagged out of domain', () => {
    const r = cli('predict', GOOD + 'graphene.vasp', GOOD + 'Cu_fcc_conventional.vasp', '--hkl', '1,1,1', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.inDomain).toBe(false);
    expect(j.warnings.join()).toMatch(/film element C not in the training films/);
  });
  it('features writes the training table: targets from the records, features from their initial structures', () => {
    const r = cli('features', GOOD + 'hetero2d_two_records.json');
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^# heterolab features v\d+/);
    const head = lines[1].split(',');
    expect(head).toEqual(expect.arrayContaining(['E_bind_eV_per_atom', 'z_sep_A', 'ff_z_A', 'sub_en_pauling']));
    expect(lines).toHaveLength(4);
    const row = lines[2].split(',');
    const z = Number(row[head.indexOf('z_sep_A')]);
    expect(z).toBeGreaterThan(0.5);
    expect(z).toBeLessThan(6);
  });
});
