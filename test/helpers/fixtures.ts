import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readStructureFile, type ReadOptions } from '../../src/io/registry';
import type { ParseResult } from '../../src/io/issues';
import type { Structure } from '../../src/core/structure';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const GOOD = `${FIXTURES}structures/`;
export const BROKEN = `${FIXTURES}broken/`;

export function goodFixtureNames(): string[] {
  return readdirSync(GOOD).filter((n) => !n.endsWith('.md') && !n.endsWith('.py')).sort();
}

export function readFixture(dir: string, name: string, opts?: ReadOptions): Promise<ParseResult> {
  return readStructureFile(name, readFileSync(dir + name), opts);
}

/** Reads a good fixture and fails the test (with the issue) if it does not parse. */
export async function mustRead(name: string, opts?: ReadOptions): Promise<{ structures: Structure[]; warnings: string[] }> {
  const r = await readFixture(GOOD, name, opts);
  if (!r.ok) throw new Error(`${name} did not parse: ${JSON.stringify(r.issue)}`);
  return { structures: r.structures, warnings: r.warnings.map((w) => w.message) };
}
