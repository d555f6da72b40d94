// DRAM and the conv baseline: shapes and parameter counts (Table 3's DRAM row),
// the glimpse initialisation, a float64 gradcheck of the loss on a tiny
// configuration, a few steps on real cluttered MNIST lowering the loss, bad input.
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { type Tensor } from '../../src/index.js';
import { attentionWindow } from '../../src/models/draw.js';

const f64 = (t: Tensor): Tensor => fv.tensor(t.toFloat64Array(), t.shape, { dtype: 'float64' });

describe('DRAM model', () => {
  it('Table 3 sizes: 8 glimpses of 12×12 into a 256-unit LSTM, softmax on h_T; parameter count', () => {
    fv.seed(0);
    const m = new fv.models.DRAM({ glimpses: 8, readN: 12, lstmSize: 256 });
    expect(m.config).toEqual({ model: 'dram', width: 100, height: 100, glimpses: 8, readN: 12, lstmSize: 256, classes: 10, attentionGain: 0.3, boundedCentres: true });
    const shapes = Object.fromEntries(m.namedParameters().map(([n, p]) => [n, p.shape]));
    expect(shapes).toEqual({
      'lstm.weightIh': [1024, 144],
      'lstm.weightHh': [1024, 256],
      'lstm.biasIh': [1024],
      'lstm.biasHh': [1024],
      'readAttention.weight': [5, 256],
      'readAttention.bias': [5],
      'classifier.weight': [10, 256],
      'classifier.bias': [10],
    });
    const count = m.parameters().reduce((s, p) => s + p.size, 0);
    expect(count).toBe(4 * 256 * (144 + 256) + 2 * 4 * 256 + 5 * 257 + 10 * 257); // 415,503
    fv.tidy(() => {
      const r = m.rollout(fv.rand([3, 100, 100]));
      expect(r.logits.shape).toEqual([3, 10]);
      expect(r.windows.length).toBe(8);
      for (const w of r.windows) expect(w.shape).toEqual([3, 5]);
    });
    m.dispose();
  });

  it('the first glimpse covers the whole image: centred, stride spanning the width, σ 4.5, γ 1', () => {
    fv.seed(1);
    const m = new fv.models.DRAM({ glimpses: 2 });
    fv.tidy(() => {
      const r = m.rollout(fv.rand([2, 100, 100]));
      const p = r.windows[0]!.toFloat32Array();
      for (let i = 0; i < 2; i++) {
        const w = attentionWindow(p.subarray(i * 5, i * 5 + 5), 12, 100, 100);
        expect(w.x0).toBeCloseTo(0, 4);
        expect(w.x1).toBeCloseTo(99, 4);
        expect(w.y0).toBeCloseTo(0, 4);
        expect(w.sigma).toBeCloseTo(4.5, 4);
        expect(Math.exp(p[i * 5 + 4]!)).toBeCloseTo(1, 6);
      }
      // Small head weights: the second glimpse starts near the first.
      const q = r.windows[1]!.toFloat32Array();
      for (let k = 0; k < 10; k++) expect(Math.abs(q[k]! - p[k]!)).toBeLessThan(0.2);
    });
    m.dispose();
  });

  it('gradchecks the loss in float64 on a tiny configuration', () => {
    const c: fv.models.DramConfig = { model: 'dram', width: 9, height: 7, glimpses: 3, readN: 3, lstmSize: 4, classes: 3, attentionGain: 0.5, boundedCentres: true };
    fv.seed(4);
    const m = new fv.models.DRAM(c);
    const named = m.namedParameters();
    // Larger-than-init weights so the windows move and every gate is exercised.
    const weights = named.map(([, p]) => fv.tensor(Float64Array.from(p.toFloat64Array(), (v) => v * 2), p.shape, { dtype: 'float64' }));
    const x = f64(fv.rand([2, 7, 9]));
    const y = fv.tensor(new Int32Array([2, 0]), [2]);
    const r = fv.autograd.gradcheck((...ws) => fv.models.dramLoss(c, Object.fromEntries(named.map(([n], i) => [n, ws[i]!])), x, y), weights, { atol: 1e-6, rtol: 1e-4 });
    expect(r.failures, r.failures.join('\n')).toEqual([]);
    expect(r.ok).toBe(true);
    m.dispose();
  });

  it('bounded centres keep every window on the image however large the head output is; unbounded is the plain linear head', () => {
    fv.seed(7);
    const x = fv.rand([3, 100, 100]);
    for (const bounded of [true, false]) {
      const m = new fv.models.DRAM({ glimpses: 3, readN: 4, lstmSize: 8, boundedCentres: bounded, attentionGain: 1000 });
      fv.noGrad(() =>
        fv.tidy(() => {
          const r = m.rollout(x);
          const p = r.windows[2]!.toFloat32Array();
          const centres = Array.from({ length: 3 }, (_, i) => [p[i * 5]!, p[i * 5 + 1]!]).flat();
          if (bounded) for (const g of centres) expect(Math.abs(g)).toBeLessThanOrEqual(1);
          else expect(Math.max(...centres.map(Math.abs))).toBeGreaterThan(1);
        }),
      );
      m.dispose();
    }
    x.dispose();
  });

  it('the conv baseline: two 5×5 conv layers with 4× max-pooling and a linear layer; parameter count', () => {
    fv.seed(0);
    const m = new fv.models.ClutteredConvNet();
    expect(m.parameters().reduce((s, p) => s + p.size, 0)).toBe(16 * 25 + 16 + 32 * 16 * 25 + 32 + 32 * 6 * 6 * 10 + 10); // 24,778
    fv.tidy(() => expect(m.forward(fv.rand([2, 100, 100])).shape).toEqual([2, 10]));
    m.dispose();
  });

  it('a few training steps on real cluttered MNIST lower the loss on the same batch (DRAM and conv)', () => {
    const b = fv.data.clutteredMnist({ split: 'train', seed: 2 }).batch(0, 16);
    for (const make of [() => new fv.models.DRAM({ glimpses: 2, readN: 6, lstmSize: 32 }), () => new fv.models.ClutteredConvNet()]) {
      fv.seed(3);
      const m = make();
      const opt = new fv.optim.Adam(m.parameters(), { lr: 1e-2 });
      const x = fv.tensor(b.images, [16, 100, 100]);
      const y = fv.tensor(b.labels, [16]);
      const losses: number[] = [];
      for (let s = 0; s < 25; s++) {
        losses.push(
          fv.tidy(() => {
            opt.zeroGrad();
            const l = m.loss(x, y);
            l.backward();
            opt.step();
            return l.item();
          }),
        );
      }
      expect(losses[0]).toBeGreaterThan(1.9); // ≈ log 10 at the start
      expect(losses[24]!, `${m.constructor.name}: ${losses.map((l) => l.toFixed(2)).join(' ')}`).toBeLessThan(losses[0]! - 0.5);
      x.dispose();
      y.dispose();
      m.dispose();
    }
  });
});

describe('DRAM bad input', () => {
  it('a glimpse count, patch size or LSTM size of 0 is refused, naming the option', () => {
    expect(() => new fv.models.DRAM({ glimpses: 0 })).toThrow(/DRAM: glimpses must be a positive integer, got 0/);
    expect(() => new fv.models.DRAM({ readN: 0 })).toThrow(/DRAM: readN must be a positive integer, got 0/);
    expect(() => new fv.models.DRAM({ lstmSize: 2.5 })).toThrow(/DRAM: lstmSize must be a positive integer, got 2.5/);
  });

  it('images of the wrong size name the size the model takes', () => {
    fv.seed(0);
    const m = new fv.models.DRAM({ glimpses: 2, readN: 3, lstmSize: 4 });
    const c = new fv.models.ClutteredConvNet();
    fv.tidy(() => {
      expect(() => m.forward(fv.rand([2, 60, 60]))).toThrow(/DRAM.forward: images \[2,60,60\] do not fit this model: it takes \[batch,100,100\]/);
      expect(() => c.forward(fv.rand([2, 28, 28]))).toThrow(/ClutteredConvNet.forward: images \[2,28,28\] do not fit this model: it takes \[batch,100,100\]/);
    });
    m.dispose();
    c.dispose();
  });
});
