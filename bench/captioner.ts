// Show, Attend and Tell's captioner on CPU (PAPERS.md §3), through the public API
// (fv.models.Captioner): one training step — teacher-forced forward with soft
// attention, backward, Adam — at the size: batch 64, L = 196 locations,
// D = 112 (EfficientNet-Lite0 block 10 at 224×224, the train captioner default),
// LSTM 512, embedding 256, attention size D, the scenes set's vocabulary (401 words
// with n 10,000, seed 0: src/data/captions/README.md), captions of 12 words then
// <eos> (13 steps), dropout 0.5, λ = 1 — against the same model in PyTorch CPU
// (bench/torch_captioner.py, written from the same equations), alternated in the
// same run. Also beam search (width 3, at most 20 words) sentences/s, foveate alone:
// random weights rarely say <eos>, so nearly every sentence runs to 20 words.
import * as fv from '../src/index.js';
import { type RoundTiming } from './alternate.js';
import { compare, pythonCase, type ComparedSection } from './compare.js';
import { type BenchContext } from './context.js';
import { trySetup } from './python.js';
import { timeRound } from './timer.js';

export const CAPTIONER_CASE = { batch: 64, locations: 196, annotation: 112, hidden: 512, embed: 256, vocab: 401, words: 12 };

const VOCAB = { size: CAPTIONER_CASE.vocab, padId: 0, startId: 1, eosId: 2, unkId: 3 };

function model(): fv.models.Captioner {
  const c = CAPTIONER_CASE;
  return new fv.models.Captioner({ vocab: VOCAB, annotationSize: c.annotation, attention: 'soft', lstmSize: c.hidden, embedSize: c.embed, dropout: 0.5, doublyStochastic: 1 });
}

/** A round function timing training steps; random annotations in [0,1) and random words, then <eos>. */
export function captionerTrainFoveate(minMs: number): { round: () => RoundTiming; dispose: () => void } {
  const c = CAPTIONER_CASE;
  fv.seed(0);
  const net = model();
  const opt = new fv.optim.Adam(net.parameters(), { lr: 1e-3 });
  const annotations = fv.rand([c.batch, c.locations, c.annotation]);
  const T = c.words + 1;
  const u = fv.rand([c.batch * c.words]);
  const words = Int32Array.from(u.toFloat32Array(), (x) => VOCAB.unkId + 1 + Math.min(Math.floor(x * (c.vocab - VOCAB.unkId - 1)), c.vocab - VOCAB.unkId - 2));
  u.dispose();
  const tokens = new Int32Array(c.batch * T);
  for (let b = 0; b < c.batch; b++) {
    tokens.set(words.subarray(b * c.words, (b + 1) * c.words), b * T);
    tokens[b * T + c.words] = VOCAB.eosId;
  }
  const step = (): void =>
    fv.tidy(() => {
      opt.zeroGrad();
      net.loss({ annotations, tokens, shape: [c.batch, T] }).backward();
      opt.step();
    });
  return {
    round: () => timeRound(step, { minMs, minRuns: 3, warmup: 1 }),
    dispose: () => {
      annotations.dispose();
      net.dispose();
    },
  };
}

/** A round function timing beam search (width 3) over the batch's images. */
export function captionerBeamFoveate(minMs: number): { round: () => RoundTiming; dispose: () => void } {
  const c = CAPTIONER_CASE;
  fv.seed(1);
  const net = model().eval();
  const annotations = fv.rand([c.batch, c.locations, c.annotation]);
  return {
    round: () => timeRound(() => void net.beamSearch(annotations, { beam: 3, maxLength: 20 }), { minMs, minRuns: 2, warmup: 1 }),
    dispose: () => {
      annotations.dispose();
      net.dispose();
    },
  };
}

export async function benchCaptioner(ctx: BenchContext, minMs = 1000): Promise<ComparedSection> {
  const c = CAPTIONER_CASE;
  const torch = await trySetup(ctx.worker, 'torch_captioner', { cases: { train: c }, min_ms: minMs });
  const size = `batch ${c.batch}, L ${c.locations}, D ${c.annotation}, LSTM ${c.hidden}, embedding ${c.embed}, vocabulary ${c.vocab}, ${c.words} words + <eos>`;
  const train = captionerTrainFoveate(minMs);
  const rows = [await compare({ name: `training step, soft attention (${size}), Adam`, rounds: ctx.rounds, foveate: train.round, baseline: pythonCase(ctx.worker, torch.baseline, 'train'), why: torch.why, items: c.batch })];
  train.dispose();
  await ctx.worker.drop('torch_captioner');
  const beam = captionerBeamFoveate(minMs);
  rows.push(await compare({ name: `beam search width 3, ≤ 20 words, ${c.batch} images (random weights)`, rounds: ctx.rounds, foveate: beam.round, why: 'no PyTorch twin of beam search in the bench (foveate alone)', items: c.batch }));
  beam.dispose();
  return { key: 'captioner', title: 'Captioner (Show, Attend and Tell) vs PyTorch CPU', unit: 'sentences/s', baselineName: 'PyTorch', baseline: torch.baseline?.label, rows };
}
