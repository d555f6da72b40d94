// The LSTM cell, gate order i, f, g, o exactly as PyTorch (so its weights load
// as they are). The gate pre-activations are two GEMMs (matmul with transB);
// the pointwise part is one fused native kernel forward and one backward.
// lstmCellComposite builds the same cell from elementwise ops: it is the fused
// cell's reference (tested one against the other) and differentiable twice.
import { fail, fmtShape, sameShape } from '../errors.js';
import { kernels } from '../backend/index.js';
import { type Tensor, recordMulti } from '../tensor.js';
import { checkFloat } from './check.js';
import { add, mul, sigmoid, tanh } from './elementwise.js';
import { slice } from './layout.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';

export interface LstmState {
  h: Tensor;
  c: Tensor;
}

/** Checks the cell's operands; returns [batch, hidden]. */
function checkCell(op: string, x: Tensor, h: Tensor, c: Tensor, wIh: Tensor, wHh: Tensor, bIh?: Tensor, bHh?: Tensor): [number, number] {
  const named: [string, Tensor | undefined][] = [['x', x], ['h', h], ['c', c], ['weightIh', wIh], ['weightHh', wHh], ['biasIh', bIh], ['biasHh', bHh]];
  for (const [name, t] of named) {
    if (t === undefined) continue;
    checkFloat(op, name, t);
    if (t.dtype !== x.dtype || t.device !== x.device) fail(op, `${name} is ${t.dtype} on ${t.device}, expected ${x.dtype} on ${x.device} like x`);
  }
  if (x.rank !== 2) fail(op, `x must be [batch, input], got ${fmtShape(x.shape)}`);
  const [b, inputSize] = [x.shape[0]!, x.shape[1]!];
  if (h.rank !== 2 || h.shape[0] !== b) fail(op, `h must be [${b}, hidden] (batch of x ${fmtShape(x.shape)}), got ${fmtShape(h.shape)}`);
  const hidden = h.shape[1]!;
  const want: [string, Tensor | undefined, number[]][] = [
    ['c', c, [b, hidden]],
    ['weightIh', wIh, [4 * hidden, inputSize]],
    ['weightHh', wHh, [4 * hidden, hidden]],
    ['biasIh', bIh, [4 * hidden]],
    ['biasHh', bHh, [4 * hidden]],
  ];
  for (const [name, t, shape] of want) {
    if (t !== undefined && !sameShape(t.shape, shape)) {
      fail(op, `${name} must be ${fmtShape(shape)} for x ${fmtShape(x.shape)} and h ${fmtShape(h.shape)}, got ${fmtShape(t.shape)}`);
    }
  }
  return [b, hidden];
}

/**
 * The fused pointwise cell: h', c' [B,H] from pre-activations gx, gh [B,4H], an
 * optional bias [4H] and c [B,H] — one graph node with two outputs, so the
 * backward runs once with both gradients. Saves the activated gates.
 */
function lstmPointwise(gx: Tensor, gh: Tensor, bias: Tensor | undefined, c: Tensor): LstmState {
  const op = 'lstmCell';
  const { h, c: cNext, gates } = kernels(op, c).lstmCell(gx, gh, bias, c);
  const inputs = bias ? [gx, gh, bias, c] : [gx, gh, c];
  recordMulti(
    op,
    [h, cNext],
    inputs,
    ([dh, dcn]) => {
      const [dgates, dc] = kernels(op, c).lstmCellBackward(dh, dcn, gates, c);
      // gx and gh enter as a sum: both get dgates (the engine counts the two holders).
      return bias ? [dgates, dgates, sum(dgates, 0), dc] : [dgates, dgates, dc];
    },
    [gates],
  );
  return { h, c: cNext };
}

/**
 * One LSTM step: gates = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh split as i, f, g, o;
 * c' = σ(f)⊙c + σ(i)⊙tanh(g), h' = σ(o)⊙tanh(c').
 * @example const { h, c } = fv.ops.lstmCell(x, h0, c0, wIh, wHh, bIh, bHh); // x [64,256], h0, c0 [64,256], wIh [1024,256]
 */
export function lstmCell(x: Tensor, h: Tensor, c: Tensor, weightIh: Tensor, weightHh: Tensor, biasIh?: Tensor, biasHh?: Tensor): LstmState {
  const op = 'lstmCell';
  checkCell(op, x, h, c, weightIh, weightHh, biasIh, biasHh);
  // One native call each way: both GEMMs, the bias and the pointwise cell.
  const operands = [x, h, c, weightIh, weightHh] as const;
  const step = { x, h, c, weightIh, weightHh, biasIh, biasHh };
  const k = kernels(op, c);
  const { h: hNext, c: cNext, gates } = k.lstmStep(step);
  const biases = [biasIh, biasHh].filter((t): t is Tensor => t !== undefined);
  recordMulti(
    op,
    [hNext, cNext],
    [...operands, ...biases],
    ([dh, dc]) => {
      const need = [...operands.map((t) => t.requiresGrad), biases.some((t) => t.requiresGrad)];
      const grads = k.lstmStepBackward(step, dh, dc, gates, need);
      // One bias gradient serves both biases (the engine counts its two holders).
      return [...grads.slice(0, 5), ...biases.map(() => grads[5])];
    },
    [gates],
  );
  return { h: hNext, c: cNext };
}

/**
 * The LSTM cell from pre-activations the caller computed: gates = gx + gh (+ bias),
 * each [B,4H] in the order i, f, g, o; c [B,H]. For recurrent models that compute
 * part of the input GEMM once per sequence (e.g. a constant input's term).
 * @example const { h, c } = fv.ops.lstmCellFromGates(gx, gh, bias, c0); // gx, gh [64,1024], c0 [64,256]
 */
export function lstmCellFromGates(gx: Tensor, gh: Tensor, bias: Tensor | undefined, c: Tensor): LstmState {
  const op = 'lstmCellFromGates';
  for (const [name, t] of [['gx', gx], ['gh', gh], ['c', c], ['bias', bias]] as const) {
    if (t === undefined) continue;
    checkFloat(op, name, t);
    if (t.dtype !== c.dtype || t.device !== c.device) fail(op, `${name} is ${t.dtype} on ${t.device}, expected ${c.dtype} on ${c.device} like c`);
  }
  if (c.rank !== 2) fail(op, `c must be [batch, hidden], got ${fmtShape(c.shape)}`);
  const [b, hidden] = [c.shape[0]!, c.shape[1]!];
  for (const [name, t] of [['gx', gx], ['gh', gh]] as const) {
    if (t.shape.join() !== `${b},${4 * hidden}`) fail(op, `${name} must be [${b},${4 * hidden}] for c ${fmtShape(c.shape)}, got ${fmtShape(t.shape)}`);
  }
  if (bias !== undefined && bias.shape.join() !== `${4 * hidden}`) fail(op, `bias must be [${4 * hidden}], got ${fmtShape(bias.shape)}`);
  return lstmPointwise(gx, gh, bias, c);
}

/** The same cell from matmul and elementwise ops: the fused cell's reference. */
export function lstmCellComposite(x: Tensor, h: Tensor, c: Tensor, weightIh: Tensor, weightHh: Tensor, biasIh?: Tensor, biasHh?: Tensor): LstmState {
  const [b, hidden] = checkCell('lstmCellComposite', x, h, c, weightIh, weightHh, biasIh, biasHh);
  let pre = add(matmul(x, weightIh, { transB: true }), matmul(h, weightHh, { transB: true }));
  if (biasIh) pre = add(pre, biasIh);
  if (biasHh) pre = add(pre, biasHh);
  const gate = (q: number): Tensor => slice(pre, [0, q * hidden], [b, (q + 1) * hidden]);
  const [i, f, g, o] = [sigmoid(gate(0)), sigmoid(gate(1)), tanh(gate(2)), sigmoid(gate(3))];
  const cNext = add(mul(f, c), mul(i, g));
  return { h: mul(o, tanh(cNext)), c: cNext };
}
