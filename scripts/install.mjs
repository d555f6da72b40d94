// `npm install` hook: use a prebuilt addon when one matches this platform,
// otherwise build it from the Rust sources in release mode.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
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
const napi = join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js');
const args = existsSync(napi) ? [napi] : [require.resolve('@napi-rs/cli/dist/cli.js')];
const build = spawnSync(
  process.execPath,
  [
    ...args,
    'build',
    '--platform',
    '--release',
    '--manifest-path',
    'crates/node/Cargo.toml',
    '--package-json-path',
    'package.json',
    '--output-dir',
    '.',
    '--js',
    'index.js',
    '--dts',
    'index.d.ts',
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(build.status ?? 1);
