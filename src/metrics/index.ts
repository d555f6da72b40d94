/**
 * Image-caption metrics computed as the coco-caption toolkit (pycocoevalcap) computes
 * them: BLEU-1..4, METEOR 1.5, ROUGE-L and CIDEr-D over PTB-tokenised captions.
 *
 * @example
 * import { evaluateCaptions } from './metrics/index.js';
 * const s = evaluateCaptions(['a man riding a horse'], [['a man rides a horse', 'a person on a horse']]);
 * console.log(s.bleu4, s.meteor, s.rougeL, s.cider);
 */
import { prepareCaptions } from './captions.js';
import { bleuFromStats, bleuStats } from './bleu.js';
import { cider } from './cider.js';
import { rougeL } from './rouge.js';
import { meteorScores } from './meteor.js';
import type { MeteorOptions } from './meteor.js';

export { tokenize, ptbTokens } from './tokenize.js';
export { bleu } from './bleu.js';
export type { BleuScores } from './bleu.js';
export { cider, ciderPerImage } from './cider.js';
export { rougeL, rougeLPerImage } from './rouge.js';
export { meteor, meteorScores } from './meteor.js';
export type { MeteorOptions, MeteorResult } from './meteor.js';
export { loadParaphraseTable, ParaphraseTable } from './meteor-resources.js';
export type { CaptionOptions } from './captions.js';
export { attentionCorrectness, massInBox, type AttentionCase, type AttentionCorrectness, type NamedObject, type PixelBox } from './attention-correctness.js';

export interface CaptionScores {
  bleu1: number; bleu2: number; bleu3: number; bleu4: number;
  meteor: number; rougeL: number; cider: number;
  /** Whether METEOR's paraphrase module ran (it needs a paraphrase table). */
  meteorParaphrase: boolean;
}

/** All metrics for one result set; captions are tokenised once, as coco-caption does. */
export function evaluateCaptions(results: string[], references: string[][],
  options: MeteorOptions = {}): CaptionScores {
  const prep = prepareCaptions('evaluateCaptions', results, references, options);
  const pre = { ...options, tokenize: false };
  const [bleu1, bleu2, bleu3, bleu4] = bleuFromStats(bleuStats(prep)) as [number, number, number, number];
  const m = meteorScores(prep.candidates, prep.references, pre);
  return { bleu1, bleu2, bleu3, bleu4, meteor: m.score,
    rougeL: rougeL(prep.candidates, prep.references, pre),
    cider: cider(prep.candidates, prep.references, pre), meteorParaphrase: m.paraphrase };
}
