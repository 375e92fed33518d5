import { readFileSync, statSync } from 'node:fs';
import { cellParameters, cellVolume } from '../core/cell';
import { findVacuumLayer } from '../core/layer';
import { formula, type Structure } from '../core/structure';
import { MAX_FILE_BYTES, type FormatId, type ParseIssue } from '../io/issues';
import { readStructureFile, tooLargeIssue, type ReadOptions } from '../io/registry';
import { chooseWriteFormat, formatById, readableFormats, writableFormats } from '../io/formats';
import { writeStructure, type WriteFormat } from '../io/write';
import { FileError, parseArgs, UsageError, writeOutput, type Args } from './args';
import { buildVerb, matchVerb, slabVerb } from './geometry-verbs';
import { registryScanVerb, relaxVerb, zscanVerb } from './ff-verbs';
import { featuresVerb, predictVerb } from './ml-verbs';
import { screenVerb } from './screen-verb';
import { LIBRARY_USAGE, libraryVerb } from './library-verb';
import { GeometryError } from '../compute/geometry/wasm';
import { FFParameterError } from '../compute/ff/model';
import { PRIOR_PARAMS } from '../compute/ml/prior';
import { installNodePlatform } from './node-platform';
import { DEFAULTS } from '../core/defaults';

const USAGE = `heterolab command line (npm run --silent cli -- VERB ...)

  info FILE... [--json] [--species Mo,S] [--format ${readableFormats().map((f) => f.id).join('|')}]
      formula, sites, lattice (Å, degrees), volume (Å^3), periodicity and whether it looks like a 2D layer.
      Several files with --json print a JSON array, one object (or {"file", "error"}) per file, in order.
  convert FILE [--to ${writableFormats().map((f) => f.id).join('|')}] [-o OUT] [--index N] [--species ...] [--format ...]
      write the structure (structure N of a multi-structure file; default 0; extxyz writes every one).
      Without --to, OUT's name tells the format: ${writableFormats().map((f) => `${f.id} ${f.fileName ?? `.${f.extension}`}`).join(', ')}, POSCAR*.
  slab BULK --hkl 1,1,1 [--layers 4 | --thickness Å] [--vacuum 15] [--termination I] [--fixed N]
       [--hkl-cell conventional|given] [-o OUT] [--json]
      surface slab; hkl refer to the conventional standard cell unless --hkl-cell given.
  match FILM SUBSTRATE_BULK --hkl 1,1,1 [--max-area 100] [--max-strain 5] [--max-angle 1]
        [--twist DEG | --twist-scan A:B:STEP] [--face bottom|top] [--layers 4] [--limit 50] [--json]
      coincident supercells (area Å², strains %, angles degrees).
  build FILM SUBSTRATE_BULK --hkl 1,1,1 [--match I] [--z 3.0] [--twist DEG] [--shift 0,0] [--layers 4]
        [--vacuum 15] [--face bottom|top] [--strain film|substrate|shared] [--termination K] [--fixed N] -o OUT.vasp
      the interface of match I (z in Å: film bottom plane − substrate top plane).
  relax INTERFACE_FILE [--model uff|d2|fit (default fit)] [--cutoff 12] [--fmax 0.01] [--backend wasm|cpu|webgpu]
        [--film-from-z Z | --film-atoms A-B] [-o OUT] [--json]
      rigid-body pre-relaxation of the film (x, y, z; twist fixed) with the force field.
  predict FILM SUBSTRATE_BULK --hkl 1,1,1 [--face bottom|top] [--max-area 100] [--max-strain 5] [--e-form EV[,SIGMA]] [--json]
      binding energy (eV/atom) and z-separation (Å) with σ from the ONNX models for the smallest coincident
      supercell, with the model, its held-out accuracy, an out-of-domain check and P(E_bind > E_form).
  screen --films A,B | --films-dir DIR | --library janus  --substrates X,Y | --library metals
         [--facets 111,110,100] [--max-area 200]
         [--max-strain 1] [--max-angle 1] [--criterion vectors|principal] [--formation-energy NAME=eV,...]
         [--shard I/N] [--json | --csv] [-o OUT]
      every film (both faces of a Janus film; files or library ids) on every substrate facet: best match, force-field prior,
      ONNX estimates ± σ, stability vs the formation energy. Defaults are Hetero2d's. With --shard the
      output is a shard file; join them with: screen merge SHARD... [-o OUT] [--csv]
  features RECORDS.json... [-o table.csv] [--model fit] | features --names | features --prior [--model fit]
      the training table: targets and features of Hetero2d/aiHD records (what npm run train reads); --model
      changes the force-field prior (for comparing priors; the models are trained on the default).
  zscan INTERFACE_FILE [--from 2 --to 6 --step 0.05] [...film selection] [--json]
  registry-scan INTERFACE_FILE [--grid 24] [--relax-z] [...film selection] [--json]
      binding curve and registry energy map. The film is the role column (extxyz from heterolab), the given
      selection, or everything above the widest gap between atomic planes.
${LIBRARY_USAGE}

Results go to stdout, diagnostics to stderr. Exit code 0 on success, 1 on bad input, 2 on bad usage.`;

const FORMATS = readableFormats().map((f) => f.id as FormatId);

function readOptions(a: Args): ReadOptions {
  const o: ReadOptions = {};
  const sp = a.flags.get('--species');
  if (typeof sp === 'string') o.species = sp.split(/[,\s]+/).filter(Boolean);
  const f = a.flags.get('--format');
  if (typeof f === 'string') {
    if (!FORMATS.includes(f as FormatId)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    o.format = f as FormatId;
  }
  if (a.flags.has('--initial')) o.initial = true;
  return o;
}

function loadBytes(file: string): Uint8Array | ParseIssue {
  try {
    const st = statSync(file);
    if (st.isDirectory()) return { code: 'unsupported', message: 'is a directory', file };
    // A device or pipe (/dev/zero, /dev/stdin) has no size to check and may never end: refused before reading.
    if (!st.isFile()) return { code: 'unsupported', message: 'is not a regular file (a device, pipe or socket); save the structure to a file first', file };
    // Size is checked before reading, so a huge file is never loaded.
    if (st.size > MAX_FILE_BYTES) return { ...tooLargeIssue(st.size), file };
    return readFileSync(file);
  } catch (e) {
    return { code: 'unsupported', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file };
  }
}

function describe(s: Structure, file: string, warnings: string[]) {
  const p = cellParameters(s.cell);
  const deg = 180 / Math.PI;
  const periodic = s.pbc.some(Boolean);
  const layer = periodic ? findVacuumLayer(s) : null;
  const r = (x: number, d = 6) => Number(x.toFixed(d));
  return {
    file,
    title: s.info.title ?? null,
    formula: formula(s.numbers),
    nsites: s.numbers.length,
    lattice: periodic
      ? { a: r(p.a), b: r(p.b), c: r(p.c), alpha: r(p.alpha * deg), beta: r(p.beta * deg), gamma: r(p.gamma * deg) }
      : null,
    volume: periodic ? r(Math.abs(cellVolume(s.cell))) : null,
    pbc: s.pbc,
    layer: layer ? { vacuumAxis: 'abc'[layer.axis], thickness: r(layer.thickness, 3), vacuum: r(layer.vacuum, 3) } : null,
    warnings,
  };
}

function issueText(i: ParseIssue): string {
  return `${i.file ?? ''}${i.line ? `:${i.line}` : ''}: ${i.message}${i.hint ? ` (${i.hint})` : ''}`;
}

function errorObject(i: ParseIssue) {
  return { file: i.file ?? null, error: { code: i.code, message: i.message, line: i.line ?? null, ...(i.hint ? { hint: i.hint } : {}) } };
}

async function read(file: string, opts: ReadOptions) {
  const bytes = loadBytes(file);
  if (!(bytes instanceof Uint8Array)) return { ok: false as const, issue: bytes };
  return readStructureFile(file, bytes, opts);
}

/** A file that could not be read, carried to main() as a value-like exception. */
class InputError extends Error {
  constructor(public issue: ParseIssue) {
    super(issue.message);
  }
}

/** Reader for verbs that need one structure per file: the first structure, or an InputError with the issue. */
function readOrThrow(a: Args): (file: string) => Promise<Structure> {
  const opts = readOptions(a);
  return async (file) => {
    const r = await read(file, opts);
    if (!r.ok) throw new InputError(r.issue);
    for (const w of r.warnings) process.stderr.write(`warning: ${issueText(w)}\n`);
    if (r.structures.length > 1) process.stderr.write(`note: ${file} holds ${r.structures.length} structures; using the first\n`);
    return r.structures[0];
  };
}

async function info(a: Args): Promise<number> {
  if (a.positional.length === 0) throw new UsageError('info needs at least one FILE');
  const json = a.flags.has('--json');
  const opts = readOptions(a);
  const results: unknown[] = [];
  let failed = false;
  for (const file of a.positional) {
    const r = await read(file, opts);
    if (!r.ok) {
      failed = true;
      results.push(errorObject(r.issue));
      if (!json) process.stderr.write(`error: ${issueText(r.issue)}\n`);
      continue;
    }
    const warnings = r.warnings.map((w) => (w.line ? `line ${w.line}: ${w.message}` : w.message));
    const all = r.structures.map((s) => describe(s, file, warnings));
    const obj = all.length > 1 ? { ...all[0], nstructures: all.length, structures: all.map(({ warnings: _w, file: _f, ...rest }) => rest) } : all[0];
    results.push(obj);
    if (!json) {
      for (const [k, d] of all.entries()) {
        const out: string[] = [];
        out.push(`${file}${all.length > 1 ? ` [${k + 1}/${all.length}]` : ''}${d.title ? `  (${d.title})` : ''}`);
        out.push(`  formula   ${d.formula}   (${d.nsites} sites)`);
        if (d.lattice) {
          const l = d.lattice;
          out.push(`  lattice   a=${l.a.toFixed(4)} b=${l.b.toFixed(4)} c=${l.c.toFixed(4)} Å   alpha=${l.alpha.toFixed(3)} beta=${l.beta.toFixed(3)} gamma=${l.gamma.toFixed(3)}°`);
          out.push(`  volume    ${d.volume!.toFixed(3)} Å^3`);
        }
        out.push(`  periodic  ${d.pbc.some(Boolean) ? ['a', 'b', 'c'].filter((_, i) => d.pbc[i]).join(' ') : 'none (molecule)'}`);
        out.push(`  2D layer  ${d.layer ? `yes: vacuum along ${d.layer.vacuumAxis} (${d.layer.vacuum.toFixed(2)} Å), layer thickness ${d.layer.thickness.toFixed(2)} Å` : 'no vacuum gap found'}`);
        process.stdout.write(out.join('\n') + '\n');
      }
      for (const w of warnings) process.stderr.write(`warning: ${file}: ${w}\n`);
    }
  }
  if (json) process.stdout.write(JSON.stringify(a.positional.length === 1 ? (failed ? { error: (results[0] as ReturnType<typeof errorObject>).error, file: a.positional[0] } : results[0]) : results, null, 1) + '\n');
  return failed ? 1 : 0;
}

async function convert(a: Args): Promise<number> {
  const [file] = a.positional;
  if (!file || a.positional.length > 1) throw new UsageError('convert needs exactly one FILE');
  const out = a.flags.get('-o') ?? a.flags.get('--output');
  const to = a.flags.get('--to');
  if (to === undefined && typeof out !== 'string') throw new UsageError(`convert needs --to ${writableFormats().map((f) => f.id).join('|')} or -o OUT with a telling name`);
  const chosenFormat = chooseWriteFormat(to === undefined ? undefined : String(to), typeof out === 'string' ? out : undefined);
  if ('error' in chosenFormat) throw new UsageError(chosenFormat.error);
  const format = formatById(chosenFormat.id)!;
  const r = await read(file, readOptions(a));
  if (!r.ok) {
    process.stderr.write(`error: ${issueText(r.issue)}\n`);
    return 1;
  }
  for (const w of r.warnings) process.stderr.write(`warning: ${issueText(w)}\n`);
  const idxFlag = a.flags.get('--index');
  const index = typeof idxFlag === 'string' ? Number(idxFlag) : 0;
  if (!Number.isInteger(index) || index < 0 || index >= r.structures.length)
    throw new UsageError(`--index must be 0..${r.structures.length - 1}`);
  const chosen = format.many && idxFlag === undefined ? r.structures : [r.structures[index]];
  if (format.needsCell && chosen.some((s) => !s.pbc.some(Boolean))) {
    process.stderr.write(`error: ${file}: has no cell; ${format.label} needs a periodic structure (use --to extxyz)\n`);
    return 1;
  }
  if (r.structures.length > 1 && chosen.length === 1) process.stderr.write(`note: ${file} holds ${r.structures.length} structures; writing structure ${index}\n`);
  let text: string;
  try {
    text = chosen.map((s) => writeStructure(s, format.id as WriteFormat)).join('');
  } catch (e) {
    process.stderr.write(`error: ${file}: ${(e as Error).message}\n`);
    return 1;
  }
  if (typeof out === 'string') writeOutput(out, text);
  else process.stdout.write(text);
  return 0;
}

/** Verbs that take parsed arguments and a reader of structure files. */
const FILE_VERBS: Record<string, (a: Args, read: (file: string) => Promise<Structure>) => Promise<number>> = {
  slab: slabVerb,
  match: matchVerb,
  build: buildVerb,
  relax: relaxVerb,
  zscan: zscanVerb,
  'registry-scan': registryScanVerb,
  predict: predictVerb,
  screen: screenVerb,
};

/** The atom limit this call ran with: --max-atoms, else the default. */
function atomLimit(rest: string[]): number {
  try {
    return Number(parseArgs(rest).flags.get('--max-atoms') ?? DEFAULTS.maxAtoms);
  } catch {
    return DEFAULTS.maxAtoms;
  }
}

/** Whether this call asked for --json (as the verb will see it: not when "--json" is another flag's value). */
function wantsJson(rest: string[]): boolean {
  try {
    return parseArgs(rest).flags.has('--json');
  } catch {
    return rest.includes('--json'); // bad usage prints no JSON; this only decides the error's form
  }
}

export async function main(argv: string[]): Promise<number> {
  installNodePlatform();
  const [verb, ...rest] = argv;
  // This call's own arguments (not process.argv: the CLI also runs in-process, from tests and the fuzzer).
  const json = wantsJson(rest);
  try {
    const fileVerb = verb && Object.hasOwn(FILE_VERBS, verb) ? FILE_VERBS[verb] : undefined;
    if (fileVerb) {
      const args = parseArgs(rest);
      return await fileVerb(args, readOrThrow(args));
    }
    switch (verb) {
      case 'info':
        return await info(parseArgs(rest));
      case 'convert':
        return await convert(parseArgs(rest));
      case 'library':
        return await libraryVerb(parseArgs(rest));
      case 'features': {
        const args = parseArgs(rest);
        return await featuresVerb(args, async (file, initial) => {
          const r = await read(file, { ...readOptions(args), format: 'hetero2d-json', initial });
          if (!r.ok) throw new InputError(r.issue);
          return r.structures;
        });
      }
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(USAGE + '\n');
        return verb === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown verb "${verb}"`);
    }
  } catch (e) {
    if (e instanceof InputError) {
      if (json) process.stdout.write(JSON.stringify(errorObject(e.issue)) + '\n');
      process.stderr.write(`error: ${issueText(e.issue)}\n`);
      return 1;
    }
    if (e instanceof GeometryError) {
      let message = e.message.replace('(maxWork)', '(--max-work)'); // the CLI's name for the work limit
      // The atom limit is named with the flag that changes it (the wasm message says only "over the limit").
      if (e.code === 'too-many-atoms') message += ` of ${atomLimit(rest).toLocaleString('en-US')} atoms (change it with --max-atoms)`;
      if (json) process.stdout.write(JSON.stringify({ error: { code: e.code, message, line: null } }) + '\n');
      process.stderr.write(`error: ${message}\n`);
      return 1;
    }
    if (e instanceof FFParameterError) {
      // predict's force-field prior is fixed (the predictors were trained on its features): no --model to change.
      const hint = verb === 'predict' ? `predict needs its ${PRIOR_PARAMS.model} force-field prior for every element; relax, zscan and registry-scan take --model uff` : undefined;
      const error = { code: 'ff-parameters', message: e.message, line: null, ...(e.z !== undefined ? { z: e.z, model: e.model } : {}), ...(hint ? { hint } : {}) };
      if (json) process.stdout.write(JSON.stringify({ error }) + '\n');
      process.stderr.write(`error: ${e.message}${hint ? ` (${hint})` : ''}\n`);
      return 1;
    }
    if (e instanceof FileError) {
      if (json) process.stdout.write(JSON.stringify({ error: { code: 'file', message: e.message, line: null } }) + '\n');
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`usage error: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}
