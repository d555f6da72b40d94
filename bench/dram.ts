// One DRAM training step on CPU — Table 3's row (100×100 cluttered MNIST, 8
// glimpses of 12×12, 256 LSTM units), batch 64: forward over the 8 glimpses,
// backward, global-norm clip 10 and Adam — against the same model in PyTorch CPU
// in the same run (bench/torch_dram.py, written from the same equations).
// ratio = torchMs / foveateMs (> 1: foveate faster). The target is ≥ 2.
import * as fv from '../src/index.js';
import { runPython } from './python.js';
import { time } from './timer.js';

export interface DramRow {
  name: string;
  foveateMs: number;
  torchMs?: number;
  ratio?: number;
  note?: string;
}

/** Best-of time of one DRAM training step (batch 64, images in [0,1], random labels). */
export function dramStepMs(glimpses: number, minMs: number): number {
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
  const ms = time(step, { minMs, minRuns: 5, warmup: 2 }).bestMs;
  x.dispose();
  y.dispose();
  model.dispose();
  return ms;
}

export function benchDram(minMs = 2000): DramRow[] {
  const ms = dramStepMs(8, minMs);
  const torch = runPython<{ torch: string; threads: number; step_ms: number }>('torch_dram.py', { batch: 64, glimpses: 8, read_n: 12, hidden: 256, size: 100, min_ms: minMs });
  const name = 'DRAM training step (100×100, 8 glimpses 12×12, 256 units, batch 64)';
  return [torch.value ? { name, foveateMs: ms, torchMs: torch.value.step_ms, ratio: torch.value.step_ms / ms } : { name, foveateMs: ms, note: torch.why }];
}
