import { atomicNumber } from '../core/elements';
import { makeStructure, type Structure } from '../core/structure';
import { MAX_ATOMS } from '../core/validate';
import { abort, clip, guard, type ParseIssue, type ParseResult } from './issues';

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

export function isPymatgenStructure(x: unknown): x is Obj {
  return isObj(x) && isObj(x.lattice) && Array.isArray(x.sites);
}

export function isHetero2dRecord(x: unknown): x is Obj {
  return isObj(x) && (isPymatgenStructure(x.final_structure) || isPymatgenStructure(x.initial_structure));
}

/** Converts one pymatgen Structure.as_dict() (path names it in messages, e.g. "final_structure"). */
export function structureFromPymatgen(d: Obj, path: string, warnings: ParseIssue[]): Structure {
  const lat = d.lattice as Obj;
  const m = lat.matrix;
  if (!Array.isArray(m) || m.length !== 3 || m.some((r) => !Array.isArray(r) || r.length !== 3))
    abort('missing-field', `${path}.lattice.matrix must be a 3×3 array`);
  const cell = Float64Array.from((m as number[][]).flat());
  if (cell.some((x) => typeof x !== 'number' || !Number.isFinite(x))) abort('non-finite', `${path}.lattice.matrix has a non-number`);
  const sites = d.sites as unknown[];
  if (sites.length > MAX_ATOMS) abort('too-many-atoms', `${path} has ${sites.length} sites, over the limit of ${MAX_ATOMS}`);
  const n = sites.length;
  const numbers = new Uint8Array(n);
  const positions = new Float64Array(3 * n);
  const labels: string[] = [];
  let sd: Uint8Array | undefined;
  const occupancy = new Float64Array(n).fill(1);
  const partial: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = sites[i];
    const where = `${path}.sites[${i}]`;
    if (!isObj(s)) abort('syntax', `${where} is not an object`);
    const species = s.species;
    if (!Array.isArray(species) || species.length === 0) abort('missing-field', `${where}.species is missing`);
    // A disordered site lists several species: keep the one with the largest occupancy, and say so.
    let best = species[0] as Obj;
    let total = 0;
    for (const sp of species as Obj[]) {
      const o = typeof sp.occu === 'number' ? sp.occu : 1;
      total += o;
      if (o > ((best.occu as number) ?? 1)) best = sp;
    }
    const z = atomicNumber(String(best.element ?? ''), true);
    if (!z) abort('bad-element', `${where}: "${clip(String(best.element))}" is not an element`);
    numbers[i] = z;
    const xyz = s.xyz;
    const abc = s.abc;
    let p: number[];
    if (Array.isArray(xyz) && xyz.length === 3) p = xyz as number[];
    else if (Array.isArray(abc) && abc.length === 3) {
      const f = abc as number[];
      p = [0, 1, 2].map((k) => f[0] * cell[k] + f[1] * cell[3 + k] + f[2] * cell[6 + k]);
    } else abort('missing-field', `${where} has neither xyz nor abc`);
    for (let k = 0; k < 3; k++) {
      if (typeof p[k] !== 'number' || !Number.isFinite(p[k])) abort('non-finite', `${where}: coordinate ${k + 1} is not a finite number`);
      positions[3 * i + k] = p[k];
    }
    labels.push(typeof s.label === 'string' ? s.label : '');
    if (species.length > 1 || total < 1 - 1e-3) {
      partial.push(`${i + 1} (${(species as Obj[]).map((sp) => `${sp.element}:${sp.occu}`).join(' ')})`);
      occupancy[i] = (best.occu as number) ?? 1;
    }
    const props = s.properties;
    if (isObj(props) && Array.isArray(props.selective_dynamics)) {
      sd ??= new Uint8Array(3 * n).fill(1);
      const f = props.selective_dynamics as unknown[];
      for (let k = 0; k < 3; k++) sd[3 * i + k] = f[k] ? 1 : 0;
    }
  }
  if (partial.length)
    warnings.push({ code: 'partial-occupancy', message: `${path}: partial occupancy at site(s) ${partial.slice(0, 8).join(', ')}${partial.length > 8 ? ` and ${partial.length - 8} more` : ''}; the majority species is kept as a full atom` });
  return makeStructure({
    numbers,
    positions,
    cell,
    pbc: [true, true, true],
    arrays: { labels, ...(sd ? { selectiveDynamics: sd } : {}), ...(partial.length ? { occupancy } : {}) },
    info: {},
  });
}

/** Reads a pymatgen Structure.as_dict() JSON, or an array of them. */
export function parsePymatgenJson(text: string): ParseResult {
  return guard('pymatgen-json', () => {
    const data = parseJsonText(text);
    const list = Array.isArray(data) ? data : [data];
    const warnings: ParseIssue[] = [];
    const structures = list.map((d, k) => {
      const path = Array.isArray(data) ? `[${k}]` : 'structure';
      if (!isPymatgenStructure(d)) abort('missing-field', `${path} is not a pymatgen Structure (needs "lattice" and "sites")`);
      const s = structureFromPymatgen(d, path, warnings);
      s.info.title = typeof d.formula === 'string' ? d.formula : undefined;
      return s;
    });
    if (structures.length === 0) abort('empty', 'the JSON array is empty');
    return { structures, warnings };
  });
}

/**
 * Reads Hetero2d / aiHD heterostructure records: one record, an array, or an object keyed by record id (as
 * the shipped database file). Each record gives its final structure (and its initial one when present) with
 * the film and substrate layer indices (`iface_idx`) in info.layers and the record's energies in info.hetero2d.
 */
export function parseHetero2dJson(text: string, options: { initial?: boolean } = {}): ParseResult {
  return guard('hetero2d-json', () => {
    const data = parseJsonText(text);
    let entries: [string, unknown][];
    if (isHetero2dRecord(data)) entries = [[String((data as Obj)._id ?? (data as Obj).task_id ?? 'record'), data]];
    else if (Array.isArray(data)) entries = data.map((d, k) => [String(isObj(d) ? d._id ?? k : k), d]);
    else if (isObj(data)) entries = Object.entries(data);
    else abort('missing-field', 'not a Hetero2d record (needs final_structure)');
    const warnings: ParseIssue[] = [];
    const structures: Structure[] = [];
    for (const [id, rec] of entries) {
      if (!isHetero2dRecord(rec)) abort('missing-field', `record ${clip(id)} has no final_structure/initial_structure`);
      const which = (options.initial ? ['initial_structure', 'final_structure'] : ['final_structure', 'initial_structure']).filter((k) => isPymatgenStructure(rec[k]));
      const key = which[0];
      const s = structureFromPymatgen(rec[key] as Obj, `${id}.${key}`, warnings);
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
        title: typeof rec.task_label === 'string' ? rec.task_label : id,
        layers,
        hetero2d: {
          id,
          structure: key,
          bindingEnergy: num(['Binding_Energy', 'E_bind']),
          formationEnergy: num(['Formation_Energy', 'E_form']),
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
  });
}
