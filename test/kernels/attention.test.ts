// CPU kernels of the DRAW attention family (filterbank, its backward, read and
// write) vs their float64 twins in src/reference/attention.ts (samples and
// tolerances: test/helpers/ops/attention.ts).
import { describe, it } from 'vitest';
import { attentionFamily as family } from '../helpers/ops/index.js';
import { checkAgainstReference } from '../helpers/samples.js';

describe(`${family.name}: native CPU vs src/reference`, () => {
  it.each(family.samples.map((s) => [s.name, s] as const))('%s', (_, sample) => checkAgainstReference(family, sample));
});
