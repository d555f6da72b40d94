// The MNIST network of the Batch Normalization paper's Figure 1 (PAPERS.md §2):
// 28×28 → three fully connected layers of 100 sigmoid units → 10 logits, weights
// from a small Gaussian. With BN, each hidden layer is z = sigmoid(BN(W u)): the
// BN's β replaces the linear bias (Linear without bias).
import { checkOptions } from '../options.js';
import { full } from '../creation.js';
import { type DeviceName } from '../device.js';
import { asOp, fail } from '../errors.js';
import { BatchNorm1d, Flatten, Linear, Sequential, Sigmoid, foldBatchNorm, init } from '../nn/index.js';
import { type Tensor, noGrad } from '../tensor.js';

export interface BnMnistOptions {
  /** Batch norm on every hidden layer (default true). */
  batchNorm?: boolean;
  /** Hidden units per layer (default 100) and hidden layers (default 3). */
  hidden?: number;
  layers?: number;
  /** Standard deviation of the Gaussian weights (default 0.1); biases start at 0. */
  initStd?: number;
  device?: DeviceName;
}

/** [N,28,28] or [N,784] → [N,10] logits: Flatten, (Linear, [BatchNorm1d], Sigmoid) × layers, Linear. */
export function bnMnistNet(options: BnMnistOptions = {}): Sequential {
  checkOptions('bnMnistNet', options, ['batchNorm', 'hidden', 'layers', 'initStd', 'device']);
  const { batchNorm = true, hidden = 100, layers = 3, initStd = 0.1, device } = options;
  if (!(initStd > 0) || !Number.isFinite(initStd)) fail('bnMnistNet', `initStd must be a positive finite number, got ${initStd}`);
  // layers 0 is the plain softmax regression 784 → 10.
  if (typeof layers !== 'number' || !Number.isSafeInteger(layers) || layers < 0) fail('bnMnistNet', `layers must be a non-negative integer, got ${JSON.stringify(layers)}`);
  if (typeof hidden !== 'number' || !Number.isSafeInteger(hidden) || hidden < 1) fail('bnMnistNet', `hidden must be a positive integer, got ${JSON.stringify(hidden)}`);
  if (typeof batchNorm !== 'boolean') fail('bnMnistNet', `batchNorm must be true or false, got ${JSON.stringify(batchNorm)}`);
  const mods: ConstructorParameters<typeof Sequential> = [new Flatten()];
  const linear = (i: number, o: number, bias: boolean): Linear => {
    const l = new Linear(i, o, { bias, device });
    noGrad(() => {
      const w = init.gaussian(l.weight.shape, initStd, device);
      l.weight.assign(w);
      w.dispose();
      if (l.bias) {
        const z = full(l.bias.shape, 0, { device });
        l.bias.assign(z);
        z.dispose();
      }
    });
    return l;
  };
  let fan = 28 * 28;
  return asOp('bnMnistNet', () => {
    for (let k = 0; k < layers; k++) {
      mods.push(linear(fan, hidden, !batchNorm));
      if (batchNorm) mods.push(new BatchNorm1d(hidden, { device }));
      mods.push(new Sigmoid());
      fan = hidden;
    }
    mods.push(linear(fan, 10, true));
    return new Sequential(...mods);
  });
}

/** The input of the last hidden layer's sigmoid, [N, hidden] (the model's current mode). */
export function lastSigmoidInput(model: Sequential, x: Tensor): Tensor {
  const last = model.layers.map((m) => m instanceof Sigmoid).lastIndexOf(true);
  if (last < 0) fail('lastSigmoidInput', 'the model has no Sigmoid layer');
  return model.layers.slice(0, last).reduce((h, m) => m.forward(h), x);
}

/**
 * The same network for inference with every (Linear, BatchNorm1d) pair folded
 * into one Linear; the other layers are shared with `model`, not copied.
 */
export function foldBnMnistNet(model: Sequential): Sequential {
  const out: ConstructorParameters<typeof Sequential> = [];
  const ls = model.layers;
  for (let i = 0; i < ls.length; i++) {
    const m = ls[i]!;
    const next = ls[i + 1];
    if (m instanceof Linear && next instanceof BatchNorm1d) {
      out.push(foldBatchNorm(m, next));
      i++;
    } else out.push(m);
  }
  return new Sequential(...out).eval();
}
