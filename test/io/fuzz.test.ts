import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readStructureFile } from '../../src/io/registry';
import { makeStructure } from '../../src/core/structure';
import { GOOD, goodFixtureNames } from '../helpers/fixtures';

/** Mutations of a good file's text, as a hostile or damaged upload would look. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('delete-line' as const), a: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), a: fc.nat() }),
  fc.record({ kind: fc.constant('huge-number' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), value: fc.constantFrom('1e308', '-1e999', '99999999999999999999', 'NaN', 'inf', '4294967297', '-0') }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), text: fc.constantFrom("'", '"', ';', '\n;\n', 'loop_', '_tag', '{', '[', 'data_', '\u0000', '#', '\r') }),
);

function apply(text: string, muts: Array<Record<string, unknown>>): string {
  let t = text;
  for (const m of muts) {
    const lines = t.split('\n');
    const pos = Math.floor((m.at as number ?? 0) * t.length);
    switch (m.kind) {
      case 'truncate': t = t.slice(0, pos); break;
      case 'flip': t = t.slice(0, pos) + String.fromCharCode(m.byte as number) + t.slice(pos + 1); break;
      case 'swap': {
        const a = (m.a as number) % lines.length, b = (m.b as number) % lines.length;
        [lines[a], lines[b]] = [lines[b], lines[a]];
        t = lines.join('\n');
        break;
      }
      case 'delete-line': lines.splice((m.a as number) % lines.length, 1); t = lines.join('\n'); break;
      case 'duplicate-line': { const a = (m.a as number) % lines.length; lines.splice(a, 0, lines[a]); t = lines.join('\n'); break; }
      case 'huge-number': {
        // Replace the number nearest to pos.
        const re = /-?\d+(\.\d*)?([eE][+-]?\d+)?/g;
        re.lastIndex = pos;
        const hit = re.exec(t) ?? /-?\d+(\.\d*)?/.exec(t);
        if (hit) t = t.slice(0, hit.index) + (m.value as string) + t.slice(hit.index + hit[0].length);
        break;
      }
      case 'insert': t = t.slice(0, pos) + (m.text as string) + t.slice(pos); break;
    }
  }
  return t;
}

const RUNS_PER_FILE = 100;

describe('fuzz: mutated fixtures never throw, never hang, and every failure has a code and a message', () => {
  const names = goodFixtureNames().filter((n) => !n.startsWith('Cu_600')); // the large cell adds time, not coverage
  it(`${names.length} fixtures × ${RUNS_PER_FILE} mutation sets (seed 20261125)`, async () => {
    let failures = 0, successes = 0;
    const codes = new Map<string, number>();
    for (const [k, name] of names.entries()) {
      const text = readFileSync(GOOD + name, 'latin1');
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (muts) => {
          const mutated = apply(text, muts as Array<Record<string, unknown>>);
          const bytes = Uint8Array.from(mutated, (c) => c.charCodeAt(0) & 0xff);
          const r = await readStructureFile(name, bytes); // an exception fails the property
          if (r.ok) {
            successes++;
            for (const s of r.structures) {
              expect(s.numbers.length).toBeGreaterThan(0);
              for (const x of s.positions) expect(Number.isFinite(x)).toBe(true);
            }
          } else {
            failures++;
            expect(r.issue.code).toMatch(/^[a-z-]+$/);
            expect(r.issue.message.length).toBeGreaterThan(5);
            expect(r.issue.file).toBe(name);
            codes.set(r.issue.code, (codes.get(r.issue.code) ?? 0) + 1);
          }
        }),
        { seed: 20261125 + k, numRuns: RUNS_PER_FILE },
      );
    }
    console.log(`fuzz: ${successes + failures} inputs, ${successes} parsed, ${failures} rejected; codes ${JSON.stringify(Object.fromEntries(codes))}`);
    expect(failures).toBeGreaterThan(0);
  });

  it('systematic sweep: every fixture cut, or with a hostile token inserted, at 25 positions', async () => {
    const inserts = ['', '1e308', '-1e999', '99999999999999999999', '\n', ';', "'", '"', 'loop_', '{'];
    let n = 0;
    for (const name of names) {
      const text = readFileSync(GOOD + name, 'latin1');
      for (const ins of inserts)
        for (let k = 0; k < 25; k++) {
          const p = Math.floor((k * text.length) / 25);
          const t = ins === '' ? text.slice(0, p) : text.slice(0, p) + ins + text.slice(p);
          const r = await readStructureFile(name, Uint8Array.from(t, (c) => c.charCodeAt(0) & 0xff));
          if (!r.ok) expect(r.issue.message.length, `${name} ${JSON.stringify(ins)} at ${p}`).toBeGreaterThan(5);
          n++;
        }
    }
    expect(n).toBe(names.length * inserts.length * 25);
  });
});

describe('fuzz harness, fixed-seed slice of `npm run fuzz` (every reader, generated and mutated inputs)', () => {
  it('2,000 inputs (seed 20261201): no exception, no slow input, every rejection coded, harmless edits change nothing', async () => {
    const { runFuzz } = await import('./fuzz-harness');
    const report = await runFuzz(2000, 20261201);
    console.log(`fuzz slice: ${report.inputs} inputs in ${report.seconds.toFixed(1)} s; ${report.parsed} read, ${report.rejected} rejected, ${report.harmlessChecked} harmless edits; slowest ${report.slowest.seconds.toFixed(3)} s`);
    expect(report.bugs.map((b) => `${b.kind} ${b.format} ${b.name}: ${b.detail}`)).toEqual([]);
    expect(report.inputs).toBe(2000);
    // The slice must exercise both sides: inputs that read, inputs that are refused, and edits compared.
    expect(report.parsed).toBeGreaterThan(400);
    expect(report.rejected).toBeGreaterThan(400);
    expect(report.harmlessChecked).toBeGreaterThan(150);
    expect(Object.keys(report.codes).length).toBeGreaterThan(8);
  });
  it('the harness is deterministic for a seed, and its checks catch bad results', async () => {
    const { runFuzz, genPoscar, checkResult } = await import('./fuzz-harness');
    const { rng } = await import('../helpers/rng.mjs');
    expect(genPoscar(rng(9))).toBe(genPoscar(rng(9)));
    const a = await runFuzz(50, 3), b = await runFuzz(50, 3);
    expect([a.parsed, a.rejected, a.codes]).toEqual([b.parsed, b.rejected, b.codes]);
    const report: typeof a = { ...a, bugs: [] };
    const c = { format: 'vasp', name: 'POSCAR', text: 'x', clean: false };
    const bad = [
      { ok: false as const, issue: { code: 'bad-number' as const, message: '', file: 'POSCAR' } }, // no message
      { ok: false as const, issue: { code: 'bad-number' as const, message: 'a real message', file: 'other' } }, // wrong file
      { ok: true as const, structures: [{ ...makeStructure({ numbers: Uint8Array.from([1]), positions: Float64Array.from([NaN, 0, 0]) }) }], warnings: [] },
    ];
    for (const res of bad) checkResult(c, res, report.bugs, report);
    expect(report.bugs.map((x) => x.kind)).toEqual(['bad-issue', 'bad-issue', 'bad-structure']);
  });
});

describe('CLI argument fuzzing, fixed-seed slice of `npm run fuzz` (every verb, generated and mutated argv)', () => {
  it('300 calls (seed 20261201): no exception, every refusal said, --json parses, no call over the time limit', async () => {
    const { runCliFuzz } = await import('./fuzz-cli');
    const report = await runCliFuzz(300, 20261201);
    console.log(`cli fuzz slice: ${report.inputs} calls in ${report.seconds.toFixed(1)} s; exits ${JSON.stringify(report.exits)}; slowest ${report.slowest.seconds.toFixed(2)} s`);
    expect(report.bugs.map((b) => `${b.kind} ${JSON.stringify(b.argv)}: ${b.detail}`)).toEqual([]);
    expect(report.inputs).toBe(300);
    // Both sides exercised: calls that run, bad input (1) and bad usage (2), on every verb.
    for (const code of ['0', '1', '2']) expect(report.exits[code]).toBeGreaterThan(15);
    const verbs = ['info', 'convert', 'slab', 'match', 'build', 'relax', 'zscan', 'registry-scan', 'predict', 'screen', 'features', 'library'];
    expect(verbs.filter((v) => !(report.verbs[v]?.calls > 5))).toEqual([]);
  }, 240_000);
  it('the CLI checks catch an escaped exception, a silent failure, unparseable --json and a missing {error}', async () => {
    const { checkCall, confine } = await import('./fuzz-cli');
    const bugs: Parameters<typeof checkCall>[2] = [];
    checkCall(['info', 'x'], { error: new TypeError('boom'), out: '', err: '' }, bugs);
    checkCall(['info', 'x'], { value: 1, out: '', err: '' }, bugs);
    checkCall(['slab', 'x', '--json'], { value: 0, out: 'POSCAR text', err: '' }, bugs);
    checkCall(['slab', 'x', '--json'], { value: 1, out: '{"file": "x"}', err: '' }, bugs);
    checkCall(['slab', 'x'], { value: 1, out: '', err: 'internal error (please report): TypeError\n    at f (a.js:1:1)' }, bugs);
    checkCall(['slab', 'x'], { value: 3, out: '', err: 'error: something' }, bugs);
    expect(bugs.map((b) => b.kind)).toEqual(['exception', 'no-message', 'bad-json', 'bad-json', 'no-message', 'bad-exit']);
    const fine: typeof bugs = [];
    checkCall(['slab', 'x', '--json'], { value: 1, out: '{"error": {"code": "empty", "message": "file is empty"}}', err: '' }, fine);
    checkCall(['slab', 'x', '--fixd'], { value: 2, out: '', err: 'usage error: unknown flag "--fixd"' }, fine);
    expect(fine).toEqual([]);
    // Outputs stay in the sandbox: relative and traversing paths are re-rooted, inside ones kept.
    expect(confine(['convert', 'a', '-o', '../../x.vasp', '--output=/etc/y.cif', '-o', '/s/b/ok.cif'], '/s')).toEqual(['convert', 'a', '-o', '/s/rooted/.._.._x.vasp', '--output=/s/rooted/_etc_y.cif', '-o', '/s/b/ok.cif']);
  });
});
