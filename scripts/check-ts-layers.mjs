#!/usr/bin/env node
// Checks the TypeScript layer chart of DESIGN.md: every import in src/ and bench/
// must point down (or sideways within one layer), files must not import each
// other in a cycle, and only the kernel table (src/backend/) may import the
// native binding (src/native.ts) or the reference kernels (src/reference/).
//
// Ranks, lowest first (a file may import its own rank or lower):
//   0  errors.ts, package-dir.ts,    leaves: the message helpers, where the package is installed,
//      options.ts                    the strict options check
//   1  native.ts, reference/**       the napi binding and the float64 twins of its kernels;
//      random.ts, device.ts          leaves: the RNG state, device names
//   2  memory.ts                     tidy scopes (every Tensor registers in one)
//   3  tensor.ts                     Tensor + the tape it records on
//   4  backend/                      the one kernel table. DESIGN.md's chart draws it under
//                                    tensor.ts; its kernels take and return Tensors (an op's
//                                    forward stays one call), so here it sits on tensor.ts
//   5  creation.ts, runtime.ts,      tensor factories; devices() and memory(), which ask the
//      ops/, attention/              binding through the backend; the ops
//   6  autograd/                     backward() and gradcheck() call ops
//   7  nn/, optim/
//   8  data/, metrics/, viz/, io/    beside the stack; io's checkpoints read optimiser
//                                    state and data batches build tensors, so above nn/optim
//   9  models/
//  10  train/                        progress reporting is passed in, never imported from cli/
//  11  index.ts                      the public names (fv.*), which the CLI and bench use
//  12  cli/common/                   helpers shared by the commands
//  13  cli/* commands                one file per command; commands never import each other
//  14  cli/main.ts                   dispatches to the commands
//  15  bench/                        its own entry point on top of src/; nothing in src/ imports it
//
// Imports of native.ts or reference/ are allowed from backend/ only, and from index.ts,
// which publishes them as fv.native and fv.reference. `import type` lines are exempt
// from that rule (tensor.ts names its storage types; a type calls nothing).
// Usage: node scripts/check-ts-layers.mjs   (exit 1 on any finding)
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** [path prefix relative to the repo, rank, may files of this rank import each other]. Longest prefix wins. */
const LAYERS = [
  ['src/errors.ts', 0, true],
  ['src/package-dir.ts', 0, true],
  ['src/options.ts', 0, true],
  ['src/native.ts', 1, true],
  ['src/reference/', 1, true],
  ['src/random.ts', 1, true],
  ['src/device.ts', 1, true],
  ['src/memory.ts', 2, true],
  ['src/tensor.ts', 3, true],
  ['src/backend/', 4, true],
  ['src/creation.ts', 5, true],
  ['src/runtime.ts', 5, true],
  ['src/ops/', 5, true],
  ['src/attention/', 5, true],
  ['src/autograd/', 6, true],
  ['src/nn/', 7, true],
  ['src/optim/', 7, true],
  ['src/data/', 8, true],
  ['src/metrics/', 8, true],
  ['src/viz/', 8, true],
  ['src/io/', 8, true],
  ['src/models/', 9, true],
  ['src/train/', 10, true],
  ['src/index.ts', 11, true],
  ['src/cli/common/', 12, true],
  ['src/cli/', 13, false],
  ['src/cli/main.ts', 14, true],
  ['bench/', 15, true],
];

const KERNEL_TABLE = ['src/backend/', 'src/index.ts'];
const BINDING = ['src/native.ts', 'src/reference/'];

function layerOf(file) {
  let best;
  for (const l of LAYERS) {
    if (file === l[0] || (l[0].endsWith('/') && file.startsWith(l[0]))) {
      if (!best || l[0].length > best[0].length) best = l;
    }
  }
  return best;
}

function listTs(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return listTs(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

const rel = (p) => relative(root, p).split(sep).join('/');

/** The repo-relative .ts file a relative specifier points at, or undefined (packages, node:). */
function resolveImport(fromFile, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(join(root, fromFile)), spec);
  const candidates = [base.replace(/\.m?js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  return hit ? rel(hit) : undefined;
}

/** Whether the statement that holds the specifier at `pos` imports or exports types only. */
function typeOnly(text, pos) {
  const start = Math.max(text.lastIndexOf('import', pos), text.lastIndexOf('export', pos));
  const stmt = text.slice(start, pos);
  if (/^(import|export)\s+type\b/.test(stmt)) return true;
  const names = /\{([^}]*)\}/.exec(stmt);
  return names !== null && names[1].split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '));
}

const files = [...listTs(join(root, 'src')), ...listTs(join(root, 'bench'))].map(rel).sort();
const edges = new Map(); // file -> [{ to, typeOnly }]
for (const file of files) {
  const text = readFileSync(join(root, file), 'utf8');
  const info = ts.preProcessFile(text, true, true);
  const out = [];
  for (const imp of info.importedFiles) {
    const to = resolveImport(file, imp.fileName);
    if (to) out.push({ to, typeOnly: typeOnly(text, imp.pos) });
  }
  edges.set(file, out);
}

const upward = [];
const bypass = [];
const unranked = [];
for (const file of files) {
  const from = layerOf(file);
  if (!from) {
    unranked.push(file);
    continue;
  }
  for (const { to, typeOnly: onlyTypes } of edges.get(file)) {
    const target = layerOf(to);
    if (!target) continue;
    if (target[1] > from[1] || (target === from && !from[2] && to !== file)) {
      upward.push(`${file} (rank ${from[1]}) -> ${to} (rank ${target[1]})`);
    }
    const toBinding = BINDING.some((b) => to === b || (b.endsWith('/') && to.startsWith(b)));
    const inTable = KERNEL_TABLE.some((k) => file === k || (k.endsWith('/') && file.startsWith(k)));
    const inBinding = BINDING.some((b) => file === b || (b.endsWith('/') && file.startsWith(b)));
    if (toBinding && !inTable && !inBinding && !onlyTypes) bypass.push(`${file} -> ${to}`);
  }
}

// Cycles: strongly connected components of the file graph (Tarjan), iteratively.
const cycles = [];
{
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  let next = 0;
  for (const start of files) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [v, i] = frame;
      const outs = edges.get(v) ?? [];
      if (i < outs.length) {
        frame[1]++;
        const w = outs[i].to;
        if (!edges.has(w)) continue;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(v)));
      }
      if (low.get(v) === index.get(v)) {
        const component = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1) cycles.push(component.sort().join(' <-> '));
      }
    }
  }
}

const report = (title, items) => {
  console.log(`${title}: ${items.length}`);
  for (const item of items) console.log(`  ${item}`);
};
report('upward imports', upward);
report('import cycles', cycles);
report('native/reference imported outside the kernel table', bypass);
report('files with no layer', unranked);
const failed = upward.length + cycles.length + bypass.length + unranked.length > 0;
console.log(failed ? 'layers: FAIL' : `layers: ok (${files.length} files)`);
process.exit(failed ? 1 : 0);
