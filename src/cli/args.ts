/** Command-line argument handling shared by the verbs. */
import { readdirSync, writeFileSync } from 'node:fs';

export class UsageError extends Error {}

/** A file the command line was told to write or list could not be: bad input (exit 1), not a bug. */
export class FileError extends Error {}

export interface Args {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Flags that take a value. */
export const VALUED = new Set([
  '--species', '--format', '--to', '-o', '--output', '--index', '--hkl', '--hkl-cell', '--layers', '--thickness', '--vacuum',
  '--termination', '--fixed', '--max-atoms', '--max-area', '--max-strain', '--max-angle', '--twist', '--twist-scan', '--limit',
  '--face', '--match', '--z', '--shift', '--strain', '--model', '--cutoff', '--film-atoms', '--film-from-z', '--fmax', '--steps',
  '--from', '--step', '--grid', '--backend', '--films', '--films-dir', '--substrates', '--facets', '--shard',
  '--criterion', '--formation-energy', '--models', '--max-work', '--family', '--element', '--search', '--library', '--e-form', '--fit-params',
]);
/** Flags without a value. Anything in neither set is refused: a mistyped flag must not be ignored silently. */
export const SWITCHES = new Set(['--json', '--csv', '--flip', '--relax-z', '--initial', '--names', '--prior']);

/** Edit distance, for "did you mean": flags are short, so the plain O(nm) table is fine. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

function unknownFlag(k: string): UsageError {
  const known = [...VALUED, ...SWITCHES];
  const near = known.filter((f) => distance(f, k) <= 2 || (k.length > 3 && f.startsWith(k))).slice(0, 3);
  const shown = k.length > 60 ? `${k.slice(0, 60)}…` : k;
  return new UsageError(`unknown flag "${shown}"${near.length ? `; did you mean ${near.join(' or ')}?` : ''}`);
}

export function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('-') && a !== '-' && !/^-\d/.test(a)) {
      const [k, v] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      let val: string | true;
      if (VALUED.has(k)) {
        const given = v ?? argv[++i];
        if (given === undefined || given === '') throw new UsageError(`${k} needs a value`);
        val = given;
      } else if (SWITCHES.has(k)) {
        if (v !== undefined) throw new UsageError(`${k} takes no value (got "${a.slice(0, 60)}")`);
        val = true;
      } else throw unknownFlag(k);
      // The same flag twice with different values: which one was meant cannot be guessed.
      const before = flags.get(k);
      if (before !== undefined && before !== val) throw new UsageError(`${k} is given twice ("${String(before).slice(0, 40)}" and "${String(val).slice(0, 40)}"); give it once`);
      flags.set(k, val);
    } else positional.push(a);
  }
  return { positional, flags };
}

export function flagString(a: Args, k: string): string | undefined {
  const v = a.flags.get(k);
  return typeof v === 'string' ? v : undefined;
}

/** A numeric flag checked against a range (and integrality) before anything is computed. */
export function flagNumber(a: Args, k: string, o: { min: number; max: number; integer?: boolean }): number | undefined {
  const t = flagString(a, k);
  if (t === undefined) return undefined;
  const x = Number(t);
  if (t.trim() === '' || !Number.isFinite(x) || x < o.min || x > o.max || (o.integer && !Number.isInteger(x)))
    throw new UsageError(`${k} must be ${o.integer ? 'a whole number' : 'a number'} from ${o.min} to ${o.max} (got "${t.slice(0, 60)}")`);
  return x;
}

const why = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** Writes an output file; a path that cannot be written (no such folder, a folder, no permission) is a FileError. */
export function writeOutput(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new FileError(`cannot write ${JSON.stringify(path.slice(0, 200))}: ${why(e)}`);
  }
}

/** The names in a folder given on the command line, or a FileError saying why not. */
export function listDirectory(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    throw new FileError(`cannot list the folder ${JSON.stringify(dir.slice(0, 200))}: ${why(e)}`);
  }
}
