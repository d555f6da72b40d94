// Gradcheck (float64, reference path) of every differentiable op declared in
// test/ops: analytic gradients from backward() against central differences
// (and a few known gradient values). Ops declared `grad: false` have none.
import { describe, it } from 'vitest';
import { FAMILIES } from './index.js';
import type { GradCase, OpInfo } from './opinfo.js';

const differentiable = (o: OpInfo): o is OpInfo & { grad: GradCase[] } => o.grad !== false;

for (const family of FAMILIES) {
  const ops = family.ops.filter(differentiable);
  if (ops.length === 0) continue;
  describe(`${family.name}: gradcheck`, () => {
    for (const op of ops) {
      describe(op.name, () => {
        it.each(op.grad.map((g) => [g.name, g] as const))('%s', (_, g) => g.run());
      });
    }
  });
}
