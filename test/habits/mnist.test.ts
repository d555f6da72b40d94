// The first hour of a PyTorch user: MNIST with no arguments, as tensors, and a
// 2-layer MLP written with property-assigned layers and tensor methods that
// trains and gets better.
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

class MLP extends fv.nn.Module {
  fc1 = new fv.nn.Linear(784, 128);
  fc2 = new fv.nn.Linear(128, 10);
  forward(x: fv.Tensor): fv.Tensor {
    return this.fc2.forward(this.fc1.forward(x).relu());
  }
}

describe('habits: MNIST and a first model', () => {
  it('mnist() defaults to the training split; a string split works; the old return shape stays', () => {
    const train = fv.data.mnist();
    expect(train.shape).toEqual([60000, 28, 28]);
    expect(train).toBe(fv.data.mnist({ split: 'train' }));
    expect(fv.data.mnist('test').shape).toEqual([10000, 28, 28]);
    expect(Object.keys(train).sort()).toEqual(['images', 'labels', 'shape']);
    expect(() => fv.data.mnist({ split: 'val' as 'train' })).toThrow(/mnist: split must be 'train' or 'test', got "val"/);
  });

  it('hands back tensors: images float32 [n,28,28] or [n,784], labels int32 [n]', () => {
    const test = fv.data.mnist({ split: 'test' });
    const { images, labels } = test.tensors();
    expect([images.shape, images.dtype, labels.shape, labels.dtype]).toEqual([[10000, 28, 28], 'float32', [10000], 'int32']);
    expect(Array.from(labels.toInt32Array().subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    const flat = test.tensors({ flatten: true }).images;
    expect(flat.shape).toEqual([10000, 784]);
    expect(flat.toFloat32Array().subarray(0, 784)).toEqual(test.images.subarray(0, 784));
    for (const t of [images, labels, flat]) t.dispose();
  });

  it('a 2-layer MLP with property-assigned Linear layers trains on MNIST and its loss drops', () => {
    fv.seed(0);
    const model = new MLP();
    expect(model.parameters().length).toBe(4);
    const opt = new fv.optim.Adam(model.parameters(), { lr: 1e-3 });
    const losses: number[] = [];
    let step = 0;
    for (const { x, y } of fv.data.mnist().batches({ batchSize: 64, shuffle: true, seed: 1 })) {
      const loss = fv.tidy(() => {
        opt.zeroGrad();
        const l = model.forward(x.reshape([-1, 784])).crossEntropy(y!);
        l.backward();
        opt.step();
        return l.item();
      });
      x.dispose();
      y!.dispose();
      losses.push(loss);
      if (++step === 60) break;
    }
    const first = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    const last = losses.slice(-5).reduce((a, b) => a + b) / 5;
    expect(first).toBeGreaterThan(1.5);
    expect(last).toBeLessThan(first * 0.6);

    // accuracy as a PyTorch user writes it: argmax against int32 labels
    const { images, labels } = fv.data.mnist({ split: 'test' }).tensors({ flatten: true });
    const acc = fv.tidy(() => fv.noGrad(() => model.forward(images.slice([0], [1000])).argmax(1).eq(labels.slice([0], [1000])).mean().item()));
    expect(acc).toBeGreaterThan(0.7);
    images.dispose();
    labels.dispose();
    model.dispose();
  });
});
