import { makeStructure, type Structure } from '../../core/structure';

/** Substrate and film 1 only (roles 0 and 1) of a stack: what the ML models, trained on one film, can judge. */
export function bottomPair(s: Structure): Structure {
  const role = s.arrays.role;
  if (!role) return s;
  const keep: number[] = [];
  for (let i = 0; i < role.length; i++) if (role[i] <= 1) keep.push(i);
  if (keep.length === role.length) return s;
  const pick = <T extends Uint8Array | Uint16Array | Float64Array>(a: T, w: number): T => {
    const out = new (a.constructor as new (n: number) => T)(keep.length * w);
    keep.forEach((i, k) => out.set(a.subarray(w * i, w * i + w), w * k));
    return out;
  };
  const arrays: Structure['arrays'] = {};
  for (const [k, v] of Object.entries(s.arrays)) if (v) (arrays as Record<string, unknown>)[k] = pick(v as Uint8Array, v.length / role.length);
  return makeStructure({ numbers: pick(s.numbers, 1), positions: pick(s.positions, 3), cell: s.cell, pbc: s.pbc, arrays, info: s.info });
}
