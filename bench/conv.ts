// conv2d forward + backward (x, weight, bias) on the CPU vs PyTorch's CPU build
// (bench/torch_conv.py; numpy im2col + matmul when torch is missing), in one run.
// The headline case is the BN-Inception-sized layer: batch 32, 192→64 channels,
// 28×28, 3×3, padding 1. `profileConv` splits foveate's time by kernel.
import * as fv from '../src/index.js';
import { compare, pythonCase, type ComparedSection } from './compare.js';
import { type BenchContext } from './context.js';
import { trySetup } from './python.js';
import { time, timeRound } from './timer.js';

export interface ConvCase {
  name: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  stride: number;
  padding: number;
  dilation: number;
  groups: number;
}

export const CONV_CASES: ConvCase[] = [
  { name: 'BN-Inception 3×3: [32,192,28,28] → 64, padding 1', x: [32, 192, 28, 28], w: [64, 192, 3, 3], stride: 1, padding: 1, dilation: 1, groups: 1 },
];

/** The case's conv2d options (the case also carries its name and shapes, which conv2d refuses). */
const convOptions = (c: ConvCase) => ({ stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups });

/** Inputs for one case: x, weight, bias and the output gradient (seeded normals). */
function inputs(c: ConvCase): { x: fv.Tensor; w: fv.Tensor; b: fv.Tensor; g: fv.Tensor } {
  fv.seed(1);
  const x = fv.randn(c.x);
  const w = fv.randn(c.w);
  const b = fv.randn([c.w[0]]);
  const y = fv.noGrad(() => fv.ops.conv2d(x, w, { ...convOptions(c), bias: b }));
  const g = fv.randn([...y.shape]);
  y.dispose();
  for (const t of [x, w, b]) t.requiresGrad = true;
  return { x, w, b, g };
}

/** One forward + backward of every input, as a training step does. */
function step(c: ConvCase, t: ReturnType<typeof inputs>): void {
  fv.tidy(() => {
    fv.ops.conv2d(t.x, t.w, { ...convOptions(c), bias: t.b }).backward(t.g);
    for (const p of [t.x, t.w, t.b]) {
      p.grad?.dispose();
      p.grad = undefined;
    }
  });
}

/** Best times of the three kernels of a step: forward, grad of x, grad of weight. */
export function profileConv(c: ConvCase): { forwardMs: number; backwardInputMs: number; backwardWeightMs: number } {
  const t = inputs(c);
  const opts = convOptions(c);
  const r = fv.noGrad(() => ({
    forwardMs: time(() => fv.ops.conv2d(t.x, t.w, { ...opts, bias: t.b }).dispose()).bestMs,
    backwardInputMs: time(() => fv.ops.conv2dBackwardInput(t.g, t.w, c.x, opts).dispose()).bestMs,
    backwardWeightMs: time(() => fv.ops.conv2dBackwardWeight(t.g, t.x, c.w, opts).dispose()).bestMs,
  }));
  for (const v of Object.values(t)) v.dispose();
  return r;
}

/** Each case alternated with PyTorch (numpy im2col + matmul when torch is missing, and the table says so). */
export async function benchConv(ctx: BenchContext, cases = CONV_CASES, minMs = 500): Promise<ComparedSection> {
  const base = await trySetup(ctx.worker, 'torch_conv', { cases, min_ms: minMs });
  const rows = [];
  for (const [i, c] of cases.entries()) {
    const t = inputs(c);
    rows.push(await compare({ name: c.name, rounds: ctx.rounds, foveate: () => timeRound(() => step(c, t), { minMs, minRuns: 5, warmup: 2 }), baseline: pythonCase(ctx.worker, base.baseline, String(i)), why: base.why }));
    for (const v of Object.values(t)) v.dispose();
  }
  await ctx.worker.drop('torch_conv');
  return { key: 'conv', title: 'conv2d forward+backward vs PyTorch CPU (ms)', unit: 'ms', baselineName: 'PyTorch', baseline: base.baseline?.label, rows };
}

// `npx tsx bench/conv.ts --profile` (the comparison: npm run bench -- --only conv)
if (require.main === module && process.argv.includes('--profile')) console.log(JSON.stringify(profileConv(CONV_CASES[0]!), null, 2));
