// BN-Inception training throughput (images/s): one forward, cross-entropy and
// backward of the whole network in training mode (batch statistics), batch 32,
// at 224×224 and at the reduced resolution of the Fashion-MNIST runs (32×32),
// against the same network in PyTorch CPU (bench/torch_bn_inception.py),
// alternated in the same run (bench/alternate.ts).
import * as fv from '../src/index.js';
import { type RoundTiming } from './alternate.js';
import { compare, pythonCase, type ComparedSection } from './compare.js';
import { type BenchContext } from './context.js';
import { trySetup } from './python.js';
import { timeRound } from './timer.js';

export interface BnInceptionCase {
  name: string;
  batch: number;
  size: number;
  classes: number;
}

export const BN_INCEPTION_CASES: BnInceptionCase[] = [
  { name: 'BN-Inception 224×224, batch 32', batch: 32, size: 224, classes: 1000 },
  { name: 'BN-Inception 32×32, batch 32', batch: 32, size: 32, classes: 10 },
];

/** A round function timing training steps of foveate's BN-Inception, and its parameter count. */
export function bnInceptionFoveate(c: BnInceptionCase, minMs: number): { round: () => RoundTiming; params: number; dispose: () => void } {
  fv.seed(0);
  const net = new fv.models.BNInception({ numClasses: c.classes });
  const x = fv.randn([c.batch, 3, c.size, c.size]);
  const y = fv.tensor(Int32Array.from({ length: c.batch }, (_, i) => i % c.classes), [c.batch]);
  const params = net.parameters();
  const step = (): void =>
    fv.tidy(() => {
      fv.ops.crossEntropy(net.forward(x), y).backward();
      for (const p of params) {
        p.grad?.dispose();
        p.grad = undefined;
      }
    });
  return {
    round: () => timeRound(step, { minMs, minRuns: 2, warmup: 1 }),
    params: params.reduce((s, p) => s + p.size, 0),
    dispose: () => {
      net.dispose();
      x.dispose();
      y.dispose();
    },
  };
}

export async function benchBnInception(ctx: BenchContext, cases = BN_INCEPTION_CASES, minMs = 1000): Promise<ComparedSection> {
  const torch = await trySetup(ctx.worker, 'torch_bn_inception', { cases, min_ms: minMs });
  const rows = [];
  for (const [i, c] of cases.entries()) {
    const f = bnInceptionFoveate(c, minMs);
    rows.push(await compare({ name: `${c.name} (${(f.params / 1e6).toFixed(2)}M parameters)`, rounds: ctx.rounds, foveate: f.round, baseline: pythonCase(ctx.worker, torch.baseline, String(i)), why: torch.why, items: c.batch }));
    f.dispose();
  }
  await ctx.worker.drop('torch_bn_inception');
  return { key: 'bninception', title: 'BN-Inception training step (forward + backward) vs PyTorch CPU', unit: 'images/s', baselineName: 'PyTorch', baseline: torch.baseline?.label, rows };
}
