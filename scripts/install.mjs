// `npm install` hook: use a prebuilt addon when one matches this platform,
// otherwise build it from the Rust sources in release mode.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function prebuiltLoads() {
  if (!existsSync(join(root, 'index.js'))) return false;
  try {
    require(join(root, 'index.js'));
    return true;
  } catch {
    return false;
  }
}

if (process.env.FOVEATE_FORCE_BUILD !== '1' && prebuiltLoads()) {
  console.log('foveate: using the prebuilt native addon');
  process.exit(0);
}

const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
if (cargo.status !== 0) {
  console.error(
    'foveate: no prebuilt native addon matches this platform and Rust (cargo) was not found.\n' +
      'Install Rust from https://rustup.rs and run `npm install` again.',
  );
  process.exit(1);
}

console.log(`foveate: building the native addon from source (${cargo.stdout.trim()}, release mode)`);

/** The napi CLI is a devDependency: present in a clone, absent in a consumer's install. */
function napiCli() {
  try {
    return require.resolve('@napi-rs/cli/dist/cli.js');
  } catch {
    return undefined;
  }
}

const cli = napiCli();
if (cli) {
  const build = spawnSync(
    process.execPath,
    [cli, 'build', '--platform', '--release', '--manifest-path', 'crates/node/Cargo.toml', '--package-json-path', 'package.json', '--output-dir', '.', '--js', 'index.js', '--dts', 'index.d.ts'],
    { cwd: root, stdio: 'inherit' },
  );
  process.exit(build.status ?? 1);
}

// Without the CLI: cargo, then copy the library to the name the loader (index.js) looks for.
const build = spawnSync('cargo', ['build', '--release', '-p', 'foveate-node'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const abi = process.platform === 'linux' ? (process.report?.getReport?.().header?.glibcVersionRuntime ? '-gnu' : '-musl') : process.platform === 'win32' ? '-msvc' : '';
const target = `foveate.${process.platform}-${process.arch}${abi}.node`;
const lib = { linux: 'libfoveate_node.so', darwin: 'libfoveate_node.dylib', win32: 'foveate_node.dll' }[process.platform];
if (!lib) {
  console.error(`foveate: no build recipe for platform ${process.platform}`);
  process.exit(1);
}
copyFileSync(join(root, 'target', 'release', lib), join(root, target));
console.log(`foveate: built ${target}`);
