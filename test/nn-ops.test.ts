// Batch norm, LSTM cell, dropout, embedding and losses beyond the family
// samples: bad input (messages name op, argument and shapes), the fused LSTM
// cell against its composite twin on the native path, dropout's stream and
// modes, and no leaked native tensors.
import { describe, expect, it } from 'vitest';
import * as fv from '../src/index.js';
import { native } from '../src/native.js';
import { messageOf } from './helpers/errors.js';

const { ops } = fv;

const ids = (v: number[], shape = [v.length]): fv.Tensor => fv.tensor(Int32Array.from(v), shape);

describe('batchNorm: bad input', () => {
  it('names the argument and shapes', () => {
    const x = (): fv.Tensor => fv.zeros([4, 3]);
    expect(messageOf(() => ops.batchNorm(fv.zeros([4]), null, null, { training: true }))).toMatch(/^batchNorm: x must be \[N,C\].*\[4\]/);
    expect(messageOf(() => ops.batchNorm(x(), fv.ones([4]), null, { training: true }))).toMatch(/^batchNorm: weight must be \[3\].*x \[4,3\].*got \[4\]/);
    expect(messageOf(() => ops.batchNorm(x(), null, fv.ones([3, 1]), { training: true }))).toMatch(/^batchNorm: bias must be \[3\].*got \[3,1\]/);
    expect(messageOf(() => ops.batchNorm(x(), null, null, { training: false }))).toMatch(/^batchNorm: inference .*needs runningMean and runningVar/);
    expect(messageOf(() => ops.batchNorm(x(), null, null, { training: true, runningMean: fv.zeros([3]) }))).toMatch(/^batchNorm: runningMean and runningVar must be given together/);
    expect(messageOf(() => ops.batchNorm(x(), null, null, { training: false, runningMean: fv.zeros([2]), runningVar: fv.ones([2]) }))).toMatch(/^batchNorm: runningMean must be \[3\].*got \[2\]/);
    expect(messageOf(() => ops.batchNorm(x(), null, null, { training: true, momentum: 2 }))).toMatch(/^batchNorm: momentum must lie in \[0, 1\], got 2/);
    expect(messageOf(() => ops.batchNorm(x(), null, null, {} as fv.ops.BatchNormOptions))).toMatch(/^batchNorm: options.training must be true or false/);
    expect(messageOf(() => ops.batchNorm(ids([1, 2, 3, 4], [2, 2]), null, null, { training: true }))).toMatch(/^batchNorm: x .*int32/);
  });
  it('an unknown activation is named', () => {
    expect(messageOf(() => ops.batchNorm(fv.zeros([4, 3]), null, null, { training: true, activation: 'gelu' as 'relu' }))).toMatch(/^batchNorm: options.activation must be 'relu' or undefined, got gelu/);
    expect(messageOf(() => new fv.nn.BatchNorm2d(3, { activation: 'tanh' as 'relu' }))).toMatch(/^BatchNorm2d: activation must be 'relu' or undefined, got tanh/);
  });
  it('one value per channel in training is a clear error (m = 1), in inference it is fine', () => {
    expect(messageOf(() => ops.batchNorm(fv.zeros([1, 3]), null, null, { training: true }))).toMatch(/^batchNorm: expected more than 1 value per channel when training, got x \[1,3\]/);
    expect(messageOf(() => ops.batchNorm(fv.zeros([1, 3, 1, 1]), null, null, { training: true }))).toMatch(/\[1,3,1,1\]/);
    const y = fv.tidy(() => ops.batchNorm(fv.ones([1, 3]), null, null, { training: false, runningMean: fv.zeros([3]), runningVar: fv.ones([3]), eps: 0 }).toFloat32Array());
    expect(Array.from(y)).toEqual([1, 1, 1]);
  });
  it('the native layer re-checks what bypasses TypeScript', () => {
    const t = (s: number[]): fv.Tensor => fv.zeros(s);
    expect(() => native.batchNorm(t([1, 3]).handle('t'), t([3]).handle('t'), t([3]).handle('t'), undefined, undefined, 1e-5, false)).toThrow(/^batchNorm: expected more than 1 value per channel/);
    expect(() => native.batchNorm(t([4, 3]).handle('t'), t([2]).handle('t'), t([3]).handle('t'), undefined, undefined, 1e-5, true)).toThrow(/^batchNorm: weight must be \[3\]/);
    const [x, v] = [t([4, 3]).handle('t'), t([3]).handle('t')];
    expect(() => native.batchNormBackward(x, x, v, v, v, true, t([2]).handle('t'))).toThrow(/^batchNormBackward: reluBias must be \[3\] .*got \[2\]/);
    expect(() => native.batchNormUpdateRunning(t([3]).handle('t'), t([3]).handle('t'), t([3]).handle('t'), t([3]).handle('t'), 0.1, 1)).toThrow(/^batchNorm: expected more than 1 value/);
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
  it('bad input names the argument and the shapes', () => {
    const z = (s: number[]): fv.Tensor => fv.zeros(s);
    expect(messageOf(() => ops.lstmCell(z([2, 3]), z([2, 4]), z([2, 4]), z([16, 2]), z([16, 4])))).toMatch(/^lstmCell: weightIh must be \[16,3\] for x \[2,3\] and h \[2,4\], got \[16,2\]/);
    expect(messageOf(() => ops.lstmCell(z([2, 3]), z([3, 4]), z([2, 4]), z([16, 3]), z([16, 4])))).toMatch(/^lstmCell: h must be \[2, hidden\].*got \[3,4\]/);
    expect(messageOf(() => ops.lstmCell(z([2, 3]), z([2, 4]), z([2, 5]), z([16, 3]), z([16, 4])))).toMatch(/^lstmCell: c must be \[2,4\].*got \[2,5\]/);
    expect(messageOf(() => ops.lstmCell(z([2, 3]), z([2, 4]), z([2, 4]), z([16, 3]), z([16, 4]), z([15])))).toMatch(/^lstmCell: biasIh must be \[16\].*got \[15\]/);
    expect(() => native.lstmCell(z([2, 8]).handle('t'), undefined, undefined, z([2, 3]).handle('t'))).toThrow(/^lstmCell: gx must be \[2,12\]/);
    // The whole-cell kernels check their own operands too (callers other than ops.lstmCell).
    const h = (s: number[]) => z(s).handle('t');
    expect(() => native.lstmStep(h([2, 3]), h([2, 4]), h([2, 4]), h([16, 3]), h([16, 5]))).toThrow(/^lstmCell: weightHh must be \[16,4\] for x \[2,3\] and c \[2,4\], got \[16,5\]/);
    expect(() => native.lstmStepBackward(h([2, 3]), h([2, 4]), h([2, 4]), h([16, 3]), h([16, 4]), undefined, undefined, h([2, 15]), [true, true, true, true, true, true])).toThrow(/^lstmCellBackward: gates must be \[2,16\], got \[2,15\]/);
    expect(() => native.lstmStepBackward(h([2, 3]), h([2, 4]), h([2, 4]), h([16, 3]), h([16, 4]), h([2, 3]), undefined, h([2, 16]), [true, true, true, true, true, true])).toThrow(/^lstmCellBackward: dh must be \[2,4\], got \[2,3\]/);
    expect(() => native.lstmStepBackward(h([2, 3]), h([2, 4]), h([2, 4]), h([16, 3]), h([16, 4]), undefined, undefined, h([2, 16]), [true])).toThrow(/^lstmCellBackward: need must hold 6 flags, got 1/);
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
  it('bad p or options', () => {
    expect(messageOf(() => ops.dropout(fv.zeros([3]), 1.5))).toMatch(/^dropout: p must lie in \[0, 1\], got 1.5/);
    expect(messageOf(() => ops.dropout(fv.zeros([3]), NaN))).toMatch(/^dropout: p must lie in \[0, 1\], got NaN/);
    expect(messageOf(() => ops.dropout(ids([1, 2]), 0.5))).toMatch(/^dropout: x .*int32/);
  });
});

describe('embedding: bad input', () => {
  it('out-of-range ids name the index and value', () => {
    expect(messageOf(() => ops.embedding(ids([0, 2, 5, 1]), fv.zeros([5, 3])))).toMatch(/^embedding: ids\[2\] = 5 is out of range 0..5 for weight \[5,3\]/);
    expect(messageOf(() => ops.embedding(ids([0, -1]), fv.zeros([5, 3])))).toMatch(/^embedding: ids\[1\] = -1 is out of range/);
    expect(messageOf(() => ops.embedding(fv.zeros([2]), fv.zeros([5, 3])))).toMatch(/^embedding: ids must be int32, got float32 \[2\]/);
    expect(messageOf(() => ops.embedding(ids([0]), fv.zeros([5])))).toMatch(/^embedding: weight must be \[numEmbeddings, dim\], got \[5\]/);
  });
});

describe('losses: bad input and extremes', () => {
  it('crossEntropy names targets, index and shapes', () => {
    expect(messageOf(() => ops.crossEntropy(fv.zeros([3, 4]), ids([0, 4, 1])))).toMatch(/^crossEntropy: targets\[1\] = 4 is out of range 0..4/);
    expect(messageOf(() => ops.crossEntropy(fv.zeros([3, 4]), ids([0, 1])))).toMatch(/^crossEntropy: targets must be \[3\].*logits \[3,4\].*got \[2\]/);
    expect(messageOf(() => ops.crossEntropy(fv.zeros([3, 4]), fv.zeros([3])))).toMatch(/^crossEntropy: targets must be int32 class indices, got float32 \[3\]/);
    expect(messageOf(() => ops.crossEntropy(fv.zeros([3]), ids([0, 1, 2])))).toMatch(/^crossEntropy: logits must be \[N,K\], got \[3\]/);
    expect(messageOf(() => ops.crossEntropy(fv.zeros([3, 4]), ids([0, 1, 2]), { reduction: 'avg' as 'mean' }))).toMatch(/^crossEntropy: reduction must be 'mean', 'sum' or 'none', got "avg"/);
    expect(messageOf(() => ops.crossEntropy(fv.zeros([3, 4], { dtype: 'float64' }), ids([0, 9, 2])))).toMatch(/^crossEntropy: targets\[1\] = 9 is out of range 0..4/);
  });
  it('bceWithLogits names both shapes', () => {
    expect(messageOf(() => ops.bceWithLogits(fv.zeros([3, 4]), fv.zeros([4, 3])))).toMatch(/^bceWithLogits: targets \[4,3\] must match logits \[3,4\]/);
    expect(messageOf(() => ops.bceWithLogits(fv.zeros([2]), fv.zeros([2], { dtype: 'float64' })))).toMatch(/^bceWithLogits: targets is float64/);
  });
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
