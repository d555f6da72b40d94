/**
 * METEOR 1.5 as coco-caption runs it (`-l en -norm -stdio`, task 'rank'):
 * alpha 0.85, beta 0.2, gamma 0.6, delta 0.75; modules exact, stem, synonym, paraphrase
 * with weights 1.0, 0.6, 0.8, 0.6. Each candidate is aligned with every reference and the
 * best-scoring reference's statistics count; the corpus score comes from the summed
 * statistics (MeteorScorer.computeMetrics / MeteorStats.addStats).
 *
 * The paraphrase table (61 MB) cannot ship with foveate: `npx foveate fetch
 * meteor-paraphrase` keeps it in FOVEATE_HOME, where it is found; or pass
 * `paraphraseTable` (a path to METEOR's paraphrase-en.gz) or set
 * FOVEATE_METEOR_PARAPHRASE. Without it the paraphrase module is off and scores are
 * those of `-m "exact stem synonym"` (see src/metrics/README.md for the difference).
 */
import { prepareCaptions } from './captions.js';
import type { CaptionOptions } from './captions.js';
import { meteorNormalize, javaTrim, javaTokens } from './meteor-normalize.js';
import { align, EXACT, STEM, SYNONYM, PARAPHRASE } from './meteor-align.js';
import { FUNCTION_WORDS, ParaphraseTable, englishSynonyms, loadParaphraseTable } from './meteor-resources.js';
import { findAsset } from '../io/assets.js';

export interface MeteorOptions extends CaptionOptions {
  /**
   * A paraphrase-en.gz path or a loaded table; null turns the module off. Unset:
   * $FOVEATE_METEOR_PARAPHRASE, else the fetched asset (`npx foveate fetch
   * meteor-paraphrase`), else off.
   */
  paraphraseTable?: string | ParaphraseTable | null;
}

export interface MeteorResult { score: number; perImage: number[]; paraphrase: boolean }

const ALPHA = 0.85;
const BETA = 0.2;
const GAMMA = 0.6;
const DELTA = 0.75;
const WEIGHTS = [1.0, 0.6, 0.8, 0.6]; // by module position, as METEOR assigns them

/** METEOR's sufficient statistics for one segment or a summed corpus. */
export interface MeteorStats {
  testLength: number; refLength: number; testFunction: number; refFunction: number;
  testContent: number[]; refContent: number[]; testFunc: number[]; refFunc: number[];
  chunks: number; testMatches: number; refMatches: number;
}

function emptyStats(): MeteorStats {
  return { testLength: 0, refLength: 0, testFunction: 0, refFunction: 0, testContent: [0, 0, 0, 0],
    refContent: [0, 0, 0, 0], testFunc: [0, 0, 0, 0], refFunc: [0, 0, 0, 0], chunks: 0,
    testMatches: 0, refMatches: 0 };
}

const perfect = (s: MeteorStats): boolean =>
  s.testMatches === s.testLength && s.refMatches === s.refLength && s.chunks === 1;

/** MeteorScorer.computeMetrics: the score from statistics, in METEOR's order of operations. */
export function meteorScore(s: MeteorStats, nModules: number): number {
  const testLen = DELTA * (s.testLength - s.testFunction) + (1.0 - DELTA) * s.testFunction;
  const refLen = DELTA * (s.refLength - s.refFunction) + (1.0 - DELTA) * s.refFunction;
  let tm = 0;
  let rm = 0;
  for (let i = 0; i < nModules; i++) tm += (s.testContent[i] as number) * (WEIGHTS[i] as number) * DELTA;
  for (let i = 0; i < nModules; i++) rm += (s.refContent[i] as number) * (WEIGHTS[i] as number) * DELTA;
  for (let i = 0; i < nModules; i++) tm += (s.testFunc[i] as number) * (WEIGHTS[i] as number) * (1.0 - DELTA);
  for (let i = 0; i < nModules; i++) rm += (s.refFunc[i] as number) * (WEIGHTS[i] as number) * (1.0 - DELTA);
  const precision = tm / testLen;
  const recall = rm / refLen;
  const fMean = 1.0 / ((1.0 - ALPHA) / precision + ALPHA / recall);
  const frag = perfect(s) ? 0 : s.chunks / ((s.testMatches + s.refMatches) / 2);
  const score = fMean * (1.0 - GAMMA * Math.pow(frag, BETA));
  return Number.isNaN(score) ? 0 : Math.max(score, 0.0);
}

function segmentStats(test: string[], ref: string[], modules: number[], table?: ParaphraseTable): MeteorStats {
  const a = align(test, ref, modules, { synonyms: englishSynonyms(), paraphrase: table });
  const s = emptyStats();
  const f1 = test.map((w) => FUNCTION_WORDS.has(w.toLowerCase()));
  const f2 = ref.map((w) => FUNCTION_WORDS.has(w.toLowerCase()));
  s.testLength = test.length;
  s.refLength = ref.length;
  s.testFunction = f1.filter(Boolean).length;
  s.refFunction = f2.filter(Boolean).length;
  for (const m of a.matches) {
    if (m == null) continue;
    for (let k = 0; k < m.matchLength; k++) (f1[m.matchStart + k] ? s.testFunc : s.testContent)[m.module]++;
    for (let k = 0; k < m.length; k++) (f2[m.start + k] ? s.refFunc : s.refContent)[m.module]++;
    s.testMatches += m.matchLength;
    s.refMatches += m.length;
  }
  s.chunks = a.numChunks;
  return s;
}

function addStats(total: MeteorStats, s: MeteorStats): void {
  total.testLength += s.testLength; total.refLength += s.refLength;
  total.testFunction += s.testFunction; total.refFunction += s.refFunction;
  for (let i = 0; i < 4; i++) {
    total.testContent[i] += s.testContent[i] as number; total.refContent[i] += s.refContent[i] as number;
    total.testFunc[i] += s.testFunc[i] as number; total.refFunc[i] += s.refFunc[i] as number;
  }
  if (!perfect(s)) total.chunks += s.chunks; // identical pairs add no fragmentation
  total.testMatches += s.testMatches; total.refMatches += s.refMatches;
}

let tableCache: { path: string; vocab: Set<string>; table: ParaphraseTable } | undefined;

function paraphraseFor(opt: MeteorOptions['paraphraseTable'], vocab: Set<string>): ParaphraseTable | undefined {
  const choice = opt === undefined ? process.env.FOVEATE_METEOR_PARAPHRASE || findAsset('meteor-paraphrase') || null : opt;
  if (choice === null) return undefined;
  if (typeof choice !== 'string') return choice;
  // A table filtered to a vocabulary serves any later corpus whose words it contains.
  if (tableCache?.path === choice && [...vocab].every((w) => tableCache?.vocab.has(w))) return tableCache.table;
  const table = loadParaphraseTable(choice, vocab);
  tableCache = { path: choice, vocab, table };
  return table;
}

/** Corpus METEOR with per-image scores, as pycocoevalcap's Meteor.compute_score returns. */
export function meteorScores(candidates: string[], references: string[][],
  options: MeteorOptions = {}): MeteorResult {
  const prep = prepareCaptions('meteor', candidates, references, options);
  // coco-caption's wrapper: '|||' is removed from the hypothesis and double spaces halved;
  // references are joined with ' ||| ' and METEOR splits the line on '|||' and trims.
  const norm = (s: string): string[] => javaTokens(meteorNormalize(javaTrim(s)));
  const tests = prep.candidates.map((c) => norm(c.split('|||').join('').split('  ').join(' ')));
  const refs = prep.references.map((rs) => rs.join(' ||| ').split('|||').map(norm));
  const vocab = new Set<string>();
  for (const t of tests) for (const w of t) vocab.add(w);
  for (const rs of refs) for (const r of rs) for (const w of r) vocab.add(w);
  const table = paraphraseFor(options.paraphraseTable, vocab);
  const modules = table ? [EXACT, STEM, SYNONYM, PARAPHRASE] : [EXACT, STEM, SYNONYM];
  const total = emptyStats();
  const perImage = tests.map((test, i) => {
    let best: MeteorStats | undefined;
    let bestScore = -1;
    for (const ref of refs[i] as string[][]) {
      const s = segmentStats(test, ref, modules, table);
      const score = meteorScore(s, modules.length);
      if (score > bestScore) { best = s; bestScore = score; }
    }
    addStats(total, best as MeteorStats);
    return bestScore;
  });
  return { score: meteorScore(total, modules.length), perImage, paraphrase: table !== undefined };
}

/**
 * Corpus METEOR 1.5 of candidate captions against their references.
 * @example
 * meteor(['a man riding a horse'], [['a man rides a horse']], { paraphraseTable: null })
 */
export function meteor(candidates: string[], references: string[][], options: MeteorOptions = {}): number {
  return meteorScores(candidates, references, options).score;
}
