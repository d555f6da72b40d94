// Each CUDA kernel against the CPU kernel on the same samples (copied with
// t.to('cuda')): the declarations of test/helpers/ops, instantiated on the GPU.
import { describe, it } from 'vitest';
import * as families from '../helpers/ops/index.js';
import { announceSkip, hasGpu } from '../helpers/gpu.js';
import { checkCudaAgainstCpu } from '../helpers/samples.js';

announceSkip('CUDA kernels vs CPU');

for (const family of Object.values(families)) {
  describe.skipIf(!hasGpu)(`${family.name}: CUDA vs CPU`, () => {
    it.each(family.samples.map((s) => [s.name, s] as const))('%s', (_, sample) => checkCudaAgainstCpu(family, sample));
  });
}
