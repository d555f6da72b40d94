// Show, Attend and Tell's soft attention (PAPERS.md §3): the fused kernel
// (fv.attention.softAttend) against the composite of existing ops it replaced
// (softAttendComposite), forward + backward at the captioner's shapes: batch 64,
// L = 196 locations (a 14×14 grid), A = 512 attention units, D = 1280
// (EfficientNet-Lite0's last map) and D = 112 (an earlier 14×14 map). One word's
// attention step; proj = W_a a is an input (it is computed once per image).
// Gradients go to proj, hProj and v — the captioner's case, whose encoder is not
// fine-tuned (PAPERS.md §3) — and, in a second pair of rows, to the annotations too.
// The two alternate (bench/alternate.ts); ratio = composite ms / fused ms.
import * as fv from '../src/index.js';
import { compare, type ComparedSection } from './compare.js';
import { type BenchContext } from './context.js';
import { timeRound } from './timer.js';
import { type RoundTiming } from './alternate.js';

export const SOFT_ATTEND_CASES = [
  { B: 64, L: 196, A: 512, D: 1280, annotationsGrad: false },
  { B: 64, L: 196, A: 512, D: 112, annotationsGrad: false },
  { B: 64, L: 196, A: 512, D: 1280, annotationsGrad: true },
  { B: 64, L: 196, A: 512, D: 112, annotationsGrad: true },
];

type Attend = typeof fv.attention.softAttend;

/** One round: forward + backward (seed gradients on context and α), best of a few runs. */
function stepRound(attend: Attend, leaves: fv.Tensor[], gContext: fv.Tensor, gAlpha: fv.Tensor): RoundTiming {
  const [proj, hProj, v, annotations] = leaves as [fv.Tensor, fv.Tensor, fv.Tensor, fv.Tensor];
  return timeRound(
    () =>
      fv.tidy(() => {
        const { context, alpha } = attend(proj, hProj, v, annotations);
        fv.ops.add(fv.ops.sum(fv.ops.mul(context, gContext)), fv.ops.sum(fv.ops.mul(alpha, gAlpha))).backward();
        for (const t of leaves) {
          t.grad?.dispose();
          t.grad = undefined;
        }
      }),
    { minMs: 200, minRuns: 3, warmup: 1 },
  );
}

export async function benchSoftAttend(ctx: BenchContext, cases = SOFT_ATTEND_CASES): Promise<ComparedSection> {
  const rows = [];
  for (const { B, L, A, D, annotationsGrad } of cases) {
    fv.seed(11);
    const leaves = [fv.randn([B, L, A], { std: 0.5 }), fv.randn([B, A], { std: 0.5 }), fv.randn([A], { std: 0.1 }), fv.rand([B, L, D])];
    leaves.forEach((t, i) => (t.requiresGrad = i < 3 || annotationsGrad));
    const [gContext, gAlpha] = [fv.randn([B, D]), fv.randn([B, L])];
    const grads = annotationsGrad ? 'd proj, hProj, v, annotations' : 'd proj, hProj, v';
    rows.push(
      await compare({
        name: `B ${B}, L ${L}, A ${A}, D ${D}; ${grads}`,
        rounds: ctx.rounds,
        foveate: () => stepRound(fv.attention.softAttend, leaves, gContext, gAlpha),
        baseline: () => stepRound(fv.attention.softAttendComposite, leaves, gContext, gAlpha),
      }),
    );
    for (const t of [...leaves, gContext, gAlpha]) t.dispose();
  }
  return {
    key: 'softattend',
    title: 'Soft attention (Show, Attend and Tell), one word, forward+backward: fused kernel (foveate column) vs the composite of ops (ms)',
    unit: 'ms',
    baselineName: 'composite',
    baseline: 'fv.attention.softAttendComposite, the composite of foveate ops the fused kernel replaced',
    rows,
  };
}
