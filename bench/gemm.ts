// SGEMM: foveate's CPU matmul vs numpy (OpenBLAS), alternated in the same run, GFLOP/s.
import * as fv from '../src/index.js';
import { compare, pythonCase, type ComparedSection } from './compare.js';
import { trySetup } from './python.js';
import { timeRound } from './timer.js';
import { type BenchContext } from './context.js';
import { type RoundTiming } from './alternate.js';

export interface GemmShape {
  m: number;
  n: number;
  k: number;
  ta?: boolean;
  tb?: boolean;
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

export function fmtGemmShape(s: GemmShape): string {
  return `${s.m}×${s.k}${s.ta ? 'ᵀ' : ''} · ${s.k}×${s.n}${s.tb ? 'ᵀ' : ''}`;
}

/** A round function timing one product of `s` (operands made once, kept until `dispose`). */
export function gemmFoveate(s: GemmShape): { round: () => RoundTiming; dispose: () => void } {
  fv.seed(1);
  const a = fv.randn(s.ta ? [s.k, s.m] : [s.m, s.k]);
  const b = fv.randn(s.tb ? [s.n, s.k] : [s.k, s.n]);
  return {
    round: () => timeRound(() => fv.ops.matmul(a, b, { transA: s.ta, transB: s.tb }).dispose(), { minMs: 300, minRuns: 5, warmup: 3 }),
    dispose: () => {
      a.dispose();
      b.dispose();
    },
  };
}

export async function benchGemm(ctx: BenchContext, shapes = GEMM_SHAPES): Promise<ComparedSection> {
  const numpy = await trySetup(ctx.worker, 'numpy_gemm', { shapes: shapes.map((s) => ({ ...s, ta: !!s.ta, tb: !!s.tb })) });
  const rows = [];
  for (const [i, s] of shapes.entries()) {
    const f = gemmFoveate(s);
    rows.push(await compare({ name: fmtGemmShape(s), rounds: ctx.rounds, foveate: f.round, baseline: pythonCase(ctx.worker, numpy.baseline, String(i)), why: numpy.why, flop: 2 * s.m * s.n * s.k }));
    f.dispose();
  }
  await ctx.worker.drop('numpy_gemm');
  return { key: 'gemm', title: 'SGEMM', unit: 'GFLOP/s', baselineName: 'numpy', baseline: numpy.baseline?.label, rows };
}
