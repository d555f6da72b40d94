// Show, Attend and Tell's soft attention (PAPERS.md §3): the fused kernel
// (fv.attention.softAttend) against the composite of existing ops it replaced
// (softAttendComposite), forward + backward at the captioner's shapes: batch 64,
// L = 196 locations (a 14×14 grid), A = 512 attention units, D = 1280
// (EfficientNet-Lite0's last map) and D = 112 (an earlier 14×14 map). One word's
// attention step; proj = W_a a is an input (it is computed once per image).
// Gradients go to proj, hProj and v — the captioner's case, whose encoder is not
// fine-tuned (PAPERS.md §3) — and, in a second pair of rows, to the annotations too. The two run in alternating rounds so both see the same
// machine load; each round's time is the best of a few runs, and the rows report
// the median over rounds with ratio = composite / fused.
// Run: npx tsx bench/soft-attend.ts
import * as fv from '../src/index.js';
import { time } from './timer.js';

export interface SoftAttendRow {
  name: string;
  fusedMs: number;
  compositeMs: number;
  /** composite / fused: how many times faster the fused kernel is. */
  ratio: number;
}

export const SOFT_ATTEND_CASES = [
  { B: 64, L: 196, A: 512, D: 1280, annotationsGrad: false },
  { B: 64, L: 196, A: 512, D: 112, annotationsGrad: false },
  { B: 64, L: 196, A: 512, D: 1280, annotationsGrad: true },
  { B: 64, L: 196, A: 512, D: 112, annotationsGrad: true },
];

type Attend = typeof fv.attention.softAttend;

/** Best ms of one forward + backward (seed gradients on context and α), over a few runs. */
function stepMs(attend: Attend, leaves: fv.Tensor[], gContext: fv.Tensor, gAlpha: fv.Tensor): number {
  const [proj, hProj, v, annotations] = leaves as [fv.Tensor, fv.Tensor, fv.Tensor, fv.Tensor];
  return time(
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
  ).bestMs;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function benchSoftAttend(cases = SOFT_ATTEND_CASES, rounds = 5): SoftAttendRow[] {
  return cases.map(({ B, L, A, D, annotationsGrad }) => {
    fv.seed(11);
    const leaves = [fv.randn([B, L, A], { std: 0.5 }), fv.randn([B, A], { std: 0.5 }), fv.randn([A], { std: 0.1 }), fv.rand([B, L, D])];
    leaves.forEach((t, i) => (t.requiresGrad = i < 3 || annotationsGrad));
    const [gContext, gAlpha] = [fv.randn([B, D]), fv.randn([B, L])];
    const fused: number[] = [];
    const composite: number[] = [];
    for (let r = 0; r < rounds; r++) {
      fused.push(stepMs(fv.attention.softAttend, leaves, gContext, gAlpha));
      composite.push(stepMs(fv.attention.softAttendComposite, leaves, gContext, gAlpha));
    }
    for (const t of [...leaves, gContext, gAlpha]) t.dispose();
    const [f, c] = [median(fused), median(composite)];
    const grads = annotationsGrad ? 'd proj, hProj, v, annotations' : 'd proj, hProj, v';
    return { name: `B ${B}, L ${L}, A ${A}, D ${D}; ${grads}`, fusedMs: f, compositeMs: c, ratio: c / f };
  });
}

if (require.main === module) {
  for (const r of benchSoftAttend()) console.log(`${r.name}: fused ${r.fusedMs.toFixed(2)} ms, composite ${r.compositeMs.toFixed(2)} ms, ×${r.ratio.toFixed(2)}`);
}
