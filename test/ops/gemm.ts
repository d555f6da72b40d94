// GEMM: fv.ops.matmul against reference.matmul — 2-D, batched 3-D, 3-D×2-D
// and 2-D×3-D broadcast, all four transA/transB combinations, k = 1, m or n = 1,
// empty dims (k = 0 gives zeros), and sizes ≥ 200 for the blocked/parallel paths.
// Tolerance: any summation order (blocked, FMA) is within γ_k·(|A|·|B|) of the
// exact product (Higham, Accuracy and Stability, §3.5); we allow 2·k·u·(|A|·|B|)
// per element, u = 2^-24, plus rtol 2u for the final rounding.
import * as fv from '../../src/index.js';
import { matmul as refMatmul } from '../../src/reference/index.js';
import { U32 } from '../helpers/compare.js';
import { native } from '../../src/native.js';
import { absOf, err, f64, family, gradcheck, i32, uniform, type Sample } from './opinfo.js';

/** Stored shape of an operand that reads as rows×cols, transposed when `t`. */
function stored(batch: number | undefined, rows: number, cols: number, t: boolean): number[] {
  const mat = t ? [cols, rows] : [rows, cols];
  return batch === undefined ? mat : [batch, ...mat];
}

interface Problem {
  m: number;
  k: number;
  n: number;
  /** Batch of a and of b (undefined: a plain matrix, shared across the batch). */
  ba?: number;
  bb?: number;
}

const PROBLEMS: Problem[] = [
  { m: 1, k: 1, n: 1 },
  { m: 7, k: 13, n: 31 },
  { m: 17, k: 33, n: 65 },
  { m: 1, k: 17, n: 33 },
  { m: 33, k: 17, n: 1 },
  { m: 65, k: 1, n: 97 },
  { m: 97, k: 65, n: 13 },
  { m: 203, k: 257, n: 211 },
  { m: 256, k: 200, n: 64 },
  { m: 7, k: 13, n: 5, ba: 3, bb: 3 },
  { m: 1, k: 31, n: 17, ba: 4, bb: 4 },
  { m: 17, k: 33, n: 9, ba: 4 },
  { m: 9, k: 17, n: 5, bb: 4 },
  { m: 200, k: 64, n: 201, ba: 2, bb: 2 },
  { m: 0, k: 5, n: 3 },
  { m: 4, k: 0, n: 3 },
  { m: 4, k: 5, n: 0 },
  { m: 0, k: 4, n: 5, ba: 3, bb: 3 },
  { m: 2, k: 4, n: 5, ba: 0, bb: 0 },
];

function sample(p: Problem, transA: boolean, transB: boolean): Sample {
  const sa = stored(p.ba, p.m, p.k, transA);
  const sb = stored(p.bb, p.k, p.n, transB);
  const t = (f: boolean): string => (f ? 'ᵀ' : '');
  return {
    name: `[${sa}]${t(transA)} · [${sb}]${t(transB)}`,
    inputs: [uniform(sa), uniform(sb)],
    run: ([a, b]) => fv.ops.matmul(a!, b!, { transA, transB }),
    ref: ([a, b]) => refMatmul(a!, b!, transA, transB),
    bound: ([a, b]) => refMatmul(absOf(a!), absOf(b!), transA, transB).data.map((v) => 2 * p.k * U32 * v),
  };
}

/** Gradcheck: 2-D, and batched 3-D times a shared 2-D operand and back, each transA/transB. */
function gradCases() {
  const mm = (transA: boolean, transB: boolean) => (x: fv.Tensor, y: fv.Tensor) => fv.ops.matmul(x, y, { transA, transB });
  return [false, true].flatMap((transA) =>
    [false, true].flatMap((transB) => [
      {
        name: `2-D transA=${transA} transB=${transB}`,
        run: () => gradcheck(mm(transA, transB), [f64(transA ? [4, 3] : [3, 4], 8), f64(transB ? [5, 4] : [4, 5], 9)]),
      },
      {
        name: `batched 3-D times a shared 2-D operand and back, transA=${transA} transB=${transB}`,
        run: () => {
          gradcheck(mm(transA, transB), [f64(transA ? [2, 4, 3] : [2, 3, 4], 10), f64(transB ? [5, 4] : [4, 5], 11)]);
          gradcheck(mm(transA, transB), [f64(transA ? [4, 3] : [3, 4], 12), f64(transB ? [2, 5, 4] : [2, 4, 5], 13)]);
          gradcheck(mm(transA, transB), [f64(transA ? [2, 4, 3] : [2, 3, 4], 14), f64(transB ? [2, 5, 4] : [2, 4, 5], 15)]);
        },
      },
    ]),
  );
}

export const gemm = family('gemm', { atol: 0, rtol: 2 * U32 }, [
  {
    name: 'matmul',
    samples: PROBLEMS.flatMap((p) => [sample(p, false, false), sample(p, true, false), sample(p, false, true), sample(p, true, true)]),
    grad: gradCases(),
    errors: [
      err('mismatched inner sizes', () => fv.ops.matmul(fv.zeros([2, 3]), fv.zeros([4, 5])), /^matmul: .*a \[2,3\].* b \[4,5\]/),
      err('mismatched inner sizes, transA', () => fv.ops.matmul(fv.zeros([3, 2]), fv.zeros([4, 5]), { transA: true }), /^matmul: .*a \[3,2\]ᵀ.* b \[4,5\]/),
      err('mismatched batched shapes', () => fv.ops.matmul(fv.zeros([2, 3, 4]), fv.zeros([3, 4, 5])), /^matmul: .*\[2,3,4\].*\[3,4,5\]/),
      err('a of rank 1', () => fv.ops.matmul(fv.zeros([4]), fv.zeros([4, 5])), /^matmul: .*a.*\[4\]/),
      err('int32 a', () => fv.ops.matmul(i32([1, 2, 3, 4], [2, 2]), fv.zeros([2, 2])), /^matmul: a .*float32.*int32.*\[2,2\]/),
      err('binding: int32 a', () => { const h = i32([1, 2, 3, 4], [2, 2]).handle('test').id; return native.matmul(h, h, false, false); }, /^matmul: a .*float32.*int32.*\[2,2\]/),
    ],
  },
]);
