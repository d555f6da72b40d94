// Every CUDA kernel module compiles to PTX with NVRTC. This needs libnvrtc but
// no GPU, so it runs in the normal suite wherever libnvrtc is installed
// (vitest.config.ts puts the nvidia-cuda-nvrtc-cu12 wheel's folder on
// LD_LIBRARY_PATH). Without libnvrtc it says why and passes — unless
// FOVEATE_REQUIRE_NVRTC=1 (set by CI), where a missing libnvrtc is a failure.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { native } from '../src/native.js';

/**
 * Modules that must be compiled: unary and binary (generated from the op tables
 * in ops/) and one per .cu file in crates/kernels/src/cuda/kernels — so a new
 * .cu file that sources.rs forgets to register fails here.
 */
const KERNEL_DIR = join(__dirname, '..', 'crates', 'kernels', 'src', 'cuda', 'kernels');
const MODULES = ['unary', 'binary', ...readdirSync(KERNEL_DIR).filter((f) => f.endsWith('.cu')).map((f) => f.slice(0, -3))];

const available = native.nvrtcAvailable();
const required = process.env.FOVEATE_REQUIRE_NVRTC === '1';

if (!available && !required) {
  console.warn(
    'cuda-compile: libnvrtc not found, CUDA kernel sources were NOT compiled — `pip install nvidia-cuda-nvrtc-cu12` ' +
      '(or set FOVEATE_NVRTC_DIR) to run this check; FOVEATE_REQUIRE_NVRTC=1 makes its absence a failure.',
  );
}

describe('cuda-compile: NVRTC', () => {
  it('libnvrtc is loadable when FOVEATE_REQUIRE_NVRTC=1', () => {
    if (required) expect(available, `libnvrtc could not be loaded (LD_LIBRARY_PATH=${process.env.LD_LIBRARY_PATH ?? ''})`).toBe(true);
  });

  it.runIf(available)('every CUDA kernel module compiles to non-empty PTX', () => {
    const compiled = native.cudaCompileAll();
    const names = compiled.map((m) => m.module);
    for (const m of MODULES) expect(names, `module ${m}`).toContain(m);
    for (const m of compiled) expect(m.ptxBytes, `PTX of ${m.module}.cu`).toBeGreaterThan(1000);
  });

  it.runIf(!available)('without libnvrtc, compiling is a clear error, not a crash', () => {
    expect(() => native.cudaCompileAll()).toThrow(/libnvrtc|CUDA backend/);
  });
});
