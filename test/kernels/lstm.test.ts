// CPU kernels of the lstm family vs their float64 twins in src/reference
// (samples and tolerances: test/helpers/ops/lstm.ts).
import { describe, it } from 'vitest';
import { lstmFamily as family } from '../helpers/ops/lstm.js';
import { checkAgainstReference } from '../helpers/samples.js';

describe(`${family.name}: native CPU vs src/reference`, () => {
  it.each(family.samples.map((s) => [s.name, s] as const))('%s', (_, sample) => checkAgainstReference(family, sample));
});
