// Gradcheck (float64, reference path) for batch norm, the fused and composite
// LSTM cells, dropout, embedding and the losses: every differentiable input.
import { describe, it } from 'vitest';
import * as fv from '../../src/index.js';
import { type Tensor } from '../../src/index.js';
import { check, f64 } from '../helpers/gradcheck.js';

const { ops } = fv;



describe('gradcheck: batchNorm', () => {
  const cases: number[][] = [[3, 5], [2, 3, 1, 1], [2, 3, 5, 1], [3, 2, 1, 5]];
  it.each(cases.map((s) => [`[${s}]`, s] as const))('training, x γ β %s', (_, shape) => {
    const c = shape[1]!;
    check((x, w, b) => ops.batchNorm(x, w, b, { training: true }), [f64(shape, 1), f64([c], 2, 0.5, 1), f64([c], 3)]);
  });
  it.each(cases.map((s) => [`[${s}]`, s] as const))('inference, x γ β %s', (_, shape) => {
    const c = shape[1]!;
    const [rm, rv] = [f64([c], 4), f64([c], 5, 0.1, 1)];
    check((x, w, b) => ops.batchNorm(x, w, b, { training: false, runningMean: rm, runningVar: rv }), [f64(shape, 1), f64([c], 2, 0.5, 1), f64([c], 3)]);
  });
  it('training without affine parameters, and with running buffers being updated', () => {
    check((x) => ops.batchNorm(x, null, null, { training: true }), [f64([7, 3], 6)]);
    const [rm, rv] = [f64([3], 4), f64([3], 5, 0.1, 1)];
    check((x, w) => ops.batchNorm(x, w, null, { training: true, runningMean: rm, runningVar: rv }), [f64([5, 3, 1, 5], 7), f64([3], 8)]);
  });
  it.each(cases.map((s) => [`[${s}]`, s] as const))('fused ReLU, training and inference, x γ β %s', (_, shape) => {
    const c = shape[1]!;
    const [rm, rv] = [f64([c], 4), f64([c], 5, 0.1, 1)];
    check((x, w, b) => ops.batchNorm(x, w, b, { training: true, activation: 'relu' }), [f64(shape, 1), f64([c], 2, 0.5, 1), f64([c], 3)]);
    check((x, w, b) => ops.batchNorm(x, w, b, { training: false, runningMean: rm, runningVar: rv, activation: 'relu' }), [f64(shape, 1), f64([c], 2, 0.5, 1), f64([c], 3)]);
  });
});

describe('gradcheck: lstmCell (fused) and lstmCellComposite', () => {
  const [b, i, h] = [3, 5, 2];
  const inputs = (): Tensor[] => [f64([b, i], 1), f64([b, h], 2), f64([b, h], 3), f64([4 * h, i], 4, 0.5), f64([4 * h, h], 5, 0.5), f64([4 * h], 6), f64([4 * h], 7)];
  const loss = (s: fv.ops.LstmState, k: number): Tensor => ops.add(ops.mulScalar(ops.sum(ops.mul(s.h, s.h)), k), ops.sum(ops.tanh(s.c)));
  it.each([
    ['fused', ops.lstmCell],
    ['composite', ops.lstmCellComposite],
  ] as const)('%s: all seven inputs', (_, cell) => {
    check((x, hh, c, wi, wh, bi, bh) => loss(cell(x, hh, c, wi, wh, bi, bh), 1.5), inputs());
  });
  it.each([
    ['fused', ops.lstmCell],
    ['composite', ops.lstmCellComposite],
  ] as const)('%s: without biases; h and c separately', (_, cell) => {
    const xs = inputs().slice(0, 5);
    check((x, hh, c, wi, wh) => cell(x, hh, c, wi, wh).h, xs);
    check((x, hh, c, wi, wh) => cell(x, hh, c, wi, wh).c, xs);
  });
});

describe('gradcheck: losses', () => {
  it.each(['mean', 'sum', 'none'] as const)('bceWithLogits logits and targets, %s', (reduction) => {
    check((x, t) => ops.bceWithLogits(x, t, { reduction }), [f64([3, 5], 1, 3), f64([3, 5], 2, 0.2, 0.5)]);
  });
  it.each(['mean', 'sum', 'none'] as const)('crossEntropy logits, %s', (reduction) => {
    const t = fv.tensor(Int32Array.from([0, 4, 2, 4]), [4]);
    check((x) => ops.crossEntropy(x, t, { reduction }), [f64([4, 5], 3, 2)]);
  });
  it('crossEntropy with ignoreIndex', () => {
    const t = fv.tensor(Int32Array.from([1, -100, 2]), [3]);
    check((x) => ops.crossEntropy(x, t, { ignoreIndex: -100 }), [f64([3, 3], 4)]);
  });
});

describe('gradcheck: dropout and embedding', () => {
  it('dropout (the mask is fixed by re-seeding per evaluation)', () => {
    check((x) => {
      fv.seed(99);
      return ops.dropout(x, 0.4);
    }, [f64([4, 5], 5)]);
  });
  it('dropout in eval mode is the identity', () => {
    check((x) => ops.mul(ops.dropout(x, 0.4, { training: false }), x), [f64([6], 6)]);
  });
  it('embedding weight, with repeated ids', () => {
    const ids = fv.tensor(Int32Array.from([2, 0, 2, 3, 2, 1]), [2, 3]);
    check((w) => ops.embedding(ids, w), [f64([4, 3], 7)]);
  });
});
