// Parser throughput on 100,000-atom files, ours (in this Node process) vs ASE (pinned, in a Python subprocess
// reading the same files). Prints a table with MB/s, atoms/s and the ratio. Target (issue 3): ours ≥ 5× ASE.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { makeStructure, supercell } from '../../src/core/structure';
import { readStructureFile } from '../../src/io/registry';
import { findOverlaps, OVERLAP_DISTANCE } from '../../src/core/validate';
import { writePoscar } from '../../src/io/write-vasp';
import { writeExtxyz } from '../../src/io/write-xyz';

const DIR = 'bench-results';
mkdirSync(DIR, { recursive: true });

// 100,000 Cu atoms: the 4-atom fcc cell (a = 3.61 Å) repeated 50 × 50 × 10.
const a = 3.61;
const unit = makeStructure({
  numbers: new Uint8Array(4).fill(29),
  positions: Float64Array.from([0, 0, 0, 0, a / 2, a / 2, a / 2, 0, a / 2, a / 2, a / 2, 0]),
  cell: Float64Array.from([a, 0, 0, 0, a, 0, 0, 0, a]),
  pbc: [true, true, true],
});
const big = supercell(unit, [50, 0, 0, 0, 50, 0, 0, 0, 10]);
const files = [
  { label: 'extended XYZ', path: `${DIR}/cu100k.extxyz`, format: 'extxyz', text: writeExtxyz(big) },
  { label: 'POSCAR', path: `${DIR}/cu100k.vasp`, format: 'vasp', text: writePoscar(big) },
];
for (const f of files) writeFileSync(f.path, f.text);

const REPEATS = 15;
function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

const rows: string[][] = [];
for (const f of files) {
  const bytes = readFileSync(f.path);
  const times: number[] = [];
  // Collect the garbage of the set-up (the 100,000-atom structure and its text) before timing.
  (globalThis as { gc?: () => void }).gc?.();
  const WARMUP = 3; // V8 needs a few runs to optimise the parser (steady-state throughput is what we compare)
  for (let i = 0; i < REPEATS + WARMUP; i++) {
    const t0 = performance.now();
    const r = await readStructureFile(f.path, bytes);
    const t = (performance.now() - t0) / 1000;
    if (!r.ok || r.structures[0].numbers.length !== 100_000) throw new Error(`bench read failed: ${JSON.stringify(r.ok || r.issue)}`);
    if (i >= WARMUP) times.push(t);
  }
  const ours = median(times);
  const oursMin = Math.min(...times);
  // How much of our time is the overlap check (validation ASE does not do), measured on the parsed structure.
  const parsed = await readStructureFile(f.path, bytes);
  const ov: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    if (parsed.ok) findOverlaps(parsed.structures[0], OVERLAP_DISTANCE);
    ov.push((performance.now() - t0) / 1000);
  }
  const overlap = median(ov);
  const py = execFileSync('.venv/bin/python', ['scripts/bench/ase_read.py', f.path, f.format, String(REPEATS)], { encoding: 'utf8' });
  const ase = JSON.parse(py) as { seconds: number; min: number; natoms: number; ase: string };
  if (ase.natoms !== 100_000) throw new Error(`ASE read ${ase.natoms} atoms`);
  const mb = bytes.length / 1e6;
  rows.push([f.label, mb.toFixed(2), `${(ours * 1000).toFixed(1)} / ${(oursMin * 1000).toFixed(1)}`, (overlap * 1000).toFixed(1), (mb / ours).toFixed(1), (1e5 / ours / 1e6).toFixed(2), `${(ase.seconds * 1000).toFixed(1)} / ${(ase.min * 1000).toFixed(1)}`, (mb / ase.seconds).toFixed(1), `${(ase.seconds / ours).toFixed(1)} / ${(ase.min / oursMin).toFixed(1)}`, ase.ase]);
}
const head = ['file (100,000 atoms)', 'MB', 'ours ms (median / best)', 'overlap check ms', 'ours MB/s', 'ours Matoms/s', 'ASE ms (median / best)', 'ASE MB/s', 'ASE/ours × (median / best)', 'ASE version'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => '| ' + r.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
console.log(`\nParsing benchmark (${REPEATS} runs after warm-up (3 for ours, 1 for ASE), Node ${process.version}; reference: ASE ase.io.read on the same files in the same script; target ≥ 5×). Our time includes validation (finite coordinates, atom limits, overlapping atoms), which ASE does not do.`);
console.log(line(head));
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
for (const r of rows) console.log(line(r));
