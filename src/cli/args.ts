/** Command-line argument handling shared by the verbs. */
export class UsageError extends Error {}

export interface Args {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Flags that take a value (everything else is a switch). */
export const VALUED = new Set([
  '--species', '--format', '--to', '-o', '--output', '--index', '--hkl', '--hkl-cell', '--layers', '--thickness', '--vacuum',
  '--termination', '--fixed', '--max-atoms', '--max-area', '--max-strain', '--max-angle', '--twist', '--twist-scan', '--limit',
  '--face', '--match', '--z', '--shift', '--strain', '--model', '--cutoff', '--film-atoms', '--film-from-z', '--fmax', '--steps',
  '--from', '--to', '--step', '--grid', '--backend', '--films', '--films-dir', '--substrates', '--facets', '--shard',
  '--criterion', '--formation-energy', '--models', '--max-work', '--family', '--element', '--search', '--library', '--e-form', '--fit-params',
]);

export function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('-') && a !== '-' && !/^-\d/.test(a)) {
      const [k, v] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      if (VALUED.has(k)) {
        const val = v ?? argv[++i];
        if (val === undefined) throw new UsageError(`${k} needs a value`);
        flags.set(k, val);
      } else flags.set(k, true);
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
  if (!Number.isFinite(x) || x < o.min || x > o.max || (o.integer && !Number.isInteger(x)))
    throw new UsageError(`${k} must be ${o.integer ? 'a whole number' : 'a number'} from ${o.min} to ${o.max} (got "${t}")`);
  return x;
}
