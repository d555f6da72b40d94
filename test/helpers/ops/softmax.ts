// Softmax and log-softmax over each axis of ranks 1–4, empty dims, large logits
// (±1000, which overflow a naive exp) and masked (-Infinity) entries.
// Tolerance: softmax atol 1e-7, rtol 1e-5 (one float32 subtraction before exp:
// relative error ≲ u·|x − max|); logSoftmax atol 1e-5, rtol 4e-6.
import * as fv from '../../../src/index.js';
import { softmax as refSoftmax } from '../../../src/reference/index.js';
import { given, uniform, type Family, type InputMaker, type Sample } from '../samples.js';

const SHAPES: number[][] = [[1], [7], [13, 17], [2, 31, 3], [3, 5, 7, 2], [4, 0, 3], [128, 1100]];

const finite = (v: Float32Array | Int32Array): void => {
  if (!v.every(Number.isFinite)) throw new Error('result has non-finite values');
};

function sample(log: boolean, label: string, shape: number[], axis: number, make: InputMaker, mustBeFinite = false): Sample {
  const op = log ? 'logSoftmax' : 'softmax';
  return {
    name: `${op} ${label} [${shape}] axis ${axis}`,
    inputs: [make],
    run: ([x]) => fv.ops[op](x!, axis),
    ref: ([x]) => refSoftmax(x!, axis, log),
    tol: log ? { atol: 1e-5, rtol: 4e-6 } : { atol: 1e-7, rtol: 1e-5 },
    check: mustBeFinite ? finite : undefined,
  };
}

function samples(log: boolean): Sample[] {
  const out: Sample[] = [];
  for (const shape of SHAPES) {
    for (let a = 0; a < shape.length; a++) out.push(sample(log, 'random', shape, a, uniform(shape, -4, 4)));
    out.push(sample(log, 'random', shape, -1, uniform(shape, -4, 4)));
  }
  const big = [-1000, 1000, 999, -999, 1000, 0, 998.5, -1000];
  out.push(
    sample(log, 'logits ±1000', [8], 0, given([8], big), true),
    sample(log, 'logits ±1000', [3, 8], 1, given([3, 8], big), true),
    sample(log, 'logits ±1000', [8, 3], 0, given([8, 3], big), true),
    sample(log, 'logits in [-1000,1000]', [5, 33], -1, uniform([5, 33], -1000, 1000), true),
    sample(log, 'all equal 1000', [2, 17], 1, given([2, 17], [1000]), true),
  );
  // Masked attention: -Infinity entries get probability 0 (log: -Infinity).
  out.push(sample(log, 'masked -Infinity', [3, 5], 1, given([3, 5], [1, -Infinity, 2, -Infinity, 0.5, -Infinity, 3, 3, 3, 3, 0, 0, -Infinity, 7, -2])));
  return out;
}

export const softmaxFamily: Family = {
  name: 'softmax',
  tol: { atol: 1e-7, rtol: 1e-5 },
  samples: [...samples(false), ...samples(true)],
};
