// Batch norm: training forward (Algorithm 1) and inference forward (Algorithm 2),
// each with and without the fused ReLU; the fused backward for x, γ and β in all
// four modes (against the paper's chain rule in src/reference); and the in-place
// running-statistics update.
// Shapes: [N,F] with N = 2, 3, 7, 64 and prime F; [N,C,H,W] with prime C and
// H, W ∈ {1, 5}; [3,4,6,7] is a plane above the kernels' small-plane size; [64,32,8,9] and [64,601,2,2] are above the CPU kernels' parallel
// threshold (large and small planes); an offset input (mean 50) checks there is no cancellation.
// Tolerances: outputs are O(1) sums of O(m) float32 products accumulated in f64:
// atol 2e-5, rtol 1e-4.
// Gradcheck (float64): x, γ, β in training and inference, with and without the
// fused ReLU and the affine parameters, with running buffers being updated.
import * as fv from '../../src/index.js';
import * as ref from '../../src/reference/index.js';
import { type RefArray } from '../../src/reference/index.js';
import { native } from '../../src/native.js';
import { err, f64, family, gradOf, gradcheck, i32, uniform, type ErrorCase, type GradCase, type InputMaker, type Sample } from './opinfo.js';

const SHAPES: number[][] = [[2, 5], [3, 7], [7, 13], [64, 101], [2, 3, 1, 1], [3, 5, 5, 5], [7, 3, 1, 5], [2, 11, 5, 1], [3, 2, 5, 5], [3, 4, 6, 7], [64, 32, 8, 9], [64, 601, 2, 2]];

const vec = (shape: number[], low: number, high: number): InputMaker => uniform([shape[1]!], low, high);

/** Inputs: x, weight, bias, runningMean, runningVar, grad. */
function inputs(shape: number[], offset = 0): InputMaker[] {
  return [uniform(shape, offset - 2, offset + 2), vec(shape, 0.5, 1.5), vec(shape, -1, 1), vec(shape, offset - 0.5, offset + 0.5), vec(shape, 0.5, 2), uniform(shape)];
}

const EPS = 1e-5;

function refTrain(xs: RefArray[], relu = false): ref.BatchNormForward {
  return ref.batchNorm(xs[0]!, xs[1]!, xs[2]!, EPS, undefined, relu);
}

function refEval(xs: RefArray[], relu = false): ref.BatchNormForward {
  return ref.batchNorm(xs[0]!, xs[1]!, xs[2]!, EPS, { mean: xs[3]!, var: xs[4]! }, relu);
}

function samples(shape: number[], offset = 0): Sample[] {
  const tag = `[${shape}]${offset ? ` offset ${offset}` : ''}`;
  const made = inputs(shape, offset);
  const out: Sample[] = [];
  for (const training of [true, false]) {
    for (const relu of [false, true]) {
      const mode = (training ? 'training' : 'inference') + (relu ? ' +relu' : '');
      const activation = relu ? ('relu' as const) : undefined;
      const forward = (t: fv.Tensor[]): fv.Tensor =>
        fv.ops.batchNorm(t[0]!, t[1]!, t[2]!, { training, runningMean: fv.ops.reshape(t[3]!, [-1]), runningVar: fv.ops.reshape(t[4]!, [-1]), eps: EPS, activation });
      const refFwd = (xs: RefArray[]): ref.BatchNormForward => (training ? refTrain : refEval)(xs, relu);
      out.push({ name: `batchNorm ${mode} y ${tag}`, inputs: made, run: forward, ref: (xs) => refFwd(xs).y });
      const names = ['dx', 'dweight', 'dbias'] as const;
      names.forEach((name, which) => {
        out.push({
          name: `batchNorm ${mode} ${name} ${tag}`,
          inputs: made,
          run: (t) => gradOf([t[0]!, t[1]!, t[2]!], which, () => forward(t), t[5]!),
          ref: (xs) => {
            const f = refFwd(xs);
            return ref.batchNormBackward(xs[5]!, xs[0]!, xs[1]!, f.mean, f.invstd, training, relu ? xs[2]! : undefined)[name];
          },
        });
      });
    }
  }
  // Running statistics after one training step (updated in place, momentum 0.3).
  for (const which of ['runningMean', 'runningVar'] as const) {
    out.push({
      name: `batchNorm ${which} update ${tag}`,
      inputs: made,
      run: (t) => {
        const [rm, rv] = [fv.ops.reshape(t[3]!, [-1]), fv.ops.reshape(t[4]!, [-1])];
        fv.ops.batchNorm(t[0]!, t[1]!, t[2]!, { training: true, runningMean: rm, runningVar: rv, momentum: 0.3, eps: EPS });
        return which === 'runningMean' ? rm : rv;
      },
      ref: (xs) => {
        const f = refTrain(xs);
        const [rm, rv] = [ref.refArray(xs[3]!.data, xs[3]!.shape), ref.refArray(xs[4]!.data, xs[4]!.shape)];
        ref.batchNormUpdateRunning(rm, rv, f.mean, f.var, 0.3, xs[0]!.data.length / shape[1]!);
        return which === 'runningMean' ? rm : rv;
      },
    });
  }
  return out;
}

const { ops } = fv;
const GRAD_SHAPES: number[][] = [[3, 5], [2, 3, 1, 1], [2, 3, 5, 1], [3, 2, 1, 5]];
/** x, γ (near 1) and β for a shape, and running mean and variance (positive). */
const xwb = (shape: number[]): fv.Tensor[] => [f64(shape, 1), f64([shape[1]!], 2, 0.5, 1), f64([shape[1]!], 3)];
const running = (c: number): [fv.Tensor, fv.Tensor] => [f64([c], 4), f64([c], 5, 0.1, 1)];

const grads: GradCase[] = [
  ...GRAD_SHAPES.map((shape) => ({ name: `training, x γ β [${shape}]`, run: () => gradcheck((x, w, b) => ops.batchNorm(x, w, b, { training: true }), xwb(shape)) })),
  ...GRAD_SHAPES.map((shape) => ({
    name: `inference, x γ β [${shape}]`,
    run: () => {
      const [rm, rv] = running(shape[1]!);
      gradcheck((x, w, b) => ops.batchNorm(x, w, b, { training: false, runningMean: rm, runningVar: rv }), xwb(shape));
    },
  })),
  {
    name: 'training without affine parameters, and with running buffers being updated',
    run: () => {
      gradcheck((x) => ops.batchNorm(x, null, null, { training: true }), [f64([7, 3], 6)]);
      const [rm, rv] = running(3);
      gradcheck((x, w) => ops.batchNorm(x, w, null, { training: true, runningMean: rm, runningVar: rv }), [f64([5, 3, 1, 5], 7), f64([3], 8)]);
    },
  },
  ...GRAD_SHAPES.map((shape) => ({
    name: `fused ReLU, training and inference, x γ β [${shape}]`,
    run: () => {
      const [rm, rv] = running(shape[1]!);
      gradcheck((x, w, b) => ops.batchNorm(x, w, b, { training: true, activation: 'relu' }), xwb(shape));
      gradcheck((x, w, b) => ops.batchNorm(x, w, b, { training: false, runningMean: rm, runningVar: rv, activation: 'relu' }), xwb(shape));
    },
  })),
];

const z = (s: number[]): fv.Tensor => fv.zeros(s);
const x43 = (): fv.Tensor => z([4, 3]);
const h = (s: number[]) => z(s).handle('test').id;

const errors: ErrorCase[] = [
  err('x of rank 1', () => ops.batchNorm(z([4]), null, null, { training: true }), /^batchNorm: x must be \[N,C\].*\[4\]/),
  err('weight shape', () => ops.batchNorm(x43(), fv.ones([4]), null, { training: true }), /^batchNorm: weight must be \[3\].*x \[4,3\].*got \[4\]/),
  err('bias shape', () => ops.batchNorm(x43(), null, fv.ones([3, 1]), { training: true }), /^batchNorm: bias must be \[3\].*got \[3,1\]/),
  err('inference without running statistics', () => ops.batchNorm(x43(), null, null, { training: false }), /^batchNorm: inference .*needs runningMean and runningVar/),
  err('runningMean without runningVar', () => ops.batchNorm(x43(), null, null, { training: true, runningMean: z([3]) }), /^batchNorm: runningMean and runningVar must be given together/),
  err('runningMean shape', () => ops.batchNorm(x43(), null, null, { training: false, runningMean: z([2]), runningVar: fv.ones([2]) }), /^batchNorm: runningMean must be \[3\].*got \[2\]/),
  err('momentum 2', () => ops.batchNorm(x43(), null, null, { training: true, momentum: 2 }), /^batchNorm: momentum must lie in \[0, 1\], got 2/),
  err('training not given', () => ops.batchNorm(x43(), null, null, {} as fv.ops.BatchNormOptions), /^batchNorm: options.training must be true or false/),
  err('int32 x', () => ops.batchNorm(i32([1, 2, 3, 4], [2, 2]), null, null, { training: true }), /^batchNorm: x .*int32/),
  err('unknown activation', () => ops.batchNorm(x43(), null, null, { training: true, activation: 'gelu' as 'relu' }), /^batchNorm: options.activation must be 'relu' or undefined, got gelu/),
  err('nn.BatchNorm2d: unknown activation', () => new fv.nn.BatchNorm2d(3, { activation: 'tanh' as 'relu' }), /^BatchNorm2d: activation must be 'relu' or undefined, got tanh/),
  // (In inference one value per channel is fine: test/nn-ops.test.ts.)
  err('one value per channel in training, [N,C]', () => ops.batchNorm(z([1, 3]), null, null, { training: true }), /^batchNorm: expected more than 1 value per channel when training, got x \[1,3\]/),
  err('one value per channel in training, [N,C,H,W]', () => ops.batchNorm(z([1, 3, 1, 1]), null, null, { training: true }), /\[1,3,1,1\]/),
  err('binding: one value per channel', () => native.batchNorm(h([1, 3]), h([3]), h([3]), undefined, undefined, 1e-5, false), /^batchNorm: expected more than 1 value per channel/),
  err('binding: weight shape', () => native.batchNorm(h([4, 3]), h([2]), h([3]), undefined, undefined, 1e-5, true), /^batchNorm: weight must be \[3\]/),
  err(
    'binding: backward reluBias shape',
    () => {
      const [x, v] = [h([4, 3]), h([3])];
      return native.batchNormBackward(x, x, v, v, v, true, h([2]));
    },
    /^batchNormBackward: reluBias must be \[3\] .*got \[2\]/,
  ),
  err('binding: running update with one value', () => native.batchNormUpdateRunning(h([3]), h([3]), h([3]), h([3]), 0.1, 1), /^batchNorm: expected more than 1 value/),
];

export const batchnorm = family('batchnorm', { atol: 2e-5, rtol: 1e-4 }, [
  {
    name: 'batchNorm',
    samples: [...SHAPES.flatMap((s) => samples(s)), ...samples([7, 13], 50), ...samples([3, 5, 5, 5], 50)],
    grad: grads,
    errors,
  },
]);
