import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { meteor, meteorScores } from '../../src/metrics/meteor.js';
import { meteorNormalize } from '../../src/metrics/meteor-normalize.js';
import { stemEnglish } from '../../src/metrics/snowball-english.js';
import { englishSynonyms, loadParaphraseTable } from '../../src/metrics/meteor-resources.js';
import { javaHash } from '../../src/metrics/meteor-align.js';
import { corpora, expected, FIXTURES, maxDiff } from './fixtures.js';

// The lines of METEOR's paraphrase-en.gz that can fire on the fixtures (make_fixtures.py).
const subset = loadParaphraseTable(join(FIXTURES, 'paraphrase-subset.gz'));

describe('METEOR resources', () => {
  it('normalises like `meteor -norm` on every fixture string', () => {
    const wrong = expected.meteorNormalizer.filter((t) => meteorNormalize(t.input) !== t.output);
    expect(expected.meteorNormalizer.length).toBeGreaterThan(500);
    expect(wrong).toEqual([]);
  });

  it('stems like the jar\'s Snowball englishStemmer', () => {
    const stems = JSON.parse(readFileSync(join(FIXTURES, 'stems.json'), 'utf8')) as Record<string, string>;
    const wrong = Object.entries(stems).filter(([w, s]) => stemEnglish(w) !== s);
    expect(Object.keys(stems).length).toBeGreaterThan(6000);
    expect(wrong).toEqual([]);
  });

  it('finds WordNet synonyms, through exceptions and morphology', () => {
    const syn = englishSynonyms();
    const shares = (a: string, b: string): boolean => [...syn.synonymSets(a)].some((s) => syn.synonymSets(b).has(s));
    expect(shares('car', 'automobile')).toBe(true);
    expect(shares('children', 'kid')).toBe(true); // exception list: children -> child
    expect(shares('cars', 'automobiles')).toBe(true); // morphy: -s
    expect(shares('car', 'banana')).toBe(false);
  });

  it('hashes words as java.lang.String.hashCode', () => {
    expect(javaHash('hello')).toBe(99162322);
    expect(javaHash('a man riding a horse')).toBe(1122563992);
  });
});

describe('meteor (METEOR 1.5 as coco-caption runs it)', () => {
  it.each(corpora.map((c) => [c.name, c] as const))('equals pycocoevalcap within 1e-6 on %s', (_n, c) => {
    const r = meteorScores(c.candidates, c.references, { paraphraseTable: subset });
    expect(r.paraphrase).toBe(true);
    expect(Math.abs(r.score - c.meteor)).toBeLessThan(1e-6);
    expect(maxDiff(r.perImage, c.meteorPerImage)).toBeLessThan(1e-6);
  });

  it.each(corpora.map((c) => [c.name, c] as const))('equals `-m "exact stem synonym"` without a table on %s', (_n, c) => {
    const r = meteorScores(c.candidates, c.references, { paraphraseTable: null });
    expect(r.paraphrase).toBe(false);
    expect(Math.abs(r.score - c.meteorNoParaphrase)).toBeLessThan(1e-6);
    expect(maxDiff(r.perImage, c.meteorNoParaphrasePerImage)).toBeLessThan(1e-6);
  });

  it('reads the table named by FOVEATE_METEOR_PARAPHRASE', () => {
    const c = corpora[0]!;
    const saved = process.env.FOVEATE_METEOR_PARAPHRASE;
    process.env.FOVEATE_METEOR_PARAPHRASE = join(FIXTURES, 'paraphrase-subset.gz');
    try {
      expect(Math.abs(meteor(c.candidates, c.references) - c.meteor)).toBeLessThan(1e-6);
    } finally {
      if (saved === undefined) delete process.env.FOVEATE_METEOR_PARAPHRASE; else process.env.FOVEATE_METEOR_PARAPHRASE = saved;
    }
  });

  it('finds the table `foveate fetch meteor-paraphrase` keeps in FOVEATE_HOME, without an environment variable', () => {
    const c = corpora[0]!;
    const saved = { home: process.env.FOVEATE_HOME, table: process.env.FOVEATE_METEOR_PARAPHRASE };
    const home = mkdtempSync(join(tmpdir(), 'fv-meteor-home-'));
    try {
      delete process.env.FOVEATE_METEOR_PARAPHRASE;
      process.env.FOVEATE_HOME = home;
      expect(meteorScores(c.candidates, c.references).paraphrase).toBe(false); // not fetched: off
      mkdirSync(join(home, 'meteor'));
      copyFileSync(join(FIXTURES, 'paraphrase-subset.gz'), join(home, 'meteor', 'paraphrase-en.gz'));
      const r = meteorScores(c.candidates, c.references);
      expect(r.paraphrase).toBe(true);
      expect(Math.abs(r.score - c.meteor)).toBeLessThan(1e-6);
    } finally {
      for (const [k, v] of [['FOVEATE_HOME', saved.home], ['FOVEATE_METEOR_PARAPHRASE', saved.table]] as const) {
        if (v === undefined) delete process.env[k]; else process.env[k] = v;
      }
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('scores identical captions 1 and unrelated ones 0', () => {
    expect(meteor(['a dog runs'], [['a dog runs']], { paraphraseTable: null })).toBe(1);
    expect(meteor(['zebra'], [['banana split']], { paraphraseTable: null })).toBe(0);
    expect(meteor([''], [['a dog']], { paraphraseTable: null })).toBe(0);
  });

  it('names a missing paraphrase table', () => {
    expect(() => meteor(['a'], [['a']], { paraphraseTable: '/nonexistent/paraphrase-en.gz' }))
      .toThrow(/meteor: paraphrase table \/nonexistent\/paraphrase-en.gz could not be read/);
  });
});
