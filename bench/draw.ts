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
  /** The step's GEMMs alone (drawGemmFloorMs), and foveateMs over it. */
  gemmFloorMs?: number;
  overFloor?: number;
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

/**
 * The GEMM floor of one training step: the step's matrix products alone, timed
 * with foveate's matmul on the same shapes — per glimpse, each linear map
 * y = x·Wᵀ (encoder [read | h_dec]→4H and h_enc→4H, decoder z→4H and h_dec→4H,
 * latent h_enc→2z, heads h_dec→write patch (+ 10 window numbers)) forward, and
 * its two backward products dx = g·W and dW = gᵀ·x; without attention the
 * image's own term x·W_xᵀ (and its dW) once per pass, as drawRollout computes
 * it. ~23.5 GFLOP with attention, ~48 without. Everything else in the step
 * (pointwise, attention, autograd) is what the step spends above this.
 */
export function drawGemmFloorMs(preset: 'mnist' | 'mnist-noattn', minMs: number): number {
  const [T, b, H, z] = [64, 64, 256, 100];
  const attention = preset === 'mnist';
  const maps = [[(attention ? 8 : 784) + H, 4 * H], [H, 4 * H], [z, 4 * H], [H, 4 * H], [H, 2 * z], [H, attention ? 35 : 784]] as const;
  const operands = maps.map(([k, n]) => [fv.randn([b, k]), fv.randn([n, k]), fv.randn([b, n])] as const);
  const image = attention ? undefined : ([fv.randn([b, 784]), fv.randn([4 * H, 784]), fv.randn([b, 4 * H])] as const);
  const step = (): void =>
    fv.tidy(() => {
      if (image) {
        const [x, w, g] = image;
        fv.ops.matmul(x, w, { transB: true });
        fv.ops.matmul(g, x, { transA: true });
      }
      for (let t = 0; t < T; t++) {
        for (const [x, w, g] of operands) {
          fv.ops.matmul(x, w, { transB: true });
          fv.ops.matmul(g, w);
          fv.ops.matmul(g, x, { transA: true });
        }
      }
    });
  const ms = time(step, { minMs, minRuns: 3, warmup: 1 }).bestMs;
  for (const o of [...operands, ...(image ? [image] : [])]) for (const t of o) t.dispose();
  return ms;
}

export function benchDraw(minMs = 2000): DrawRow[] {
  const rows: DrawRow[] = [];
  for (const [preset, attention] of [['mnist', true], ['mnist-noattn', false]] as const) {
    const ms = drawStepMs(preset, minMs);
    const gemmFloorMs = drawGemmFloorMs(preset, minMs);
    const torch = runPython<TorchDraw>('torch_draw.py', { batch: 64, T: 64, hidden: 256, z: 100, read_n: 2, write_n: 5, attention, min_ms: minMs });
    const name = `DRAW ${preset} training step (T 64, 256 units, z 100${attention ? ', read 2×2, write 5×5' : ''}, batch 64)`;
    const floor = { gemmFloorMs, overFloor: ms / gemmFloorMs };
    rows.push(torch.value ? { name, foveateMs: ms, torchMs: torch.value.step_ms, ratio: torch.value.step_ms / ms, ...floor } : { name, foveateMs: ms, ...floor, note: torch.why });
  }
  return rows;
}
