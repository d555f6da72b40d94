// conv2d forward + backward (x, weight, bias) on the CPU vs PyTorch's CPU build
// (bench/torch_conv.py; numpy im2col + matmul when torch is missing), in one run.
// The headline case is the BN-Inception-sized layer: batch 32, 192→64 channels,
// 28×28, 3×3, padding 1. `profileConv` splits foveate's time by kernel.
import * as fv from '../src/index.js';
import { runPython } from './python.js';
import { time } from './timer.js';

export interface ConvCase {
  name: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  stride: number;
  padding: number;
  dilation: number;
  groups: number;
}

export interface ConvRow {
  name: string;
  foveateMs: number;
  torchMs?: number;
  /** torchMs / foveateMs: above 1, foveate is faster. */
  ratio?: number;
  /** What the baseline was, when not PyTorch (or why there was none). */
  note?: string;
}

export const CONV_CASES: ConvCase[] = [
  { name: 'BN-Inception 3×3: [32,192,28,28] → 64, padding 1', x: [32, 192, 28, 28], w: [64, 192, 3, 3], stride: 1, padding: 1, dilation: 1, groups: 1 },
];

/** Inputs for one case: x, weight, bias and the output gradient (seeded normals). */
function inputs(c: ConvCase): { x: fv.Tensor; w: fv.Tensor; b: fv.Tensor; g: fv.Tensor } {
  fv.seed(1);
  const x = fv.randn(c.x);
  const w = fv.randn(c.w);
  const b = fv.randn([c.w[0]]);
  const y = fv.noGrad(() => fv.ops.conv2d(x, w, { ...c, bias: b }));
  const g = fv.randn([...y.shape]);
  y.dispose();
  for (const t of [x, w, b]) t.requiresGrad = true;
  return { x, w, b, g };
}

/** One forward + backward of every input, as a training step does. */
function step(c: ConvCase, t: ReturnType<typeof inputs>): void {
  fv.tidy(() => {
    fv.ops.conv2d(t.x, t.w, { ...c, bias: t.b }).backward(t.g);
    for (const p of [t.x, t.w, t.b]) {
      p.grad?.dispose();
      p.grad = undefined;
    }
  });
}

export function convFoveateMs(c: ConvCase): number {
  const t = inputs(c);
  const ms = time(() => step(c, t), { minMs: 1000 }).bestMs;
  for (const v of Object.values(t)) v.dispose();
  return ms;
}

/** Best times of the three kernels of a step: forward, grad of x, grad of weight. */
export function profileConv(c: ConvCase): { forwardMs: number; backwardInputMs: number; backwardWeightMs: number } {
  const t = inputs(c);
  const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
  const r = fv.noGrad(() => ({
    forwardMs: time(() => fv.ops.conv2d(t.x, t.w, { ...opts, bias: t.b }).dispose()).bestMs,
    backwardInputMs: time(() => fv.ops.conv2dBackwardInput(t.g, t.w, c.x, opts).dispose()).bestMs,
    backwardWeightMs: time(() => fv.ops.conv2dBackwardWeight(t.g, t.x, c.w, opts).dispose()).bestMs,
  }));
  for (const v of Object.values(t)) v.dispose();
  return r;
}

/**
 * Best of `rounds` alternating runs of PyTorch and foveate, so both see the same
 * machine load (the machine is shared; a single pair of runs can be skewed).
 */
export function benchConv(cases = CONV_CASES, rounds = 3): ConvRow[] {
  let torchMs: (number | undefined)[] = cases.map(() => undefined);
  const foveateMs = cases.map(() => Infinity);
  let why: string | undefined;
  let isTorch = true;
  for (let r = 0; r < rounds; r++) {
    const base = runPython<{ name: string; ms: number; torch: boolean }[]>('torch_conv.py', cases);
    if (!base.ok) why = base.why;
    torchMs = torchMs.map((t, i) => {
      const b = base.value?.[i];
      if (b && !b.torch) isTorch = false;
      return b === undefined ? t : Math.min(t ?? Infinity, b.ms);
    });
    cases.forEach((c, i) => (foveateMs[i] = Math.min(foveateMs[i]!, convFoveateMs(c))));
  }
  const note = why ?? (isTorch ? undefined : 'baseline is numpy im2col + matmul (torch not installed)');
  return cases.map((c, i) => {
    const t = torchMs[i];
    return { name: c.name, foveateMs: foveateMs[i]!, torchMs: t, ratio: t === undefined ? undefined : t / foveateMs[i]!, note };
  });
}

// `npx tsx bench/conv.ts [--profile]`
if (require.main === module) {
  if (process.argv.includes('--profile')) console.log(JSON.stringify(profileConv(CONV_CASES[0]!), null, 2));
  else console.log(JSON.stringify(benchConv(), null, 2));
}
