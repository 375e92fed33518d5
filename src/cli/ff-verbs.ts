import { DEFAULTS } from '../core/defaults';
import { PLANE_TOL } from '../core/planes';
import { makeStructure, type Structure } from '../core/structure';
import { energyForces, type FFSystem } from '../compute/ff/cpu';
import { DEFAULT_CUTOFF, FF_MODELS, type FFModel, type FFParams } from '../compute/ff/model';
import { cpuBackend, registryScan, relaxRigid, zScan, zSeparation, type FFBackend } from '../compute/ff/ops';
import { selectBackend } from '../compute/ff/select';
import { wasmBackend } from '../compute/ff/wasm-backend';
import { loadGeometry } from './geometry-verbs';
import { writeStructure } from '../io/write';
import { flagNumber, flagString, UsageError, writeOutput, type Args } from './args';


/**
 * Which atoms are the film: the file's role column (extended XYZ written by heterolab), --film-atoms,
 * --film-from-z, or else everything above the widest gap between atomic planes (not counting the vacuum).
 */
export function filmGroups(s: Structure, a: Args): { group: Uint8Array; how: string } {
  const n = s.numbers.length;
  const group = new Uint8Array(n);
  const atoms = flagString(a, '--film-atoms');
  const fromZ = flagNumber(a, '--film-from-z', { min: -1e6, max: 1e6 });
  if (atoms) {
    for (const part of atoms.split(',')) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
      if (!m) throw new UsageError(`--film-atoms takes 1-based indices and ranges like 13-24,30 (got "${part}")`);
      const lo = Number(m[1]), hi = Number(m[2] ?? m[1]);
      if (lo < 1 || hi > n || hi < lo) throw new UsageError(`--film-atoms range ${part} is outside 1..${n}`);
      for (let i = lo; i <= hi; i++) group[i - 1] = 1;
    }
    return { group, how: `--film-atoms ${atoms}` };
  }
  if (fromZ !== undefined) {
    for (let i = 0; i < n; i++) group[i] = s.positions[3 * i + 2] >= fromZ ? 1 : 0;
    return { group, how: `atoms with z ≥ ${fromZ} Å` };
  }
  if (s.arrays.role && s.arrays.role.some((r) => r > 0)) return { group: s.arrays.role.slice(), how: 'role column of the file' };
  const zs = Array.from({ length: n }, (_, i) => s.positions[3 * i + 2]).sort((x, y) => x - y);
  let best = -1, gap = 0;
  for (let k = 1; k < n; k++) if (zs[k] - zs[k - 1] > gap && zs[k] - zs[k - 1] > PLANE_TOL) (gap = zs[k] - zs[k - 1]), (best = k);
  if (best < 0) throw new UsageError('cannot tell film from substrate: give --film-from-z Z or --film-atoms A-B');
  const cut = (zs[best] + zs[best - 1]) / 2;
  for (let i = 0; i < n; i++) group[i] = s.positions[3 * i + 2] >= cut ? 1 : 0;
  return { group, how: `widest gap between atomic planes (${gap.toFixed(2)} Å, at z = ${cut.toFixed(2)} Å)` };
}

function params(a: Args): FFParams {
  const model = flagString(a, '--model') ?? DEFAULTS.ffModel;
  if (!FF_MODELS.includes(model as FFModel)) throw new UsageError(`--model must be ${FF_MODELS.join(', ')} (got "${model}")`);
  return { model: model as FFModel, cutoff: flagNumber(a, '--cutoff', { min: 4, max: 40 }) ?? DEFAULT_CUTOFF };
}

function system(s: Structure, group: Uint8Array): FFSystem {
  if (!s.pbc[0] || !s.pbc[1]) throw new UsageError('the force field needs a structure periodic along a and b');
  return { cell: s.cell, positions: s.positions, numbers: s.numbers, role: group };
}

const r6 = (x: number) => Number(x.toFixed(6));

async function load(a: Args, read: (f: string) => Promise<Structure>) {
  const [file] = a.positional;
  if (!file || a.positional.length !== 1) throw new UsageError('needs exactly one INTERFACE_FILE');
  const s = await read(file);
  const { group, how } = filmGroups(s, a);
  const nf = group.filter((g) => g > 0).length;
  if (nf === 0 || nf === s.numbers.length) throw new UsageError(`film selection (${how}) leaves no ${nf === 0 ? 'film' : 'substrate'} atoms`);
  return { file, s, sys: system(s, group), how, p: params(a) };
}

/**
 * --backend wasm (default, the fast f64 path), cpu (the TypeScript reference), or webgpu (Dawn through the
 * optional `webgpu` package; on a machine without a GPU driver set VK_ICD_FILENAMES to a Vulkan ICD such as
 * Chromium's SwiftShader). A WebGPU failure falls back to wasm with a notice on stderr.
 */
async function backendFrom(a: Args): Promise<FFBackend> {
  const b = flagString(a, '--backend') ?? 'wasm';
  if (b === 'cpu') return cpuBackend(energyForces);
  if (b === 'wasm') return wasmBackend(await loadGeometry());
  if (b === 'webgpu') {
    let gpu: GPU | undefined;
    try {
      const m = await import('webgpu');
      Object.assign(globalThis, m.globals);
      gpu = m.create([]) as unknown as GPU;
      (globalThis as { __heterolabGPU?: unknown }).__heterolabGPU = gpu; // Dawn objects must stay reachable
    } catch (e) {
      throw new UsageError(`--backend webgpu needs the optional npm package "webgpu" (${(e as Error).message})`);
    }
    const sel = await selectBackend('webgpu', { gpu, geometry: await loadGeometry() });
    for (const n of sel.notices) process.stderr.write(`note: ${n}\n`);
    return sel;
  }
  throw new UsageError(`--backend must be wasm, cpu or webgpu (got "${b}")`);
}

export async function relaxVerb(a: Args, read: (f: string) => Promise<Structure>): Promise<number> {
  const { file, s, sys, how, p } = await load(a, read);
  const backend = await backendFrom(a);
  const r = await relaxRigid(backend, sys, p, { fmax: flagNumber(a, '--fmax', { min: 1e-6, max: 10 }) ?? 0.01, maxSteps: flagNumber(a, '--steps', { min: 1, max: 1e6, integer: true }) ?? 500 });
  const out = flagString(a, '-o') ?? flagString(a, '--output');
  if (out) {
    const relaxed = makeStructure({ numbers: s.numbers, positions: r.system.positions, cell: s.cell, pbc: s.pbc, arrays: { ...s.arrays, role: sys.role }, info: { ...s.info } });
    writeOutput(out, writeStructure(relaxed, out.endsWith('.cif') ? 'cif' : out.endsWith('xyz') ? 'extxyz' : 'vasp'));
  }
  const f = r.films[0];
  const res = {
    file,
    film: how,
    zSeparation: r6(f.zSeparation),
    bindingEnergy: r6(r.bindingEnergy),
    registry: f.registry.map(r6),
    energy: r6(r.energy),
    iterations: r.iterations,
    converged: r.converged,
    maxForce: r6(r.maxForce),
    backend: backend.kind,
    model: p.model,
    cutoff: p.cutoff,
    units: { zSeparation: 'Å', bindingEnergy: 'eV per film atom, positive = bound', energy: 'eV', maxForce: 'eV/Å' },
    films: r.films.map((x) => ({ group: x.group, zSeparation: r6(x.zSeparation), registry: x.registry.map(r6), displacement: x.displacement.map(r6) })),
  };
  if (a.flags.has('--json')) process.stdout.write(JSON.stringify(res, null, 1) + '\n');
  else process.stdout.write(`relaxed (${res.model}, ${res.backend}): z-separation ${res.zSeparation} Å, binding energy ${res.bindingEnergy} eV/film atom, registry ${res.registry.join(', ')}, ${res.iterations} steps${res.converged ? '' : ' (NOT converged)'}\n`);
  return r.converged ? 0 : 1;
}

export async function zscanVerb(a: Args, read: (f: string) => Promise<Structure>): Promise<number> {
  const { file, sys, how, p } = await load(a, read);
  const from = flagNumber(a, '--from', { min: 0.5, max: 30 }) ?? 2;
  const to = flagNumber(a, '--to', { min: 0.5, max: 30 }) ?? 6;
  const step = flagNumber(a, '--step', { min: 0.001, max: 5 }) ?? 0.05;
  if (to <= from) throw new UsageError('--to must be larger than --from');
  const zs = Array.from({ length: Math.floor((to - from) / step + 1e-9) + 1 }, (_, k) => from + k * step);
  if (zs.length > 100_000) throw new UsageError('too many z points; use a larger --step');
  const backend = await backendFrom(a);
  const r = await zScan(backend, sys, 1, zs, p);
  const res = { file, film: how, model: p.model, backend: backend.kind, cutoff: p.cutoff, start: r6(zSeparation(sys, 1)), z: r.z.map(r6), energy: r.energy.map(r6), bindingEnergy: r.bindingEnergy.map(r6), min: { z: r6(r.min.z), energy: r6(r.min.energy), bindingEnergy: r6(r.min.bindingEnergy) } };
  if (a.flags.has('--json')) process.stdout.write(JSON.stringify(res, null, 1) + '\n');
  else {
    process.stdout.write('   z/Å     E/eV   E_bind/(eV/film atom)\n');
    for (let k = 0; k < zs.length; k++) process.stdout.write(`${res.z[k].toFixed(3).padStart(7)} ${res.energy[k].toFixed(5).padStart(10)} ${res.bindingEnergy[k].toFixed(5).padStart(10)}\n`);
    process.stdout.write(`minimum: z = ${res.min.z} Å, E_bind = ${res.min.bindingEnergy} eV/film atom (${p.model}, ${backend.kind})\n`);
  }
  return 0;
}

export async function registryScanVerb(a: Args, read: (f: string) => Promise<Structure>): Promise<number> {
  const { file, sys, how, p } = await load(a, read);
  const grid = flagNumber(a, '--grid', { min: 1, max: 200, integer: true }) ?? 24;
  const backend = await backendFrom(a);
  const r = await registryScan(backend, sys, 1, grid, grid, p, a.flags.has('--relax-z'));
  const rows = Array.from({ length: grid }, (_, i) => Array.from(r.energy.subarray(i * grid, (i + 1) * grid), r6));
  const res = { file, film: how, model: p.model, backend: backend.kind, cutoff: p.cutoff, grid, relaxZ: a.flags.has('--relax-z'), energy: rows, z: Array.from({ length: grid }, (_, i) => Array.from(r.z.subarray(i * grid, (i + 1) * grid), r6)), min: { shift: r.min.shift.map(r6), energy: r6(r.min.energy), z: r6(r.min.z), bindingEnergy: r6(r.min.bindingEnergy) } };
  if (a.flags.has('--json')) process.stdout.write(JSON.stringify(res, null, 1) + '\n');
  else {
    process.stdout.write(`E (eV) over registry shifts i/${grid} along a (rows), j/${grid} along b (columns)\n`);
    for (const row of rows) process.stdout.write(row.map((x) => x.toFixed(4).padStart(9)).join('') + '\n');
    process.stdout.write(`minimum at (${res.min.shift.join(', ')}): E = ${res.min.energy} eV, E_bind = ${res.min.bindingEnergy} eV/film atom\n`);
  }
  return 0;
}
