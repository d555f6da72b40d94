import { defineConfig } from 'vitest/config';
import { nvrtcLibraryDir } from './scripts/find-nvrtc.js';

// libnvrtc is found by the dynamic loader, which reads LD_LIBRARY_PATH when a
// process starts: set it here so the forked test workers inherit it.
const nvrtc = nvrtcLibraryDir();
if (nvrtc) {
  process.env.LD_LIBRARY_PATH = [nvrtc, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
}

export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
