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

/**
 * The GEMM floor of one training step: the step's matrix products alone, timed
 * with foveate's matmul on the same shapes — per glimpse, each linear map
 * y = x·Wᵀ (encoder [read | h_dec]→4H and h_enc→4H, decoder z→4H and h_dec→4H,
 * latent h_enc→2z, heads h_dec→write patch (+ the window's numbers)) forward, and
 * its two backward products dx = g·W and dW = gᵀ·x; without attention the
 * image's own term x·W_xᵀ (and its dW) once per pass, as the rollout computes
 * it. ~23.5 GFLOP with attention, ~48 without. Everything else in the step
 * (pointwise, attention, autograd) is what the step spends above this.
 */
export function drawGemmFloor(preset: 'mnist' | 'mnist-noattn', minMs: number): { round: () => RoundTiming; dispose: () => void } {
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
  return {
    round: () => timeRound(step, { minMs, minRuns: 2, warmup: 1 }),
    dispose: () => {
      for (const o of [...operands, ...(image ? [image] : [])]) for (const t of o) t.dispose();
    },
  };
}

/** The step against its own GEMM floor, alternated: ratio = floor / step (1 would be all GEMM). */
export async function benchDrawFloor(ctx: BenchContext, minMs = 1000): Promise<ComparedSection> {
  const rows = [];
  for (const [preset, attention] of PRESETS) {
    const [f, floor] = [drawFoveate(preset, minMs), drawGemmFloor(preset, minMs)];
    const name = `DRAW ${preset} training step vs its GEMM floor${attention ? ' (read 2×2, write 5×5)' : ''}`;
    rows.push(await compare({ name, rounds: ctx.rounds, foveate: f.round, baseline: floor.round }));
    f.dispose();
    floor.dispose();
  }
  return { key: 'drawfloor', title: "DRAW training step vs the step's GEMMs alone (ms; ratio = floor / step: the share of the step that is GEMM; issue 14 asks ≥ 0.625)", unit: 'ms', baselineName: 'GEMM floor', rows };
}
