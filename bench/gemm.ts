// SGEMM: foveate's CPU matmul vs numpy (OpenBLAS) in the same run, GFLOP/s.
import * as fv from '../src/index.js';
import { runPython } from './python.js';
import { time } from './timer.js';

export interface GemmShape {
  m: number;
  n: number;
  k: number;
  ta?: boolean;
  tb?: boolean;
}

export interface GemmRow extends GemmShape {
  foveate: number;
  numpy?: number;
  ratio?: number;
}

export const GEMM_SHAPES: GemmShape[] = [
  { m: 256, n: 256, k: 256 },
  { m: 512, n: 512, k: 512 },
  { m: 1024, n: 1024, k: 1024 },
  { m: 2048, n: 2048, k: 2048 },
  { m: 64, n: 1024, k: 512 },
  { m: 64, n: 1024, k: 256 },
  { m: 1024, n: 1024, k: 1024, ta: true },
  { m: 1024, n: 1024, k: 1024, tb: true },
  { m: 64, n: 1024, k: 512, tb: true },
  { m: 512, n: 1024, k: 64, ta: true },
];

export function gemmFoveate(s: GemmShape): number {
  fv.seed(1);
  const a = fv.randn(s.ta ? [s.k, s.m] : [s.m, s.k]);
  const b = fv.randn(s.tb ? [s.n, s.k] : [s.k, s.n]);
  const t = time(() => fv.ops.matmul(a, b, { transA: s.ta, transB: s.tb }).dispose(), { minMs: 500 });
  a.dispose();
  b.dispose();
  return (2 * s.m * s.n * s.k) / (t.bestMs * 1e6);
}

export function benchGemm(shapes = GEMM_SHAPES): { rows: GemmRow[]; numpyNote?: string } {
  const numpy = runPython<{ gflops: number }[]>('numpy_gemm.py', shapes.map((s) => ({ ...s, ta: !!s.ta, tb: !!s.tb })));
  const rows = shapes.map((s, i) => {
    const foveate = gemmFoveate(s);
    const np = numpy.value?.[i]?.gflops;
    return { ...s, foveate, numpy: np, ratio: np ? foveate / np : undefined };
  });
  return { rows, numpyNote: numpy.ok ? undefined : numpy.why };
}
