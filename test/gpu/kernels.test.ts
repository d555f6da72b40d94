// Each CUDA kernel against the CPU kernel on the same samples (copied with
// t.to('cuda')): the declarations of test/ops, for every op that lists cuda.
import { afterEach, describe, it } from 'vitest';
import { FAMILIES } from '../ops/index.js';
import { checkCudaAgainstCpu } from '../ops/opinfo.js';
import { announceSkip, hasGpu } from '../helpers/gpu.js';

announceSkip('CUDA kernels vs CPU');

// Synchronous samples: yield to the event loop after each (see test/ops/native-vs-reference.test.ts).
afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));

for (const family of FAMILIES) {
  describe.skipIf(!hasGpu)(`${family.name}: CUDA vs CPU`, () => {
    for (const op of family.ops.filter((o) => o.devices.includes('cuda'))) {
      describe(op.name, () => {
        it.each(op.samples.map((s) => [s.name, s] as const))('%s', (_, sample) => checkCudaAgainstCpu(op, sample));
      });
    }
  });
}
