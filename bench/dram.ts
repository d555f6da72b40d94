// One DRAM training step on CPU — Table 3's row (100×100 cluttered MNIST, 8
// glimpses of 12×12, 256 LSTM units), batch 64: forward over the 8 glimpses,
// backward, global-norm clip 10 and Adam — against the same model in PyTorch CPU
// (bench/torch_dram.py, written from the same equations), alternated in the same
// run. ratio = torch ms / foveate ms (> 1: foveate faster). The target is ≥ 2.
import * as fv from '../src/index.js';
import { type RoundTiming } from './alternate.js';
import { compare, pythonCase, type ComparedSection } from './compare.js';
import { type BenchContext } from './context.js';
import { trySetup } from './python.js';
import { timeRound } from './timer.js';

/** A round function timing DRAM training steps (batch 64, images in [0,1], labels 0..9 in turn). */
export function dramFoveate(glimpses: number, minMs: number): { round: () => RoundTiming; dispose: () => void } {
  fv.seed(0);
  const model = new fv.models.DRAM({ glimpses, readN: 12, lstmSize: 256 });
  const opt = new fv.optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = fv.rand([64, 100, 100]);
  const y = fv.tensor(Int32Array.from({ length: 64 }, (_, i) => i % 10), [64]);
  const step = (): void =>
    fv.tidy(() => {
      opt.zeroGrad();
      model.loss(x, y).backward();
      fv.optim.clipGradNorm(model.parameters(), 10);
      opt.step();
    });
  return {
    round: () => timeRound(step, { minMs, minRuns: 3, warmup: 1 }),
    dispose: () => {
      x.dispose();
      y.dispose();
      model.dispose();
    },
  };
}

export async function benchDram(ctx: BenchContext, minMs = 1000): Promise<ComparedSection> {
  const torch = await trySetup(ctx.worker, 'torch_dram', { cases: { step: { batch: 64, glimpses: 8, read_n: 12, hidden: 256, size: 100 } }, min_ms: minMs });
  const f = dramFoveate(8, minMs);
  const row = await compare({
    name: 'DRAM training step (100×100, 8 glimpses 12×12, 256 units, batch 64)',
    rounds: ctx.rounds,
    foveate: f.round,
    baseline: pythonCase(ctx.worker, torch.baseline, 'step'),
    why: torch.why,
  });
  f.dispose();
  await ctx.worker.drop('torch_dram');
  return { key: 'dram', title: 'DRAM training step vs PyTorch CPU (ms)', unit: 'ms', baselineName: 'PyTorch', baseline: torch.baseline?.label, rows: [row] };
}
