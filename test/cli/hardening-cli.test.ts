// Regression tests for what the CLI argument fuzzer (test/io/fuzz-cli.ts) and issue 17 found: each failed before
// its fix. The CLI runs in process (main), as the fuzzer runs it, with stdout and stderr captured.
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { tooLargeIssue } from '../../src/io/registry';
import { quiet } from '../io/fuzz-cli';
import { GOOD } from '../helpers/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'hl-harden-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = async (...argv: string[]) => {
  const r = await quiet(() => main(argv));
  if (r.error) throw r.error; // an exception escaping main is the bug these tests guard against
  return { code: r.value, out: r.out, err: r.err };
};

describe('CLI hardening: bad arguments are refused with a message, never silently or with a stack trace', () => {
  it('slab --fixed 1000 on a 4-layer slab is refused, naming the layer count and the allowed range', async () => {
    const r = await cli('slab', GOOD + 'Au_fcc_conventional.vasp', '--hkl', '1,1,1', '--layers', '4', '--fixed', '1000', '--json');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--fixed 1000 would fix every atom: the slab has 4 layers, so --fixed takes 0 to 3/);
    const ok = await cli('slab', GOOD + 'Au_fcc_conventional.vasp', '--hkl', '1,1,1', '--layers', '4', '--fixed', '3', '--json');
    expect(ok.code).toBe(0);
    const j = JSON.parse(ok.out);
    expect(j.fixedAtoms).toBe(3 * (j.nsites / 4));
  });
  it('the atom limit is named with its value and the flag that changes it', async () => {
    const r = await cli('slab', GOOD + 'Au_fcc_conventional.vasp', '--layers', '1000', '--max-atoms', '500', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error.message).toBe('slab: would make 1000 atoms, over the limit of 500 atoms (change it with --max-atoms)');
  });
  it('a mistyped or unknown flag is refused with a suggestion (it used to be ignored)', async () => {
    const r = await cli('slab', GOOD + 'Au_fcc_conventional.vasp', '--fixd', '2');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown flag "--fixd"; did you mean --fixed\?/);
  });
  it('a flag given twice with different values, or with an empty value, is refused', async () => {
    const twice = await cli('slab', GOOD + 'Au_fcc_conventional.vasp', '--hkl', '1,1,1', '--hkl', '1,0,0');
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/--hkl is given twice \("1,1,1" and "1,0,0"\)/);
    const empty = await cli('slab', GOOD + 'Au_fcc_conventional.vasp', '--layers=');
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/--layers needs a value/);
  });
  it('an output path that cannot be written is bad input (exit 1 with the reason), not an internal error', async () => {
    const r = await cli('convert', GOOD + 'graphene.vasp', '-o', join(dir, 'no-such-folder', 'out.vasp'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: cannot write ".*no-such-folder\/out\.vasp": ENOENT/m);
    mkdirSync(join(dir, 'a-folder.vasp'));
    const j = await cli('library', 'Au', '-o', join(dir, 'a-folder.vasp'), '--json');
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out).error).toMatchObject({ code: 'file', message: expect.stringMatching(/EISDIR/) });
  });
  it('a device is refused before reading (reading /dev/zero never ended)', async () => {
    const t0 = performance.now();
    const r = await cli('info', '/dev/zero', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error.message).toMatch(/not a regular file/);
    expect(performance.now() - t0).toBeLessThan(5000);
  }, 20_000);
  it('--json errors follow this call\'s arguments (in process they followed process.argv)', async () => {
    const r = await cli('slab', join(dir, 'missing.vasp'), '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error.code).toBe('unsupported');
  });
  it('build --json without a coincident supercell says so as {error} on stdout (it printed nothing)', async () => {
    const r = await cli('build', GOOD + 'MoS2_monolayer.vasp', GOOD + 'W_bcc_conventional.vasp', '--hkl', '1,1,1', '--max-area', '20', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error).toMatchObject({ code: 'no-match', message: expect.stringMatching(/--max-area/) });
  });
  it('screen with a missing --models or --films-dir folder is bad input, not an internal error', async () => {
    const models = await cli('screen', '--films', GOOD + 'graphene.vasp', '--substrates', 'Au', '--models', join(dir, 'nope'));
    expect(models.code).toBe(1);
    expect(models.err).toMatch(/error: no models in .*nope \(ENOENT\)/);
    const films = await cli('screen', '--films-dir', join(dir, 'nope'), '--substrates', 'Au', '--models', 'models');
    expect(films.code).toBe(1);
    expect(films.err).toMatch(/error: cannot list the folder ".*nope": ENOENT/);
  });
  it('a 1 GB file is refused from its size, before reading, with the limit and how to change it', async () => {
    const big = join(dir, 'big.vasp');
    writeFileSync(big, '');
    truncateSync(big, 2 ** 30); // sparse: no disk space used
    const t0 = performance.now();
    const r = await cli('info', big, '--json');
    const ms = performance.now() - t0;
    expect(r.code).toBe(1);
    const e = JSON.parse(r.out).error;
    expect(e.code).toBe('too-large');
    expect(e.message).toMatch(/file is 1024\.0 MiB; the limit is 256 MiB \(MAX_FILE_BYTES in src\/core\/validate\.ts: change it and rebuild to raise it\)/);
    expect(e.hint).toMatch(/split the file/);
    expect(ms).toBeLessThan(1000);
    // The app's path (bytes already in hand) and text input give the same message.
    expect(tooLargeIssue(2 ** 30).message).toBe(e.message);
    expect(tooLargeIssue(3e8, 'characters').message).toMatch(/300,000,000 characters; the limit is 268,435,456 characters \(MAX_FILE_BYTES/);
  });
});
