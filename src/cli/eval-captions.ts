/**
 * `foveate eval captions --results F --references G`: score a result file with the
 * coco-caption metrics and print them as Show, Attend and Tell's Table 1 (x100).
 *
 * Results: coco-caption's `[{image_id, caption}]`, or a plain array of strings.
 * References: `{image_id: [captions]}`, an array of caption arrays, COCO's annotation file
 * (`{annotations: [{image_id, caption}]}`) or Karpathy's `dataset_*.json` (test split;
 * images keyed by `cocoid` when present, else `imgid`).
 */
import { readFileSync } from 'node:fs';
import { evaluateCaptions } from '../metrics/index.js';
import { fetchCommand } from '../io/index.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parse a JSON file; a syntax error names the file, line, column and offset. */
export function readJson(path: string, role: string): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`eval captions: cannot read ${role} file ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    const msg = (e as Error).message;
    const pos = Number(/position (\d+)/.exec(msg)?.[1] ?? text.length);
    const before = text.slice(0, pos).split('\n');
    throw new Error(`eval captions: ${role} file ${path}: malformed JSON at line ${before.length}, ` +
      `column ${(before[before.length - 1] ?? '').length + 1} (offset ${pos}): ${msg}`);
  }
}

interface Refs { ids: string[] | null; captions: string[][]; source: string }

function strings(v: Json | undefined, where: string): string[] {
  if (!Array.isArray(v)) throw new Error(`eval captions: references ${where} is not an array of captions`);
  return v.map((c, i) => {
    if (typeof c !== 'string') throw new Error(`eval captions: references ${where}[${i}] is not a string`);
    return c;
  });
}

function parseReferences(j: Json): Refs {
  if (Array.isArray(j)) return { ids: null, captions: j.map((r, i) => strings(r, `[${i}]`)), source: 'array' };
  if (!isObj(j)) throw new Error('eval captions: references must be an object or an array');
  const byId = new Map<string, string[]>();
  const push = (id: string, c: string): void => { const l = byId.get(id); if (l) l.push(c); else byId.set(id, [c]); };
  if (Array.isArray(j.images) && j.images.every(isObj) && j.images.some((im) => Array.isArray(im.sentences))) {
    for (const im of j.images as Obj[]) {
      if (im.split !== 'test') continue;
      const id = String(im.cocoid ?? im.imgid);
      for (const s of (Array.isArray(im.sentences) ? im.sentences : [])) {
        if (isObj(s) && typeof s.raw === 'string') push(id, s.raw);
        else if (isObj(s) && Array.isArray(s.tokens)) push(id, s.tokens.join(' '));
      }
    }
    if (byId.size === 0) throw new Error('eval captions: Karpathy references have no test-split images');
    return { ids: [...byId.keys()], captions: [...byId.values()], source: `Karpathy ${String(j.dataset ?? '')} test split` };
  }
  if (Array.isArray(j.annotations)) {
    j.annotations.forEach((a, i) => {
      if (!isObj(a) || typeof a.caption !== 'string') throw new Error(`eval captions: references annotations[${i}] has no caption`);
      push(String(a.image_id), a.caption);
    });
    return { ids: [...byId.keys()], captions: [...byId.values()], source: 'COCO annotations' };
  }
  for (const [k, v] of Object.entries(j)) byId.set(k, strings(v, `["${k}"]`));
  return { ids: [...byId.keys()], captions: [...byId.values()], source: 'image_id map' };
}

function pairUp(res: Json, refs: Refs): { cands: string[]; refs: string[][] } {
  if (!Array.isArray(res)) throw new Error('eval captions: results must be an array');
  if (res.every((r) => typeof r === 'string')) {
    return { cands: res as string[], refs: refs.captions }; // by position; lengths checked by the metrics
  }
  const index = new Map((refs.ids ?? []).map((id, k) => [id, k]));
  const seen = new Set<string>();
  const cands: string[] = [];
  const out: string[][] = [];
  res.forEach((r, i) => {
    if (!isObj(r) || typeof r.caption !== 'string' || r.image_id === undefined) {
      throw new Error(`eval captions: results[${i}] is neither a string nor {image_id, caption}`);
    }
    const id = String(r.image_id);
    if (seen.has(id)) throw new Error(`eval captions: results[${i}] repeats image_id ${id}`);
    seen.add(id);
    const k = refs.ids ? index.get(id) ?? -1 : Number(id);
    const rs = refs.captions[k];
    if (rs === undefined) throw new Error(`eval captions: results[${i}] image_id ${id} has no references`);
    cands.push(r.caption);
    out.push(rs);
  });
  return { cands, refs: out };
}

const pct = (x: number, digits: number): string => (100 * x).toFixed(digits);

/** Score the files and lay the numbers out as Show, Attend and Tell's Table 1. */
export function evalCaptionsCommand(args: { results: string; references: string }): string {
  const refs = parseReferences(readJson(args.references, 'references'));
  const { cands, refs: paired } = pairUp(readJson(args.results, 'results'), refs);
  const s = evaluateCaptions(cands, paired);
  const nRefs = paired.reduce((a, r) => a + r.length, 0);
  const head = ['BLEU-1', 'BLEU-2', 'BLEU-3', 'BLEU-4', 'METEOR', 'CIDEr-D', 'ROUGE-L'];
  const vals = [pct(s.bleu1, 1), pct(s.bleu2, 1), pct(s.bleu3, 1), pct(s.bleu4, 1), pct(s.meteor, 2),
    pct(s.cider, 1), pct(s.rougeL, 1)];
  const w = head.map((h, i) => Math.max(h.length, (vals[i] as string).length));
  const row = (cells: string[]): string => `| ${cells.map((c, i) => c.padStart(w[i] as number)).join(' | ')} |`;
  return [
    `Caption metrics as coco-caption computes them (x100), ${cands.length} images, ${nRefs} references`,
    `results: ${args.results}`,
    `references: ${args.references} (${refs.source})`,
    '',
    row(head),
    `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`,
    row(vals),
    '',
    s.meteorParaphrase ? 'METEOR: exact, stem, synonym and paraphrase modules (METEOR 1.5 as coco-caption).'
      : 'METEOR: exact, stem and synonym modules only; for the paraphrase module (coco-caption\'s full METEOR) ' +
        `fetch METEOR's paraphrase table with: ${fetchCommand('meteor-paraphrase')} (or set FOVEATE_METEOR_PARAPHRASE to a paraphrase-en.gz).`,
  ].join('\n');
}
