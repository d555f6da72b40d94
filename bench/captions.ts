/**
 * Time BLEU, CIDEr-D and ROUGE-L on 5,000 candidates x 5 references (COCO test split size),
 * on pre-tokenised captions (tokenisation timed separately). Run: npx tsx bench/captions.ts
 */
import { bleu } from '../src/metrics/bleu.js';
import { cider } from '../src/metrics/cider.js';
import { rougeL } from '../src/metrics/rouge.js';
import { tokenize } from '../src/metrics/tokenize.js';

const WORDS = ('a man woman dog cat riding sitting standing on in with the of next to near ' +
  'horse bike street table plate pizza red white large small two people group field water ' +
  'beach holding eating playing ball frisbee train bus tennis court kitchen room bed').split(' ');

/** Deterministic caption-like sentences (a tiny LCG, so runs are comparable). */
function corpus(n: number, refs: number): { cands: string[]; refs: string[][] } {
  let s = 12345;
  const rnd = (k: number): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s % k; };
  const sentence = (): string => Array.from({ length: 8 + rnd(8) }, () => WORDS[rnd(WORDS.length)]).join(' ');
  return { cands: Array.from({ length: n }, sentence),
    refs: Array.from({ length: n }, () => Array.from({ length: refs }, sentence)) };
}

function time(fn: () => unknown): number {
  fn(); // warm-up
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export function benchCaptions(): { name: string; ms: number }[] {
  const { cands, refs } = corpus(5000, 5);
  const pre = { tokenize: false };
  return [
    { name: 'bleu 5000x5', ms: time(() => bleu(cands, refs, pre)) },
    { name: 'cider-d 5000x5', ms: time(() => cider(cands, refs, pre)) },
    { name: 'rouge-l 5000x5', ms: time(() => rougeL(cands, refs, pre)) },
    { name: 'ptb tokenize 30000 captions', ms: time(() => { for (const c of cands) tokenize(c); for (const r of refs) for (const x of r) tokenize(x); }) },
  ];
}

if (require.main === module) {
  for (const { name, ms } of benchCaptions()) console.log(`${name.padEnd(28)} ${ms.toFixed(1)} ms`);
}
