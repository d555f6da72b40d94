// EfficientNet-Lite0 inference throughput (images/s): forward of a batch of 32
// 224×224 images through fv.models.efficientNetLite0 (BN folded; depthwise
// convolutions on their own kernel; conv → bias → ReLU6 in one pass), against the
// same network in PyTorch CPU (bench/torch_efficientnet.py, BN folded too),
// alternated in the same run (bench/alternate.ts). Random weights of the right
// shapes: the fetched asset is not needed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fv from '../src/index.js';
import { compare, pythonCase, type ComparedSection } from './compare.js';
import { type BenchContext } from './context.js';
import { trySetup } from './python.js';
import { timeRound } from './timer.js';

export interface EfficientNetCase {
  name: string;
  batch: number;
  size: number;
}

export const EFFICIENTNET_CASES: EfficientNetCase[] = [{ name: 'EfficientNet-Lite0 forward 224×224, batch 32', batch: 32, size: 224 }];

/** The model with random weights (BN statistics with variances near 1), from a temporary file. */
export function randomEfficientNetLite0(): fv.models.EfficientNetLite0 {
  const dir = mkdtempSync(join(tmpdir(), 'fv-bench-'));
  try {
    fv.seed(0);
    const tensors: Record<string, fv.Tensor> = {};
    for (const [name, shape] of fv.models.liteStateShapes()) {
      tensors[name] = name.endsWith('running_var') ? fv.rand(shape, { low: 0.5, high: 1.5 }) : fv.randn(shape, { std: 0.1 });
    }
    const file = join(dir, 'random.safetensors');
    fv.io.save(file, tensors);
    for (const t of Object.values(tensors)) t.dispose();
    return fv.models.efficientNetLite0({ weights: file });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchEfficientNet(ctx: BenchContext, cases = EFFICIENTNET_CASES, minMs = 1500): Promise<ComparedSection> {
  const torch = await trySetup(ctx.worker, 'torch_efficientnet', { cases, min_ms: minMs });
  const net = randomEfficientNetLite0();
  const rows = [];
  for (const [i, c] of cases.entries()) {
    fv.seed(1);
    const x = fv.randn([c.batch, 3, c.size, c.size]);
    const foveate = () => timeRound(() => fv.noGrad(() => fv.tidy(() => void net.forward(x))), { minMs, minRuns: 2, warmup: 1 });
    rows.push(await compare({ name: c.name, rounds: ctx.rounds, foveate, baseline: pythonCase(ctx.worker, torch.baseline, String(i)), why: torch.why, items: c.batch }));
    x.dispose();
  }
  net.dispose();
  await ctx.worker.drop('torch_efficientnet');
  return { key: 'efficientnet', title: 'EfficientNet-Lite0 inference (forward) vs PyTorch CPU', unit: 'images/s', baselineName: 'PyTorch', baseline: torch.baseline?.label, rows };
}
