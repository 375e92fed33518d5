import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellParameters } from '../../src/core/cell';
import { LIBRARY } from '../../src/core/library/library';
import { formula } from '../../src/core/structure';
import { readStructureFile } from '../../src/io/registry';

const BIN = new URL('../../dist-cli/heterolab.mjs', import.meta.url).pathname;
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
async function readBack(path: string) {
  const r = await readStructureFile(path, readFileSync(path), {});
  if (!r.ok) throw new Error(`${path}: ${r.issue.message}`);
  return r.structures[0];
}

describe('CLI: library', () => {
  it('library --json lists every entry with its metadata; --family and --element filter', () => {
    const all = cli('library', '--json');
    expect(all.code).toBe(0);
    const rows = JSON.parse(all.out);
    expect(rows.map((r: { id: string }) => r.id)).toEqual(LIBRARY.map((e) => e.id));
    const au = rows.find((r: { id: string }) => r.id === 'Au');
    expect(au).toMatchObject({ family: 'metal', prototype: 'fcc', a: 4.08, estimated: false });
    const mosse = rows.find((r: { id: string }) => r.id === 'MoSSe-1H');
    expect(mosse).toMatchObject({ family: 'janus', a: 3.251, thickness: 3.232, faces: { bottom: 'S', top: 'Se' }, formationEnergyEstimated: true });
    expect(mosse.source).toMatch(/MoSSe-de7ac5fc6945/);
    const janus = JSON.parse(cli('library', '--family', 'janus', '--json').out);
    expect(janus.length).toBeGreaterThanOrEqual(51);
    expect(janus.every((r: { family: string }) => r.family === 'janus')).toBe(true);
    const withW = JSON.parse(cli('library', '--element', 'W', '--json').out).map((r: { id: string }) => r.id);
    expect(withW).toContain('W');
    expect(withW).toContain('WSSe-1H');
    expect(withW).not.toContain('MoSSe-1H');
    const text = cli('library', '--family', 'metal');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^Au\s+metal\s+Au\s+fcc\s+4\.0800/m);
  });
  it('library ID -o writes the structure (POSCAR and CIF) that reads back with the entry\'s cell and composition', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-lib-'));
    const vasp = join(dir, 'MoSSe.vasp');
    expect(cli('library', 'MoSSe-1H', '-o', vasp).code).toBe(0);
    const s = await readBack(vasp);
    expect(formula(s.numbers)).toBe('MoSSe');
    const p = cellParameters(s.cell);
    expect(p.a).toBeCloseTo(3.251, 6);
    expect(p.c).toBeCloseTo(3.232 + 15, 6);
    const cif = join(dir, 'Pt.cif');
    const j = JSON.parse(cli('library', 'pt', '-o', cif, '--json').out);
    expect(j).toMatchObject({ id: 'Pt', nsites: 4, output: cif });
    const pt = await readBack(cif);
    expect(pt.numbers.length).toBe(4);
    expect(cellParameters(pt.cell).a).toBeCloseTo(3.92, 6);
    // --vacuum and --flip reach the generator: the written layer is turned over (Se at the bottom).
    const flipped = join(dir, 'flip.vasp');
    expect(cli('library', 'MoSSe-1H', '--flip', '--vacuum', '20', '-o', flipped).code).toBe(0);
    const f = await readBack(flipped);
    expect(cellParameters(f.cell).c).toBeCloseTo(3.232 + 20, 6);
    const zs = [0, 1, 2].map((i) => f.positions[3 * i + 2]);
    expect(f.numbers[zs.indexOf(Math.min(...zs))]).toBe(34);
    const info = JSON.parse(cli('info', flipped, '--json').out);
    expect(info.layer).toEqual({ vacuumAxis: 'c', thickness: 3.232, vacuum: 20 });
  });
  it('an unknown id is bad input (exit 1, error JSON with suggestions); a bad family is bad usage (exit 2)', () => {
    const r = cli('library', 'mosse', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.error.code).toBe('unknown-entry');
    expect(j.error.message).toMatch(/MoSSe-1H, MoSSe-1T/);
    expect(cli('library', '--family', 'alloys').code).toBe(2);
    expect(cli('library', 'Au', 'Cu').code).toBe(2);
    expect(cli('library', 'MoS2-1H', '--vacuum', '-3').code).toBe(2);
  });
});
