// CPU optimiser kernels vs their float64 twins in src/reference
// (samples and tolerances: test/helpers/ops/optim.ts).
import { describe, it } from 'vitest';
import { optimFamily as family } from '../helpers/ops/optim.js';
import { checkAgainstReference } from '../helpers/samples.js';

describe(`${family.name}: native CPU vs src/reference`, () => {
  it.each(family.samples.map((s) => [s.name, s] as const))('%s', (_, sample) => checkAgainstReference(family, sample));
});
