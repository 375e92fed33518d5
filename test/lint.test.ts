import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function check(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  const r = spawnSync(process.execPath, ['scripts/check-layers.mjs', dir], { encoding: 'utf8' });
  return { code: r.status, err: r.stderr };
}

describe('layer rule (scripts/check-layers.mjs)', () => {
  it('passes on the real source tree', () => {
    const r = spawnSync(process.execPath, ['scripts/check-layers.mjs', 'src'], { encoding: 'utf8' });
    expect(r.stderr).toMatch(/layer check: ok/);
    expect(r.status).toBe(0);
  });
  it('rejects an upward import', () => {
    const r = check({ 'core/a.ts': "import { x } from '../io/y';\n", 'io/y.ts': 'export const x = 1;\n' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/core\/a.ts:1: core\/ may not import io\//);
  });
  it('rejects a runtime import of io from ui, allows a type import', () => {
    const bad = check({ 'ui/a.ts': "import { parse } from '../io/p';\n", 'io/p.ts': 'export const parse = 1;\n' });
    expect(bad.err).toMatch(/ui\/ imports io\/ at runtime/);
    const ok = check({ 'ui/a.ts': "import type { P } from '../io/p';\n", 'io/p.ts': 'export type P = 1;\n' });
    expect(ok.code).toBe(0);
  });
  it('keeps three.js inside view/', () => {
    const r = check({ 'ui/a.ts': "import * as THREE from 'three';\n" });
    expect(r.err).toMatch(/three.js is imported only by view/);
  });
});
