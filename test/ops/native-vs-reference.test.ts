// Native CPU kernels vs their float64 twins in src/reference: every sample of
// every op declared in test/ops, within the op's stated tolerance.
import { afterEach, describe, it } from 'vitest';
import { FAMILIES } from './index.js';
import { checkAgainstReference } from './opinfo.js';

// The samples are synchronous: yield to the event loop after each one, so the
// worker reads vitest's replies in time (else, past 60 s of back-to-back samples
// in this one file, its RPC to the main process times out).
afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));

for (const family of FAMILIES) {
  describe(`${family.name}: native CPU vs src/reference`, () => {
    for (const op of family.ops.filter((o) => o.devices.includes('cpu'))) {
      describe(op.name, () => {
        it.each(op.samples.map((s) => [s.name, s] as const))('%s', (_, sample) => checkAgainstReference(op, sample));
      });
    }
  });
}
