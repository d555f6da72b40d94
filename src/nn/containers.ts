// Sequential and the parameter-free layers that go in it.
import { fail } from '../errors.js';
import { relu, reshape, sigmoid, tanh } from '../ops/index.js';
import { type Tensor } from '../tensor.js';
import { Module } from './module.js';

/** A module with one tensor in and one out, as Sequential chains them. */
export interface Layer {
  forward(x: Tensor): Tensor;
}

/** Applies its modules in order; their parameters are named "0.weight", "1.bias", … */
export class Sequential extends Module {
  readonly layers: (Module & Layer)[];

  constructor(...layers: (Module & Layer)[]) {
    super();
    layers.forEach((m, i) => {
      if (!(m instanceof Module)) fail('Sequential', `layer ${i} is not a Module`);
      this.registerModule(String(i), m);
    });
    this.layers = layers;
  }

  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, m) => m.forward(h), x);
  }
}

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** [N, ...] → [N, prod(...)]. */
export class Flatten extends Module {
  forward(x: Tensor): Tensor {
    return reshape(x, [x.shape[0] ?? 1, -1]);
  }
}
