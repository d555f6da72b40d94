// `foveate eval captioner --checkpoint F [--split test] [--beam 3] [--json]`: captions of
// a split's images by beam search, written as coco-caption's results JSON
// ([{image_id, caption}]), scored with BLEU-1..4, METEOR, CIDEr-D and ROUGE-L in the
// layout of Show, Attend and Tell's Table 1, and, on scenes, attention correctness
// (the share of α inside the box of the object each generated word names) beside
// uniform attention's.
import { dirname, join } from 'node:path';
import { intOption, parseCommand } from './common/args.js';
import { captionerRunInfo, checkVocabulary, datasetFeatures, foveateHome, openCaptionData, openEncoder } from './common/captioner.js';
import { fail } from '../errors.js';
import { captionerFromCheckpoint } from '../models/captioner/index.js';
import { captionAttentionCorrectness, captionImages, captionText, scoreCaptions } from '../train/caption-data.js';
import { writeFileAtomic } from '../io/atomic.js';

const pct = (x: number, digits: number): string => (Number.isFinite(x) ? (100 * x).toFixed(digits) : 'n/a');

/** Table 1's columns (x100). */
function table(s: { bleu1: number; bleu2: number; bleu3: number; bleu4: number; meteor: number; cider: number; rougeL: number }): string[] {
  const head = ['BLEU-1', 'BLEU-2', 'BLEU-3', 'BLEU-4', 'METEOR', 'CIDEr-D', 'ROUGE-L'];
  const vals = [pct(s.bleu1, 1), pct(s.bleu2, 1), pct(s.bleu3, 1), pct(s.bleu4, 1), pct(s.meteor, 2), pct(s.cider, 1), pct(s.rougeL, 1)];
  const w = head.map((h, i) => Math.max(h.length, vals[i]!.length));
  const row = (cells: string[]): string => `| ${cells.map((c, i) => c.padStart(w[i]!)).join(' | ')} |`;
  return [row(head), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, row(vals)];
}

export async function evalCaptionerCommand(argv: string[]): Promise<void> {
  const cmd = 'eval captioner';
  const values = parseCommand(cmd, "a captioner checkpoint on a split: results JSON, BLEU-1..4, METEOR, CIDEr-D, ROUGE-L (Table 1), attention correctness on scenes", argv, {
    checkpoint: { type: 'string', help: "a checkpoint of 'foveate train captioner', required" },
    split: { type: 'string', default: 'test', help: "the split to caption (test, val, heldout for scenes' held-out pairs)" },
    beam: { type: 'string', default: '3', help: 'beam width' },
    'max-length': { type: 'string', default: '20', help: 'the most words' },
    limit: { type: 'string', help: 'caption only the first N images of the split' },
    images: { type: 'string', help: 'the image folder of a Karpathy JSON (default: the one trained on)' },
    cache: { type: 'string', help: 'feature cache folder (default FOVEATE_HOME/features)' },
    out: { type: 'string', help: 'results JSON (default results-SPLIT.json beside the checkpoint)' },
    json: { type: 'boolean', default: false, help: 'print one JSON line' },
  });
  if (!values) return;
  if (!values.checkpoint) fail(cmd, '--checkpoint is required');
  const beam = intOption(cmd, 'beam', values.beam, 1);
  const maxLength = intOption(cmd, 'max-length', values['max-length'], 1);
  const info = captionerRunInfo(cmd, values.checkpoint);
  const encoder = openEncoder(cmd, info.encoder);
  const dataset = openCaptionData(cmd, info.data, values.images);
  checkVocabulary(cmd, values.checkpoint, info.config, dataset);
  const all = dataset.splits[values.split];
  if (!all) fail(cmd, `--split must be one of ${Object.keys(dataset.splits).join(', ')} for ${dataset.name}, got '${values.split}'`);
  const ids = values.limit === undefined ? all : all.subarray(0, Math.min(all.length, intOption(cmd, 'limit', values.limit, 1)));
  if (ids.length === 0) fail(cmd, `the ${values.split} split of ${dataset.name} has no images`);
  const cache = await datasetFeatures(dataset, encoder, values.cache ?? join(foveateHome(), 'features'));
  if (cache.shape[1] !== info.config.annotationSize) fail(cmd, `${values.checkpoint} reads ${info.config.annotationSize}-channel annotations, the cache ${cache.dir} holds ${cache.shape[1]}`);
  const { model, step } = captionerFromCheckpoint(values.checkpoint);
  try {
    const t0 = performance.now();
    const caps = captionImages(model, cache, ids, { beam, maxLength });
    const seconds = (performance.now() - t0) / 1000;
    const texts = caps.map((c) => captionText(model, c));
    const imageId = (i: number): number => {
      const im = dataset.images[i] as { cocoid?: number; imgid?: number };
      return im.cocoid ?? im.imgid ?? i;
    };
    const results = Array.from(ids, (i, k) => ({ image_id: imageId(i), caption: texts[k]! }));
    const out = values.out ?? join(dirname(values.checkpoint), `results-${values.split}.json`);
    writeFileAtomic(out, JSON.stringify(results, null, 1) + '\n');
    const s = scoreCaptions(dataset, ids, texts);
    const size = (dataset as { size?: number }).size ?? encoder.size;
    const ac = captionAttentionCorrectness(dataset, ids, caps, [cache.map[1], cache.map[2]], size);
    const summary = { checkpoint: values.checkpoint, step, attention: info.config.attention, dataset: dataset.name, split: values.split, images: ids.length, beam, ...s, attentionCorrectness: ac, results: out, seconds, sentencesPerSecond: ids.length / seconds };
    if (values.json) {
      console.log(JSON.stringify(summary));
      return;
    }
    const nRefs = Array.from(ids).reduce((a, i) => a + dataset.references[i]!.length, 0);
    const lines = [
      `${values.checkpoint} (${info.config.attention} attention, step ${step}) on ${dataset.name} ${values.split}: ${ids.length} images, ${nRefs} references, beam ${beam}, ${(ids.length / seconds).toFixed(1)} sentences/s`,
      `results: ${out}`,
      '',
      ...table(s),
      '',
      s.meteorParaphrase ? 'METEOR: exact, stem, synonym and paraphrase modules.' : 'METEOR: exact, stem and synonym modules (no paraphrase table found).',
    ];
    if (ac) lines.push(`attention correctness: ${pct(ac.correctness, 1)}% of α inside the named object's box over ${ac.words} object words (uniform attention: ${pct(ac.uniform, 1)}%; ${ac.ambiguous} words naming two objects left out)`);
    else lines.push(`attention correctness: n/a (${info.config.attention === 'none' ? 'the model has no attention' : `${dataset.name} has no object boxes`})`);
    console.log(lines.join('\n'));
  } finally {
    model.dispose();
  }
}
