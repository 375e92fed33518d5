// Screening (issue 14 §2–3): a deterministic job list, shards that merge back into the unsharded rows, and
// merge refusing shards that do not belong together.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definitionHash, layoutJobs, mergeShards, screenJobs, shardJobs, stability, type ScreenDefinition, type ScreenLayout, type ShardFile } from '../../src/compute/screen/screen';
import { GOOD, mustRead } from '../helpers/fixtures';

const BIN = new URL('../../dist-cli/heterolab.mjs', import.meta.url).pathname;
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

async function definition(): Promise<ScreenDefinition> {
  const s = async (f: string) => (await mustRead(f)).structures[0];
  return {
    films: [{ name: 'MoS2', structure: await s('MoS2_monolayer.vasp'), formationEnergy: 0.072 }, { name: 'MoSSe', structure: await s('MoSSe_janus.vasp') }],
    substrates: [{ name: 'Au', structure: await s('Au_fcc_conventional.vasp') }, { name: 'Cu', structure: await s('Cu_fcc_conventional.vasp') }],
    facets: [[1, 1, 1], [1, 1, 0]],
    limits: { maxArea: 200, maxStrain: 0.01, maxAngle: Math.PI / 180, criterion: 'vectors' },
    models: 'test',
  };
}

describe('screen definition', () => {
  it('lists films × faces (both for a Janus film) × substrates × facets in a fixed order', async () => {
    const def = await definition();
    const jobs = screenJobs(def, (f) => f.name === 'MoSSe');
    expect(jobs).toHaveLength(1 * 2 * 2 + 2 * 2 * 2);
    expect(jobs.map((j) => j.index)).toEqual(jobs.map((_, k) => k));
    expect(jobs.slice(0, 4).map((j) => [j.film, j.face, j.substrate, j.hkl.join('')])).toEqual([[0, 'bottom', 0, '111'], [0, 'bottom', 0, '110'], [0, 'bottom', 1, '111'], [0, 'bottom', 1, '110']]);
    expect(jobs.filter((j) => j.film === 1 && j.face === 'top')).toHaveLength(4);
  });

  it('the definition hash changes with any input that changes the rows, and only then', async () => {
    const a = await definition(), b = await definition();
    expect(definitionHash(a)).toBe(definitionHash(b)); // new ids, same content
    expect(definitionHash({ ...b, limits: { ...b.limits, maxArea: 201 } })).not.toBe(definitionHash(a));
    expect(definitionHash({ ...b, facets: [[1, 1, 1]] })).not.toBe(definitionHash(a));
    const moved = { ...b.films[0].structure, positions: b.films[0].structure.positions.map((x, i) => (i === 0 ? x + 0.01 : x)) };
    expect(definitionHash({ ...b, films: [{ ...b.films[0], structure: moved }, b.films[1]] })).not.toBe(definitionHash(a));
  });

  it('stability needs the binding energy beyond 2σ of the formation energy', () => {
    expect(stability(0.3, 0.05, 0.072)).toBe('stable');
    expect(stability(0.1, 0.05, 0.072)).toBe('undecided');
    expect(stability(0.0, 0.02, 0.072)).toBe('unstable');
    expect(stability(0.3, 0.05, null)).toBeNull();
  });
});

describe('shards and merge', () => {
  // Five one-face jobs with one search each: shard k holds the jobs whose index is k modulo the count.
  const FIVE: ScreenLayout = { faces: [1], substrates: 5, facets: 1 };
  const shard = (index: number, count: number, rows: number[], definition = 'abc', layout = FIVE): ShardFile => ({ type: 'heterolab-screen-shard', schemaVersion: 2, definition, shard: { index, count }, jobs: layoutJobs(layout).length, layout, rows: rows.map((i) => ({ index: i }) as never) });
  // A Janus film (2 faces) and a plain one, × 3 substrates × 2 facets: 18 jobs, 12 searches.
  const MIXED: ScreenLayout = { faces: [2, 1], substrates: 3, facets: 2 };

  it('a shard keeps every job of a search (both faces of a Janus film), each job in exactly one shard, a mix of films', () => {
    const jobs = layoutJobs(MIXED);
    expect(jobs).toHaveLength(18);
    for (const n of [1, 2, 3, 5, 7, 13]) {
      const shards = Array.from({ length: n }, (_, i) => shardJobs(jobs, i, n));
      expect(shards.flat().map((j) => j.index).sort((a, b) => a - b)).toEqual(jobs.map((j) => j.index));
      const home = new Map<number, number>();
      shards.forEach((sh, i) =>
        sh.forEach((j) => {
          expect(home.get(j.search) ?? i, `search ${j.search} in two shards`).toBe(i);
          home.set(j.search, i);
        }),
      );
      expect(home.size).toBe(12);
      // Searches are dealt round robin: shard sizes differ by at most one search (two jobs).
      const sizes = shards.map((sh) => sh.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(2);
    }
    const both = shardJobs(jobs, 0, 4).filter((j) => j.film === 0);
    expect(both.map((j) => [j.face, j.substrate, j.facet])).toEqual([['bottom', 0, 0], ['bottom', 2, 0], ['top', 0, 0], ['top', 2, 0]]);
    // The old cut (every n-th job) split them: job 0 (bottom, Au, facet 0) and job 6 (its top face) went to shards 0 and 2 of 4.
    expect(jobs[6]).toMatchObject({ film: 0, face: 'top', substrate: 0, facet: 0, search: jobs[0].search });
  });

  it('merges shards of a Janus layout and refuses rows cut the old way (every n-th job)', () => {
    const jobs = layoutJobs(MIXED);
    // 4 shards: with 3 (a divisor of the 6 searches per face) both cuts happen to agree.
    const files = [0, 1, 2, 3].map((i) => ({ name: `s${i}`, data: shard(i, 4, shardJobs(jobs, i, 4).map((j) => j.index), 'abc', MIXED) }));
    expect(mergeShards(files).map((r) => r.index)).toEqual(jobs.map((j) => j.index));
    const old = [0, 1, 2, 3].map((i) => ({ name: `old${i}`, data: shard(i, 4, jobs.filter((j) => j.index % 4 === i).map((j) => j.index), 'abc', MIXED) }));
    expect(() => mergeShards(old)).toThrow(/old0: its rows are not the jobs of shard 1\/4/);
    expect(() => mergeShards([files[0], { name: 'other', data: shard(1, 4, shardJobs(jobs, 1, 4).map((j) => j.index), 'abc', { ...MIXED, faces: [1, 2] }) }])).toThrow(/other: its layout .* differs/);
  });

  it('refuses a shard file of schema 1 (sliced every n-th job) with the reason', () => {
    const v1 = { ...shard(0, 1, [0, 1, 2, 3, 4]), schemaVersion: 1 } as unknown;
    expect(() => mergeShards([{ name: 'old.json', data: v1 }])).toThrow(/old\.json: a shard file of schema 1, not 2: schema 1 cut every n-th job.*run all shards again/);
    const { layout: _, ...noLayout } = shard(0, 1, [0, 1, 2, 3, 4]);
    expect(() => mergeShards([{ name: 'x.json', data: noLayout }])).toThrow(/x\.json: its layout .* missing/);
  });

  it('joins shards in job order', () => {
    const r = mergeShards([{ name: 'b', data: shard(1, 2, [1, 3]) }, { name: 'a', data: shard(0, 2, [0, 2, 4]) }]);
    expect(r.map((x) => x.index)).toEqual([0, 1, 2, 3, 4]);
  });
  it('refuses a missing, a duplicated, a foreign or an incomplete shard', () => {
    expect(() => mergeShards([{ name: 'a', data: shard(0, 2, [0, 2, 4]) }])).toThrow(/shard\(s\) 2\/2 missing/);
    expect(() => mergeShards([{ name: 'a', data: shard(0, 2, [0, 2, 4]) }, { name: 'a2', data: shard(0, 2, [0, 2, 4]) }])).toThrow(/given twice/);
    expect(() => mergeShards([{ name: 'a', data: shard(0, 2, [0, 2, 4]) }, { name: 'x', data: shard(1, 2, [1, 3], 'other') }])).toThrow(/x: from a different screen/);
    expect(() => mergeShards([{ name: 'a', data: shard(0, 2, [0, 2]) }, { name: 'b', data: shard(1, 2, [1, 3]) }])).toThrow(/a: its rows are not the jobs of shard 1\/2/);
    expect(() => mergeShards([{ name: 'j', data: { hello: 1 } }])).toThrow(/j: not a heterolab screen shard/);
  });

  it('CLI: two shards merged equal the unsharded screen row for row; a pair that fails is a row with an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-screen-'));
    const args = ['screen', '--films', `${GOOD}MoS2_monolayer.vasp,${GOOD}MoSSe_janus.vasp`, '--substrates', `${GOOD}Au_fcc_conventional.vasp`, '--facets', '111,110', '--max-area', '150', '--max-strain', '3', '--formation-energy', 'MoS2_monolayer=0.072'];
    const whole = cli(...args, '--json', '-o', join(dir, 'all.json'));
    expect(whole.code, whole.err).toBe(0);
    expect(whole.err).toMatch(/\[1\/6\] MoS2_monolayer \(S down\) on Au_fcc_conventional\(111\)/);
    for (const i of [1, 2]) expect(cli(...args, '--shard', `${i}/2`, '-o', join(dir, `s${i}.json`)).code).toBe(0);
    const merged = cli('screen', 'merge', join(dir, 's2.json'), join(dir, 's1.json'), '-o', join(dir, 'merged.json'));
    expect(merged.code, merged.err).toBe(0);
    const all = JSON.parse(readFileSync(join(dir, 'all.json'), 'utf8'));
    expect(JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8'))).toEqual(all);
    // Both faces of MoSSe on Au(hkl) share a search, so they sit in one shard.
    const where = new Map<string, string>();
    for (const f of ['s1.json', 's2.json'])
      for (const r of (JSON.parse(readFileSync(join(dir, f), 'utf8')) as ShardFile).rows) {
        const k = `${r.film}|${r.substrate}|${r.hkl}`;
        expect(where.get(k) ?? f, k).toBe(f);
        where.set(k, f);
      }
    expect(where.size).toBe(4);
    const v1 = { ...JSON.parse(readFileSync(join(dir, 's1.json'), 'utf8')), schemaVersion: 1 };
    writeFileSync(join(dir, 'v1.json'), JSON.stringify(v1));
    const old = cli('screen', 'merge', join(dir, 'v1.json'), join(dir, 's2.json'));
    expect(old.code).toBe(1);
    expect(old.err).toMatch(/v1\.json: a shard file of schema 1, not 2/);
    expect(all).toHaveLength(6);
    expect(all.map((r: { face: string }) => r.face)).toEqual(['S', 'S', 'S', 'S', 'Se', 'Se']);
    for (const k of ['film', 'face', 'substrate', 'hkl', 'area', 'nAtoms', 'strain', 'ffZSeparation', 'ffBindingEnergy', 'mlZSeparation', 'mlBindingEnergy', 'mlBindingEnergySigma', 'formationEnergy', 'stable']) expect(all[0]).toHaveProperty(k);
    expect(all[0].formationEnergy).toBe(0.072);
    expect(all[0].stable).toMatch(/stable|unstable|undecided/);
    // A shard of another screen (other limits) is refused.
    const other = args.map((v, i) => (args[i - 1] === '--max-area' ? '140' : v)); // a repeated flag is refused, so replace it
    expect(cli(...other, '--shard', '2/2', '-o', join(dir, 'other.json')).code).toBe(0);
    const bad = cli('screen', 'merge', join(dir, 's1.json'), join(dir, 'other.json'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/other\.json: from a different screen/);
    // No interface within the limits: a row with an error, exit 0.
    const none = cli('screen', '--films', `${GOOD}MoS2_monolayer.vasp`, '--substrates', `${GOOD}Au_fcc_conventional.vasp`, '--facets', '111', '--max-area', '10', '--json');
    expect(none.code, none.err).toBe(0);
    expect(JSON.parse(none.out)[0].error).toMatch(/no coincident supercell/);
    writeFileSync(join(dir, 'x'), '');
  });
});
