// libnvrtc for the CLI, found as the test suite finds it. The CUDA kernels load
// libnvrtc by name through the dynamic loader (cudarc's dlopen of libnvrtc.so.12 …),
// which searches LD_LIBRARY_PATH as it was when the process started. The tests add
// the folder scripts/find-nvrtc.js finds ($FOVEATE_NVRTC_DIR, a CUDA toolkit, or the
// PyPI wheel nvidia-cuda-nvrtc-cu12) to LD_LIBRARY_PATH before their workers start;
// the CLI does the same by running itself again with it added, when libnvrtc is not
// already loadable and it matters (a GPU is present, or `info` reports on it).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as fv from '../../index.js';
import { packageDir } from '../../package-dir.js';

/** Set in the re-run process, so it never runs itself again. */
const RERUN = 'FOVEATE_NVRTC_RERUN';

/** The folder holding libnvrtc.so.* that scripts/find-nvrtc.js finds, if any. */
export function nvrtcDir(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { nvrtcLibraryDir } = require(join(packageDir, 'scripts', 'find-nvrtc.js')) as { nvrtcLibraryDir(): string | undefined };
    return nvrtcLibraryDir();
  } catch {
    return undefined;
  }
}

/** The `NVRTC:` line of `foveate info`. */
export function nvrtcStatus(): string {
  if (fv.native.nvrtcAvailable()) {
    const from = process.env[RERUN];
    return from ? `available (libnvrtc from ${from}, added to LD_LIBRARY_PATH)` : 'available';
  }
  const dir = nvrtcDir();
  if (dir !== undefined) return `found in ${dir} but it does not load (CUDA kernels cannot be compiled); LD_LIBRARY_PATH=${dir} to try it`;
  return 'not found (CUDA kernels cannot be compiled): install a CUDA toolkit or `pip install nvidia-cuda-nvrtc-cu12`, or set FOVEATE_NVRTC_DIR';
}

/**
 * When libnvrtc does not load but scripts/find-nvrtc.js finds it, runs this CLI
 * again with its folder on LD_LIBRARY_PATH and returns that run's exit code;
 * undefined when there is nothing to do (then the caller goes on).
 */
export function rerunWithNvrtc(argv: readonly string[]): number | undefined {
  if (process.env[RERUN] !== undefined || process.platform !== 'linux') return undefined;
  if (argv[0] !== 'info' && !fv.hasCuda()) return undefined;
  if (fv.native.nvrtcAvailable()) return undefined;
  const dir = nvrtcDir();
  const path = process.env.LD_LIBRARY_PATH ?? '';
  if (dir === undefined || path.split(':').includes(dir)) return undefined;
  const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, ...argv], {
    stdio: 'inherit',
    env: { ...process.env, LD_LIBRARY_PATH: path ? `${dir}:${path}` : dir, [RERUN]: dir },
  });
  if (r.error) return undefined;
  return r.status ?? 1;
}
