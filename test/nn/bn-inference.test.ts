// Batch-norm inference (PAPERS.md §2, Algorithm 2): the exact population pass,
// folding into the preceding Linear/Conv2d, and the refusals (statistics never
// computed; one value per channel in training).
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { messageOf } from '../helpers/errors.js';

const { nn } = fv;

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** Per-channel mean and biased variance of z [N,C] or [N,C,H,W] in float64. */
function channelStats(z: Float32Array, shape: readonly number[]): { mean: number[]; var: number[]; m: number } {
  const [n, c] = shape as [number, number];
  const hw = shape.slice(2).reduce((a, b) => a * b, 1);
  const mean: number[] = [];
  const vr: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let i = 0; i < n; i++) for (let p = 0; p < hw; p++) s += z[(i * c + ch) * hw + p]!;
    const mu = s / (n * hw);
    let q = 0;
    for (let i = 0; i < n; i++) for (let p = 0; p < hw; p++) q += (z[(i * c + ch) * hw + p]! - mu) ** 2;
    mean.push(mu);
    vr.push(q / (n * hw));
  }
  return { mean, var: vr, m: n * hw };
}

describe('computePopulationStatistics (Algorithm 2)', () => {
  it('sets E[x] = mean of batch means and Var[x] = m/(m−1)·mean of batch variances (Linear → BatchNorm1d)', () => {
    fv.seed(3);
    const lin = new nn.Linear(4, 3);
    const model = new nn.Sequential(lin, new nn.BatchNorm1d(3), new nn.Sigmoid());
    const xs = [0, 1, 2, 3].map((k) => fv.ops.addScalar(fv.randn([5, 4]), k * 0.5));
    const stats = xs.map((x) => fv.noGrad(() => channelStats(lin.forward(x).toFloat32Array(), [5, 3])));
    const r = nn.computePopulationStatistics(model, xs);
    expect(r).toEqual({ batches: 4, layers: ['1'] });
    const bn = model.layers[1] as fv.nn.BatchNorm1d;
    const m = 5;
    const wantMean = [0, 1, 2].map((c) => stats.reduce((s, st) => s + st.mean[c]!, 0) / 4);
    const wantVar = [0, 1, 2].map((c) => ((m / (m - 1)) * stats.reduce((s, st) => s + st.var[c]!, 0)) / 4);
    Array.from(bn.runningMean.toFloat32Array()).forEach((v, c) => expect(v).toBeCloseTo(wantMean[c]!, 5));
    Array.from(bn.runningVar.toFloat32Array()).forEach((v, c) => expect(v).toBeCloseTo(wantVar[c]!, 5));
    expect(bn.batchesTracked).toBe(4);
    expect(model.training).toBe(true);
    expect(bn.training).toBe(true);
    for (const x of xs) x.dispose();
    model.dispose();
  });

  it('uses N·H·W values per channel for BatchNorm2d, restores eval mode, and later training is back on moving averages', () => {
    fv.seed(4);
    const conv = new nn.Conv2d(2, 3, 3, { padding: 1, bias: false });
    const bn = new nn.BatchNorm2d(3);
    const model = new nn.Sequential(conv, bn, new nn.ReLU()).eval();
    const xs = [fv.randn([2, 2, 4, 5]), fv.randn([2, 2, 4, 5])];
    const stats = xs.map((x) => fv.noGrad(() => channelStats(conv.forward(x).toFloat32Array(), [2, 3, 4, 5])));
    nn.computePopulationStatistics(model, xs);
    expect(model.training).toBe(false);
    expect(bn.training).toBe(false);
    const m = stats[0]!.m;
    expect(m).toBe(40);
    const wantVar = [0, 1, 2].map((c) => ((m / (m - 1)) * (stats[0]!.var[c]! + stats[1]!.var[c]!)) / 2);
    Array.from(bn.runningVar.toFloat32Array()).forEach((v, c) => expect(v).toBeCloseTo(wantVar[c]!, 5));
    // One more training batch: the moving average with momentum 0.1, not an exact average.
    const before = bn.runningMean.toFloat32Array();
    model.train();
    const x3 = fv.randn([2, 2, 4, 5]);
    const s3 = fv.noGrad(() => channelStats(conv.forward(x3).toFloat32Array(), [2, 3, 4, 5]));
    fv.tidy(() => fv.noGrad(() => void model.forward(x3)));
    Array.from(bn.runningMean.toFloat32Array()).forEach((v, c) => expect(v).toBeCloseTo(0.9 * before[c]! + 0.1 * s3.mean[c]!, 5));
    expect(bn.batchesTracked).toBe(3);
    for (const x of [...xs, x3]) x.dispose();
    model.dispose();
  });

  it('refuses a model without batch norm and an empty pass', () => {
    const lin = new nn.Sequential(new nn.Linear(2, 2));
    expect(messageOf(() => nn.computePopulationStatistics(lin, [fv.zeros([2, 2])]))).toMatch(/^computePopulationStatistics: the model has no BatchNorm1d\/BatchNorm2d layer/);
    const model = new nn.Sequential(new nn.Linear(2, 2), new nn.BatchNorm1d(2));
    expect(messageOf(() => nn.computePopulationStatistics(model, []))).toMatch(/batches was empty/);
    lin.dispose();
    model.dispose();
  });
});

describe('foldBatchNorm', () => {
  /** Trains bn's statistics a little so they are not the initial 0/1, and moves γ, β off 1, 0. */
  function trainStats(layer: fv.nn.Linear | fv.nn.Conv2d, bn: fv.nn.BatchNorm1d | fv.nn.BatchNorm2d, shape: number[]): void {
    for (let k = 0; k < 3; k++) fv.tidy(() => fv.noGrad(() => void bn.forward(layer.forward(fv.ops.addScalar(fv.ops.mulScalar(fv.randn(shape), 2), 1)))));
    fv.noGrad(() => {
      const g = fv.rand(bn.weight!.shape, { low: 0.5, high: 2 });
      const b = fv.randn(bn.bias!.shape);
      bn.weight!.assign(g);
      bn.bias!.assign(b);
      g.dispose();
      b.dispose();
    });
    bn.eval();
  }

  it('a Linear with or without bias + BatchNorm1d folds into one Linear with the same outputs (within 1e-5)', () => {
    fv.seed(5);
    for (const bias of [true, false]) {
      const lin = new nn.Linear(7, 5, { bias });
      const bn = new nn.BatchNorm1d(5);
      trainStats(lin, bn, [16, 7]);
      const folded = nn.foldBatchNorm(lin, bn) as fv.nn.Linear;
      expect(folded).toBeInstanceOf(nn.Linear);
      const x = fv.randn([9, 7]);
      const [a, b] = fv.noGrad(() => [bn.forward(lin.forward(x)).toFloat32Array(), folded.forward(x).toFloat32Array()]);
      expect(maxAbsDiff(a!, b!)).toBeLessThan(1e-5);
      for (const t of [lin, bn, folded, x]) t.dispose();
    }
  });

  it('a strided, grouped Conv2d without bias + BatchNorm2d folds into one Conv2d with the same outputs (within 1e-5)', () => {
    fv.seed(6);
    const conv = new nn.Conv2d(4, 6, 3, { stride: 2, padding: 1, groups: 2, bias: false });
    const bn = new nn.BatchNorm2d(6);
    trainStats(conv, bn, [3, 4, 9, 8]);
    const folded = nn.foldBatchNorm(conv, bn) as fv.nn.Conv2d;
    expect(folded.bias).toBeDefined();
    const x = fv.randn([2, 4, 9, 8]);
    const [a, b] = fv.noGrad(() => [bn.forward(conv.forward(x)).toFloat32Array(), folded.forward(x).toFloat32Array()]);
    expect(a!.length).toBe(2 * 6 * 5 * 4);
    expect(maxAbsDiff(a!, b!)).toBeLessThan(1e-5);
    for (const t of [conv, bn, folded, x]) t.dispose();
  });

  it('the Fig 1 network folded after an Algorithm 2 pass gives the same logits', () => {
    fv.seed(7);
    const net = fv.models.bnMnistNet({ batchNorm: true });
    const xs = [0, 1, 2].map(() => fv.rand([20, 784]));
    nn.computePopulationStatistics(net, xs);
    net.eval();
    const folded = fv.models.foldBnMnistNet(net);
    expect(folded.layers.some((m) => m instanceof nn.BatchNorm1d)).toBe(false);
    const [a, b] = fv.noGrad(() => [net.forward(xs[0]!).toFloat32Array(), folded.forward(xs[0]!).toFloat32Array()]);
    expect(maxAbsDiff(a!, b!)).toBeLessThan(1e-5);
    for (const x of xs) x.dispose();
    net.dispose();
  });

  it('refuses an untrained batch norm, a size mismatch and a Conv2d with BatchNorm1d', () => {
    const lin = new nn.Linear(3, 4);
    expect(messageOf(() => nn.foldBatchNorm(lin, new nn.BatchNorm1d(4)))).toMatch(/^foldBatchNorm: the batch norm was never trained/);
    expect(messageOf(() => nn.foldBatchNorm(lin, new nn.BatchNorm1d(5)))).toMatch(/^foldBatchNorm: bn has 5 features but the layer has 4 outputs/);
    expect(messageOf(() => nn.foldBatchNorm(new nn.Conv2d(1, 4, 1), new nn.BatchNorm1d(4)))).toMatch(/a Conv2d folds with a BatchNorm2d/);
    expect(messageOf(() => nn.foldBatchNorm(new nn.Conv2d(1, 4, 1), new nn.BatchNorm2d(4, { activation: 'relu' })))).toMatch(/^foldBatchNorm: bn applies a fused relu, which a Conv2d cannot hold/);
  });
});

describe('batch-norm layers refuse what would be garbage', () => {
  it('evaluating statistics never computed is an error; training, a population pass or a loaded state lifts it', () => {
    fv.seed(8);
    const make = (): fv.nn.Sequential => new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2));
    const fresh = make().eval();
    const x = fv.randn([4, 3]);
    expect(messageOf(() => fresh.forward(x))).toMatch(/^BatchNorm1d\.forward: evaluation needs population statistics, but runningMean\/runningVar were never computed or updated \(numBatchesTracked = 0\)/);
    const bn2 = new nn.BatchNorm2d(3).eval();
    expect(messageOf(() => bn2.forward(fv.zeros([1, 3, 2, 2])))).toMatch(/^BatchNorm2d\.forward: evaluation needs population statistics/);
    // A training step counts one batch; evaluation then works.
    const trained = make();
    fv.tidy(() => void trained.forward(x));
    expect(trained.stateDict()['1.numBatchesTracked']!.toInt32Array()[0]).toBe(1);
    trained.eval();
    expect(fv.tidy(() => trained.forward(x).shape)).toEqual([4, 2]);
    // The count travels with the state: loading the trained state into the fresh model lifts the refusal.
    fresh.loadStateDict(trained.stateDict());
    expect(fv.tidy(() => fresh.forward(x).shape)).toEqual([4, 2]);
    // … and loading an untrained state brings it back.
    fresh.loadStateDict(make().stateDict());
    expect(messageOf(() => fresh.forward(x))).toMatch(/never computed or updated/);
    for (const t of [fresh, trained, bn2, x]) t.dispose();
  });

  it('training on one value per channel is the op’s clear error, at the module level', () => {
    expect(messageOf(() => new nn.BatchNorm1d(3).forward(fv.zeros([1, 3])))).toMatch(/^batchNorm: expected more than 1 value per channel when training, got x \[1,3\]/);
    expect(messageOf(() => new nn.BatchNorm2d(3).forward(fv.zeros([1, 3, 1, 1])))).toMatch(/^batchNorm: expected more than 1 value per channel when training, got x \[1,3,1,1\]/);
    const bn = new nn.BatchNorm1d(3);
    expect(messageOf(() => bn.forward(fv.zeros([1, 3])))).not.toBe('(no error)');
    expect(bn.batchesTracked).toBe(0);
  });
});
