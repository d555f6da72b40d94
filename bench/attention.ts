// DRAW attention micro-benchmark: the MNIST preset's read (2×2) and write (5×5)
// on a batch of 64 images of 28×28, forward + backward (gradients of the image or
// patch and of the five params), CPU. The kernels are dense (no data-dependent
// work), so a seeded binarised batch of MNIST's shape stands in for the digits.
// Run: npx tsx bench/attention.ts (PyTorch twin: python3 bench/torch_attention.py 1)
import * as fv from '../src/index.js';
import { time } from './timer.js';

const BATCH = 64;
const SIDE = 28;

/** Params in DRAW's working range: grid near the centre, σ² ≈ 1, δ̃ ≈ 1, γ ≈ 1. */
function params(): fv.Tensor {
  return fv.tidy(() => fv.ops.mul(fv.rand([BATCH, 5], { low: -1, high: 1 }), fv.tensor([0.5, 0.5, 0.5, 0.3, 0.3], [5])));
}

/** Best time (ms) of `op` forward (+ backward from a fixed upstream gradient g) on leaves that need gradients. */
function step(op: (x: fv.Tensor, p: fv.Tensor) => fv.Tensor, x: fv.Tensor, p: fv.Tensor, backward: boolean): number {
  x.requiresGrad = backward;
  p.requiresGrad = backward;
  const shape = fv.noGrad(() => fv.tidy(() => [...op(x, p).shape]));
  const g = fv.rand(shape, { low: -1, high: 1 });
  const t = time(
    () =>
      fv.tidy(() => {
        const out = op(x, p);
        if (backward) {
          out.backward(g);
          x.grad!.dispose();
          p.grad!.dispose();
          x.grad = undefined;
          p.grad = undefined;
        }
      }),
    { minMs: 300, minRuns: 20, warmup: 5 },
  );
  g.dispose();
  return t.bestMs;
}

export function benchAttention(): { name: string; ms: number }[] {
  fv.seed(7);
  const images = fv.bernoulli([BATCH, SIDE, SIDE], 0.2);
  const patches = fv.rand([BATCH, 5, 5], { low: -1, high: 1 });
  const p = params();
  const read = (x: fv.Tensor, q: fv.Tensor): fv.Tensor => fv.attention.read(x, q, 2);
  const write = (w: fv.Tensor, q: fv.Tensor): fv.Tensor => fv.attention.write(w, q, SIDE, SIDE);
  const rows = [
    { name: 'read 2×2, 64×28×28, forward', ms: step(read, images, p, false) },
    { name: 'read 2×2, 64×28×28, forward+backward', ms: step(read, images, p, true) },
    { name: 'write 5×5, 64×28×28, forward', ms: step(write, patches, p, false) },
    { name: 'write 5×5, 64×28×28, forward+backward', ms: step(write, patches, p, true) },
  ];
  for (const t of [images, patches, p]) t.dispose();
  return rows;
}

if (process.argv[1]?.endsWith('attention.ts')) {
  for (const r of benchAttention()) console.log(`${r.name}: ${r.ms.toFixed(3)} ms`);
}
