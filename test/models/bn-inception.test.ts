// BN-Inception against the Figure 5 table (PAPERS.md §2): every stage's output
// shape at 224×224, the channel arithmetic of both 4c/4d options, and the
// parameter count written out from the table's numbers.
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { messageOf } from '../helpers/errors.js';

function shapesAt224(options: fv.models.BNInceptionOptions): Record<string, number[]> {
  fv.seed(0);
  const net = new fv.models.BNInception(options);
  const shapes: Record<string, number[]> = {};
  fv.tidy(() => fv.noGrad(() => void net.features(fv.randn([2, 3, 224, 224]), (name, y) => (shapes[name] = [...y.shape]))));
  net.dispose();
  return shapes;
}

const paramCount = (m: fv.nn.Module): number => m.parameters().reduce((s, p) => s + p.size, 0);

// The table, written out again here (not imported): #1×1, #3×3 reduce, #3×3,
// double #3×3 reduce, double #3×3, pool projection (0: max pool passed through).
const TABLE: [string, number, number, number, number, number, number][] = [
  ['3a', 64, 64, 64, 64, 96, 32],
  ['3b', 64, 64, 96, 64, 96, 64],
  ['3c', 0, 128, 160, 64, 96, 0],
  ['4a', 224, 64, 96, 96, 128, 128],
  ['4b', 192, 96, 128, 96, 128, 128],
  ['4c', 160, 128, 160, 128, 160, 128],
  ['4d', 96, 128, 192, 160, 192, 128],
  ['4e', 0, 128, 192, 192, 256, 0],
  ['5a', 352, 192, 320, 160, 224, 128],
  ['5b', 352, 192, 320, 192, 224, 128],
];

/**
 * Parameters by the table's arithmetic: a k×k conv from a to b channels has
 * k·k·a·b weights and no bias; its BN has γ and β (2·b); the FC has
 * 1024·classes + classes. Returns the total and the channels after each module.
 */
function tableArithmetic(proj4cd: number, classes: number): { total: number; channels: Record<string, number> } {
  const conv = (k: number, a: number, b: number): number => k * k * a * b + 2 * b;
  let total = 3 * 8 * 7 * 7 + 24 * 64 + 2 * 64; // conv1: depthwise 7×7 (3 → 24), 1×1 24 → 64, BN
  total += conv(1, 64, 64) + conv(3, 64, 192); // conv2: 1×1 reduce 64, 3×3 192
  let c = 192;
  const channels: Record<string, number> = {};
  for (const [name, c1, r3, c3, rd, d3, p0] of TABLE) {
    const p = name === '4c' || name === '4d' ? proj4cd : p0;
    total += (c1 ? conv(1, c, c1) : 0) + conv(1, c, r3) + conv(3, r3, c3) + conv(1, c, rd) + conv(3, rd, d3) + conv(3, d3, d3) + (p ? conv(1, c, p) : 0);
    c = c1 + c3 + d3 + (p ? p : c); // a pass-through pool keeps the input's c channels
    channels[name] = c;
  }
  total += c * classes + classes;
  return { total, channels };
}

describe('BN-Inception (Figure 5)', () => {
  it('every stage has the table’s output shape at 224×224 (branch-column option: 608 after 4c/4d, 1056 after 4e)', () => {
    const s = shapesAt224({ numClasses: 1000 });
    const hw = (c: number, h: number): number[] => [2, c, h, h];
    expect(s).toEqual({
      conv1: hw(64, 112),
      pool1: hw(64, 56),
      conv2_reduce: hw(64, 56),
      conv2: hw(192, 56),
      pool2: hw(192, 28),
      inception_3a: hw(256, 28),
      inception_3b: hw(320, 28),
      inception_3c: hw(576, 14),
      inception_4a: hw(576, 14),
      inception_4b: hw(576, 14),
      inception_4c: hw(608, 14),
      inception_4d: hw(608, 14),
      inception_4e: hw(1056, 7),
      inception_5a: hw(1024, 7),
      inception_5b: hw(1024, 7),
      avgpool: hw(1024, 1),
    });
  });

  it('poolProjection4cd: 96 keeps the printed output column (576 after 4c/4d, 1024 after 4e)', () => {
    const s = shapesAt224({ numClasses: 10, poolProjection4cd: 96 });
    expect([s.inception_4c, s.inception_4d, s.inception_4e, s.inception_5b]).toEqual([
      [2, 576, 14, 14],
      [2, 576, 14, 14],
      [2, 1024, 7, 7],
      [2, 1024, 7, 7],
    ]);
  });

  it('the parameter count is the table’s arithmetic: 11,278,528 (proj 128) and 11,188,288 (proj 96) with 1000 classes', () => {
    for (const proj of [128, 96] as const) {
      const want = tableArithmetic(proj, 1000);
      const net = new fv.models.BNInception({ numClasses: 1000, poolProjection4cd: proj });
      expect(paramCount(net)).toBe(want.total);
      for (const [name, c] of Object.entries(want.channels)) expect(net.channels[`inception_${name}`]).toBe(c);
      net.dispose();
    }
    expect(tableArithmetic(128, 1000).total).toBe(11_278_528);
    expect(tableArithmetic(96, 1000).total).toBe(11_188_288);
    // The paper says 13.6M: 2.3M more than the table's layers hold. γ/β are only
    // 2·(sum of conv outputs) ≈ 0.03M and the FC 1.03M, so neither explains it; the
    // count presumably included layers the table does not list (e.g. an auxiliary head).
    expect(13.6e6 - tableArithmetic(128, 1000).total).toBeGreaterThan(2.3e6);
  });

  it('BN before every nonlinearity and no conv biases; without BN the convs have biases and there is no BN', () => {
    const net = new fv.models.BNInception({ numClasses: 10, widthMultiplier: 0.125 });
    const names = net.namedParameters().map(([n]) => n);
    const convWeights = names.filter((n) => /(conv|depthwise|pointwise)\.weight$/.test(n));
    const convBiases = names.filter((n) => /(conv|depthwise|pointwise)\.bias$/.test(n));
    const bnWeights = names.filter((n) => /\.bn\.weight$/.test(n));
    expect(convBiases).toEqual([]);
    // 4 convs in the stem (depthwise + pointwise share one BN) + 7 per module, 6 in 3c/4e (no 1×1, no projection)
    expect(convWeights.length).toBe(2 + 2 + 8 * 7 + 2 * 5);
    expect(bnWeights.length).toBe(1 + 2 + 8 * 7 + 2 * 5);
    const plain = new fv.models.BNInception({ numClasses: 10, widthMultiplier: 0.125, batchNorm: false });
    const pn = plain.namedParameters().map(([n]) => n);
    expect(pn.filter((n) => /\.bn\./.test(n))).toEqual([]);
    expect(pn.filter((n) => /(conv|pointwise)\.bias$/.test(n)).length).toBe(1 + 2 + 8 * 7 + 2 * 5);
    net.dispose();
    plain.dispose();
  });

  it('a narrow variant trains end to end on 1-channel 32×32 input (every parameter gets a gradient), and evaluation needs statistics', () => {
    fv.seed(1);
    for (const activation of ['relu', 'sigmoid'] as const) {
      const net = new fv.models.BNInception({ numClasses: 10, widthMultiplier: 0.125, inChannels: 1, activation });
      const x = fv.randn([4, 1, 32, 32]);
      const y = fv.tensor(new Int32Array([0, 1, 2, 3]), [4]);
      expect(messageOf(() => net.eval().forward(x))).toMatch(/evaluation needs population statistics/);
      net.train();
      const loss = fv.ops.crossEntropy(net.forward(x), y);
      expect(Number.isFinite(loss.item())).toBe(true);
      loss.backward();
      for (const [n, p] of net.namedParameters()) expect(p.grad, n).toBeDefined();
      net.eval();
      expect(fv.tidy(() => net.forward(x).shape)).toEqual([4, 10]);
      net.dispose();
    }
  });

  it('refuses bad options and input', () => {
    expect(messageOf(() => new fv.models.BNInception({ numClasses: 0 }))).toMatch(/^BNInception: numClasses must be a positive integer, got 0/);
    expect(messageOf(() => new fv.models.BNInception({ numClasses: 10, poolProjection4cd: 64 as 96 }))).toMatch(/^BNInception: poolProjection4cd must be 128 or 96, got 64/);
    expect(messageOf(() => new fv.models.BNInception({ numClasses: 10, activation: 'tanh' as 'relu' }))).toMatch(/activation must be 'relu' or 'sigmoid'/);
    const net = new fv.models.BNInception({ numClasses: 10, widthMultiplier: 0.125 });
    expect(messageOf(() => net.forward(fv.zeros([2, 1, 32, 32])))).toMatch(/^BNInception\.forward: x must be \[N,3,H,W\], got \[2,1,32,32\]/);
    net.dispose();
  });
});
