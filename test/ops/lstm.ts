// The LSTM cell (gate order i, f, g, o): h' and c', and the gradients of all
// seven inputs for a random seed gradient on (h', c'), against the float64
// reference cell (reference GEMMs + the pointwise reference forward/backward).
// Shapes (batch, input, hidden): (1,1,1), (2,3,5), (3,7,2), (7,5,13), (64,33,31).
// lstmCellComposite (the cell from matmul and pointwise ops, the fused cell's
// reference) on the same samples, h' and c'.
// Gradcheck (float64): all seven inputs, and without biases, h and c separately.
// Tolerance: GEMM sums of k ≤ 64 float32 products feed the gates: atol 2e-5, rtol 2e-4.
import * as fv from '../../src/index.js';
import * as ref from '../../src/reference/index.js';
import { type RefArray } from '../../src/reference/index.js';
import { native } from '../../src/native.js';
import { err, f64, family, gradOf, gradcheck, uniform, type ErrorCase, type GradCase, type InputMaker, type Sample } from './opinfo.js';

const SHAPES: [number, number, number][] = [[1, 1, 1], [2, 3, 5], [3, 7, 2], [7, 5, 13], [64, 33, 31], [256, 5, 256]];
const NAMES = ['x', 'h', 'c', 'weightIh', 'weightHh', 'biasIh', 'biasHh'] as const;

/** x, h, c, wIh, wHh, bIh, bHh, then the seed gradients of h' and c'. */
function inputs([b, i, h]: [number, number, number]): InputMaker[] {
  return [uniform([b, i]), uniform([b, h]), uniform([b, h], -2, 2), uniform([4 * h, i]), uniform([4 * h, h]), uniform([4 * h]), uniform([4 * h]), uniform([b, h]), uniform([b, h])];
}

function refCell(xs: RefArray[], bias: boolean) {
  const [x, h, c, wIh, wHh, bIh, bHh] = xs as [RefArray, RefArray, RefArray, RefArray, RefArray, RefArray, RefArray];
  const b = bias ? { shape: bIh.shape, data: bIh.data.map((v, k) => v + bHh.data[k]!) } : undefined;
  const gx = ref.matmul(x, wIh, false, true);
  const gh = ref.matmul(h, wHh, false, true);
  return { f: ref.lstmCell(gx, gh, b, c), c };
}

/** Gradients of all inputs by the reference chain: pointwise backward, then the GEMMs' adjoints. */
function refGrads(xs: RefArray[], bias: boolean): RefArray[] {
  const [x, h, , wIh, wHh] = xs as RefArray[];
  const { f, c } = refCell(xs, bias);
  const [gh, gc] = [xs[7]!, xs[8]!];
  const { dgates, dc } = ref.lstmCellBackward(gh, gc, f.gates, c);
  const db = ref.reduce('sum', dgates, [0], false);
  return [ref.matmul(dgates, wIh!, false, false), ref.matmul(dgates, wHh!, false, false), dc, ref.matmul(dgates, x!, true, false), ref.matmul(dgates, h!, true, false), db, db];
}

function samples(shape: [number, number, number]): Sample[] {
  // The fused cell: h', c' and the gradient of each input.
  const made = inputs(shape);
  const out: Sample[] = [];
  for (const bias of [true, false]) {
    const tag = `[${shape}]${bias ? '' : ' no bias'}`;
    const cell = (t: fv.Tensor[]) => fv.ops.lstmCell(t[0]!, t[1]!, t[2]!, t[3]!, t[4]!, bias ? t[5] : undefined, bias ? t[6] : undefined);
    out.push(
      { name: `lstmCell h' ${tag}`, inputs: made, run: (t) => cell(t).h, ref: (xs) => refCell(xs, bias).f.h },
      { name: `lstmCell c' ${tag}`, inputs: made, run: (t) => cell(t).c, ref: (xs) => refCell(xs, bias).f.c },
    );
    const count = bias ? 7 : 5;
    for (let k = 0; k < count; k++) {
      out.push({
        name: `lstmCell d${NAMES[k]} ${tag}`,
        inputs: made,
        run: (t) =>
          gradOf(t.slice(0, count), k, () => {
            const { h, c } = cell(t);
            return fv.ops.add(fv.ops.sum(fv.ops.mul(h, t[7]!)), fv.ops.sum(fv.ops.mul(c, t[8]!)));
          }),
        ref: (xs) => refGrads(xs, bias)[k]!,
      });
    }
  }
  return out;
}

/** The composite cell's h' and c' (its gradients are gradchecked below). */
function compositeSamples(shape: [number, number, number]): Sample[] {
  const made = inputs(shape);
  return [true, false].flatMap((bias) => {
    const tag = `[${shape}]${bias ? '' : ' no bias'}`;
    const cell = (t: fv.Tensor[]) => fv.ops.lstmCellComposite(t[0]!, t[1]!, t[2]!, t[3]!, t[4]!, bias ? t[5] : undefined, bias ? t[6] : undefined);
    return [
      { name: `lstmCellComposite h' ${tag}`, inputs: made, run: (t: fv.Tensor[]) => cell(t).h, ref: (xs: RefArray[]) => refCell(xs, bias).f.h },
      { name: `lstmCellComposite c' ${tag}`, inputs: made, run: (t: fv.Tensor[]) => cell(t).c, ref: (xs: RefArray[]) => refCell(xs, bias).f.c },
    ];
  });
}

type Cell = typeof fv.ops.lstmCell;
const [B, I, H] = [3, 5, 2];
const gradInputs = (): fv.Tensor[] => [f64([B, I], 1), f64([B, H], 2), f64([B, H], 3), f64([4 * H, I], 4, 0.5), f64([4 * H, H], 5, 0.5), f64([4 * H], 6), f64([4 * H], 7)];
const loss = (s: fv.ops.LstmState, k: number): fv.Tensor => fv.ops.add(fv.ops.mulScalar(fv.ops.sum(fv.ops.mul(s.h, s.h)), k), fv.ops.sum(fv.ops.tanh(s.c)));

function grads(which: string, cell: Cell): GradCase[] {
  return [
    { name: `${which}: all seven inputs`, run: () => gradcheck((x, hh, c, wi, wh, bi, bh) => loss(cell(x, hh, c, wi, wh, bi, bh), 1.5), gradInputs()) },
    {
      name: `${which}: without biases; h and c separately`,
      run: () => {
        const xs = gradInputs().slice(0, 5);
        gradcheck((x, hh, c, wi, wh) => cell(x, hh, c, wi, wh).h, xs);
        gradcheck((x, hh, c, wi, wh) => cell(x, hh, c, wi, wh).c, xs);
      },
    },
  ];
}

const z = (s: number[]): fv.Tensor => fv.zeros(s);
const h = (s: number[]) => z(s).handle('test').id;
const ALL = [true, true, true, true, true, true];

const errors: ErrorCase[] = [
  err('weightIh shape', () => fv.ops.lstmCell(z([2, 3]), z([2, 4]), z([2, 4]), z([16, 2]), z([16, 4])), /^lstmCell: weightIh must be \[16,3\] for x \[2,3\] and h \[2,4\], got \[16,2\]/),
  err('h batch', () => fv.ops.lstmCell(z([2, 3]), z([3, 4]), z([2, 4]), z([16, 3]), z([16, 4])), /^lstmCell: h must be \[2, hidden\].*got \[3,4\]/),
  err('c shape', () => fv.ops.lstmCell(z([2, 3]), z([2, 4]), z([2, 5]), z([16, 3]), z([16, 4])), /^lstmCell: c must be \[2,4\].*got \[2,5\]/),
  err('biasIh shape', () => fv.ops.lstmCell(z([2, 3]), z([2, 4]), z([2, 4]), z([16, 3]), z([16, 4]), z([15])), /^lstmCell: biasIh must be \[16\].*got \[15\]/),
  err('binding: gx shape', () => native.lstmCell(h([2, 8]), undefined, undefined, h([2, 3])), /^lstmCell: gx must be \[2,12\]/),
  // The whole-cell kernels check their own operands too (callers other than ops.lstmCell).
  err('binding (lstmStep): weightHh shape', () => native.lstmStep(h([2, 3]), h([2, 4]), h([2, 4]), h([16, 3]), h([16, 5])), /^lstmCell: weightHh must be \[16,4\] for x \[2,3\] and c \[2,4\], got \[16,5\]/),
  err('binding (lstmStepBackward): gates shape', () => native.lstmStepBackward(h([2, 3]), h([2, 4]), h([2, 4]), h([16, 3]), h([16, 4]), undefined, undefined, h([2, 15]), ALL), /^lstmCellBackward: gates must be \[2,16\], got \[2,15\]/),
  err('binding (lstmStepBackward): dh shape', () => native.lstmStepBackward(h([2, 3]), h([2, 4]), h([2, 4]), h([16, 3]), h([16, 4]), h([2, 3]), undefined, h([2, 16]), ALL), /^lstmCellBackward: dh must be \[2,4\], got \[2,3\]/),
  err('binding (lstmStepBackward): need flags', () => native.lstmStepBackward(h([2, 3]), h([2, 4]), h([2, 4]), h([16, 3]), h([16, 4]), undefined, undefined, h([2, 16]), [true]), /^lstmCellBackward: need must hold 6 flags, got 1/),
];

export const lstm = family('lstm', { atol: 2e-5, rtol: 2e-4 }, [
  { name: 'lstmCell', samples: SHAPES.flatMap(samples), grad: grads('fused', fv.ops.lstmCell), errors },
  { name: 'lstmCellComposite', samples: SHAPES.flatMap(compositeSamples), grad: grads('composite', fv.ops.lstmCellComposite) },
]);
