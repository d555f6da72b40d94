// CPU kernels of the conv2d family vs their float64 twins in src/reference
// (samples and tolerances: test/helpers/ops/conv.ts).
import { describe, it } from 'vitest';
import { convFamily as family } from '../helpers/ops/conv.js';
import { checkAgainstReference } from '../helpers/samples.js';

describe(`${family.name}: native CPU vs src/reference`, () => {
  it.each(family.samples.map((s) => [s.name, s] as const))('%s', (_, sample) => checkAgainstReference(family, sample));
});
