import { atomicNumber, symbolOf } from '../core/elements';
import { det3 } from '../core/linalg';
import { scaledToCartesian } from '../core/cell';
import { makeStructure, type AtomArrays } from '../core/structure';
import { MAX_ATOMS } from '../core/validate';
import { numberEnd, readNumberAt, scanFieldsAt, TextLines } from './fast-text';
import { ATOM_LIMIT_HINT, abort, clip, guard, needNumber, num, tokens, type ParseIssue, type ParseResult } from './issues';

export interface PoscarOptions {
  /** Species for a VASP 4 file (no species line), in the order of the counts line, e.g. ["Mo", "S"]. */
  species?: string[];
}

/** Element symbol from a VASP species token: "Mo", "Mo_pv", "Mo_sv/5dcf1e7a" (VASP 6 appends a hash). */
function speciesZ(tok: string): number {
  const base = tok.split('/')[0].split('_')[0];
  return atomicNumber(base);
}

/**
 * Reads VASP POSCAR/CONTCAR (VASP 4 and 5). Handles: one scale factor, a negative one (= target volume, Å^3),
 * three per-axis factors; species line or VASP 4 counts only (species from `options.species`, else from the
 * comment line); Selective dynamics; Direct/Cartesian; trailing velocity and predictor-corrector blocks
 * (CONTCAR), which are ignored with a note.
 */
export function parsePoscar(text: string | Uint8Array, options: PoscarOptions = {}): ParseResult {
  return guard('vasp', () => {
    const L = new TextLines(text);
    const src = L.bytes;
    const warnings: ParseIssue[] = [];
    let ln = 0; // 0-based index of the next line
    const need = (what: string): string => {
      if (ln >= L.count) abort('truncated', `file ends before ${what}`, ln + 1);
      return L.line(ln++);
    };
    const title = need('the comment line').trim();
    // Scale
    const scaleLine = ln + 1;
    const st = tokens(need('the scale factor'));
    if (st.length === 0) abort('truncated', 'expected the scale factor, found an empty line', scaleLine);
    const nScale = st.length >= 3 && !Number.isNaN(num(st[1])) && !Number.isNaN(num(st[2])) ? 3 : 1;
    const scale = st.slice(0, nScale).map((t, i) => needNumber(t, `scale factor ${nScale > 1 ? i + 1 : ''}`.trim(), scaleLine));
    // Lattice
    const cell = new Float64Array(9);
    for (let i = 0; i < 3; i++) {
      const l = ln + 1;
      const t = tokens(need(`lattice vector ${i + 1}`));
      if (t.length < 3) abort('truncated', `lattice vector ${i + 1} needs 3 numbers, found ${t.length}`, l);
      for (let k = 0; k < 3; k++) cell[3 * i + k] = needNumber(t[k], `lattice vector ${i + 1} component ${k + 1}`, l);
    }
    const mult = [1, 1, 1];
    if (nScale === 3) {
      if (scale.some((s) => s <= 0)) abort('bad-number', 'with three scale factors, each must be positive', scaleLine);
      for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) cell[3 * i + k] *= scale[k];
      mult.splice(0, 3, ...scale);
    } else if (scale[0] < 0) {
      const v0 = Math.abs(det3(cell));
      if (!(v0 > 0)) abort('singular-cell', 'cannot scale to a volume: the lattice vectors are linearly dependent', scaleLine);
      const f = Math.cbrt(-scale[0] / v0);
      for (let i = 0; i < 9; i++) cell[i] *= f;
      mult.fill(f);
    } else if (scale[0] === 0) {
      abort('bad-number', 'the scale factor is 0', scaleLine);
    } else {
      for (let i = 0; i < 9; i++) cell[i] *= scale[0];
      mult.fill(scale[0]);
    }
    // Species (VASP 5) and counts
    let l6 = ln + 1;
    let t6 = tokens(need('the species or counts line'));
    let species: number[];
    let speciesTokens: string[];
    if (t6.length > 0 && Number.isNaN(num(t6[0]))) {
      speciesTokens = t6;
      species = t6.map((s) => speciesZ(s));
      const bad = species.indexOf(0);
      if (bad >= 0) abort('bad-element', `"${clip(t6[bad])}" on the species line is not an element symbol`, l6);
      l6 = ln + 1;
      t6 = tokens(need('the counts line'));
    } else {
      speciesTokens = [];
      species = [];
    }
    const counts = t6.map((t) => {
      const c = num(t);
      if (!Number.isInteger(c) || c < 0) abort('bad-number', `expected a whole number of atoms per species, found "${clip(t)}"`, l6);
      return c;
    });
    if (counts.length === 0) abort('truncated', 'the counts line is empty', l6);
    if (species.length === 0) {
      const given = options.species;
      if (given) {
        species = given.map((s) => atomicNumber(s));
        if (species.includes(0)) abort('bad-element', `--species has a token that is not an element: ${given.join(',')}`);
        if (species.length !== counts.length)
          abort('count-mismatch', `--species gives ${species.length} species but the counts line has ${counts.length}`, l6);
      } else {
        // VASP 4: try the comment line ("Mo S", "MoS2 Mo S" → take the last counts.length tokens that are symbols).
        const ct = tokens(title).map((s) => s.replace(/[,;:]$/, ''));
        const zs = ct.map((s) => atomicNumber(s));
        const tail = zs.slice(-counts.length);
        const head = zs.slice(0, counts.length);
        if (zs.length >= counts.length && head.every((z) => z > 0)) species = head;
        else if (zs.length >= counts.length && tail.every((z) => z > 0)) species = tail;
        else
          abort('missing-species', 'VASP 4 file: no species line, and the comment line does not name the species', l6,
            'add a line with the element symbols above the counts line (VASP 5), or give --species Mo,S');
        warnings.push({ code: 'missing-species', line: 1, message: `VASP 4 file: species ${species.map(symbolOf).join(' ')} taken from the comment line` });
      }
    } else if (species.length !== counts.length) {
      abort('count-mismatch', `${species.length} species names but ${counts.length} counts`, l6);
    }
    const n = counts.reduce((a, b) => a + b, 0);
    if (n === 0) abort('empty', 'the counts line gives zero atoms', l6);
    if (n > MAX_ATOMS) abort('too-many-atoms', `${n} atoms exceeds the limit of ${MAX_ATOMS}`, l6, ATOM_LIMIT_HINT);
    if (n > L.count) abort('truncated', `the counts line promises ${n} atoms but the file has only ${L.count} lines`, l6);
    // Selective dynamics and coordinate mode
    let modeLine = ln + 1;
    let mode = need('the coordinate mode (Direct or Cartesian)').trim();
    let selective = false;
    if (mode[0] === 's' || mode[0] === 'S') {
      selective = true;
      modeLine = ln + 1;
      mode = need('the coordinate mode (Direct or Cartesian)').trim();
    }
    const c0 = mode[0];
    let cartesian: boolean;
    if (c0 === 'c' || c0 === 'C' || c0 === 'k' || c0 === 'K') cartesian = true;
    else if (c0 === 'd' || c0 === 'D') cartesian = false;
    else abort('syntax', `expected "Direct" or "Cartesian", found "${clip(mode)}"`, modeLine);

    const numbers = new Uint8Array(n);
    {
      let k = 0;
      for (let s = 0; s < counts.length; s++) numbers.fill(species[s], k, (k += counts[s]));
    }
    const xyz = new Float64Array(3 * n);
    const sd = selective ? new Uint8Array(3 * n) : undefined;
    let labels: string[] | undefined;
    const fl = new Int32Array(16);
    for (let i = 0; i < n; i++) {
      const l = ln + 1;
      // Only when this line is blank do we look further: are all the remaining atom lines missing?
      if (ln >= L.count || (L.isBlank(ln) && L.restBlank(ln, n - i))) abort('truncated', `file ends after ${i} of ${n} atoms (the counts are on line ${l6})`, l);
      const s0 = L.start(ln), e0 = L.end(ln);
      ln++;
      // One pass over the three coordinates; anything unusual re-reads the line for a precise message.
      let q = s0;
      let bad = false;
      for (let k = 0; k < 3; k++) {
        const x = readNumberAt(src, q, e0);
        q = numberEnd;
        if (x === x && x !== Infinity && x !== -Infinity) xyz[3 * i + k] = x;
        else bad = true;
      }
      const nf = bad || sd || q < e0 ? scanFieldsAt(src, s0, e0, fl, 8) : 3;
      if (nf < 3) {
        if (nf === 0) abort('truncated', `expected coordinates of atom ${i + 1} of ${n}, found an empty line`, l);
        abort('truncated', `atom ${i + 1} needs 3 coordinates, found ${nf}`, l);
      }
      if (bad)
        for (let k = 0; k < 3; k++) xyz[3 * i + k] = needNumber(L.slice(fl[2 * k], fl[2 * k + 1]), `${'xyz'[k]} of atom ${i + 1}`, l);
      let rest = 3;
      if (sd) {
        for (let k = 0; k < 3; k++) {
          const f = k + 3 < nf ? L.slice(fl[6 + 2 * k], fl[7 + 2 * k]) : undefined;
          if (f === 'T' || f === 't') sd[3 * i + k] = 1;
          else if (f === 'F' || f === 'f') sd[3 * i + k] = 0;
          else abort('syntax', `selective-dynamics flag ${k + 1} of atom ${i + 1} must be T or F, found "${clip(f ?? 'end of line')}"`, l);
        }
        rest = 6;
      }
      if (nf > rest) {
        const lab = L.slice(fl[2 * rest], fl[2 * rest + 1]);
        if (!lab.startsWith('!') && !lab.startsWith('#')) {
          labels ??= new Array<string>(n).fill('');
          labels[i] = lab;
        }
      }
    }
    // Anything after the coordinates: velocities / predictor-corrector in CONTCAR. Tolerated, not used.
    let restLines = 0;
    for (let k = ln; k < L.count; k++) if (!L.isBlank(k)) restLines++;
    if (restLines > 0)
      warnings.push({ code: 'ignored', line: ln + 1, message: `${restLines} line(s) after the coordinates (velocities or predictor-corrector block) were ignored` });

    let positions: Float64Array;
    if (cartesian) {
      positions = xyz;
      for (let i = 0; i < 3 * n; i++) positions[i] *= mult[i % 3];
    } else {
      positions = scaledToCartesian(cell, xyz, xyz); // in place: no second 3N array
    }
    const arrays: AtomArrays = {};
    if (sd) arrays.selectiveDynamics = sd;
    if (labels) arrays.labels = labels;
    const s = makeStructure({ numbers, positions, cell, pbc: [true, true, true], arrays, info: { title, vaspSpecies: speciesTokens.length ? speciesTokens : undefined } });
    return { structures: [s], warnings };
  });
}
