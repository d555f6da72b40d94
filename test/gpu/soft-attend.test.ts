// Soft attention (Show, Attend and Tell) on CUDA vs CPU through autograd: context,
// α and the gradients of proj, hProj, v, annotations and the bias, with and without
// a mask, at odd shapes and at the captioner's (B 64, L 196, A 512, D 1280 and 112).
// The op's samples also run here via test/gpu/kernels.test.ts.
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { announceSkip, hasGpu } from '../helpers/gpu.js';
import { expectClose } from '../helpers/compare.js';

announceSkip('softAttend on CUDA');

const NAMES = ['context', 'alpha', 'd proj', 'd hProj', 'd v', 'd annotations', 'd bias'];

function run(dims: number[], masked: boolean, device: 'cpu' | 'cuda'): Float32Array[] {
  return fv.tidy(() => {
    const [B, L, A, D] = dims as [number, number, number, number];
    fv.seed(41);
    const leaves = [fv.randn([B, L, A], { std: 0.5 }), fv.randn([B, A], { std: 0.5 }), fv.randn([A]), fv.rand([B, L, D]), fv.randn([1])].map((t) => t.to(device));
    const mask = masked ? fv.tensor(Float32Array.from({ length: B * L }, (_, i) => (i % L === 0 || i % 4 !== 1 ? 1 : 0)), [B, L]).to(device) : undefined;
    const [gc, ga] = [fv.randn([B, D]).to(device), fv.randn([B, L]).to(device)];
    for (const t of leaves) t.requiresGrad = true;
    const r = fv.attention.softAttend(leaves[0]!, leaves[1]!, leaves[2]!, leaves[3]!, { bias: leaves[4], mask });
    expect(r.context.device).toBe(device);
    fv.ops.add(fv.ops.sum(fv.ops.mul(r.context, gc)), fv.ops.sum(fv.ops.mul(r.alpha, ga))).backward();
    const out = [r.context, r.alpha, ...leaves.map((t) => t.grad!)].map((t) => t.to('cpu').toFloat32Array());
    for (const t of leaves) t.grad!.dispose();
    return out;
  });
}

describe.skipIf(!hasGpu)('softAttend: CUDA vs CPU, forward and backward', () => {
  it.each([
    [[1, 1, 1, 1], false],
    [[3, 13, 17, 31], true],
    [[2, 29, 16, 8], false],
    [[5, 1, 9, 11], true],
    [[64, 196, 512, 1280], false],
    [[64, 196, 512, 112], true],
  ] as [number[], boolean][])('%j mask %s', (dims, masked) => {
    const [cpu, gpu] = [run(dims, masked, 'cpu'), run(dims, masked, 'cuda')];
    cpu.forEach((c, i) => {
      // Sums of A (scores), L (context, dhProj) or B·L (dv, dbias) float32 terms in different orders.
      const scale = c.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
      expectClose(`softAttend ${NAMES[i]}`, gpu[i]!, c, { atol: 5e-5 * scale, rtol: 1e-4 });
    });
  });
});
