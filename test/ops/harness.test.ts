// The declarations and the runners themselves: every family file is registered,
// every op has what its devices need, and the checks the runners make can fail —
// a near-miss kernel, a wrong reference, a wrong gradient or a wrong message is
// caught under the op's stated tolerance (so the tolerances are not vacuous).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { binaryOps, matmul as refMatmul, reduce as refReduce, softmax as refSoftmax, unary as refUnary, unaryOps } from '../../src/reference/index.js';
import { U32 } from '../helpers/compare.js';
import { makeRng } from '../helpers/random.js';
import { FAMILIES } from './index.js';
import { absOf, checkAgainstReference, checkError, gradcheck, f64, uniform, type OpInfo, type Sample } from './opinfo.js';

const op = (family: string, name: string): OpInfo => {
  const found = FAMILIES.find((f) => f.name === family)?.ops.find((o) => o.name === name);
  if (!found) throw new Error(`no op ${family}/${name}`);
  return found;
};

describe('harness: the declarations', () => {
  it('every family file in test/ops is listed in FAMILIES', async () => {
    const files = readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts' && f !== 'opinfo.ts');
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const exported = Object.values(await import(/* @vite-ignore */ join(__dirname, file))).filter((v) => typeof v === 'object' && v !== null && 'ops' in v);
      expect(exported.length, `${file} exports no family`).toBeGreaterThan(0);
      for (const f of exported) expect(FAMILIES, `${file}: family not in FAMILIES`).toContain(f);
    }
  });

  it('family names, op names within a family and sample names within an op are unique', () => {
    const unique = (names: string[], what: string): void => expect(names.filter((n, i) => names.indexOf(n) !== i), what).toEqual([]);
    unique(FAMILIES.map((f) => f.name), 'families');
    for (const f of FAMILIES) {
      unique(f.ops.map((o) => o.name), f.name);
      // Sample names seed the inputs (`${family}/${sample}`): unique within the family.
      unique(f.ops.flatMap((o) => o.samples.map((s) => s.name)), `${f.name} samples`);
    }
  });

  it('every op runs somewhere; native ops have samples; reference ops declare their gradient', () => {
    for (const o of FAMILIES.flatMap((f) => f.ops)) {
      expect(o.devices.length, o.name).toBeGreaterThan(0);
      if (o.devices.includes('cpu') || o.devices.includes('cuda')) expect(o.samples.length, `${o.name}: no samples`).toBeGreaterThan(0);
      if (o.grad !== false) {
        expect(o.devices, `${o.name}: gradcheck runs on the reference path`).toContain('reference');
        expect(o.grad.length, `${o.name}: grad is [] (say false for no gradient)`).toBeGreaterThan(0);
      }
    }
  });

  it('an op without the reference device refuses float64 input (its flag is true)', () => {
    const nativeOnly = FAMILIES.flatMap((f) => f.ops).filter((o) => !o.devices.includes('reference'));
    expect(nativeOnly.length).toBeGreaterThan(0);
    for (const o of nativeOnly) {
      const sample = o.samples[0]!;
      const rng = makeRng(`${o.family}/${sample.name}`);
      const inputs = sample.inputs.map((m) => m(rng));
      const run = (): unknown => fv.tidy(() => void sample.run(inputs.map((i) => (i.dtype === 'int32' ? fv.tensor(i.data, i.shape, { dtype: 'int32' }) : fv.tensor(Float64Array.from(i.data), i.shape, { dtype: 'float64' })))));
      expect(run, `${o.name} ran on float64: add 'reference' to its devices`).toThrow(/float64/);
    }
  });

  it('every op of reference.unaryOps and reference.binaryOps is declared', () => {
    const names = (family: string): string[] => FAMILIES.find((f) => f.name === family)!.ops.map((o) => o.name);
    for (const name of Object.keys(unaryOps)) expect(names('unary'), `unary op ${name}`).toContain(name);
    for (const name of Object.keys(binaryOps)) expect(names('binary'), `binary op ${name}`).toContain(name);
  });
});

const fails = (o: OpInfo, sample: Sample): void => {
  expect(() => checkAgainstReference(o, sample)).toThrow(/out of tolerance|shape|dtype/);
};

describe('harness: near-miss kernels are caught', () => {
  it('GEMM that drops one term of the k-sum (k = 257)', () => {
    fails(op('gemm', 'matmul'), {
      name: 'dropped term',
      inputs: [uniform([33, 257]), uniform([257, 17])],
      run: ([a, b]) => fv.ops.matmul(fv.ops.slice(a!, [0, 0], [33, 256]), fv.ops.slice(b!, [0, 0], [256, 17])),
      ref: ([a, b]) => refMatmul(a!, b!),
      bound: ([a, b]) => refMatmul(absOf(a!), absOf(b!)).data.map((v) => 2 * 257 * U32 * v),
    });
  });

  it('GEMM with transB ignored on a square problem', () => {
    fails(op('gemm', 'matmul'), {
      name: 'ignored transB',
      inputs: [uniform([31, 31]), uniform([31, 31])],
      run: ([a, b]) => fv.ops.matmul(a!, b!),
      ref: ([a, b]) => refMatmul(a!, b!, false, true),
    });
  });

  it('exp off by 10 ppm', () => {
    fails(op('unary', 'exp'), {
      name: 'exp × 1.00001',
      inputs: [uniform([65], -5, 5)],
      run: ([x]) => fv.ops.mul(fv.ops.exp(x!), 1.00001),
      ref: ([x]) => refUnary('exp', x!),
    });
  });

  it('sum that misses one element of 4096', () => {
    fails(op('reduce', 'sum'), {
      name: 'sum minus one',
      inputs: [uniform([4096], 0.5, 1)],
      run: ([x]) => fv.ops.sum(fv.ops.slice(x!, [1])),
      ref: ([x]) => refReduce('sum', x!),
      tol: { atol: 0, rtol: 4 * U32 },
      bound: ([x]) => refReduce('sum', absOf(x!)).data.map((v) => 8 * U32 * v),
    });
  });

  it('softmax over the wrong axis, or with logits scaled by 1.001', () => {
    fails(op('softmax', 'softmax'), {
      name: 'wrong axis',
      inputs: [uniform([7, 7], -4, 4)],
      run: ([x]) => fv.ops.softmax(x!, 0),
      ref: ([x]) => refSoftmax(x!, 1),
    });
    fails(op('softmax', 'softmax'), {
      name: 'scaled logits',
      inputs: [uniform([5, 33], -4, 4)],
      run: ([x]) => fv.ops.softmax(fv.ops.mul(x!, 1.001), 1),
      ref: ([x]) => refSoftmax(x!, 1),
    });
  });

  it('a NaN, a wrong shape or a wrong dtype', () => {
    fails(op('unary', 'log'), { name: 'NaN', inputs: [uniform([5], 1, 2)], run: ([x]) => fv.ops.log(fv.ops.neg(x!)), ref: ([x]) => refUnary('log', x!) });
    fails(op('unary', 'neg'), { name: 'shape', inputs: [uniform([2, 3])], run: ([x]) => fv.ops.reshape(fv.ops.neg(x!), [3, 2]), ref: ([x]) => refUnary('neg', x!) });
    fails(op('reduce', 'max'), { name: 'dtype', inputs: [uniform([4, 5])], run: ([x]) => fv.ops.max(x!, 1), ref: ([x]) => refReduce('max', x!, [1]), dtype: 'int32' });
  });
});

describe('harness: the runners fail on a wrong declaration', () => {
  it('a declared op whose reference is deliberately wrong (tanh declared as sigmoid)', () => {
    const wrong: OpInfo = { ...op('unary', 'sigmoid'), samples: [] };
    const sample = op('unary', 'sigmoid').samples[3]!;
    fails(wrong, { ...sample, ref: ([x]) => refUnary('tanh', x!) });
    // …and the very same sample with its true reference passes.
    checkAgainstReference(wrong, sample);
  });

  it('gradcheck catches a function whose backward misses a term', () => {
    // d/dx (x · detach(x)) is x by backward, 2x by differences.
    expect(() => gradcheck((x) => fv.ops.mul(x, fv.detach(x)), [f64([5], 1)])).toThrow();
    gradcheck((x) => fv.ops.mul(x, x), [f64([5], 1)]);
  });

  it('an error case fails when nothing is thrown, or when the message differs', () => {
    expect(() => checkError({ name: 'no error', call: () => fv.ops.neg(fv.zeros([2])), message: /anything/ })).toThrow();
    expect(() => checkError({ name: 'other message', call: () => fv.ops.matmul(fv.zeros([2, 3]), fv.zeros([4, 5])), message: /^conv2d:/ })).toThrow();
  });
});
