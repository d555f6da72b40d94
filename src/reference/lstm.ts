// The pointwise LSTM cell, gate order i, f, g, o (PyTorch's), in plain loops:
//   i, f, o = σ(·), g = tanh(·), c' = f⊙c + i⊙g, h' = o⊙tanh(c').
// Pre-activations are gx (+ gh) (+ bias) [B,4H], the GEMMs' results.
import { type RefArray } from './array.js';
import { binary } from './elementwise.js';
import { matmul } from './gemm.js';
import { reduce } from './reduce.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export interface LstmForward {
  /** [B,H] each: the new hidden and cell states. */
  h: RefArray;
  c: RefArray;
  /** [B,4H]: the activated gates i, f, g, o. */
  gates: RefArray;
}

export function lstmCell(gx: RefArray, gh: RefArray | undefined, bias: RefArray | undefined, c: RefArray): LstmForward {
  const [b, h] = [c.shape[0]!, c.shape[1]!];
  const [hs, cs] = [new Float64Array(b * h), new Float64Array(b * h)];
  const gates = new Float64Array(4 * b * h);
  for (let r = 0; r < b; r++) {
    for (let j = 0; j < h; j++) {
      const pre = (q: number): number => {
        const at = r * 4 * h + q * h + j;
        return gx.data[at]! + (gh?.data[at] ?? 0) + (bias?.data[q * h + j] ?? 0);
      };
      const [i, f, g, o] = [sigmoid(pre(0)), sigmoid(pre(1)), Math.tanh(pre(2)), sigmoid(pre(3))];
      const cn = f * c.data[r * h + j]! + i * g;
      [i, f, g, o].forEach((v, q) => (gates[r * 4 * h + q * h + j] = v));
      hs[r * h + j] = o * Math.tanh(cn);
      cs[r * h + j] = cn;
    }
  }
  return { h: { shape: [b, h], data: hs }, c: { shape: [b, h], data: cs }, gates: { shape: [b, 4 * h], data: gates } };
}

export interface LstmGrads {
  /** [B,4H]: gradients of the pre-activations. */
  dgates: RefArray;
  /** [B,H]: gradient of the previous cell state. */
  dc: RefArray;
}

/**
 * Backward from the gradients of h' and c' [B,H] (undefined: zero), by the chain
 * rule; c' is recomputed from the gates as the native kernels do.
 */
export function lstmCellBackward(dhs: RefArray | undefined, dcs: RefArray | undefined, gates: RefArray, c: RefArray): LstmGrads {
  const [b, h] = [c.shape[0]!, c.shape[1]!];
  const dgates = new Float64Array(4 * b * h);
  const dc = new Float64Array(b * h);
  for (let r = 0; r < b; r++) {
    for (let j = 0; j < h; j++) {
      const at = r * h + j;
      const gate = (q: number): number => gates.data[r * 4 * h + q * h + j]!;
      const [i, f, g, o] = [gate(0), gate(1), gate(2), gate(3)];
      const tc = Math.tanh(f * c.data[at]! + i * g);
      const dh = dhs?.data[at] ?? 0;
      const dcTotal = (dcs?.data[at] ?? 0) + dh * o * (1 - tc * tc); // c' reaches the loss directly and through h'
      const d = [dcTotal * g * i * (1 - i), dcTotal * c.data[at]! * f * (1 - f), dcTotal * i * (1 - g * g), dh * tc * o * (1 - o)];
      d.forEach((v, q) => (dgates[r * 4 * h + q * h + j] = v));
      dc[at] = dcTotal * f;
    }
  }
  return { dgates: { shape: [b, 4 * h], data: dgates }, dc: { shape: [b, h], data: dc } };
}

/** The whole cell's operands (biases optional). */
export interface LstmStepInputs {
  x: RefArray;
  h: RefArray;
  c: RefArray;
  weightIh: RefArray;
  weightHh: RefArray;
  biasIh?: RefArray | undefined;
  biasHh?: RefArray | undefined;
}

/** The whole cell: gates = x·W_ihᵀ + h·W_hhᵀ + b_ih + b_hh, then the pointwise forward. */
export function lstmStep(p: LstmStepInputs): LstmForward {
  const bias = p.biasIh && p.biasHh ? binary('add', p.biasIh, p.biasHh) : (p.biasIh ?? p.biasHh);
  return lstmCell(matmul(p.x, p.weightIh, false, true), matmul(p.h, p.weightHh, false, true), bias, p.c);
}

/** The whole cell's gradients: x, h, c, weightIh, weightHh and the bias (both biases'). */
export function lstmStepBackward(p: LstmStepInputs, dh: RefArray | undefined, dc: RefArray | undefined, gates: RefArray): RefArray[] {
  const g = lstmCellBackward(dh, dc, gates, p.c);
  const d = g.dgates;
  return [matmul(d, p.weightIh), matmul(d, p.weightHh), g.dc, matmul(d, p.x, true), matmul(d, p.h, true), reduce('sum', d, [0])];
}
