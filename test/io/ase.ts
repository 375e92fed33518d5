/** ASE (from the project's .venv) as an independent reader of heterolab's output, for the io tests. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Atoms } from './compare';

const PYTHON = new URL('../../.venv/bin/python', import.meta.url).pathname;
const SCRIPT = new URL('./ase_read.py', import.meta.url).pathname;

/** Whether the ASE checks can run. Missing in CI is an error (a required suite must not be skipped); elsewhere a printed skip. */
export function haveAse(file: string): boolean {
  if (existsSync(PYTHON)) return true;
  if (process.env.CI) throw new Error(`${PYTHON} is missing: CI must run the ASE round trips (run scripts/setup-python.sh)`);
  console.warn(`${file}: skipping the ASE round trips: ${PYTHON} is missing (run scripts/setup-python.sh)`);
  return false;
}

/** ASE's reading of a file: the atoms, the atoms fixed along every direction, and per atom the Cartesian axes fixed (FixAtoms/FixCartesian). */
export type AseAtoms = Atoms & { fixed: number[]; cartesianFixed: number[][]; error?: string };

/** Reads every file with ase.io.read in one Python process; per file the atoms or {error}. */
export function aseRead(files: { path: string; format: string }[]): AseAtoms[] {
  const r = spawnSync(PYTHON, [SCRIPT, ...files.flatMap((f) => [f.path, f.format])], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`ase_read.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as AseAtoms[];
}
