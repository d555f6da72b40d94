// `foveate train captioner`: Show, Attend and Tell (PAPERS.md §3) on a caption dataset
// whose encoder features are computed once and cached. A run folder holds
// metrics.jsonl, checkpoint.safetensors (resumable), best.safetensors (the best
// validation BLEU-4: early stopping as the paper), loss.svg, bleu.svg and results.json.
import { join, resolve } from 'node:path';
import { intOption, parseCommand, positiveOption } from './common/args.js';
import { ProgressBar } from './common/progress.js';
import { DATA_KEY, ENCODER_KEY, datasetFeatures, foveateHome, openCaptionData, openEncoder, type DataSpec } from './common/captioner.js';
import { seed as seedRng } from '../random.js';
import { Adam } from '../optim/index.js';
import { Captioner } from '../models/captioner/index.js';
import { trainCaptioner } from '../train/captioner.js';
import { annotationStd, attentionEntropy, cachedCaptionBatches, captionAttentionCorrectness, captionImages, captionText, scoreCaptions } from '../train/caption-data.js';
import { RunFolder } from '../train/run-folder.js';
import { writeLinePlot } from '../viz/plot.js';
import { writeFileAtomic } from '../io/atomic.js';

function writeCurves(run: RunFolder, label: string): void {
  const rows = run.readMetrics();
  writeLinePlot(run.path('loss.svg'), [{ label: 'training −log p per word', x: rows.map((r) => r.step), y: rows.map((r) => Number(r.nllPerWord)) }], { title: label, xLabel: 'step', yLabel: 'nats per word' });
  const valid = rows.filter((r) => typeof r.bleu4 === 'number');
  if (valid.length === 0) return;
  writeLinePlot(
    run.path('bleu.svg'),
    [
      { label: 'validation BLEU-4', x: valid.map((r) => r.step), y: valid.map((r) => Number(r.bleu4)) },
      { label: 'validation CIDEr-D', x: valid.map((r) => r.step), y: valid.map((r) => Number(r.cider)) },
    ],
    { title: label, xLabel: 'step', yLabel: 'score' },
  );
}

export async function trainCaptionerCommand(argv: string[]): Promise<void> {
  const cmd = 'train captioner';
  const values = parseCommand(cmd, "Show, Attend and Tell on cached encoder features: metrics.jsonl, checkpoints, best.safetensors (best validation BLEU-4), loss.svg, bleu.svg, results.json", argv, {
    data: { type: 'string', default: 'scenes', help: 'scenes | clipart | karpathy:PATH (a dataset_*.json; images beside it unless --images)' },
    images: { type: 'string', help: "the image folder of a Karpathy JSON" },
    n: { type: 'string', help: 'scenes: images in the set (default 10,000)' },
    'data-seed': { type: 'string', help: 'scenes: the set\'s seed (default 0)' },
    'min-count': { type: 'string', help: 'vocabulary: words seen at least this often in training captions (default: the dataset\'s)' },
    encoder: { type: 'string', default: 'efficientnet-lite0', help: 'pixels[:SIZE:GRID] (pooled pixels) | efficientnet-lite0[:LAYER[:SIZE]] (default block10:224, 14×14×112; needs npx foveate fetch efficientnet-lite0)' },
    cache: { type: 'string', help: 'feature cache folder (default FOVEATE_HOME/features)' },
    attention: { type: 'string', default: 'soft', help: 'soft | hard | none (the mean-pooled baseline)' },
    steps: { type: 'string', default: '5000', help: 'training steps' },
    'batch-size': { type: 'string', default: '64', help: 'captions per step (of one length, as the paper)' },
    lr: { type: 'string', default: '0.001', help: 'Adam learning rate' },
    'lstm-size': { type: 'string', default: '512', help: 'LSTM units n' },
    'embed-size': { type: 'string', default: '256', help: 'word embedding m' },
    dropout: { type: 'string', default: '0.5', help: 'drop probability on h_t and the deep output' },
    lambda: { type: 'string', default: '1', help: 'λ of the doubly stochastic regularisation λ Σ_i (1 − Σ_t α_ti)² (the paper: 1; it pulls α towards uniform when captions are shorter than L)' },
    'annotation-scale': { type: 'string', default: 'auto', help: 'factor on every annotation before the model reads it; auto: 1/std of the training features, so the attention MLP starts unsaturated' },
    seed: { type: 'string', default: '0', help: 'seed of the weights and the batch order' },
    'eval-every': { type: 'string', default: '500', help: 'steps between validations' },
    'eval-limit': { type: 'string', default: '200', help: 'validation images per evaluation' },
    'eval-beam': { type: 'string', default: '1', help: 'beam width of validation captions (1 = greedy)' },
    patience: { type: 'string', default: '5', help: 'stop after this many validations without a better BLEU-4 (0 = never)' },
    out: { type: 'string', help: 'run folder (default runs/captioner-ATTENTION)' },
    resume: { type: 'boolean', default: false, help: "continue from the run folder's checkpoint" },
  });
  if (!values) return;
  const attention = values.attention;
  if (attention !== 'soft' && attention !== 'hard' && attention !== 'none') throw new Error(`${cmd}: --attention must be soft, hard or none, got ${attention}`);
  const steps = intOption(cmd, 'steps', values.steps);
  const batchSize = intOption(cmd, 'batch-size', values['batch-size'], 1);
  const lr = positiveOption(cmd, 'lr', values.lr);
  const lstmSize = intOption(cmd, 'lstm-size', values['lstm-size'], 1);
  const embedSize = intOption(cmd, 'embed-size', values['embed-size'], 1);
  const dropout = Number(values.dropout);
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`${cmd}: --dropout must be in [0, 1), got ${values.dropout}`);
  const lambda = Number(values.lambda);
  if (values.lambda.trim() === '' || !(lambda >= 0 && Number.isFinite(lambda))) throw new Error(`${cmd}: --lambda must be a number ≥ 0, got ${values.lambda}`);
  const seed = intOption(cmd, 'seed', values.seed);
  const evalEvery = intOption(cmd, 'eval-every', values['eval-every'], 1);
  const evalLimit = intOption(cmd, 'eval-limit', values['eval-limit'], 1);
  const evalBeam = intOption(cmd, 'eval-beam', values['eval-beam'], 1);
  const patience = intOption(cmd, 'patience', values.patience);
  const spec: DataSpec = {
    data: values.data,
    ...(values.n === undefined ? {} : { n: intOption(cmd, 'n', values.n, 1) }),
    ...(values['data-seed'] === undefined ? {} : { seed: intOption(cmd, 'data-seed', values['data-seed']) }),
    ...(values['min-count'] === undefined ? {} : { minCount: intOption(cmd, 'min-count', values['min-count'], 1) }),
    ...(values.images === undefined ? {} : { images: resolve(values.images) }),
  };
  const encoder = openEncoder(cmd, values.encoder);
  const run = new RunFolder(values.out ?? `runs/captioner-${attention}`);
  const dataset = openCaptionData(cmd, spec);
  const val = dataset.splits.val ?? new Int32Array(0);
  if (val.length === 0) throw new Error(`${cmd}: ${dataset.name} has no 'val' images to validate on (early stopping needs them)`);
  const cache = await datasetFeatures(dataset, encoder, values.cache ?? join(foveateHome(), 'features'));

  seedRng(seed);
  const [L, D] = cache.shape;
  const trainIds = dataset.splits.train ?? new Int32Array(0);
  let annotationScale: number;
  if (values['annotation-scale'] === 'auto') {
    const std = trainIds.length === 0 ? 0 : annotationStd(cache, trainIds);
    annotationScale = std > 0 ? 1 / std : 1;
  } else annotationScale = positiveOption(cmd, 'annotation-scale', values['annotation-scale']);
  const model = new Captioner({ vocab: dataset.vocabulary, annotationSize: D, attention, lstmSize, embedSize, dropout, doublyStochastic: lambda, annotationScale });
  const optimizer = new Adam(model.parameters(), { lr });
  const train = cachedCaptionBatches(dataset, cache, { batchSize, seed });
  const validIds = val.subarray(0, Math.min(evalLimit, val.length));
  const validate = (m: Captioner) => {
    const caps = captionImages(m, cache, validIds, { beam: evalBeam });
    const s = scoreCaptions(dataset, validIds, caps.map((c) => captionText(m, c)));
    // Whether attention learns: α's entropy (1 = uniform) and, on scenes, attention correctness beside uniform's.
    const ac = attention === 'none' ? null : captionAttentionCorrectness(dataset, validIds, caps, [cache.map[1], cache.map[2]], (dataset as { size?: number }).size ?? encoder.size);
    const entropy = attentionEntropy(caps);
    return {
      score: s.bleu4,
      metrics: { bleu1: s.bleu1, bleu4: s.bleu4, cider: s.cider, ...(Number.isNaN(entropy) ? {} : { alphaEntropy: entropy }), ...(ac ? { attentionCorrectness: ac.correctness, uniformCorrectness: ac.uniform } : {}) },
    };
  };
  const label = `captioner (${attention} attention) on ${dataset.name}, ${encoder.name}/${encoder.layer} L=${L} D=${D}`;
  const result = trainCaptioner({
    model,
    optimizer,
    train,
    steps,
    validate,
    evalEvery,
    ...(patience > 0 ? { patience } : {}),
    run,
    resume: values.resume,
    label: `captioner ${attention}`,
    progress: (o) => new ProgressBar(o),
    metadata: { [DATA_KEY]: JSON.stringify(spec), [ENCODER_KEY]: values.encoder },
  });
  writeCurves(run, label);
  const rows = run.readMetrics();
  const summary = {
    attention,
    data: spec,
    dataset: dataset.name,
    encoder: { spec: values.encoder, name: encoder.name, layer: encoder.layer, size: encoder.size, locations: L, channels: D, cache: cache.dir },
    config: { ...model.config, words: undefined },
    vocabulary: dataset.vocabulary.size,
    splits: Object.fromEntries(Object.entries(dataset.splits).map(([k, v]) => [k, v.length])),
    batchesPerEpoch: train.perEpoch,
    steps: result.steps,
    stoppedEarly: result.stoppedEarly,
    bestStep: result.bestStep,
    bestValidBleu4: result.bestScore,
    validImages: validIds.length,
    secondsTotal: Number(rows[rows.length - 1]?.seconds ?? result.seconds),
  };
  writeFileAtomic(run.path('results.json'), JSON.stringify(summary, null, 2) + '\n');
  const bleu = (x: number): string => (Number.isFinite(x) ? (100 * x).toFixed(1) : 'n/a');
  console.log(`${label}: ${result.steps} steps${result.stoppedEarly ? ' (stopped early)' : ''}, best validation BLEU-4 ${bleu(result.bestScore)} at step ${result.bestStep} → ${run.dir}`);
  model.dispose();
}
