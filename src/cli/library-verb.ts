import { findLibraryEntry, LIBRARY_FAMILIES, LIBRARY_VACUUM, libraryStructure, listLibrary } from '../core/library/library';
import type { LibraryEntry, LibraryFamily } from '../core/library/types';
import { formula } from '../core/structure';
import { flagNumber, flagString, UsageError, type Args } from './args';
import { emit } from './geometry-verbs';

export const LIBRARY_USAGE = `  library [--family metal|janus|common-2d] [--element X] [--search TEXT] [--json]
      list the built-in library (a in Å, thickness in Å, formation energy in eV/atom; * = estimated).
  library ID [-o OUT.vasp|.cif|.extxyz] [--to vasp|cif|extxyz] [--vacuum 15] [--flip] [--json]
      write one entry: a metal's conventional cubic cell, or one layer with vacuum (Å) along c;
      --flip turns a layer over (a Janus layer's top face at the bottom).`;

/** What `library --json` prints per entry: the metadata, without the per-site layout. */
function summary(e: LibraryEntry) {
  const base = { id: e.id, family: e.family, formula: e.formula, elements: e.elements, prototype: e.prototype, a: e.a, source: e.source, method: e.method, estimated: e.estimated };
  if (e.kind === 'bulk') return base;
  return {
    ...base,
    ...(e.b !== undefined ? { b: e.b } : {}),
    thickness: e.thickness,
    ...(e.faces ? { faces: e.faces } : {}),
    ...(e.phaseInferred ? { phaseInferred: true } : {}),
    formationEnergy: e.formationEnergy,
    formationEnergyEstimated: e.formationEnergyEstimated,
    formationEnergyMethod: e.formationEnergyMethod,
  };
}

function textRow(e: LibraryEntry): string {
  const t = e.kind === 'layer' ? e.thickness.toFixed(3) : '-';
  const ef = e.kind === 'layer' ? (e.formationEnergy === null ? 'n/a' : `${e.formationEnergy.toFixed(4)}${e.formationEnergyEstimated ? '*' : ''}`) : '-';
  return [e.id.padEnd(14), e.family.padEnd(10), e.formula.padEnd(9), e.prototype.padEnd(12), `${e.a.toFixed(4)}${e.estimated ? '*' : ''}`.padEnd(9), t.padEnd(7), ef].join(' ');
}

function listVerb(a: Args): number {
  const family = flagString(a, '--family');
  if (family !== undefined && !LIBRARY_FAMILIES.includes(family as LibraryFamily))
    throw new UsageError(`--family must be one of ${LIBRARY_FAMILIES.join(', ')} (got "${family}")`);
  const entries = listLibrary({ family: family as LibraryFamily | undefined, element: flagString(a, '--element'), text: flagString(a, '--search') });
  if (a.flags.has('--json')) {
    process.stdout.write(JSON.stringify(entries.map(summary), null, 1) + '\n');
    return 0;
  }
  const head = ['id'.padEnd(14), 'family'.padEnd(10), 'formula'.padEnd(9), 'prototype'.padEnd(12), 'a/Å'.padEnd(9), 't/Å'.padEnd(7), 'E_form eV/atom'].join(' ');
  process.stdout.write([head, ...entries.map(textRow), `${entries.length} entries; * = estimated (see the entry's method)`].join('\n') + '\n');
  return 0;
}

/** Ids close to a mistyped one: ignoring case and separators, one starts with the other. */
function suggestions(id: string): string[] {
  const key = id.toLowerCase().replace(/[^a-z0-9]/g, '');
  return listLibrary().map((e) => e.id).filter((x) => {
    const k = x.toLowerCase().replace(/[^a-z0-9]/g, '');
    return key.length >= 2 && (k.startsWith(key) || (k.length >= 4 && key.startsWith(k)));
  }).slice(0, 8);
}

function writeVerb(a: Args, id: string): number {
  const e = findLibraryEntry(id);
  if (!e) {
    const near = suggestions(id);
    const message = `no library entry "${id}"${near.length ? `; did you mean ${near.join(', ')}?` : ''} (\`library\` lists them)`;
    if (a.flags.has('--json')) process.stdout.write(JSON.stringify({ error: { code: 'unknown-entry', message, line: null } }) + '\n');
    process.stderr.write(`error: ${message}\n`);
    return 1;
  }
  const vacuum = flagNumber(a, '--vacuum', { min: 0, max: 1000 }) ?? LIBRARY_VACUUM;
  const s = libraryStructure(e, { vacuum, flip: a.flags.has('--flip') });
  emit(s, a);
  if (a.flags.has('--json')) {
    const out = flagString(a, '-o') ?? flagString(a, '--output') ?? null;
    process.stdout.write(JSON.stringify({ ...summary(e), output: out, nsites: s.numbers.length, cellFormula: formula(s.numbers), vacuum: e.kind === 'layer' ? vacuum : null }, null, 1) + '\n');
  }
  return 0;
}

/** `library` lists entries; `library ID` writes one. */
export async function libraryVerb(a: Args): Promise<number> {
  if (a.positional.length > 1) throw new UsageError('library takes at most one ID');
  return a.positional.length === 0 ? listVerb(a) : writeVerb(a, a.positional[0]);
}
