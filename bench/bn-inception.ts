// BN-Inception training throughput (images/s): one forward, cross-entropy and
// backward of the whole network in training mode (batch statistics), batch 32,
// at 224×224 and at the reduced resolution of the Fashion-MNIST runs (32×32),
// against the same network in PyTorch CPU (bench/torch_bn_inception.py), in
// alternating rounds so both see the same load on the shared machine.
import * as fv from '../src/index.js';
import { runPython } from './python.js';
import { time } from './timer.js';

export interface BnInceptionCase {
  name: string;
  batch: number;
  size: number;
  classes: number;
}

export interface BnInceptionRow {
  name: string;
  foveateMs: number;
  foveateImagesPerS: number;
  torchMs?: number;
  torchImagesPerS?: number;
  /** torchMs / foveateMs: above 1, foveate is faster. */
  ratio?: number;
  params: number;
  torchParams?: number;
  note?: string;
}

export const BN_INCEPTION_CASES: BnInceptionCase[] = [
  { name: 'BN-Inception 224×224, batch 32', batch: 32, size: 224, classes: 1000 },
  { name: 'BN-Inception 32×32, batch 32', batch: 32, size: 32, classes: 10 },
];

/** Best milliseconds of one training step of foveate's BN-Inception. */
export function bnInceptionFoveate(c: BnInceptionCase, minMs = 2000): { ms: number; params: number } {
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
  const ms = time(step, { minMs, minRuns: 3, warmup: 1 }).bestMs;
  const n = params.reduce((s, p) => s + p.size, 0);
  net.dispose();
  x.dispose();
  y.dispose();
  return { ms, params: n };
}

export function benchBnInception(cases = BN_INCEPTION_CASES, rounds = 2): BnInceptionRow[] {
  const rows: BnInceptionRow[] = cases.map((c) => ({ name: c.name, foveateMs: Infinity, foveateImagesPerS: 0, params: 0 }));
  for (let r = 0; r < rounds; r++) {
    const base = runPython<{ name: string; ms: number; params: number }[]>('torch_bn_inception.py', cases);
    cases.forEach((c, i) => {
      const row = rows[i]!;
      const b = base.value?.[i];
      if (b) {
        row.torchMs = Math.min(row.torchMs ?? Infinity, b.ms);
        row.torchParams = b.params;
      } else row.note = base.why;
      const f = bnInceptionFoveate(c);
      row.foveateMs = Math.min(row.foveateMs, f.ms);
      row.params = f.params;
    });
  }
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

// `npx tsx bench/bn-inception.ts [--rounds N]`
if (require.main === module) {
  const k = process.argv.indexOf('--rounds');
  console.log(JSON.stringify(benchBnInception(BN_INCEPTION_CASES, k > 0 ? Number(process.argv[k + 1]) : 2), null, 2));
}
