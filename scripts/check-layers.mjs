#!/usr/bin/env node
// Enforces DESIGN.md §3: imports inside src/ point down the layer list; io/compute are imported at runtime
// only by workers/ and cli/ (others may `import type`); three only in view/; onnxruntime only in compute/ml/.
// Usage: node scripts/check-layers.mjs [SRC_DIR]   (exit 1 and one line per violation)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ORDER = ['main', 'ui', 'view', 'state', 'workers', 'compute', 'io', 'core'];
const SIDE = { cli: ['cli', 'compute', 'io', 'core'], sw: ['sw', 'core'] };
const RUNTIME_IO_COMPUTE = new Set(['workers', 'cli', 'compute', 'io']);
const PACKAGE_HOMES = [
  [/^three(\/|$)/, (f) => f.startsWith('view/'), 'three.js is imported only by view/'],
  [/^onnxruntime-(web|node)(\/|$)/, (f) => f.startsWith('compute/ml/'), 'onnxruntime is imported only by compute/ml/'],
  [/^@spglib\/moyo-wasm/, (f) => f.startsWith('io/') || f.startsWith('workers/') || f.startsWith('cli/'), 'moyo is loaded by io/ (initialised by workers/ or cli/)'],
];

const root = resolve(process.argv[2] ?? 'src');
const layerOf = (rel) => (rel.includes(sep) || rel.includes('/') ? rel.split(/[\\/]/)[0] : rel.replace(/\.ts$/, ''));

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
const problems = [];
for (const file of files(root)) {
  const rel = relative(root, file).split(sep).join('/');
  if (rel.endsWith('.test.ts')) continue; // tests may reach across layers to check them
  const from = layerOf(rel);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[3] ?? m[4];
    const typeOnly = Boolean(m[2]);
    const line = text.slice(0, m.index).split('\n').length;
    const where = `${rel}:${line}`;
    if (!spec.startsWith('.')) {
      for (const [re, ok, why] of PACKAGE_HOMES) if (re.test(spec) && !typeOnly && !ok(rel)) problems.push(`${where}: imports ${spec}: ${why}`);
      continue;
    }
    const target = relative(root, resolve(dirname(file), spec)).split(sep).join('/');
    if (target.startsWith('..')) {
      // The trained models (top-level models/: ONNX files, manifest, model card) are bundled by the worker that runs them.
      if (target.startsWith('../models/') && from === 'workers') continue;
      problems.push(`${where}: imports ${spec}, outside src/`);
      continue;
    }
    const to = layerOf(target.includes('/') ? target : `${target}.ts`);
    if (to === from) continue;
    const allowed = SIDE[from] ?? ORDER.slice(ORDER.indexOf(from));
    if (!allowed.includes(to) || ORDER.indexOf(from) < 0 && !SIDE[from]) {
      problems.push(`${where}: ${from}/ may not import ${to}/ (${spec})`);
      continue;
    }
    if ((to === 'io' || to === 'compute') && !typeOnly && !RUNTIME_IO_COMPUTE.has(from))
      problems.push(`${where}: ${from}/ imports ${to}/ at runtime; only workers/ and cli/ may (use "import type")`);
  }
}
if (problems.length) {
  console.error(`layer check: ${problems.length} violation(s)\n` + problems.join('\n'));
  process.exit(1);
}
console.error('layer check: ok');
