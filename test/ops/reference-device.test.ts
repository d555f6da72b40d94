// The reference device: each op on float64 tensors (the public API routes them
// to src/reference) against its float64 twin called directly, on the op's own
// samples — up to 65,536 input elements: the larger samples exist for the native
// kernels' blocked and parallel paths, which the reference path does not have.
import { afterEach, describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { refArray } from '../../src/reference/index.js';
import { expectShape } from '../helpers/compare.js';
import { makeRng } from '../helpers/random.js';
import { FAMILIES } from './index.js';
import { size, type OpInfo, type Sample } from './opinfo.js';

const MAX_ELEMENTS = 65_536;

/** Float64 vs float64: NaN meets NaN, infinities meet themselves, the rest within 1e-12·(1 + |expected|). */
function expectNear(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i]!, expected[i]!];
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= 1e-12 * (1 + Math.abs(e));
    if (!ok) bad.push(`[${i}] got ${a}, expected ${e}`);
  }
  expect(bad.slice(0, 8), `${what}: ${bad.length} of ${expected.length} elements differ`).toEqual([]);
}

function checkReferenceDevice(op: OpInfo, sample: Sample): void {
  const rng = makeRng(`${op.family}/${sample.name}`);
  const inputs = sample.inputs.map((m) => m(rng));
  const expected = sample.ref(inputs.map((i) => refArray(i.data, i.shape)));
  fv.tidy(() => {
    // Float inputs become float64 (exactly: they are float32 values); int32 stays.
    const xs = inputs.map((i) => (i.dtype === 'int32' ? fv.tensor(i.data, i.shape, { dtype: 'int32' }) : fv.tensor(Float64Array.from(i.data), i.shape, { dtype: 'float64' })));
    const out = sample.run(xs);
    const what = `${op.family} on float64: ${sample.name}`;
    expectShape(what, out.shape, expected.shape);
    expect(out.dtype, `${what}: dtype`).toBe(sample.dtype === 'int32' ? 'int32' : 'float64');
    expectNear(what, out.dtype === 'int32' ? out.toInt32Array() : out.toFloat64Array(), expected.data);
  });
}

// Synchronous samples: yield to the event loop after each (see native-vs-reference.test.ts).
afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));

const small = (op: OpInfo, s: Sample): boolean => {
  const rng = makeRng(`${op.family}/${s.name}`);
  return s.inputs.reduce((n, m) => n + size(m(rng).shape), 0) <= MAX_ELEMENTS;
};

for (const family of FAMILIES) {
  const ops = family.ops.filter((o) => o.devices.includes('reference'));
  if (ops.length === 0) continue;
  describe(`${family.name}: float64 (reference) vs src/reference`, () => {
    for (const op of ops) {
      describe(op.name, () => {
        it.each(op.samples.filter((s) => small(op, s)).map((s) => [s.name, s] as const))('%s', (_, sample) => checkReferenceDevice(op, sample));
      });
    }
  });
}
