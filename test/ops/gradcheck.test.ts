// Gradcheck (float64, reference path) of every differentiable op declared in
// test/ops: analytic gradients from backward() against central differences.
import { describe, it } from 'vitest';
import { FAMILIES } from './index.js';

for (const family of FAMILIES) {
  const ops = family.ops.filter((o) => o.grad !== false);
  if (ops.length === 0) continue;
  describe(`${family.name}: gradcheck`, () => {
    for (const op of ops) {
      describe(op.name, () => {
        it.each((op.grad || []).map((g) => [g.name, g] as const))('%s', (_, g) => g.run());
      });
    }
  });
}
