// CPU kernels of the batchnorm family vs their float64 twins in src/reference
// (samples and tolerances: test/helpers/ops/batchnorm.ts).
import { describe, it } from 'vitest';
import { batchnormFamily as family } from '../helpers/ops/batchnorm.js';
import { checkAgainstReference } from '../helpers/samples.js';

describe(`${family.name}: native CPU vs src/reference`, () => {
  it.each(family.samples.map((s) => [s.name, s] as const))('%s', (_, sample) => checkAgainstReference(family, sample));
});
