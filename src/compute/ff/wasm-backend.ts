import type { FFKernelInput, HeterolabWasm } from '../geometry/wasm';
import type { FFSystem } from './cpu';
import { pairTable, type FFParams } from './model';
import type { FFBackend } from './ops';

/** Kernel input for a system: species indices into the pair tables computed here, in TypeScript (one source). */
function kernelInput(sys: FFSystem, p: FFParams): FFKernelInput {
  const t = pairTable(sys.numbers, p.model);
  return {
    cell: sys.cell,
    positions: sys.positions,
    role: sys.role,
    species: Uint8Array.from(sys.numbers, (z) => t.index[z]),
    nspec: t.n,
    pp: t.p,
    cutoff: p.cutoff,
  };
}

/** The fast CPU path: the same force field in Rust/wasm (f64), checked against the TypeScript reference. */
export function wasmBackend(g: HeterolabWasm): FFBackend {
  return {
    kind: 'wasm',
    async energyForces(sys, p) {
      return g.ffEnergyForces(kernelInput(sys, p));
    },
    async energiesForShifts(sys, group, shifts, p) {
      return g.ffEnergiesForShifts(kernelInput(sys, p), group, shifts);
    },
  };
}
