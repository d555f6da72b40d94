// EfficientNet-Lite0 inference throughput (images/s): forward of a batch of 32
// 224×224 images through fv.models.efficientNetLite0 (BN folded; depthwise
// convolutions on their own kernel; conv → bias → ReLU6 in one pass), against the
// same network in PyTorch CPU (bench/torch_efficientnet.py, BN folded too), in
// alternating rounds so both see the same load on the shared machine. Random
// weights of the right shapes: the fetched asset is not needed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fv from '../src/index.js';
import { runPython } from './python.js';
import { time } from './timer.js';

export interface EfficientNetCase {
  name: string;
  batch: number;
  size: number;
}

export interface EfficientNetRow {
  name: string;
  foveateMs: number;
  foveateImagesPerS: number;
  torchMs?: number;
  torchImagesPerS?: number;
  /** torchMs / foveateMs: above 1, foveate is faster. */
  ratio?: number;
  note?: string;
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

/** Best milliseconds of one forward of a batch. */
export function efficientNetFoveateMs(c: EfficientNetCase, net: fv.models.EfficientNetLite0, minMs = 3000): number {
  fv.seed(1);
  const x = fv.randn([c.batch, 3, c.size, c.size]);
  const ms = time(() => fv.noGrad(() => fv.tidy(() => void net.forward(x))), { minMs, minRuns: 3, warmup: 1 }).bestMs;
  x.dispose();
  return ms;
}

export function benchEfficientNet(cases = EFFICIENTNET_CASES, rounds = 2): EfficientNetRow[] {
  const net = randomEfficientNetLite0();
  const rows: EfficientNetRow[] = cases.map((c) => ({ name: c.name, foveateMs: Infinity, foveateImagesPerS: 0 }));
  for (let r = 0; r < rounds; r++) {
    const base = runPython<{ name: string; ms: number }[]>('torch_efficientnet.py', cases);
    cases.forEach((c, i) => {
      const row = rows[i]!;
      const b = base.value?.[i];
      if (b) row.torchMs = Math.min(row.torchMs ?? Infinity, b.ms);
      else row.note = base.why;
      row.foveateMs = Math.min(row.foveateMs, efficientNetFoveateMs(c, net));
    });
  }
  net.dispose();
  cases.forEach((c, i) => {
    const row = rows[i]!;
    row.foveateImagesPerS = (c.batch / row.foveateMs) * 1e3;
    if (row.torchMs !== undefined) {
      row.torchImagesPerS = (c.batch / row.torchMs) * 1e3;
      row.ratio = row.torchMs / row.foveateMs;
    }
  });
  return rows;
}

// `npx tsx bench/efficientnet.ts [--rounds N]`
if (require.main === module) {
  const k = process.argv.indexOf('--rounds');
  console.log(JSON.stringify(benchEfficientNet(EFFICIENTNET_CASES, k > 0 ? Number(process.argv[k + 1]) : 2), null, 2));
}
