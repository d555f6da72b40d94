// CPU kernels of the binary family vs their float64 twins in src/reference
// (samples and tolerances: test/helpers/ops/binary.ts).
import { describe, it } from 'vitest';
import { binaryFamily as family } from '../helpers/ops/index.js';
import { checkAgainstReference } from '../helpers/samples.js';

describe(`${family.name}: native CPU vs src/reference`, () => {
  it.each(family.samples.map((s) => [s.name, s] as const))('%s', (_, sample) => checkAgainstReference(family, sample));
});

describe('binary: coverage', () => {
  it('tests every op of reference.binaryOps', async () => {
    const { binaryOps } = await import('../../src/reference/index.js');
    const tested = new Set(family.samples.map((s) => s.name.split(' ')[0]));
    for (const op of Object.keys(binaryOps)) if (!tested.has(op)) throw new Error(`binary op ${op} has no samples`);
  });
});
