import { atomicNumber } from '../core/elements';
import { compositionText } from '../core/structure';
import { makeStructure, type Structure } from '../core/structure';
import { MAX_ATOMS } from '../core/validate';
import { ATOM_LIMIT_HINT, abort, clip, guard, ParseAbort, type IssueCode, type ParseIssue, type ParseResult } from './issues';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Finds where JSON text first goes wrong (V8's JSON.parse message has no position on Node 20): a small
 * recursive-descent scanner that validates without building values. Returns the character offset, or -1.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = () => {
    throw i;
  };
  const str = () => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 32) fail();
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (depth: number): void => {
    if (depth > 512) fail();
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          str();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === '"') return str();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) fail();
    i += m![0].length;
  };
  try {
    value(0);
    ws();
    return i < text.length ? i : -1;
  } catch (pos) {
    return pos as number;
  }
}

/** JSON.parse, with the line of a syntax error. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const off = jsonErrorOffset(text);
    const line = off >= 0 ? text.slice(0, off).split('\n').length : undefined;
    const near = off >= 0 ? ` near "${clip(text.slice(off, off + 20).split('\n')[0])}"` : '';
    abort('syntax', `not valid JSON${near}: ${(e as Error).message.split('\n')[0]}`, line);
  }
}

/** End of the JSON value starting at i (after white space), without building it; iterative, so any depth is safe. */
function skipValue(text: string, i: number): number {
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (depth === 0) return i + 1;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (--depth <= 0) return i + 1;
    } else if (depth === 0 && c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') {
      const m = /^[^\s,\]}]+/.exec(text.slice(i, i + 400));
      return i + (m ? m[0].length : 1);
    }
  }
  return i;
}

/**
 * The 1-based line where the value at `path` (object keys and array indices) starts in valid JSON text, or
 * undefined when the path is not there. Lets a message about "sites[3].species[0].occu" name its line.
 */
export function jsonLineOf(text: string, path: (string | number)[]): number | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  for (const seg of path) {
    ws();
    const open = text[i];
    if ((open === '[') !== (typeof seg === 'number') || (open !== '[' && open !== '{')) return undefined;
    i++;
    for (let k = 0; ; k++) {
      ws();
      if (text[i] === ']' || text[i] === '}' || i >= text.length) return undefined;
      let key: string | number = k;
      if (open === '{') {
        const e = skipValue(text, i);
        key = JSON.parse(text.slice(i, e)) as string;
        i = e;
        ws();
        i++; // ':'
        ws();
      }
      if (key === seg) break;
      i = skipValue(text, i);
      ws();
      if (text[i] === ',') i++;
    }
  }
  ws();
  let line = 1;
  for (let k = 0; k < i; k++) if (text.charCodeAt(k) === 10) line++;
  return line;
}

/** Aborts with the document path kept, so the reader can add the line. */
function abortAt(path: (string | number)[], code: IssueCode, message: string, hint?: string): never {
  try {
    abort(code, message, undefined, hint);
  } catch (e) {
    (e as ParseAbort).path = path;
    throw e;
  }
}

/** Runs a JSON reader body; an abort that carries a document path gets the line of that path. */
function withLines<T>(text: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof ParseAbort && e.path && e.issue.line === undefined) e.issue.line = jsonLineOf(text, e.path);
    throw e;
  }
}

/** A finite JSON number (never a string that looks like one: "3.1" is refused, not converted). */
function needJsonNumber(x: unknown, path: (string | number)[], what: string): number {
  if (typeof x !== 'number') abortAt(path, 'bad-number', `${what} is ${clip(JSON.stringify(x) ?? String(x))}, not a number`);
  if (!Number.isFinite(x)) abortAt(path, 'non-finite', `${what} is not a finite number`);
  return x;
}

export function isPymatgenStructure(x: unknown): x is Obj {
  return isObj(x) && isObj(x.lattice) && Array.isArray(x.sites);
}

export function isHetero2dRecord(x: unknown): x is Obj {
  return isObj(x) && (isPymatgenStructure(x.final_structure) || isPymatgenStructure(x.initial_structure));
}

/** Occupancies above 1 by less than this are rounding in the file (as the CIF reader allows), above it an error. */
const OCCUPANCY_SLACK = 0.05;

interface SiteRead {
  z: number;
  occupancy: number;
  /** The species and occupancies as listed, when the site is disordered or partly empty. */
  partial?: string;
  /** Composition by occupancy: element → occupancy on this site. */
  amounts: [number, number][];
}

/** One site's species: each element valid, each occupancy a number in (0, 1], the majority species kept. */
function readSpecies(s: Obj, where: string, at: (string | number)[]): SiteRead {
  const species = s.species;
  if (!Array.isArray(species) || species.length === 0) abortAt([...at, 'species'], 'missing-field', `${where}.species is missing`);
  let best = -1, bestOcc = -1, total = 0;
  const zs: number[] = [];
  const amounts: [number, number][] = [];
  for (const [k, sp] of (species as unknown[]).entries()) {
    const p = [...at, 'species', k];
    if (!isObj(sp)) abortAt(p, 'syntax', `${where}.species[${k}] is not an object`);
    const z = atomicNumber(String(sp.element ?? ''), true);
    if (!z) abortAt([...p, 'element'], 'bad-element', `${where}: "${clip(String(sp.element))}" is not an element`);
    const o = sp.occu === undefined ? 1 : needJsonNumber(sp.occu, [...p, 'occu'], `${where}.species[${k}].occu`);
    if (!(o > 0 && o <= 1 + OCCUPANCY_SLACK)) abortAt([...p, 'occu'], 'bad-number', `${where}.species[${k}].occu is ${o}, not in (0, 1]`);
    total += o;
    zs.push(z);
    amounts.push([z, Math.min(1, o)]);
    if (o > bestOcc) (best = k), (bestOcc = o);
  }
  if (total > 1 + OCCUPANCY_SLACK) abortAt([...at, 'species'], 'bad-number', `${where}: the occupancies add up to ${+total.toFixed(4)}, more than 1`);
  const disordered = species.length > 1 || total < 1 - 1e-3;
  const list = (species as Obj[]).map((sp) => `${sp.element}:${sp.occu ?? 1}`).join(' ');
  return { z: zs[best], occupancy: Math.min(1, bestOcc), amounts, ...(disordered ? { partial: list } : {}) };
}

/** Cartesian position of a site (xyz, or abc on the cell), every coordinate a finite JSON number. */
function readPosition(s: Obj, cell: Float64Array, where: string, at: (string | number)[]): number[] {
  const key = Array.isArray(s.xyz) && s.xyz.length === 3 ? 'xyz' : Array.isArray(s.abc) && s.abc.length === 3 ? 'abc' : null;
  if (!key) abortAt(at, 'missing-field', `${where} has neither xyz nor abc`);
  const v = (s[key] as unknown[]).map((x, k) => needJsonNumber(x, [...at, key, k], `${where}.${key}[${k}]`));
  if (key === 'xyz') return v;
  return [0, 1, 2].map((k) => v[0] * cell[k] + v[1] * cell[3 + k] + v[2] * cell[6 + k]);
}

/**
 * Converts one pymatgen Structure.as_dict() (path names it in messages, e.g. "final_structure"; `at` is the
 * same place as keys and indices, for the line). A disordered site keeps its majority species as a full atom
 * (the ordered structure used for building); the composition by occupancy, as pymatgen reports it, goes to
 * info.compositionByOccupancy with a warning.
 */
export function structureFromPymatgen(d: Obj, path: string, warnings: ParseIssue[], at: (string | number)[] = []): Structure {
  const lat = d.lattice as Obj;
  const m = lat.matrix;
  if (!Array.isArray(m) || m.length !== 3 || m.some((r) => !Array.isArray(r) || r.length !== 3))
    abortAt([...at, 'lattice'], 'missing-field', `${path}.lattice.matrix must be a 3×3 array`);
  const cell = Float64Array.from((m as unknown[][]).flatMap((r, i) => r.map((x, k) => needJsonNumber(x, [...at, 'lattice', 'matrix', i, k], `${path}.lattice.matrix[${i}][${k}]`))));
  const sites = d.sites as unknown[];
  if (sites.length > MAX_ATOMS) abortAt([...at, 'sites'], 'too-many-atoms', `${path} has ${sites.length} sites, over the limit of ${MAX_ATOMS}`, ATOM_LIMIT_HINT);
  const n = sites.length;
  const numbers = new Uint8Array(n);
  const positions = new Float64Array(3 * n);
  const labels: string[] = [];
  let sd: Uint8Array | undefined;
  const occupancy = new Float64Array(n).fill(1);
  const partial: string[] = [];
  const composition = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const s = sites[i];
    const where = `${path}.sites[${i}]`;
    const here = [...at, 'sites', i];
    if (!isObj(s)) abortAt(here, 'syntax', `${where} is not an object`);
    const sp = readSpecies(s, where, here);
    numbers[i] = sp.z;
    for (const [z, o] of sp.amounts) composition.set(z, (composition.get(z) ?? 0) + o);
    positions.set(readPosition(s, cell, where, here), 3 * i);
    labels.push(typeof s.label === 'string' ? s.label : '');
    if (sp.partial) {
      partial.push(`${i + 1} (${sp.partial})`);
      occupancy[i] = sp.occupancy;
    }
    const props = s.properties;
    if (isObj(props) && Array.isArray(props.selective_dynamics)) {
      sd ??= new Uint8Array(3 * n).fill(1);
      const f = props.selective_dynamics as unknown[];
      for (let k = 0; k < 3; k++) sd[3 * i + k] = f[k] ? 1 : 0;
    }
  }
  const info: Structure['info'] = {};
  if (partial.length) {
    info.compositionByOccupancy = compositionText(composition);
    warnings.push({ code: 'partial-occupancy', message: `${path}: partial occupancy at site(s) ${partial.slice(0, 8).join(', ')}${partial.length > 8 ? ` and ${partial.length - 8} more` : ''}; the majority species is kept as a full atom for building; composition by occupancy ${info.compositionByOccupancy}` });
  }
  return makeStructure({
    numbers,
    positions,
    cell,
    pbc: [true, true, true],
    arrays: { labels, ...(sd ? { selectiveDynamics: sd } : {}), ...(partial.length ? { occupancy } : {}) },
    info,
  });
}

/** Reads a pymatgen Structure.as_dict() JSON, or an array of them. */
export function parsePymatgenJson(text: string): ParseResult {
  return guard('pymatgen-json', () => withLines(text, () => {
    const data = parseJsonText(text);
    const list = Array.isArray(data) ? data : [data];
    const warnings: ParseIssue[] = [];
    const structures = list.map((d, k) => {
      const path = Array.isArray(data) ? `[${k}]` : 'structure';
      if (!isPymatgenStructure(d)) abort('missing-field', `${path} is not a pymatgen Structure (needs "lattice" and "sites")`);
      const s = structureFromPymatgen(d, path, warnings, Array.isArray(data) ? [k] : []);
      s.info.title = typeof d.formula === 'string' ? d.formula : undefined;
      return s;
    });
    if (structures.length === 0) abort('empty', 'the JSON array is empty');
    return { structures, warnings };
  }));
}

/**
 * Reads Hetero2d / aiHD heterostructure records: one record, an array, or an object keyed by record id (as
 * the shipped database file). Each record gives its final structure (and its initial one when present) with
 * the film and substrate layer indices (`iface_idx`) in info.layers and the record's energies in info.hetero2d.
 */
export function parseHetero2dJson(text: string, options: { initial?: boolean } = {}): ParseResult {
  return guard('hetero2d-json', () => withLines(text, () => {
    const data = parseJsonText(text);
    const single = isHetero2dRecord(data);
    let entries: [string, unknown][];
    if (isHetero2dRecord(data)) entries = [[String((data as Obj)._id ?? (data as Obj).task_id ?? 'record'), data]];
    else if (Array.isArray(data)) entries = data.map((d, k) => [String(isObj(d) ? d._id ?? k : k), d]);
    else if (isObj(data)) entries = Object.entries(data);
    else abort('missing-field', 'not a Hetero2d record (needs final_structure)');
    const warnings: ParseIssue[] = [];
    const structures: Structure[] = [];
    for (const [k, [id, rec]] of entries.entries()) {
      if (!isHetero2dRecord(rec)) abort('missing-field', `record ${clip(id)} has no final_structure/initial_structure`);
      const which = (options.initial ? ['initial_structure', 'final_structure'] : ['final_structure', 'initial_structure']).filter((k) => isPymatgenStructure(rec[k]));
      const key = which[0];
      const at: (string | number)[] = single ? [key] : Array.isArray(data) ? [k, key] : [id, key];
      const s = structureFromPymatgen(rec[key] as Obj, `${id}.${key}`, warnings, at);
      const layers: Record<string, number[]> = {};
      if (isObj(rec.iface_idx))
        for (const [name, idx] of Object.entries(rec.iface_idx))
          if (!Array.isArray(idx)) continue; // num_2d_layer / num_sub_layer are counts, not index lists
          else if (idx && idx.every((q) => Number.isInteger(q) && q >= 0 && q < s.numbers.length)) layers[name] = idx as number[];
          else warnings.push({ code: 'ignored', message: `${id}: iface_idx.${name} has indices outside the structure; not kept` });
      const num = (path: string[]): number | undefined => {
        let x: unknown = rec;
        for (const p of path) x = isObj(x) ? x[p] : undefined;
        return typeof x === 'number' ? x : undefined;
      };
      // The film layers (2d_layer_*) become role 1, everything else the substrate (role 0), as heterolab's own
      // interfaces carry them, so the force field and the predictors work on a record as read.
      const filmIdx = Object.entries(layers).filter(([k]) => k.startsWith('2d_layer')).flatMap(([, v]) => v);
      if (filmIdx.length > 0 && filmIdx.length < s.numbers.length) {
        const role = new Uint8Array(s.numbers.length);
        for (const i of filmIdx) role[i] = 1;
        s.arrays.role = role;
      }
      s.info = {
        ...s.info,
        title: typeof rec.task_label === 'string' ? rec.task_label : id,
        layers,
        hetero2d: {
          id,
          structure: key,
          bindingEnergy: num(['Binding_Energy', 'E_bind']),
          formationEnergy: num(['Formation_Energy', 'E_form']),
          // The space group of the film in its own cell, as the record gives it (the predictors' film_symmetry_ops).
          filmSpaceGroup: num(['film_spacegroup', 'number']),
          adsorptionEnergy: num(['Adsorption_Energy', 'E_ads']),
          film: rec.film_composition,
          substrate: rec.substrate_composition,
          surfacePlane: rec.surface_plane,
          alignment: rec.alignment_info,
        },
      };
      structures.push(s);
    }
    if (structures.length === 0) abort('empty', 'no records in the file');
    return { structures, warnings };
  }));
}
