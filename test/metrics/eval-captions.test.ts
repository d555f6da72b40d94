import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evalCaptionsCommand } from '../../src/cli/eval-captions.js';
import { main } from './fixtures.js';

let dir = '';
const write = (name: string, data: unknown): string => {
  const p = join(dir, name);
  writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fv-eval-'));
  // No paraphrase table, from the environment or fetched: these rows are METEOR without it.
  delete process.env.FOVEATE_METEOR_PARAPHRASE;
  process.env.FOVEATE_HOME = join(dir, 'no-assets');
});

/** The numbers row of the printed table. */
const row = (out: string): string[] => (out.split('\n')[6] as string).split('|').map((s) => s.trim()).filter(Boolean);
const want = [...main.bleu.map((b) => (100 * b).toFixed(1)), (100 * main.meteorNoParaphrase).toFixed(2),
  (100 * main.cider).toFixed(1), (100 * main.rougeL).toFixed(1)];

describe('eval captions command', () => {
  it('scores coco-caption results against an image_id map, laid out as Table 1', () => {
    const res = write('res.json', main.candidates.map((caption, i) => ({ image_id: 1000 + i, caption })).reverse());
    const refs = write('refs.json', Object.fromEntries(main.references.map((r, i) => [String(1000 + i), r])));
    const out = evalCaptionsCommand({ results: res, references: refs });
    expect(out).toContain('| BLEU-1 | BLEU-2 | BLEU-3 | BLEU-4 | METEOR | CIDEr-D | ROUGE-L |');
    expect(row(out)).toEqual(want);
  });

  it('reads plain arrays and Karpathy dataset files (test split only)', () => {
    const res = write('plain.json', main.candidates);
    const arr = write('arr.json', main.references);
    expect(row(evalCaptionsCommand({ results: res, references: arr }))).toEqual(want);
    const images = main.references.map((r, i) => ({ imgid: i, cocoid: 5000 + i, split: 'test', filename: `${i}.jpg`,
      sentences: r.map((raw) => ({ raw, tokens: [] })) }));
    images.splice(3, 0, { imgid: 999, cocoid: 999, split: 'train', filename: 'x.jpg', sentences: [{ raw: 'noise', tokens: [] }] });
    const karpathy = write('dataset_coco.json', { dataset: 'coco', images });
    const out = evalCaptionsCommand({ results: res, references: karpathy });
    expect(out).toContain('Karpathy coco test split');
    expect(row(out)).toEqual(want);
  });

  it('names the file and position of malformed JSON', () => {
    const bad = write('bad.json', '[\n  {"image_id": 1, "caption": "a"}\n  {"image_id": 2}\n]');
    const refs = write('ok.json', [['a']]);
    expect(() => evalCaptionsCommand({ results: bad, references: refs }))
      .toThrow(new RegExp(`results file ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: malformed JSON at line 3, column \\d+ \\(offset 3\\d\\)`));
  });

  it('names results without references', () => {
    const res = write('r2.json', [{ image_id: 7, caption: 'a dog' }]);
    const refs = write('m2.json', { 8: ['a dog'] });
    expect(() => evalCaptionsCommand({ results: res, references: refs })).toThrow('results[0] image_id 7 has no references');
  });
});
