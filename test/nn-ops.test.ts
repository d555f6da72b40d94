// Batch norm, LSTM cell, dropout and losses beyond their declarations in
// test/ops (samples, gradchecks, bad input): running statistics, the fused LSTM
// cell against its composite twin on the native path (outputs and gradients),
// dropout's stream and modes, extreme logits, and no leaked native tensors.
import { describe, expect, it } from 'vitest';
import * as fv from '../src/index.js';

const { ops } = fv;

const ids = (v: number[], shape = [v.length]): fv.Tensor => fv.tensor(Int32Array.from(v), shape);

describe('batchNorm: one value per channel', () => {
  // (In training it is an error: test/ops/batchnorm.ts.)
  it('is fine in inference', () => {
    const y = fv.tidy(() => ops.batchNorm(fv.ones([1, 3]), null, null, { training: false, runningMean: fv.zeros([3]), runningVar: fv.ones([3]), eps: 0 }).toFloat32Array());
    expect(Array.from(y)).toEqual([1, 1, 1]);
  });
});

describe('batchNorm: running statistics', () => {
  it('update in place as PyTorch (momentum 0.1, unbiased variance) and are used in inference', () => {
    fv.tidy(() => {
      const x = fv.tensor([1, 10, 3, 20, 5, 60], [3, 2]);
      const [rm, rv] = [fv.zeros([2]), fv.ones([2])];
      ops.batchNorm(x, null, null, { training: true, runningMean: rm, runningVar: rv });
      // channel 0: mean 3, unbiased var 4; channel 1: mean 30, unbiased var 700.
      expect(Array.from(rm.toFloat32Array())).toEqual([0.3, 3].map(Math.fround));
      const v = rv.toFloat32Array();
      expect(v[0]).toBeCloseTo(0.9 + 0.1 * 4, 5);
      expect(v[1]).toBeCloseTo(0.9 + 0.1 * 700, 3);
      const y = ops.batchNorm(fv.tensor([3, 30], [1, 2]), null, null, { training: false, runningMean: rm, runningVar: rv });
      const expected = [(3 - 0.3) / Math.sqrt(v[0]! + 1e-5), (30 - 3) / Math.sqrt(v[1]! + 1e-5)];
      Array.from(y.toFloat32Array()).forEach((a, i) => expect(a).toBeCloseTo(expected[i]!, 5));
    });
  });
});

describe('lstmCell: fused vs composite on the native path', () => {
  it.each([
    ['h and c', (s: fv.ops.LstmState) => ops.add(ops.sum(ops.mul(s.h, s.h)), ops.sum(ops.sigmoid(s.c)))],
    ['h only (no gradient reaches c)', (s: fv.ops.LstmState) => ops.sum(ops.mul(s.h, s.h))],
    ['c only (no gradient reaches h)', (s: fv.ops.LstmState) => ops.sum(ops.sigmoid(s.c))],
  ] as const)('same h, c and gradients of all seven inputs, loss on %s', (_, loss) => {
    fv.tidy(() => {
      fv.seed(3);
      const [b, i, h] = [7, 11, 13];
      const mk = (): fv.Tensor[] => [fv.randn([b, i]), fv.randn([b, h]), fv.randn([b, h]), fv.randn([4 * h, i]), fv.randn([4 * h, h]), fv.randn([4 * h]), fv.randn([4 * h])];
      const base = mk().map((t) => t.toFloat32Array());
      const shapes = [[b, i], [b, h], [b, h], [4 * h, i], [4 * h, h], [4 * h], [4 * h]];
      const run = (cell: typeof ops.lstmCell) => {
        const xs = base.map((d, k) => fv.tensor(d, shapes[k]));
        xs.forEach((t) => (t.requiresGrad = true));
        const s = cell(xs[0]!, xs[1]!, xs[2]!, xs[3]!, xs[4]!, xs[5], xs[6]);
        loss(s).backward();
        return [s.h, s.c, ...xs.map((t) => t.grad!)].map((t) => t.toFloat32Array());
      };
      const fused = run(ops.lstmCell);
      const composite = run(ops.lstmCellComposite);
      fused.forEach((v, k) => v.forEach((a, j) => expect(Math.abs(a - composite[k]![j]!), `output ${k} [${j}]`).toBeLessThan(1e-5 + 1e-5 * Math.abs(a))));
    });
  });
  it('leaves no native tensors behind once the graph is done', () => {
    fv.seed(4);
    const params = [fv.randn([8, 3]), fv.randn([8, 2]), fv.randn([8]), fv.randn([8])];
    params.forEach((p) => (p.requiresGrad = true));
    const step = (): void =>
      fv.tidy(() => {
        const s = ops.lstmCell(fv.randn([5, 3]), fv.zeros([5, 2]), fv.zeros([5, 2]), params[0]!, params[1]!, params[2], params[3]);
        ops.sum(s.h).backward();
      });
    step();
    const before = fv.memory().numTensors;
    for (let k = 0; k < 5; k++) step();
    expect(fv.memory().numTensors).toBe(before);
    fv.noGrad(() =>
      fv.tidy(() => {
        ops.lstmCell(fv.randn([5, 3]), fv.zeros([5, 2]), fv.zeros([5, 2]), params[0]!, params[1]!);
      }),
    );
    expect(fv.memory().numTensors).toBe(before);
  });
});

describe('dropout', () => {
  it('is the identity in eval mode and for p = 0; same seed, same mask; about p dropped', () => {
    fv.tidy(() => {
      const x = fv.ones([4000]);
      expect(ops.dropout(x, 0.3, { training: false })).toBe(x);
      expect(ops.dropout(x, 0)).toBe(x);
      fv.seed(8);
      const a = ops.dropout(x, 0.3).toFloat32Array();
      fv.seed(8);
      const b = ops.dropout(x, 0.3).toFloat32Array();
      expect(Array.from(a)).toEqual(Array.from(b));
      const kept = a.filter((v) => v !== 0);
      expect(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
      expect(Math.abs(1 - kept.length / 4000 - 0.3)).toBeLessThan(0.03);
      expect(Array.from(ops.dropout(x, 1).toFloat32Array()).every((v) => v === 0)).toBe(true);
    });
  });
});

describe('losses: extremes', () => {
  it('logits of ±1000 give finite losses and gradients', () => {
    fv.tidy(() => {
      const x = fv.tensor([1000, -1000, -1000, 1000, 0, 1000], [2, 3]);
      x.requiresGrad = true;
      const ce = ops.crossEntropy(x, ids([1, 0]));
      const bce = ops.bceWithLogits(x, fv.tensor([0, 1, 0, 1, 0.5, 0], [2, 3]));
      ops.add(ce, bce).backward();
      expect(ce.item()).toBeCloseTo((2000 + Math.log(2)) / 2, 3);
      expect(Number.isFinite(bce.item())).toBe(true);
      expect(Array.from(x.grad!.toFloat32Array()).every(Number.isFinite)).toBe(true);
    });
  });
});
