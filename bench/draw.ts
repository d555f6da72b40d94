// One DRAW training step on CPU — the MNIST preset of Table 3 (T 64, 256 LSTM
// units, z 100, read 2×2, write 5×5), batch 64: forward over the 64 steps,
// backward, global-norm clip 10 and Adam — against the same model in PyTorch CPU
// (bench/torch_draw.py, written from the same equations), alternated in the same
// run. Also the no-attention preset. ratio = torch ms / foveate ms (> 1: foveate faster).
import * as fv from '../src/index.js';
import { type RoundTiming } from './alternate.js';
import { compare, pythonCase, type ComparedSection } from './compare.js';
import { type BenchContext } from './context.js';
import { trySetup } from './python.js';
import { timeRound } from './timer.js';

/** A round function timing training steps of `preset` (batch 64, binarised-looking input). */
export function drawFoveate(preset: 'mnist' | 'mnist-noattn', minMs: number): { round: () => RoundTiming; dispose: () => void } {
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
  return {
    round: () => timeRound(step, { minMs, minRuns: 2, warmup: 1 }),
    dispose: () => {
      x.dispose();
      model.dispose();
    },
  };
}

const PRESETS = [
  ['mnist', true],
  ['mnist-noattn', false],
] as const;

export async function benchDraw(ctx: BenchContext, minMs = 1000): Promise<ComparedSection> {
  const cases = Object.fromEntries(PRESETS.map(([preset, attention]) => [preset, { batch: 64, T: 64, hidden: 256, z: 100, read_n: 2, write_n: 5, attention }]));
  const torch = await trySetup(ctx.worker, 'torch_draw', { cases, min_ms: minMs });
  const rows = [];
  for (const [preset, attention] of PRESETS) {
    const f = drawFoveate(preset, minMs);
    const name = `DRAW ${preset} training step (T 64, 256 units, z 100${attention ? ', read 2×2, write 5×5' : ''}, batch 64)`;
    rows.push(await compare({ name, rounds: ctx.rounds, foveate: f.round, baseline: pythonCase(ctx.worker, torch.baseline, preset), why: torch.why }));
    f.dispose();
  }
  await ctx.worker.drop('torch_draw');
  return { key: 'draw', title: 'DRAW training step vs PyTorch CPU (ms)', unit: 'ms', baselineName: 'PyTorch', baseline: torch.baseline?.label, rows };
}
