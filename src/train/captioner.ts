// Training the captioner (PAPERS.md §3, "Training and inference") on any source of
// {annotations, tokens} mini-batches addressed by step (so a resumed run sees the
// batches of the straight run): Adam (the paper's choice for Flickr30k and COCO) or
// whatever optimiser is passed, global-norm clipping, a validation score now and then
// with the best weights kept in best.safetensors and early stopping after `patience`
// evaluations without improvement (the paper stops on validation BLEU: pass it as
// `validate`; the default is −NLL per word on the validation batches), checkpoints
// with the model's config, progress through the caller's factory. Prints nothing.
import { checkOptions } from '../options.js';
import { existsSync } from 'node:fs';
import { fail } from '../errors.js';
import { tidy } from '../memory.js';
import { releaseFreeMemory } from '../runtime.js';
import { noGrad } from '../tensor.js';
import { clipGradNorm } from '../optim/clip.js';
import { type Optimizer } from '../optim/optimizer.js';
import { type CaptionBatch, type Captioner } from '../models/captioner/model.js';
import { loadCaptionerCheckpoint, readCaptionerCheckpointInfo, saveCaptionerCheckpoint } from '../models/captioner/checkpoint.js';
import { silentProgress, type ProgressFactory } from './progress.js';
import { type RunFolder } from './run-folder.js';

/** Checkpoint metadata key holding {step, score} of the best validation score so far. */
export const CAPTIONER_BEST_KEY = 'captioner_best';

/** Training mini-batches: the batch of step s (0-based), a function of s alone. */
export interface CaptionBatches {
  batch(step: number): CaptionBatch;
}

export interface CaptionerProgress {
  step: number;
  steps: number;
  /** The loss minimised this step (nats per caption; the surrogate when hard attention sampled). */
  loss: number;
  /** −log p per word of this step's captions (given the sampled locations when sampling). */
  nllPerWord: number;
  /** The latest validation score (higher is better), NaN before the first. */
  validScore: number;
  bestScore: number;
}

export interface CaptionerTraining {
  model: Captioner;
  optimizer: Optimizer;
  train: CaptionBatches;
  steps: number;
  /** Validation batches for the default score (−NLL per word, eval mode). */
  valid?: CaptionBatch[];
  /**
   * The validation score, higher is better (e.g. BLEU-4 of beam-search captions); overrides
   * the default. It may return `{ score, metrics }`: the metrics (e.g. CIDEr-D) are logged beside it.
   */
  validate?: (model: Captioner) => number | { score: number; metrics: Record<string, number> };
  /** Extra checkpoint metadata (strings), e.g. the data and encoder a command trained on. */
  metadata?: Record<string, string>;
  /** Global-norm clip (default 5; 0 = off). */
  clip?: number;
  /** Validate every this many steps (default steps/10). */
  evalEvery?: number;
  /** Stop after this many validations without a better score (default: never). */
  patience?: number;
  checkpointEvery?: number;
  run?: RunFolder;
  resume?: boolean;
  label?: string;
  progress?: ProgressFactory;
  stream?: NodeJS.WriteStream;
  /** Called after every step (tests). */
  onStep?: (p: CaptionerProgress) => void;
}

export interface CaptionerResult {
  steps: number;
  lastLoss: number;
  validScore: number;
  bestScore: number;
  bestStep: number;
  stoppedEarly: boolean;
  seconds: number;
}

/** −log p per word over batches (eval mode, the expected α, no graph), negated: higher is better. */
export function negativeNllPerWord(model: Captioner, batches: CaptionBatch[]): number {
  if (batches.length === 0) fail('negativeNllPerWord', 'needs at least one validation batch');
  const was = model.training;
  model.eval();
  let nll = 0;
  let words = 0;
  try {
    for (const b of batches) {
      noGrad(() =>
        tidy(() => {
          const p = model.lossParts(b);
          nll += p.nll.toFloat32Array().reduce((s, v) => s + v, 0);
          words += p.words;
        }),
      );
    }
  } finally {
    model.train(was);
  }
  return -nll / words;
}

function readBest(path: string): { step: number; score: number } | undefined {
  const text = readCaptionerCheckpointInfo(path).metadata[CAPTIONER_BEST_KEY];
  try {
    return text ? (JSON.parse(text) as { step: number; score: number }) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Trains a captioner.
 * @example
 * const run = new RunFolder('runs/captioner');
 * trainCaptioner({ model, optimizer: new fv.optim.Adam(model.parameters(), { lr: 1e-3 }), train, valid, steps: 5000, run });
 */
export function trainCaptioner(t: CaptionerTraining): CaptionerResult {
  const op = 'train captioner';
  checkOptions('trainCaptioner', t, ['model', 'optimizer', 'train', 'steps', 'valid', 'validate', 'metadata', 'clip', 'evalEvery', 'patience', 'checkpointEvery', 'run', 'resume', 'label', 'progress', 'stream', 'onStep']);
  const { model, optimizer, steps, run, clip = 5 } = t;
  if (!Number.isSafeInteger(steps) || steps < 0) fail(op, `steps must be a non-negative integer, got ${steps}`);
  if (typeof t.train?.batch !== 'function') fail(op, 'train must have a batch(step) method returning { annotations, tokens }');
  if (t.patience !== undefined && !(Number.isSafeInteger(t.patience) && t.patience >= 1)) fail(op, `patience must be a positive integer, got ${t.patience}`);
  const validate: ((m: Captioner) => number | { score: number; metrics: Record<string, number> }) | undefined = t.validate ?? (t.valid ? (m: Captioner) => negativeNllPerWord(m, t.valid!) : undefined);
  const evalEvery = t.evalEvery ?? Math.max(1, Math.floor(steps / 10));
  const checkpointEvery = t.checkpointEvery ?? evalEvery;
  const ckPath = run?.path('checkpoint.safetensors');
  let step = 0;
  let before = 0;
  let best = { step: 0, score: -Infinity };
  if (run && ckPath && t.resume && existsSync(ckPath)) {
    step = loadCaptionerCheckpoint(ckPath, model, optimizer);
    best = readBest(ckPath) ?? best;
    run.truncateMetrics(step);
    const rows = run.readMetrics();
    before = Number(rows[rows.length - 1]?.seconds ?? 0) || 0;
  } else run?.resetMetrics();
  const bar = (t.progress ?? silentProgress)({ total: Math.max(steps - step, 0), label: t.label ?? `captioner (${model.config.attention})`, unit: 'steps', ...(t.stream ? { stream: t.stream } : {}) });
  const start = performance.now();
  let lastLoss = NaN;
  let validScore = NaN;
  let validMetrics: Record<string, number> = {};
  let sinceBest = 0;
  let stoppedEarly = false;
  const save = (path: string, withOptimizer: boolean): void =>
    saveCaptionerCheckpoint(path, model, withOptimizer ? optimizer : undefined, step, { ...t.metadata, ...(Number.isFinite(best.score) ? { [CAPTIONER_BEST_KEY]: JSON.stringify(best) } : {}) });
  model.train();
  while (step < steps) {
    const [loss, nllPerWord] = tidy(() => {
      const batch = t.train.batch(step);
      optimizer.zeroGrad();
      const p = model.lossParts(batch);
      p.loss.backward();
      if (clip > 0) clipGradNorm(model.parameters(), clip);
      optimizer.step();
      return [p.loss.item(), p.nll.toFloat32Array().reduce((s, v) => s + v, 0) / p.words];
    });
    if (!Number.isFinite(loss)) fail(op, `the loss became ${loss} at step ${step + 1}; try a lower learning rate or clip`);
    lastLoss = loss!;
    step++;
    const evalNow = validate !== undefined && (step % evalEvery === 0 || step === steps);
    if (evalNow) {
      const v = validate!(model);
      releaseFreeMemory(); // an idle point: the heap's free pages go back (see runtime.ts)
      validScore = typeof v === 'number' ? v : v.score;
      validMetrics = typeof v === 'number' ? {} : v.metrics;
      model.train();
      if (validScore > best.score) {
        best = { step, score: validScore };
        sinceBest = 0;
        if (run) save(run.path('best.safetensors'), false);
      } else sinceBest++;
    }
    const elapsed = before + (performance.now() - start) / 1000;
    if (run && (step % 50 === 0 || evalNow || step === steps)) {
      run.log({ step, loss: lastLoss, nllPerWord: nllPerWord!, seconds: Math.round(elapsed * 10) / 10, ...(model.baseline ? { baseline: model.baseline.item() } : {}), ...(evalNow ? { validScore, ...validMetrics } : {}) });
    }
    stoppedEarly = t.patience !== undefined && sinceBest >= t.patience;
    if (run && ckPath && (step % checkpointEvery === 0 || step === steps || stoppedEarly)) save(ckPath, true);
    const p: CaptionerProgress = { step, steps, loss: lastLoss, nllPerWord: nllPerWord!, validScore, bestScore: best.score };
    t.onStep?.(p);
    bar.tick(1, `loss ${lastLoss.toFixed(2)} (${nllPerWord!.toFixed(3)} nats/word)${Number.isNaN(validScore) ? '' : ` valid ${validScore.toFixed(3)}`}`);
    if (stoppedEarly) break;
  }
  return { steps: step, lastLoss, validScore, bestScore: best.score, bestStep: best.step, stoppedEarly, seconds: (performance.now() - start) / 1000 };
}
