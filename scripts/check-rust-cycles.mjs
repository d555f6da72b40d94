#!/usr/bin/env node
// Import-graph check for crates/kernels: every file is a node, every `crate::…`,
// `super::…` or `self::…` path that names another file's module (or an item that
// file defines or re-exports) is an edge. Reports
//   (a) import cycles: strongly connected components with more than one file, and
//   (b) forbidden imports: cpu/ or cuda/ importing ops/, cpu/ and cuda/ importing
//       each other, desc/ importing anything but desc/ and the leaves error.rs, shape.rs, math.rs.
// Exits 1 when it finds either. No dependencies: `node scripts/check-rust-cycles.mjs`.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'crates', 'kernels', 'src');

function rustFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return rustFiles(path);
    return name.endsWith('.rs') ? [path] : [];
  });
}

// `cpu/mod.rs` → `cpu`, `cpu/gemm.rs` → `cpu::gemm`, `lib.rs` → `` (the crate root).
function modulePath(file) {
  const parts = relative(root, file).split(sep);
  const last = parts.pop().replace(/\.rs$/, '');
  if (last !== 'mod' && !(parts.length === 0 && last === 'lib')) parts.push(last);
  return parts.join('::');
}

// Comments, strings and char literals hold no imports; blank them, keeping offsets.
function stripNoise(src) {
  return src
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/\/\/[^\n]*/g, (m) => ' '.repeat(m.length))
    .replace(/r#*"[\s\S]*?"#*/g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/"(?:[^"\\]|\\.)*"/g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/'(?:[^'\\\n]|\\.)'/g, "' '");
}

// `use a::{b, c::{d, self}}` → ['a::b', 'a::c::d', 'a::c'] (each with its alias).
function expandUse(tree) {
  tree = tree.replace(/\s+/g, '');
  const brace = tree.indexOf('{');
  if (brace < 0) {
    const [path, alias] = tree.split('as');
    const segs = path.split('::');
    return [{ path: path.replace(/::self$/, ''), alias: alias ?? segs[segs.at(-1) === 'self' ? segs.length - 2 : segs.length - 1] }];
  }
  const prefix = tree.slice(0, brace);
  const inner = tree.slice(brace + 1, tree.lastIndexOf('}'));
  const items = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= inner.length; i++) {
    const ch = inner[i];
    if (ch === '{') depth++;
    else if (ch === '}') depth--;
    else if ((ch === ',' || i === inner.length) && depth === 0) {
      const item = inner.slice(start, i);
      if (item) items.push(...expandUse(prefix + item));
      start = i + 1;
    }
  }
  return items;
}

const files = rustFiles(root).sort();
const byModule = new Map(files.map((f) => [modulePath(f), f]));
const sources = new Map(files.map((f) => [f, stripNoise(readFileSync(f, 'utf8'))]));

// Names each module file re-exports (`pub use x::{A, B}`), and #[macro_export] macros (crate root).
const reexports = new Map();
const exportedMacros = new Map();
for (const [file, src] of sources) {
  const mod = modulePath(file);
  const names = new Map();
  for (const m of src.matchAll(/pub(?:\([^)]*\))?\s+use\s+([^;]+);/g)) {
    for (const { path, alias } of expandUse(m[1])) names.set(alias, absolute(path, mod, []));
  }
  reexports.set(mod, names);
  for (const m of src.matchAll(/#\[macro_export\]\s*macro_rules!\s*(\w+)/g)) exportedMacros.set(m[1], file);
}

// A path relative to (module `mod`, inline modules `inline`) → absolute segments from the crate root.
function absolute(path, mod, inline) {
  const segs = path.split('::').filter(Boolean);
  let base = [...(mod ? mod.split('::') : []), ...inline];
  if (segs[0] === 'crate') return segs.slice(1);
  if (segs[0] === 'self') return [...base, ...segs.slice(1)];
  let i = 0;
  while (segs[i] === 'super') {
    base = base.slice(0, -1);
    i++;
  }
  if (i > 0) return [...base, ...segs.slice(i)];
  return [...base, ...segs]; // a `use child::…` relative to the current module
}

// Absolute segments → the file that defines what they name (deepest module file, or
// the file a re-export or exported macro points at).
function resolve(segs, seen = 0) {
  let mod = '';
  let i = 0;
  while (i < segs.length) {
    const next = mod ? `${mod}::${segs[i]}` : segs[i];
    if (!byModule.has(next)) break;
    mod = next;
    i++;
  }
  if (i < segs.length && seen < 8) {
    const target = reexports.get(mod)?.get(segs[i]);
    if (target) return resolve([...target, ...segs.slice(i + 1)], seen + 1);
    if (mod === '' && exportedMacros.has(segs[i])) return exportedMacros.get(segs[i]);
  }
  return byModule.get(mod);
}

const edges = new Map(files.map((f) => [f, new Set()]));
for (const [file, src] of sources) {
  const mod = modulePath(file);
  // Inline modules (`mod tests { … }`) change what `super::` means.
  const inlineAt = [];
  const stack = [];
  let depth = 0;
  const opens = new Map();
  for (const m of src.matchAll(/\bmod\s+(\w+)\s*\{/g)) opens.set(m.index + m[0].length - 1, m[1]);
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '{') {
      depth++;
      if (opens.has(i)) stack.push({ name: opens.get(i), depth });
    } else if (src[i] === '}') {
      if (stack.length && stack.at(-1).depth === depth) stack.pop();
      depth--;
    }
    inlineAt[i] = stack.map((s) => s.name);
  }
  const add = (segs) => {
    const target = resolve(segs);
    if (target && target !== file) edges.get(file).add(target);
  };
  // Module aliases brought in by `use` (e.g. `use crate::{cpu, …}` then `cpu::gemm::…`).
  const aliases = new Map();
  for (const m of src.matchAll(/(?<![\w$])use\s+([^;]+);/g)) {
    for (const { path, alias } of expandUse(m[1])) {
      const head = path.split('::')[0];
      if (!['crate', 'super', 'self'].includes(head) && !byModule.has(head)) continue; // std, ndarray, …
      const segs = absolute(path, mod, inlineAt[m.index]);
      add(segs);
      if (byModule.has(segs.join('::')) && alias !== '*') aliases.set(alias, segs);
    }
  }
  const useSpans = [...src.matchAll(/(?<![\w$])use\s+[^;]+;/g)].map((m) => [m.index, m.index + m[0].length]);
  const inUse = (i) => useSpans.some(([a, b]) => i >= a && i < b);
  for (const m of src.matchAll(/(?<![\w$:])((?:crate|super|self|\w+)(?:::\w+)+)/g)) {
    if (inUse(m.index)) continue;
    const head = m[1].split('::')[0];
    if (['crate', 'super', 'self'].includes(head)) add(absolute(m[1], mod, inlineAt[m.index]));
    else if (aliases.has(head)) add([...aliases.get(head), ...m[1].split('::').slice(1)]);
  }
}

// Tarjan's strongly connected components.
const index = new Map();
const low = new Map();
const onStack = new Set();
const stack = [];
const components = [];
let counter = 0;
function connect(v) {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v)) {
    if (!index.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1) components.push(comp.sort());
  }
}
for (const f of files) if (!index.has(f)) connect(f);

const name = (f) => relative(root, f).split(sep).join('/');
const area = (f) => name(f).split('/')[0].replace(/\.rs$/, '');
const descLeaves = new Set(['desc', 'error', 'shape', 'math']);
function forbidden(from, to) {
  const [a, b] = [area(from), area(to)];
  if ((a === 'cpu' || a === 'cuda') && b === 'ops') return `${a}/ imports ops/`;
  if ((a === 'cpu' && b === 'cuda') || (a === 'cuda' && b === 'cpu')) return `${a}/ imports ${b}/`;
  if (a === 'desc' && !descLeaves.has(b)) return 'desc/ imports beyond desc/, error, shape, math';
  return null;
}

let cycleEdges = 0;
for (const [i, comp] of components.entries()) {
  const members = new Set(comp);
  const inner = comp.flatMap((f) => [...edges.get(f)].filter((t) => members.has(t)).map((t) => `${name(f)} -> ${name(t)}`));
  cycleEdges += inner.length;
  console.log(`cycle ${i + 1} (${comp.length} files): ${comp.map(name).join(', ')}`);
  for (const e of inner) console.log(`    ${e}`);
}
const bad = [];
for (const [from, targets] of edges) {
  for (const to of targets) {
    const why = forbidden(from, to);
    if (why) bad.push(`${name(from)} -> ${name(to)} (${why})`);
  }
}
for (const b of bad) console.log(`forbidden: ${b}`);
const edgeCount = [...edges.values()].reduce((n, s) => n + s.size, 0);
console.log(
  `${files.length} files, ${edgeCount} import edges; ${components.length} cycles ` +
    `(${components.reduce((n, c) => n + c.length, 0)} files, ${cycleEdges} cycle edges); ${bad.length} forbidden imports`,
);
process.exit(components.length || bad.length ? 1 : 0);
