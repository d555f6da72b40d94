// DRAW attention on CUDA vs CPU through autograd: read and write forward and
// backward (gradients of the image/patch and of all five params), grey and
// colour. The kernel-level samples run in test/gpu/kernels.test.ts.
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { announceSkip, hasGpu } from '../helpers/gpu.js';
import { expectClose } from '../helpers/compare.js';

announceSkip('attention read/write on CUDA');

type Run = { out: Float32Array; dx: Float32Array; dp: Float32Array };

function run(op: 'read' | 'write', shape: number[], size: number[], device: 'cpu' | 'cuda'): Run {
  return fv.tidy(() => {
    fv.seed(31);
    const x = fv.rand(shape).to(device);
    const p = fv.ops.mul(fv.rand([shape[0]!, 5], { low: -1, high: 1 }), fv.tensor([0.9, 0.9, 1, 0.5, 0.7], [5])).to(device);
    x.requiresGrad = true;
    p.requiresGrad = true;
    const out = op === 'read' ? fv.attention.read(x, p, size[0]!) : fv.attention.write(x, p, size[0]!, size[1]!);
    expect(out.device).toBe(device);
    fv.seed(32);
    const w = fv.rand(out.shape as number[], { low: -1, high: 1 }).to(device);
    fv.ops.sum(fv.ops.mul(out, w)).backward();
    const r = { out: out.to('cpu').toFloat32Array(), dx: x.grad!.to('cpu').toFloat32Array(), dp: p.grad!.to('cpu').toFloat32Array() };
    x.grad!.dispose();
    p.grad!.dispose();
    return r;
  });
}

describe.skipIf(!hasGpu)('attention read/write: CUDA vs CPU, forward and backward', () => {
  it.each([
    ['read', [64, 28, 28], [2]],
    ['read', [3, 45, 32], [12]],
    ['read', [3, 3, 45, 32], [5]],
    ['read', [1, 60, 60], [1]],
    ['write', [64, 5, 5], [28, 28]],
    ['write', [3, 12, 12], [45, 32]],
    ['write', [3, 3, 5, 5], [45, 32]],
    ['write', [1, 1, 1], [60, 60]],
  ] as ['read' | 'write', number[], number[]][])('%s %j %j', (op, shape, size) => {
    const [cpu, gpu] = [run(op, shape, size, 'cpu'), run(op, shape, size, 'cuda')];
    const tol = { atol: 2e-5, rtol: 2e-4 };
    expectClose(`${op} out`, gpu.out, cpu.out, tol);
    expectClose(`${op} d input`, gpu.dx, cpu.dx, tol);
    expectClose(`${op} d params`, gpu.dp, cpu.dp, { atol: 2e-4, rtol: 2e-4 });
  });
});
