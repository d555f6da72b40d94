// Softmax and log-softmax over each axis of ranks 1–4, empty dims, large logits
// (±1000, which overflow a naive exp) and masked (-Infinity) entries.
// Tolerance: softmax atol 1e-7, rtol 1e-5 (one float32 subtraction before exp:
// relative error ≲ u·|x − max|); logSoftmax atol 1e-5, rtol 4e-6.
// Gradcheck: [3,4,5] float64 normals over axes 0, 1, 2 and -1.
import * as fv from '../../src/index.js';
import { softmax as refSoftmax } from '../../src/reference/index.js';
import { native } from '../../src/native.js';
import { err, f64, family, gc, given, i32, uniform, type InputMaker, type OpSpec, type Sample } from './opinfo.js';

const SHAPES: number[][] = [[1], [7], [13, 17], [2, 31, 3], [3, 5, 7, 2], [4, 0, 3], [128, 1100]];

const finite = (v: Float32Array | Int32Array): void => {
  if (!v.every(Number.isFinite)) throw new Error('result has non-finite values');
};

type Op = 'softmax' | 'logSoftmax';

function sample(op: Op, label: string, shape: number[], axis: number, make: InputMaker, mustBeFinite = false): Sample {
  return {
    name: `${op} ${label} [${shape}] axis ${axis}`,
    inputs: [make],
    run: ([x]) => fv.ops[op](x!, axis),
    ref: ([x]) => refSoftmax(x!, axis, op === 'logSoftmax'),
    check: mustBeFinite ? finite : undefined,
  };
}

function samplesOf(op: Op): Sample[] {
  const out: Sample[] = [];
  for (const shape of SHAPES) {
    for (let a = 0; a < shape.length; a++) out.push(sample(op, 'random', shape, a, uniform(shape, -4, 4)));
    out.push(sample(op, 'random', shape, -1, uniform(shape, -4, 4)));
  }
  const big = [-1000, 1000, 999, -999, 1000, 0, 998.5, -1000];
  out.push(
    sample(op, 'logits ±1000', [8], 0, given([8], big), true),
    sample(op, 'logits ±1000', [3, 8], 1, given([3, 8], big), true),
    sample(op, 'logits ±1000', [8, 3], 0, given([8, 3], big), true),
    sample(op, 'logits in [-1000,1000]', [5, 33], -1, uniform([5, 33], -1000, 1000), true),
    sample(op, 'all equal 1000', [2, 17], 1, given([2, 17], [1000]), true),
  );
  // Masked attention: -Infinity entries get probability 0 (log: -Infinity).
  out.push(sample(op, 'masked -Infinity', [3, 5], 1, given([3, 5], [1, -Infinity, 2, -Infinity, 0.5, -Infinity, 3, 3, 3, 3, 0, 0, -Infinity, 7, -2])));
  return out;
}

const overAxes = (op: Op) => [0, 1, 2, -1].map((axis) => gc(`${op} over axis ${axis}`, (t) => fv.ops[op](t, axis), () => [f64([3, 4, 5], 14)]));

const specs: OpSpec[] = [
  {
    name: 'softmax',
    tol: { atol: 1e-7, rtol: 1e-5 },
    samples: samplesOf('softmax'),
    grad: overAxes('softmax'),
    errors: [
      err('int32 x', () => fv.ops.softmax(i32([1, 2, 3, 4], [2, 2])), /^softmax: x .*float32.*int32.*\[2,2\]/),
      err('axis out of range', () => fv.ops.softmax(fv.zeros([2, 3]), -3), /^softmax: axis -3 .*\[2,3\]/),
      err('binding: int32 x', () => native.softmax(i32([1, 2, 3, 4], [2, 2]).handle('test').id, 0, false), /^softmax: x .*float32.*int32/),
    ],
  },
  {
    name: 'logSoftmax',
    tol: { atol: 1e-5, rtol: 4e-6 },
    samples: samplesOf('logSoftmax'),
    grad: overAxes('logSoftmax'),
    errors: [
      err('axis out of range', () => fv.ops.logSoftmax(fv.zeros([2, 3]), 2), /^logSoftmax: axis 2 .*\[2,3\]/),
      err('binding: axis out of range', () => native.softmax(fv.zeros([2, 3]).handle('test').id, -3, true), /^logSoftmax: axis -3 out of range/),
    ],
  },
];

export const softmax = family('softmax', { atol: 1e-7, rtol: 1e-5 }, specs);
