// Speed of the screen without changing its rows (issue 14): both faces of a Janus layer share one coincidence
// search, cached per exact pair of lattices, and the rows are the same with or without the cache, in any order.
import { describe, expect, it } from 'vitest';
import { InterfaceService } from '../../src/compute/interface/service';
import { poolOrder, runJob, screenJobs, SCREEN_DEFAULTS, shardJobs, type ScreenDefinition, type ScreenRow } from '../../src/compute/screen/screen';
import { SearchCache } from '../../src/compute/screen/search-cache';
import { findLibraryEntry, libraryStructure } from '../../src/core/library/library';
import { conventionalStandardCell } from '../../src/io/space-groups';
import { geometry } from '../helpers/geometry';

// Films whose flipped layer's lattice vectors differ from the file's in the last bits (found by comparing
// inPlaneBasis of both faces over the library), so a search on each face could keep a different match.
const FILMS = ['AsTeBr-1T', 'BiTeBr-1H', 'BiTeI-1H'];
const entry = (id: string) => findLibraryEntry(id)!;
const def: ScreenDefinition = {
  films: FILMS.map((id) => ({ name: id, structure: libraryStructure(entry(id)), formationEnergy: (entry(id) as { formationEnergy?: number | null }).formationEnergy ?? null })),
  substrates: ['Ag', 'Au', 'Pd', 'Ni'].map((id) => ({ name: id, structure: libraryStructure(entry(id)) })),
  facets: [[1, 1, 1]],
  limits: { ...SCREEN_DEFAULTS, criterion: 'vectors' },
  models: 'test',
};
const service = () => new InterfaceService({ geometry: geometry(), standardCell: conventionalStandardCell });
const geometryOf = (r: ScreenRow) => [r.index, r.face, r.area, r.nAtoms, r.strain, r.twistDeg];

describe('shared coincidence searches', () => {
  const jobs = screenJobs(def, () => true);

  it('a top face run alone (another shard, no cache) gets the same match as next to its bottom face with the cache', async () => {
    const cache = new SearchCache();
    const together: ScreenRow[] = [];
    for (const j of poolOrder(jobs)) together.push(await runJob(service(), def, j, undefined, cache));
    expect(cache.hits).toBe(jobs.length / 2); // every top face reused its bottom face's search
    const alone: ScreenRow[] = [];
    for (const j of jobs.filter((j) => j.face === 'top')) alone.push(await runJob(service(), def, j, undefined, null));
    const tops = together.filter((r) => r.faceSide === 'top').sort((a, b) => a.index - b.index);
    expect(tops.some((r) => r.area !== null)).toBe(true);
    expect(alone.map(geometryOf)).toEqual(tops.map(geometryOf));
  }, 120_000);

  it('each search runs in exactly one shard, and the shards together give the unsharded rows', async () => {
    const whole = new SearchCache();
    const rows: ScreenRow[] = [];
    for (const j of poolOrder(jobs)) rows.push(await runJob(service(), def, j, undefined, whole));
    const n = 3;
    const caches = Array.from({ length: n }, () => new SearchCache());
    const sharded: ScreenRow[] = [];
    for (let i = 0; i < n; i++) for (const j of poolOrder(shardJobs(jobs, i, n))) sharded.push(await runJob(service(), def, j, undefined, caches[i]));
    // Every search once over all shards (as unsharded: one per film, substrate and facet), every top face a hit.
    expect(caches.map((c) => c.misses).reduce((a, b) => a + b)).toBe(whole.misses);
    expect(whole.misses).toBe(FILMS.length * def.substrates.length);
    caches.forEach((c, i) => expect(c.hits).toBe(shardJobs(jobs, i, n).filter((j) => j.face === 'top').length));
    expect(sharded.sort((a, b) => a.index - b.index)).toEqual(rows.sort((a, b) => a.index - b.index));
  }, 180_000);

  it('the pool order puts both faces of a pair next to each other and keeps every job', () => {
    const o = poolOrder(jobs);
    expect(o.map((j) => j.index).sort((a, b) => a - b)).toEqual(jobs.map((j) => j.index));
    expect(poolOrder(screenJobs({ ...def, facets: [[1, 1, 1], [1, 0, 0], [1, 1, 0]] }, () => true)).slice(0, 6).map((j) => j.hkl.join('') + j.face[0])).toEqual(['111b', '111t', '100b', '100t', '110b', '110t']);
    for (let k = 0; k < o.length; k += 2) expect([o[k].film, o[k].substrate, o[k].face, o[k + 1].face]).toEqual([o[k + 1].film, o[k + 1].substrate, 'bottom', 'top']);
  });

  it('an exact key: a lattice scaled by one part in 1e12 is searched again', async () => {
    const cache = new SearchCache(), svc = service(), g = await geometry();
    const req = { film: def.films[0].structure, substrate: def.substrates[0].structure, options: { hkl: [1, 1, 1] as [number, number, number] } };
    const p = (await svc.pair(req)).prepared;
    const params = { maxArea: 200, maxStrain: 0.01, maxAngle: Math.PI / 180 };
    await cache.search(g, p, params);
    await cache.search(g, p, params);
    const cell = Float64Array.from(p.film.structure.cell, (x, i) => (i < 6 ? x * (1 + 1e-12) : x));
    await cache.search(g, { ...p, film: { ...p.film, structure: { ...p.film.structure, cell } } }, params);
    expect([cache.hits, cache.misses]).toEqual([1, 2]);
  });
});
