// Two MNIST classifiers for the training stack's first real run: an MLP and a
// small conv net (two 5×5 conv + max-pool stages, as LeNet-style nets do).
import { checkOptions } from '../options.js';
import { asOp, fail } from '../errors.js';
import { type DeviceName } from '../device.js';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '../nn/index.js';

/** 784 → hidden → hidden → 10 with ReLU. */
export function mnistMlp(options: { hidden?: number; device?: DeviceName } = {}): Sequential {
  checkOptions('mnistMlp', options, ['hidden', 'device']);
  const { hidden = 512, device } = options;
  if (typeof hidden !== 'number' || !Number.isSafeInteger(hidden) || hidden < 1) fail('mnistMlp', `hidden must be a positive integer, got ${JSON.stringify(hidden)}`);
  return asOp('mnistMlp', () => new Sequential(new Flatten(), new Linear(784, hidden, { device }), new ReLU(), new Linear(hidden, hidden, { device }), new ReLU(), new Linear(hidden, 10, { device })));
}

/** [N,1,28,28] → conv5 16 → pool → conv5 32 → pool → 128 → 10. */
export function mnistConvNet(options: { device?: DeviceName } = {}): Sequential {
  checkOptions('mnistConvNet', options, ['device']);
  const { device } = options;
  return new Sequential(
    new Conv2d(1, 16, 5, { padding: 2, device }),
    new ReLU(),
    new MaxPool2d({ kernel: 2 }),
    new Conv2d(16, 32, 5, { padding: 2, device }),
    new ReLU(),
    new MaxPool2d({ kernel: 2 }),
    new Flatten(),
    new Linear(32 * 7 * 7, 128, { device }),
    new ReLU(),
    new Linear(128, 10, { device }),
  );
}
