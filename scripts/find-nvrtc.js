// Finds a folder holding libnvrtc.so.12, for LD_LIBRARY_PATH: $FOVEATE_NVRTC_DIR,
// the PyPI wheel nvidia-cuda-nvrtc-cu12 (what CI installs), or a CUDA toolkit.
'use strict';
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

function hasNvrtc(dir) {
  try {
    return readdirSync(dir).some((f) => /^libnvrtc\.so(\.\d+)*$/.test(f));
  } catch {
    return false;
  }
}

function fromPython() {
  const code = 'import nvidia.cuda_nvrtc as m, os; print(os.path.join(list(m.__path__)[0], "lib"))';
  for (const py of ['python3', 'python']) {
    const r = spawnSync(py, ['-c', code], { encoding: 'utf8' });
    if (r.status === 0) return r.stdout.trim();
  }
  return undefined;
}

function nvrtcLibraryDir() {
  const candidates = [process.env.FOVEATE_NVRTC_DIR, '/usr/local/cuda/lib64', '/usr/lib/x86_64-linux-gnu'];
  for (const dir of candidates) if (dir && existsSync(dir) && hasNvrtc(dir)) return dir;
  const py = fromPython();
  return py && hasNvrtc(py) ? py : undefined;
}

module.exports = { nvrtcLibraryDir };
