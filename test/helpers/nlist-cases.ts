import type { FFSystem } from '../../src/compute/ff/cpu';
import { shifted } from '../../src/compute/ff/ops';
import { buildInterface, extractLayer, findMatches, inPlaneBasis, makeSlab, type IntMatrix2 } from '../../src/compute/geometry/geometry';
import { mustRead } from './fixtures';
import { rng } from './rng.mjs';
import { geometry } from './geometry';

/** MoS2 on Au(111) (4 layers) with about `target` atoms, as the ff bench builds them. */
export async function interfaceOf(target: number): Promise<FFSystem> {
  const g = await geometry();
  const film = extractLayer(g, (await mustRead('MoS2_monolayer.vasp')).structures[0], { vacuum: 10 }).structure;
  const slab = makeSlab(g, (await mustRead('Au_fcc_conventional.vasp')).structures[0], { hkl: [1, 1, 1], layers: 4, vacuum: 10, maxAtoms: 1e6 }).structure;
  const m = findMatches(g, inPlaneBasis(film), inPlaneBasis(slab), { maxArea: 100, maxStrain: 0.05, maxAngle: Math.PI / 180 })[0];
  const times = (x: IntMatrix2, k: number) => x.map((r) => r.map((v) => v * k)) as IntMatrix2;
  const build = (k: number) => buildInterface(g, slab, [{ layer: film, filmMatrix: times(m.filmMatrix, k), zSeparation: 3.1, shift: [0.1, 0.2] }], { substrateMatrix: times(m.substrateMatrix, k), vacuum: 12, maxAtoms: 1e6 }).structure;
  const k = Math.max(1, Math.round(Math.sqrt(target / build(1).numbers.length)));
  const s = build(k);
  return { cell: s.cell, positions: s.positions, numbers: s.numbers, role: s.arrays.role! };
}

/** Every atom moved by a random vector of length below `max` (Å). */
export function jiggled(sys: FFSystem, max: number, seed: number): FFSystem {
  const r = rng(seed);
  const positions = sys.positions.slice();
  for (let i = 0; i < positions.length; i += 3) {
    const [u, v, len] = [2 * Math.PI * r(), Math.acos(2 * r() - 1), max * r()];
    positions[i] += len * Math.sin(v) * Math.cos(u);
    positions[i + 1] += len * Math.sin(v) * Math.sin(u);
    positions[i + 2] += len * Math.cos(v);
  }
  return { ...sys, positions };
}

/**
 * The states every neighbour-list backend (skin 1 Å) goes through, in order, with the list builds expected after
 * each: built; every atom moved up to 0.49 Å (< skin/2, reused, other pairs inside the cutoff); the film 0.3 Å
 * closer (reused); one atom 0.6 Å off its build position (> skin/2, rebuilt); a rigid shift by a large part of a
 * cell vector (rebuilt).
 */
export function listStates(sys0: FFSystem): { what: string; sys: FFSystem; builds: number }[] {
  const far = shifted(sys0, 1, 0, 0, 0);
  far.positions[3 * far.role.indexOf(1) + 2] -= 0.6;
  return [
    { what: 'at the build', sys: sys0, builds: 1 },
    { what: 'every atom moved < skin/2', sys: jiggled(sys0, 0.49, 7), builds: 1 },
    { what: 'the film 0.3 Å closer', sys: shifted(sys0, 1, 0.2, 0, -0.3), builds: 1 },
    { what: 'one atom 0.6 Å away (> skin/2)', sys: far, builds: 2 },
    { what: 'the film shifted by 0.37 a', sys: shifted(sys0, 1, 0.37 * sys0.cell[0], 1.5, 0.8), builds: 3 },
  ];
}
