// CPU kernels of the pooling family vs their float64 twins in src/reference
// (samples and tolerances: test/helpers/ops/pool.ts).
import { describe, it } from 'vitest';
import { poolFamily as family } from '../helpers/ops/pool.js';
import { checkAgainstReference } from '../helpers/samples.js';

describe(`${family.name}: native CPU vs src/reference`, () => {
  it.each(family.samples.map((s) => [s.name, s] as const))('%s', (_, sample) => checkAgainstReference(family, sample));
});
