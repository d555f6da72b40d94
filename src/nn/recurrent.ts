// LSTMCell with PyTorch's parameters and gate order (i, f, g, o), so its
// weights load from PyTorch as they are; the pointwise part is one fused kernel.
import { checkOptions } from '../options.js';
import { allocating, asOp, fail, fmtShape } from '../errors.js';
import { checkAny } from '../ops/check.js';
import { zeros } from '../creation.js';
import { type DeviceName } from '../device.js';
import { lstmCell } from '../ops/index.js';
import { type LstmState } from '../ops/lstm.js';
import { type Tensor } from '../tensor.js';
import { uniformFanIn } from './init.js';
import { Module } from './module.js';

export class LSTMCell extends Module {
  readonly weightIh: Tensor;
  readonly weightHh: Tensor;
  readonly biasIh: Tensor | undefined;
  readonly biasHh: Tensor | undefined;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: { bias?: boolean; device?: DeviceName } = {},
  ) {
    super();
    checkOptions('LSTMCell', options, ['bias', 'device']);
    if (!Number.isInteger(inputSize) || inputSize < 1 || !Number.isInteger(hiddenSize) || hiddenSize < 1) {
      fail('LSTMCell', `input and hidden sizes must be positive integers, got ${inputSize} and ${hiddenSize}`);
    }
    const d = options.device;
    // PyTorch: every weight and bias U(−1/√H, 1/√H).
    const make = (name: string, shape: number[]): Tensor => this.registerParameter(name, allocating('LSTMCell', name, () => uniformFanIn(shape, hiddenSize, d)));
    this.weightIh = make('weightIh', [4 * hiddenSize, inputSize]);
    this.weightHh = make('weightHh', [4 * hiddenSize, hiddenSize]);
    const bias = options.bias ?? true;
    this.biasIh = bias ? make('biasIh', [4 * hiddenSize]) : undefined;
    this.biasHh = bias ? make('biasHh', [4 * hiddenSize]) : undefined;
  }

  /** Zero state for a batch. */
  initialState(batch: number): LstmState {
    const device = this.weightIh.device;
    return { h: zeros([batch, this.hiddenSize], { device }), c: zeros([batch, this.hiddenSize], { device }) };
  }

  /** One step: x [B, input] and the previous { h, c } (zeros when omitted) → the next { h, c }. */
  forward(x: Tensor, state?: LstmState): LstmState {
    const op = 'LSTMCell.forward';
    checkAny(op, 'x', x);
    if (x.rank !== 2 || x.shape[1] !== this.inputSize) fail(op, `x ${fmtShape(x.shape)} must be [batch, ${this.inputSize}]`);
    if (state !== undefined && (state === null || typeof state !== 'object')) fail(op, `state must be { h, c } or undefined, got ${state === null ? 'null' : typeof state}`);
    const { h, c } = state ?? this.initialState(x.shape[0]!);
    const want = `[${x.shape[0]},${this.hiddenSize}]`;
    if (h === undefined || c === undefined) fail(op, `state needs both h and c (each ${want}), got ${h === undefined ? 'no h' : 'h'} and ${c === undefined ? 'no c' : 'c'}`);
    checkAny(op, 'state.h', h);
    checkAny(op, 'state.c', c);
    return asOp(op, () => lstmCell(x, h, c, this.weightIh, this.weightHh, this.biasIh, this.biasHh));
  }
}
