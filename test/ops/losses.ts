// Losses from logits, dropout and embedding.
// bceWithLogits and crossEntropy: per-element/per-row values, the three
// reductions, ignoreIndex, gradients of logits (and of BCE's targets), on odd
// shapes and on logits of ±1000 (finite losses and gradients required).
// dropout: the Philox mask, against the reference stream with the same seed.
// embedding: rows picked by int32 ids (repeats included) and the summed gradient.
// Gradcheck (float64): each reduction, ignoreIndex, dropout with its mask fixed,
// embedding with repeated ids.
// Tolerance: atol 1e-5, rtol 1e-5 (a shifted log-sum-exp in f64; BCE elementwise).
import * as fv from '../../src/index.js';
import * as ref from '../../src/reference/index.js';
import { type RefArray } from '../../src/reference/index.js';
import { err, f64, family, gc, given, gradOf, gradcheck, i32, integers, uniform, type InputMaker, type Sample } from './opinfo.js';

const finite = (v: Float32Array | Int32Array): void => {
  if (!v.every(Number.isFinite)) throw new Error('result has non-finite values');
};

const BIG = [1000, -1000, 999.5, -3, 0, -1000, 1000, 7];

type Reduction = fv.ops.Reduction;

function reduceRef(l: RefArray, reduction: Reduction, count = l.data.length): RefArray {
  if (reduction === 'none') return l;
  const s = l.data.reduce((a, b) => a + b, 0);
  return { shape: [], data: Float64Array.of(reduction === 'sum' ? s : s / count) };
}

function bceSamples(): Sample[] {
  const out: Sample[] = [];
  const cases: [string, number[], InputMaker, InputMaker][] = [
    ['random', [7], uniform([7], -6, 6), uniform([7], 0, 1)],
    ['random', [3, 5], uniform([3, 5], -6, 6), integers([3, 5], 0, 2)],
    ['random', [2, 3, 13], uniform([2, 3, 13], -6, 6), uniform([2, 3, 13], 0, 1)],
    ['logits ±1000', [2, 8], given([2, 8], BIG), given([2, 8], [1, 0, 1, 1, 0, 0, 0.5, 1])],
    // Above the CPU kernels' parallel threshold (2^17 elements).
    ['random', [64, 2100], uniform([64, 2100], -6, 6), uniform([64, 2100], 0, 1)],
  ];
  for (const [label, shape, x, t] of cases) {
    for (const reduction of ['none', 'mean', 'sum'] as const) {
      out.push({
        name: `bceWithLogits ${label} [${shape}] ${reduction}`,
        inputs: [x, t],
        run: ([a, b]) => fv.ops.bceWithLogits(a!, b!, { reduction }),
        ref: ([a, b]) => reduceRef(ref.bceWithLogits(a!, b!), reduction),
        check: finite,
      });
    }
    for (const which of [0, 1]) {
      out.push({
        name: `bceWithLogits d${which === 0 ? 'logits' : 'targets'} ${label} [${shape}]`,
        inputs: [x, t],
        run: ([a, b]) => gradOf([a!, b!], which, () => fv.ops.bceWithLogits(a!, b!, { reduction: 'sum' })),
        // d/dx = σ(x) − t, d/dt = −x.
        ref: ([a, b]) => ({ shape: [...shape], data: a!.data.map((v, i) => (which === 0 ? 1 / (1 + Math.exp(-v)) - b!.data[i]! : -v)) }),
        check: finite,
      });
    }
  }
  return out;
}

function ceSamples(): Sample[] {
  const out: Sample[] = [];
  const cases: [string, number, number, InputMaker, number | undefined][] = [
    ['random', 2, 3, uniform([2, 3], -4, 4), undefined],
    ['random', 3, 7, uniform([3, 7], -4, 4), undefined],
    ['random', 7, 13, uniform([7, 13], -4, 4), undefined],
    ['random', 64, 1001, uniform([64, 1001], -8, 8), undefined],
    ['random', 140, 1001, uniform([140, 1001], -8, 8), undefined],
    ['ignoreIndex 2', 7, 5, uniform([7, 5], -4, 4), 2],
    ['logits ±1000', 3, 8, given([3, 8], BIG), undefined],
  ];
  for (const [label, n, k, x, ignoreIndex] of cases) {
    const targets = label === 'logits ±1000' ? given([n], [1, 0, 3], 'int32') : integers([n], 0, k, 'int32');
    const counted = (t: RefArray): number => t.data.filter((v) => v !== ignoreIndex).length;
    for (const reduction of ['none', 'mean', 'sum'] as const) {
      out.push({
        name: `crossEntropy ${label} [${n},${k}] ${reduction}`,
        inputs: [x, targets],
        run: ([a, t]) => fv.ops.crossEntropy(a!, t!, { reduction, ignoreIndex }),
        ref: ([a, t]) => reduceRef(ref.crossEntropy(a!, t!, ignoreIndex).loss, reduction, counted(t!)),
        check: finite,
      });
    }
    out.push({
      name: `crossEntropy dlogits ${label} [${n},${k}]`,
      inputs: [x, targets, uniform([n])],
      run: ([a, t, g]) => gradOf([a!], 0, () => fv.ops.crossEntropy(a!, t!, { reduction: 'none', ignoreIndex }), g),
      ref: ([a, t, g]) => ref.crossEntropyBackward(ref.crossEntropy(a!, t!, ignoreIndex).softmax, t!, g!, ignoreIndex),
      check: finite,
    });
  }
  return out;
}

function dropoutSamples(): Sample[] {
  const cases: [number[], number][] = [[[7], 0.5], [[3, 5], 0.2], [[2, 3, 1, 5], 0.9], [[64, 257], 0.5], [[13], 1], [[512, 300], 0.3]];
  return cases.flatMap(([shape, p]) => {
    const mask = (): RefArray => {
      const keep = ref.sample({ kind: 'bernoulli', p: 1 - p }, 1234, 0, shape.reduce((a, b) => a * b, 1));
      return { shape, data: keep.map((v) => (p === 1 ? 0 : v / (1 - p))) };
    };
    return [
      {
        name: `dropout p=${p} [${shape}]`,
        inputs: [uniform(shape)],
        run: ([x]) => {
          fv.seed(1234);
          return fv.ops.dropout(x!, p, { training: true });
        },
        ref: ([x]) => ({ shape, data: mask().data.map((m, i) => m * x!.data[i]!) }),
      },
      {
        name: `dropout dx p=${p} [${shape}]`,
        inputs: [uniform(shape), uniform(shape)],
        run: ([x, g]) => {
          fv.seed(1234);
          return gradOf([x!], 0, () => fv.ops.dropout(x!, p), g);
        },
        ref: ([, g]) => ({ shape, data: mask().data.map((m, i) => m * g!.data[i]!) }),
      },
    ];
  });
}

function embeddingSamples(): Sample[] {
  const cases: [number[], number, number][] = [[[5], 7, 3], [[2, 3], 11, 5], [[64], 13, 1], [[3, 7], 2, 31]];
  return cases.flatMap(([ids, v, d]) => [
    {
      name: `embedding ids [${ids}] weight [${v},${d}]`,
      inputs: [integers(ids, 0, v, 'int32'), uniform([v, d])],
      run: ([i, w]) => fv.ops.embedding(i!, w!),
      ref: ([i, w]) => ref.indexSelect(w!, 0, i!),
    },
    {
      // Repeated ids sum their rows' gradients (indexSelect's backward: indexAdd).
      name: `embedding dweight ids [${ids}] weight [${v},${d}]`,
      inputs: [integers(ids, 0, v, 'int32'), uniform([v, d]), uniform([...ids, d])],
      run: ([i, w, g]) => gradOf([w!], 0, () => fv.ops.embedding(i!, w!), g),
      ref: ([i, w, g]) => {
        const out = new Float64Array(v * d);
        i!.data.forEach((row, j) => {
          for (let q = 0; q < d; q++) out[row * d + q] += g!.data[j * d + q]!;
        });
        return { shape: [...w!.shape], data: out };
      },
    },
  ]);
}

const { ops } = fv;
const REDUCTIONS = ['mean', 'sum', 'none'] as const;
const z = (s: number[]): fv.Tensor => fv.zeros(s);
const ids = (v: number[]): fv.Tensor => i32(v, [v.length]);

// The family keeps its name 'losses' (it seeds the samples' inputs) for dropout and embedding too.
export const losses = family('losses', { atol: 1e-5, rtol: 1e-5 }, [
  {
    name: 'bceWithLogits',
    samples: bceSamples(),
    grad: REDUCTIONS.map((reduction) => gc(`bceWithLogits logits and targets, ${reduction}`, (x, t) => ops.bceWithLogits(x, t, { reduction }), () => [f64([3, 5], 1, 3), f64([3, 5], 2, 0.2, 0.5)])),
    errors: [
      err('shapes differ', () => ops.bceWithLogits(z([3, 4]), z([4, 3])), /^bceWithLogits: targets \[4,3\] must match logits \[3,4\]/),
      err('float64 targets, float32 logits', () => ops.bceWithLogits(z([2]), fv.zeros([2], { dtype: 'float64' })), /^bceWithLogits: targets is float64/),
    ],
  },
  {
    name: 'crossEntropy',
    samples: ceSamples(),
    grad: [
      ...REDUCTIONS.map((reduction) => ({
        name: `crossEntropy logits, ${reduction}`,
        run: () => gradcheck((x) => ops.crossEntropy(x, fv.tensor(Int32Array.from([0, 4, 2, 4]), [4]), { reduction }), [f64([4, 5], 3, 2)]),
      })),
      {
        name: 'crossEntropy with ignoreIndex',
        run: () => {
          const t = fv.tensor(Int32Array.from([1, -100, 2]), [3]);
          gradcheck((x) => ops.crossEntropy(x, t, { ignoreIndex: -100 }), [f64([3, 3], 4)]);
        },
      },
    ],
    errors: [
      err('target past the classes', () => ops.crossEntropy(z([3, 4]), ids([0, 4, 1])), /^crossEntropy: targets\[1\] = 4 is out of range 0..4/),
      err('targets shape', () => ops.crossEntropy(z([3, 4]), ids([0, 1])), /^crossEntropy: targets must be \[3\].*logits \[3,4\].*got \[2\]/),
      err('float32 targets', () => ops.crossEntropy(z([3, 4]), z([3])), /^crossEntropy: targets must be int32 class indices, got float32 \[3\]/),
      err('logits of rank 1', () => ops.crossEntropy(z([3]), ids([0, 1, 2])), /^crossEntropy: logits must be \[N,K\], got \[3\]/),
      err('unknown reduction', () => ops.crossEntropy(z([3, 4]), ids([0, 1, 2]), { reduction: 'avg' as 'mean' }), /^crossEntropy: reduction must be 'mean', 'sum' or 'none', got "avg"/),
      err('target past the classes (float64 logits)', () => ops.crossEntropy(fv.zeros([3, 4], { dtype: 'float64' }), ids([0, 9, 2])), /^crossEntropy: targets\[1\] = 9 is out of range 0..4/),
    ],
  },
  {
    name: 'dropout',
    samples: dropoutSamples(),
    grad: [
      {
        name: 'dropout (the mask is fixed by re-seeding per evaluation)',
        run: () =>
          gradcheck((x) => {
            fv.seed(99);
            return ops.dropout(x, 0.4);
          }, [f64([4, 5], 5)]),
      },
      gc('dropout in eval mode is the identity', (x) => ops.mul(ops.dropout(x, 0.4, { training: false }), x), () => [f64([6], 6)]),
    ],
    errors: [
      err('p 1.5', () => ops.dropout(z([3]), 1.5), /^dropout: p must lie in \[0, 1\], got 1.5/),
      err('p NaN', () => ops.dropout(z([3]), NaN), /^dropout: p must lie in \[0, 1\], got NaN/),
      err('int32 x', () => ops.dropout(ids([1, 2]), 0.5), /^dropout: x .*int32/),
    ],
  },
  {
    name: 'embedding',
    samples: embeddingSamples(),
    grad: [
      {
        name: 'embedding weight, with repeated ids',
        run: () => {
          const ids = fv.tensor(Int32Array.from([2, 0, 2, 3, 2, 1]), [2, 3]);
          gradcheck((w) => ops.embedding(ids, w), [f64([4, 3], 7)]);
        },
      },
    ],
    errors: [
      err('id past the table', () => ops.embedding(ids([0, 2, 5, 1]), z([5, 3])), /^embedding: ids\[2\] = 5 is out of range 0..5 for weight \[5,3\]/),
      err('negative id', () => ops.embedding(ids([0, -1]), z([5, 3])), /^embedding: ids\[1\] = -1 is out of range/),
      err('float32 ids', () => ops.embedding(z([2]), z([5, 3])), /^embedding: ids must be int32, got float32 \[2\]/),
      err('weight of rank 1', () => ops.embedding(ids([0]), z([5])), /^embedding: weight must be \[numEmbeddings, dim\], got \[5\]/),
    ],
  },
]);
