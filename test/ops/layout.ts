// Layout ops (exact): permute/transpose, slice (negative bounds, steps,
// clamping, empty), expand, concat, indexSelect and gather (int32 index),
// reshape with -1 — on float32 and int32 data; dtype must be kept.
import * as fv from '../../src/index.js';
import * as ref from '../../src/reference/index.js';
import { EXACT } from '../helpers/compare.js';
import { native } from '../../src/native.js';
import { err, f64, family, given, gradcheck, i32, integers, uniform, type InputMaker, type OpSpec, type Sample } from './opinfo.js';

type DType = fv.DType;

const data = (shape: number[], dtype: DType): InputMaker => (dtype === 'int32' ? integers(shape, -1000, 1000, 'int32') : uniform(shape));

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

function permuteSamples(): Sample[] {
  const out: Sample[] = [];
  const cases: [number[], DType][] = [[[], 'float32'], [[7], 'float32'], [[0, 3], 'float32'], [[2, 3, 5], 'float32'], [[2, 3, 5], 'int32'], [[2, 3, 1, 5], 'float32']];
  for (const [shape, dtype] of cases) {
    for (const perm of permutations(shape.length)) {
      out.push({
        name: `permute ${dtype} [${shape}] by [${perm}]`,
        inputs: [data(shape, dtype)],
        run: ([x]) => fv.ops.permute(x!, perm),
        ref: ([x]) => ref.permute(x!, perm),
        dtype,
      });
    }
  }
  return out;
}

function transposeSamples(): Sample[] {
  const out: Sample[] = [];
  for (const [shape, a0, a1] of [[[365, 373], -2, -1], [[13, 17], 0, 1], [[2, 31, 3], 0, 2], [[3, 5, 7, 2], 1, -1]] as [number[], number, number][]) {
    const perm = shape.map((_, i) => (i === (a0 + shape.length) % shape.length ? (a1 + shape.length) % shape.length : i === (a1 + shape.length) % shape.length ? (a0 + shape.length) % shape.length : i));
    out.push({
      name: `transpose [${shape}] axes ${a0},${a1}`,
      inputs: [uniform(shape)],
      run: ([x]) => fv.ops.transpose(x!, a0, a1),
      ref: ([x]) => ref.permute(x!, perm),
    });
  }
  out.push({
    name: 'transpose [7,13] default (last two axes)',
    inputs: [uniform([7, 13])],
    run: ([x]) => fv.ops.transpose(x!),
    ref: ([x]) => ref.permute(x!, [1, 0]),
  });
  return out;
}

/** Python's slice(begin, end).indices(size) start and stop (for step ≥ 1). */
function pyBounds(size: number, begin: number | undefined, end: number | undefined): [number, number] {
  const at = (v: number | undefined, fallback: number): number => (v === undefined ? fallback : v < 0 ? Math.max(v + size, 0) : Math.min(v, size));
  const s = at(begin, 0);
  return [s, Math.max(s, at(end, size))];
}

function sliceSample(shape: number[], begin: number[], end: number[] | undefined, step: number[] | undefined, dtype: DType = 'float32'): Sample {
  return {
    name: `slice ${dtype} [${shape}] begin [${begin}] end [${end ?? ''}] step [${step ?? ''}]`,
    inputs: [data(shape, dtype)],
    run: ([x]) => fv.ops.slice(x!, begin, end, step),
    ref: ([x]) => {
      const bounds = shape.map((n, d) => pyBounds(n, begin[d], end?.[d]));
      return ref.slice(x!, bounds.map((b) => b[0]), bounds.map((b) => b[1]), shape.map((_, d) => step?.[d] ?? 1));
    },
    dtype,
  };
}

function sliceSamples(): Sample[] {
  return [
    sliceSample([], [], undefined, undefined),
    sliceSample([10], [2], [8], undefined),
    sliceSample([10], [-3], undefined, undefined),
    sliceSample([10], [2], [-1], [3]),
    sliceSample([10], [-100], [100], undefined),
    sliceSample([10], [5], [2], undefined),
    sliceSample([10], [10], [12], undefined),
    sliceSample([7, 13], [1, -5], [-1, 13], [2, 3]),
    sliceSample([7, 13], [0, 3], [7, 4], [5, 1], 'int32'),
    sliceSample([4, 5, 6], [1], undefined, undefined),
    sliceSample([4, 5, 6], [-2, 0], [100, -2], [1, 2]),
    sliceSample([3, 5, 7, 2], [0, 1, 0, 1], [3, 4, 7, 2], [2, 2, 3, 1], 'int32'),
    sliceSample([0, 4], [0, 1], [0, 3], undefined),
    sliceSample([365, 373], [1, 2], [-1, -3], [1, 1]),
  ];
}

function expandSamples(): Sample[] {
  const cases: [number[], number[], DType][] = [
    [[3, 1], [2, 3, 4], 'float32'],
    [[], [2, 2], 'float32'],
    [[1], [0], 'float32'],
    [[1, 5], [4, 5], 'int32'],
    [[2, 1, 3], [2, 4, 3], 'int32'],
    [[7], [7], 'float32'],
    [[1], [365, 373], 'float32'],
  ];
  return cases.map(([from, to, dtype]) => ({
    name: `expand ${dtype} [${from}] to [${to}]`,
    inputs: [data(from, dtype)],
    run: ([x]) => fv.ops.expand(x!, to),
    ref: ([x]) => ref.expand(x!, to),
    dtype,
  }));
}

function concatSamples(): Sample[] {
  const cases: [number[][], number, DType][] = [
    [[[2, 3], [4, 3]], 0, 'float32'],
    [[[2, 3], [2, 5], [2, 1]], 1, 'float32'],
    [[[2, 3], [2, 5]], -1, 'int32'],
    [[[2, 3, 4], [2, 1, 4], [2, 0, 4], [2, 7, 4]], 1, 'float32'],
    [[[3, 2, 4], [3, 2, 5]], 2, 'int32'],
    [[[7], [13], [17]], 0, 'int32'],
    [[[5, 3]], 0, 'float32'],
    [[[0, 3], [2, 3]], 0, 'float32'],
  ];
  return cases.map(([shapes, axis, dtype]) => ({
    name: `concat ${dtype} ${shapes.map((s) => `[${s}]`).join(' ')} axis ${axis}`,
    inputs: shapes.map((s) => data(s, dtype)),
    run: (xs) => fv.ops.concat(xs, axis),
    ref: (xs) => ref.concat(xs, axis < 0 ? axis + shapes[0]!.length : axis),
    dtype,
  }));
}

function indexSelectSamples(): Sample[] {
  const out: Sample[] = [];
  const select: [number[], number, number[], number[], DType][] = [
    [[7, 5], 0, [3], [6, 0, 6], 'float32'],
    [[7, 5], 1, [4], [4, 4, 1, 0], 'float32'],
    [[7, 5], -1, [], [2], 'float32'],
    [[2, 13, 3], 1, [2, 3], [12, 0, 5, 5, 7, 1], 'float32'],
    [[2, 13, 3], 2, [0], [], 'float32'],
    [[97, 3], 0, [5], [96, 0, 50, 1, 96], 'int32'],
  ];
  for (const [shape, axis, ishape, idx, dtype] of select) {
    out.push({
      name: `indexSelect ${dtype} [${shape}] axis ${axis} index [${ishape}] = [${idx}]`,
      inputs: [data(shape, dtype), given(ishape, idx.length ? idx : [0], 'int32')],
      run: ([x, i]) => fv.ops.indexSelect(x!, axis, i!),
      ref: ([x, i]) => ref.indexSelect(x!, axis < 0 ? axis + shape.length : axis, i!),
      dtype,
    });
  }
  return out;
}

function gatherSamples(): Sample[] {
  const out: Sample[] = [];
  const gather: [number[], number, number[], DType][] = [
    [[4, 5], 1, [4, 3], 'float32'],
    [[4, 5], 0, [2, 5], 'float32'],
    [[4, 5], -1, [4, 9], 'int32'],
    [[3, 4, 5], 2, [3, 4, 2], 'float32'],
    [[3, 4, 5], 1, [2, 2, 5], 'float32'],
    [[3, 4, 5], 0, [1, 3, 2], 'int32'],
    [[7], 0, [13], 'float32'],
    [[4, 5], 1, [4, 0], 'float32'],
  ];
  for (const [shape, axis, ishape, dtype] of gather) {
    const a = axis < 0 ? axis + shape.length : axis;
    out.push({
      name: `gather ${dtype} [${shape}] axis ${axis} index [${ishape}]`,
      inputs: [data(shape, dtype), integers(ishape, 0, shape[a]!, 'int32')],
      run: ([x, i]) => fv.ops.gather(x!, axis, i!),
      ref: ([x, i]) => ref.gather(x!, a, i!),
      dtype,
    });
  }
  return out;
}

function reshapeSamples(): Sample[] {
  const cases: [number[], number[], number[], DType][] = [
    [[2, 3, 4], [-1, 4], [6, 4], 'float32'],
    [[2, 3, 4], [6, -1], [6, 4], 'int32'],
    [[2, 3, 4], [-1], [24], 'float32'],
    [[2, 3, 4], [4, 1, -1, 3], [4, 1, 2, 3], 'float32'],
    [[], [-1], [1], 'float32'],
    [[1], [], [], 'float32'],
    [[7, 13], [13, 7], [13, 7], 'float32'],
    [[0, 3], [-1, 3], [0, 3], 'float32'],
  ];
  return cases.map(([from, to, expected, dtype]) => ({
    name: `reshape ${dtype} [${from}] to [${to}]`,
    inputs: [data(from, dtype)],
    run: ([x]) => fv.ops.reshape(x!, to),
    ref: ([x]) => ref.refArray(x!.data, expected),
    dtype,
  }));
}

const { ops } = fv;

const z = (shape: number[]): fv.Tensor => fv.zeros(shape);
const x23 = (): fv.Tensor => z([2, 3]);

const specs: OpSpec[] = [
  {
    name: 'permute',
    samples: permuteSamples(),
    grad: [{ name: 'permute', run: () => gradcheck((t) => ops.permute(t, [2, 0, 1]), [f64([2, 3, 4], 16)]) }],
    errors: [
      err('perm too short', () => ops.permute(z([2, 3, 4]), [0, 1]), /^permute: .*perm.*\[2,3,4\]/),
      err('perm with a repeat', () => ops.permute(z([2, 3, 4]), [0, 1, 1]), /^permute: .*perm.*\[2,3,4\]/),
      err('binding: perm with a repeat', () => native.permute(x23().handle('test').id, [0, 0]), /^permute: perm .*\[2,3\]/),
    ],
  },
  {
    name: 'transpose',
    samples: transposeSamples(),
    grad: [{ name: 'transpose', run: () => gradcheck((t) => ops.transpose(t), [f64([3, 4], 17)]) }],
    errors: [err('axis out of range', () => ops.transpose(x23(), 0, 2), /^transpose: axis 2 .*\[2,3\]/)],
  },
  {
    name: 'slice',
    samples: sliceSamples(),
    grad: [
      {
        name: 'slice with negative bounds and steps',
        run: () => {
          gradcheck((t) => ops.slice(t, [1, -4], [3, -1]), [f64([4, 6], 18)]);
          gradcheck((t) => ops.slice(t, [0, 1], [4, 6], [2, 3]), [f64([4, 6], 19)]);
        },
      },
    ],
    errors: [
      err('begin longer than the rank', () => ops.slice(x23(), [0, 0, 0]), /^slice: .*\[2,3\]/),
      err('step 0', () => ops.slice(x23(), [0], [2], [0]), /^slice: step\[0\]/),
      err('binding: end past the axis', () => native.slice(x23().handle('test').id, [0, 0], [3, 3], [1, 1]), /^slice: axis 0: .*\[2,3\]/),
    ],
  },
  {
    name: 'expand',
    samples: expandSamples(),
    grad: [{ name: 'expand', run: () => gradcheck((t) => ops.expand(t, [2, 3, 4]), [f64([3, 1], 20)]) }],
    errors: [err('shape that does not broadcast', () => ops.expand(x23(), [3, 3]), /^expand: .*\[2,3\].*\[3,3\]/)],
  },
  {
    name: 'concat',
    samples: concatSamples(),
    grad: [{ name: 'concat (one input twice)', run: () => gradcheck((a, b) => ops.concat([a, b, a], 1), [f64([2, 3], 21), f64([2, 1], 22)]) }],
    errors: [
      err('shapes differ off the axis', () => ops.concat([x23(), z([3, 2])], 0), /^concat: tensors\[1\].*\[3,2\].*\[2,3\]/),
      err('dtypes differ', () => ops.concat([x23(), i32([1, 2, 3], [1, 3])], 0), /^concat: tensors\[1\] is int32.*float32/),
      err('axis out of range', () => ops.concat([x23(), x23()], 2), /^concat: axis 2 .*\[2,3\]/),
    ],
  },
  {
    name: 'indexSelect',
    samples: indexSelectSamples(),
    grad: [
      {
        name: 'indexSelect (repeated indices accumulate)',
        run: () => {
          const idx = fv.tensor(new Int32Array([2, 0, 2, 1]), [2, 2]);
          gradcheck((t) => ops.indexSelect(t, 0, idx), [f64([3, 4], 23)]);
        },
      },
    ],
    errors: [
      err('float32 index', () => ops.indexSelect(x23(), 0, z([2])), /^indexSelect: index .*int32.*float32.*\[2\]/),
      err('axis out of range', () => ops.indexSelect(x23(), -3, i32([0], [1])), /^indexSelect: axis -3 .*\[2,3\]/),
      err('index past the axis', () => ops.indexSelect(x23(), 0, i32([0, 2], [2])), /^indexSelect: index\[1\] = 2 is out of range 0\.\.2 for x \[2,3\]/),
      err('negative index', () => ops.indexSelect(x23(), 1, i32([-1], [1])), /^indexSelect: index\[0\] = -1 .*\[2,3\]/),
    ],
  },
  {
    name: 'gather',
    samples: gatherSamples(),
    grad: [
      {
        name: 'gather (repeated indices accumulate)',
        run: () => {
          const g = fv.tensor(new Int32Array([0, 2, 2, 1, 1, 1]), [2, 3]);
          gradcheck((t) => ops.gather(t, 1, g), [f64([2, 4], 24)]);
        },
      },
    ],
    errors: [
      err('index of another rank', () => ops.gather(z([4, 5]), 1, i32([0, 1, 2, 3, 4, 0], [1, 2, 3])), /^gather: index \[1,2,3\].*x \[4,5\]/),
      err('float32 index', () => ops.gather(x23(), 1, x23()), /^gather: index .*int32.*float32.*\[2,3\]/),
      err('axis out of range', () => ops.gather(x23(), 2, i32([0], [1, 1])), /^gather: axis 2 .*\[2,3\]/),
      err('index past the axis', () => ops.gather(x23(), 1, i32([0, 3, 1, 1], [2, 2])), /^gather: index\[1\] = 3 is out of range 0\.\.3 for x \[2,3\]/),
      err('negative index', () => ops.gather(x23(), 0, i32([0, -1], [1, 2])), /^gather: index\[1\] = -1 .*\[2,3\]/),
      err('binding: float32 index', () => native.gather(z([2, 2]).handle('test').id, 0, z([2, 2]).handle('test').id), /^gather: index .*int32.*float32/),
    ],
  },
  {
    name: 'reshape',
    samples: reshapeSamples(),
    grad: [{ name: 'reshape', run: () => gradcheck((t) => ops.reshape(t, [4, -1]), [f64([2, 3, 2], 15)]) }],
    errors: [
      err('-1 that does not divide', () => ops.reshape(x23(), [4, -1]), /^reshape: .*\[2,3\].*\[4,-1\]/),
      err('size mismatch', () => ops.reshape(x23(), [5]), /^reshape: .*\[2,3\].*\[5\]/),
      err('two -1', () => ops.reshape(x23(), [-1, -1]), /^reshape: .*-1/),
    ],
  },
];

export const layout = family('layout', EXACT, specs);
