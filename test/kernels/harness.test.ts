// The harness itself: a kernel that is slightly wrong must fail the check under
// each family's stated tolerance (so the tolerances are not vacuous).
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { matmul as refMatmul, reduce as refReduce, softmax as refSoftmax, unary as refUnary } from '../../src/reference/index.js';
import { gemmFamily, reduceFamily, softmaxFamily, unaryFamily } from '../helpers/ops/index.js';
import { checkAgainstReference, uniform, type Family, type Sample } from '../helpers/samples.js';
import { U32 } from '../helpers/compare.js';
import { absOf } from '../helpers/samples.js';

const fails = (family: Family, sample: Sample): void => {
  expect(() => checkAgainstReference(family, sample)).toThrow(/out of tolerance|shape|dtype/);
};

describe('harness: near-miss kernels are caught', () => {
  it('GEMM that drops one term of the k-sum (k = 257)', () => {
    fails(gemmFamily, {
      name: 'dropped term',
      inputs: [uniform([33, 257]), uniform([257, 17])],
      run: ([a, b]) => fv.ops.matmul(fv.ops.slice(a!, [0, 0], [33, 256]), fv.ops.slice(b!, [0, 0], [256, 17])),
      ref: ([a, b]) => refMatmul(a!, b!),
      bound: ([a, b]) => refMatmul(absOf(a!), absOf(b!)).data.map((v) => 2 * 257 * U32 * v),
    });
  });

  it('GEMM with transB ignored on a square problem', () => {
    fails(gemmFamily, {
      name: 'ignored transB',
      inputs: [uniform([31, 31]), uniform([31, 31])],
      run: ([a, b]) => fv.ops.matmul(a!, b!),
      ref: ([a, b]) => refMatmul(a!, b!, false, true),
    });
  });

  it('exp off by 10 ppm', () => {
    fails(unaryFamily, {
      name: 'exp × 1.00001',
      inputs: [uniform([65], -5, 5)],
      run: ([x]) => fv.ops.mul(fv.ops.exp(x!), 1.00001),
      ref: ([x]) => refUnary('exp', x!),
    });
  });

  it('sum that misses one element of 4096', () => {
    fails(reduceFamily, {
      name: 'sum minus one',
      inputs: [uniform([4096], 0.5, 1)],
      run: ([x]) => fv.ops.sum(fv.ops.slice(x!, [1])),
      ref: ([x]) => refReduce('sum', x!),
      tol: { atol: 0, rtol: 4 * U32 },
      bound: ([x]) => refReduce('sum', absOf(x!)).data.map((v) => 8 * U32 * v),
    });
  });

  it('softmax over the wrong axis, or with logits scaled by 1.001', () => {
    fails(softmaxFamily, {
      name: 'wrong axis',
      inputs: [uniform([7, 7], -4, 4)],
      run: ([x]) => fv.ops.softmax(x!, 0),
      ref: ([x]) => refSoftmax(x!, 1),
    });
    fails(softmaxFamily, {
      name: 'scaled logits',
      inputs: [uniform([5, 33], -4, 4)],
      run: ([x]) => fv.ops.softmax(fv.ops.mul(x!, 1.001), 1),
      ref: ([x]) => refSoftmax(x!, 1),
    });
  });

  it('a NaN, a wrong shape or a wrong dtype', () => {
    fails(unaryFamily, { name: 'NaN', inputs: [uniform([5], 1, 2)], run: ([x]) => fv.ops.log(fv.ops.neg(x!)), ref: ([x]) => refUnary('log', x!) });
    fails(unaryFamily, { name: 'shape', inputs: [uniform([2, 3])], run: ([x]) => fv.ops.reshape(fv.ops.neg(x!), [3, 2]), ref: ([x]) => refUnary('neg', x!) });
    fails(reduceFamily, { name: 'dtype', inputs: [uniform([4, 5])], run: ([x]) => fv.ops.max(x!, 1), ref: ([x]) => refReduce('max', x!, [1]), dtype: 'int32' });
  });
});
