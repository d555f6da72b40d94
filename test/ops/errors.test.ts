// Bad input to every op declared in test/ops: each raises an Error whose message
// names the op, the argument and the shapes (and the binding, called directly,
// re-checks and never panics).
import { describe, it } from 'vitest';
import { FAMILIES } from './index.js';
import { checkError } from './opinfo.js';

for (const family of FAMILIES) {
  const ops = family.ops.filter((o) => o.errors.length > 0);
  if (ops.length === 0) continue;
  describe(`${family.name}: bad input`, () => {
    for (const op of ops) {
      describe(op.name, () => {
        it.each(op.errors.map((e) => [e.name, e] as const))('%s', (_, e) => checkError(e));
      });
    }
  });
}
