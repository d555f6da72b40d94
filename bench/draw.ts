// One DRAW training step on CPU — the MNIST preset of Table 3 (T 64, 256 LSTM
// units, z 100, read 2×2, write 5×5), batch 64: forward over the 64 steps,
// backward, global-norm clip 10 and Adam — against the same model in PyTorch CPU
// in the same run (bench/torch_draw.py, written from the same equations). Also
// the no-attention preset. ratio = torchMs / foveateMs (> 1: foveate faster).
import * as fv from '../src/index.js';
import { runPython } from './python.js';
import { time } from './timer.js';

export interface DrawRow {
  name: string;
  foveateMs: number;
  torchMs?: number;
  ratio?: number;
  note?: string;
}

interface TorchDraw {
  torch: string;
  threads: number;
  step_ms: number;
}

/** Best-of time of one training step of `preset` (batch 64, binarised-looking input). */
export function drawStepMs(preset: 'mnist' | 'mnist-noattn', minMs: number): number {
  fv.seed(0);
  const model = new fv.models.DRAW(preset);
  const opt = new fv.optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = fv.tidy(() => fv.ops.lt(fv.rand([64, 784]), 0.13));
  const step = (): void =>
    fv.tidy(() => {
      opt.zeroGrad();
      model.loss(x).loss.backward();
      fv.optim.clipGradNorm(model.parameters(), 10);
      opt.step();
    });
  const ms = time(step, { minMs, minRuns: 3, warmup: 1 }).bestMs;
  x.dispose();
  model.dispose();
  return ms;
}

export function benchDraw(minMs = 2000): DrawRow[] {
  const rows: DrawRow[] = [];
  for (const [preset, attention] of [['mnist', true], ['mnist-noattn', false]] as const) {
    const ms = drawStepMs(preset, minMs);
    const torch = runPython<TorchDraw>('torch_draw.py', { batch: 64, T: 64, hidden: 256, z: 100, read_n: 2, write_n: 5, attention, min_ms: minMs });
    const name = `DRAW ${preset} training step (T 64, 256 units, z 100${attention ? ', read 2×2, write 5×5' : ''}, batch 64)`;
    rows.push(torch.value ? { name, foveateMs: ms, torchMs: torch.value.step_ms, ratio: torch.value.step_ms / ms } : { name, foveateMs: ms, note: torch.why });
  }
  return rows;
}
