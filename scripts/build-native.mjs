#!/usr/bin/env node
// Builds the native addon from the Rust sources in release mode, when none loads.
//
// The package carries a prebuilt linux-x64-gnu addon (foveate.linux-x64-gnu.node at
// its root, where the napi-rs loader index.js looks first), so on that platform this
// never runs for a user. Elsewhere src/native.ts runs it at the first load of the
// package (it is not an npm install script: npm warns on every package that has one,
// and is moving to not running them unless approved). In a clone, `npm install` runs
// it through the `postprepare` script (npm runs that one only in the project's own
// install, never when the package is installed as a dependency).
//
// cargo builds the foveate-node cdylib and the addon is copied to the name napi-rs's
// loader looks for. In an installed package (a node_modules folder) cargo builds in a
// temporary folder, removed afterwards: only the addon stays. In a clone it builds
// in ./target, kept for incremental builds (`npm run build:native`, the napi CLI, also
// regenerates index.js and index.d.ts). $CARGO_TARGET_DIR, when set, is used and kept.
// FOVEATE_FORCE_BUILD=1 builds even when an addon loads.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`foveate: ${line}\n`);

/** Whether the loader (index.js) finds an addon that loads, tried in a child process. */
function addonLoads() {
  if (!existsSync(join(root, 'index.js'))) return false;
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(join(root, 'index.js'))})`], { stdio: 'ignore' });
  return r.status === 0;
}

/** The file name napi-rs's loader looks for on this platform, e.g. foveate.linux-x64-gnu.node. */
function addonName() {
  let abi = '';
  if (process.platform === 'linux') abi = process.report?.getReport?.().header?.glibcVersionRuntime ? '-gnu' : '-musl';
  else if (process.platform === 'win32') abi = '-msvc';
  return `foveate.${process.platform}-${process.arch}${abi}.node`;
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/**
 * One build at a time per package folder: a second process (another worker loading
 * the package at the same moment) waits for the first and then uses its addon.
 * Returns false when another process built it meanwhile.
 */
function takeLock(lock) {
  let waited = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return true;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let pid = NaN;
    try {
      pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    } catch {
      // just created, pid not written yet
    }
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (!waited) say(`another process (pid ${Number.isNaN(pid) ? '?' : pid}) is building the native addon; waiting for it`);
    waited = true;
    sleep(2000);
    if (!existsSync(lock) && addonLoads()) return false;
  }
}

/** `why`: what the build message starts with (forced, stale, or nothing loads). */
function build(why) {
  const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
  if (cargo.status !== 0) {
    say(
      `${why}, and building the addon from source needs Rust, but cargo was not found.\n` +
        '  Install Rust from https://rustup.rs (then run your program again: the addon is built at the first load),\n' +
        `  or build it now: node ${join(root, 'scripts', 'build-native.mjs')}`,
    );
    return 1;
  }
  const installed = root.split(sep).includes('node_modules');
  const started = Date.now();
  const seconds = () => `${Math.round((Date.now() - started) / 1000)} s`;

  const lib = { linux: 'libfoveate_node.so', darwin: 'libfoveate_node.dylib', win32: 'foveate_node.dll' }[process.platform];
  if (!lib) {
    say(`no build recipe for platform ${process.platform}`);
    return 1;
  }
  // An installed package builds in a temporary folder, removed afterwards; a clone in
  // ./target, kept for incremental builds; $CARGO_TARGET_DIR, when set, wins and is kept.
  const ownTarget = !process.env.CARGO_TARGET_DIR && installed;
  const target = process.env.CARGO_TARGET_DIR ?? (installed ? mkdtempSync(join(tmpdir(), 'foveate-build-')) : join(root, 'target'));
  say(
    `${why}: building it from the Rust sources ` +
      `(${cargo.stdout.trim()}, release mode; a few minutes the first time) in ${target}${ownTarget ? ', removed afterwards' : ''}; cargo's progress follows`,
  );
  try {
    const r = spawnSync('cargo', ['build', '--release', '--locked', '-p', 'foveate-node'], {
      cwd: root,
      stdio: ['ignore', 2, 2],
      env: { ...process.env, CARGO_TARGET_DIR: target },
    });
    if (r.status !== 0) {
      say(`cargo build failed (exit ${r.status ?? r.signal}) after ${seconds()}`);
      return r.status || 1;
    }
    const name = addonName();
    // Written beside, then renamed: a process that has the old file mapped keeps it intact.
    const tmp = join(root, `.${name}.${process.pid}`);
    copyFileSync(join(target, 'release', lib), tmp);
    renameSync(tmp, join(root, name));
    say(`built ${name} in ${seconds()}`);
    return 0;
  } finally {
    if (ownTarget) rmSync(target, { recursive: true, force: true });
  }
}

/** The newest modification time (ms) of the Rust sources: crates/ (.rs, .cu, .toml), Cargo.toml, Cargo.lock. */
function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const f of readdirSync(path)) if (f !== 'target') visit(join(path, f));
    } else if (/\.(rs|cu|cuh|toml)$|^Cargo\.lock$/.test(basename(path))) newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['crates', 'Cargo.toml', 'Cargo.lock']) if (existsSync(join(root, p))) visit(join(root, p));
  return newest;
}

/**
 * In a clone, an addon older than the Rust sources (a `git pull` brought kernel
 * changes) is rebuilt by `npm install`. Never in an installed package: npm gives
 * every extracted file the same time, and the prebuilt addon is the one to use.
 */
function staleInClone() {
  if (root.split(sep).includes('node_modules')) return false;
  const addon = join(root, addonName());
  if (!existsSync(addon)) return false;
  const stale = newestSource() > statSync(addon).mtimeMs;
  return stale;
}

function main() {
  let why = 'FOVEATE_FORCE_BUILD=1';
  if (process.env.FOVEATE_FORCE_BUILD !== '1') {
    if (!addonLoads()) why = `no native addon loads on ${process.platform}-${process.arch}`;
    else if (staleInClone()) why = `the Rust sources changed since ${addonName()} was built`;
    else {
      if (process.argv.includes('--verbose')) say('the native addon loads; not rebuilding it (FOVEATE_FORCE_BUILD=1 rebuilds)');
      return 0;
    }
  }
  const lock = join(root, '.foveate-build.lock');
  if (!takeLock(lock)) return 0;
  try {
    return build(why);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

process.exitCode = main();
