// The references of a scene: five differently worded sentences from a small grammar
// of what is true of its boxes — a spatial relation between two objects ("a goat to
// the left of a bunch of grapes"), the objects listed ("a photo of a goat and a bunch
// of grapes on a blue background"), where each is in the picture ("a goat on the left
// and a bunch of grapes at the bottom"), their order ("from left to right a goat and a
// bunch of grapes"), or two relations ("a goat above a cow and a pig next to the cow");
// two objects close together in no clearer relation are "near" each other.
// Every sentence names every object, and each mention is kept as a token span, so
// the words that name an object stay tied to its box.
import { tokenize } from '../../metrics/tokenize.js';
import { type Background } from './background.js';
import { type Box } from './raster.js';
import { above, IN_FRONT, leftOf, near, nextTo, region, regionPhrases } from './relations.js';

export interface GrammarObject {
  name: string;
  box: Box;
}

/** Tokens [start, end) of a reference that name object `object`. */
export interface Mention {
  object: number;
  start: number;
  end: number;
}

export interface Reference {
  raw: string;
  tokens: string[];
  mentions: Mention[];
}

/** A sentence in pieces: words, or an object (with "a"/"an", or "the" when it was named before). */
type Piece = string | { object: number; definite?: boolean };

export interface SceneFacts {
  objects: readonly GrammarObject[];
  /** covers[a][b]: the fraction of b hidden by a. */
  covers: readonly (readonly number[])[];
  background: Background;
  size: number;
}

/** "a" or "an" before a name, by its sound ("an orange", "a uk post box", "a european bear"). */
export function article(name: string): 'a' | 'an' {
  if (/^(uk|eu|uni|use|one)/.test(name)) return 'a';
  return /^[aeiou]/.test(name) ? 'an' : 'a';
}

const pick = <T>(rng: () => number, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

function shuffled<T>(rng: () => number, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The phrases "a R b" that are true, per ordered pair. */
function relationPhrases(f: SceneFacts, a: number, b: number): string[] {
  const [A, B] = [f.objects[a]!.box, f.objects[b]!.box];
  const out: string[] = [];
  if (leftOf(A, B)) out.push('to the left of', 'on the left of');
  if (leftOf(B, A)) out.push('to the right of', 'on the right of');
  if (above(A, B)) out.push('above');
  if (above(B, A)) out.push('below', 'beneath');
  if (nextTo(A, B, f.size)) out.push('next to', 'beside');
  if ((f.covers[a]?.[b] ?? 0) >= IN_FRONT) out.push('in front of', 'partly covering');
  if ((f.covers[b]?.[a] ?? 0) >= IN_FRONT) out.push('behind', 'partly hidden by');
  // Close but in no clearer relation (diagonal neighbours).
  if (out.length === 0 && near(A, B, f.size)) out.push('near', 'close to');
  return out;
}

/** "x, y and z" */
function list(objs: readonly number[], definite = false): Piece[] {
  const out: Piece[] = [];
  objs.forEach((o, i) => {
    if (i > 0) out.push(i === objs.length - 1 ? 'and' : ',');
    out.push({ object: o, definite });
  });
  return out;
}

function where(f: SceneFacts, o: number, rng: () => number): string {
  return pick(rng, regionPhrases(region(f.objects[o]!.box, f.size)));
}

/** The other objects, each with where it is: ", c on the left and d at the top". */
function rest(f: SceneFacts, others: readonly number[], rng: () => number): Piece[] {
  const out: Piece[] = [];
  others.forEach((o, i) => out.push(i === others.length - 1 ? 'and' : ',', { object: o }, where(f, o, rng)));
  return out;
}

function backgroundPhrase(bg: Background, rng: () => number): string {
  const plain = bg.kind === 'plain' ? pick(rng, ['', 'plain ']) : '';
  const words = `${plain}${bg.colour} background`;
  return `${pick(rng, ['on', 'against'])} ${article(words)} ${words}`;
}

type Template = (f: SceneFacts, rng: () => number) => Piece[] | undefined;

const all = (f: SceneFacts): number[] => f.objects.map((_, i) => i);

/** One relation between two objects, the others placed in the picture. */
const relation: Template = (f, rng) => {
  const pairs: [number, number, string[]][] = [];
  for (const a of all(f)) for (const b of all(f)) if (a !== b) {
    const r = relationPhrases(f, a, b);
    if (r.length > 0) pairs.push([a, b, r]);
  }
  if (pairs.length === 0) return undefined;
  const [a, b, r] = pick(rng, pairs);
  return [{ object: a }, pick(rng, r), { object: b }, ...rest(f, all(f).filter((o) => o !== a && o !== b), rng)];
};

/** Two relations through a shared object ("a goat above a cow and a pig next to the cow"). */
const chain: Template = (f, rng) => {
  if (f.objects.length < 3) return undefined;
  const options: Piece[][] = [];
  for (const b of all(f)) for (const a of all(f)) for (const c of all(f)) {
    if (a === b || c === b || a >= c) continue;
    const r1 = relationPhrases(f, a, b);
    const r2 = relationPhrases(f, c, b);
    if (r1.length === 0 || r2.length === 0) continue;
    const others = all(f).filter((o) => o !== a && o !== b && o !== c);
    options.push([{ object: a }, pick(rng, r1), { object: b }, ...(others.length ? [','] : ['and']), { object: c }, pick(rng, r2), { object: b, definite: true }, ...rest(f, others, rng)]);
  }
  return options.length ? pick(rng, options) : undefined;
};

/** The objects listed ("a photo of a goat and a cow on a blue background"). */
const listing: Template = (f, rng) => {
  const prefix = pick(rng, ['', 'a photo of', 'a picture of', 'an image of', 'a picture with']);
  const suffix = rng() < 0.6 ? backgroundPhrase(f.background, rng) : '';
  return [prefix, ...list(shuffled(rng, all(f))), suffix].filter((p) => p !== '');
};

/** Each object with where it is; only when no two share a region. */
const places: Template = (f, rng) => {
  const regions = f.objects.map((o) => region(o.box, f.size).join());
  if (new Set(regions).size < regions.length) return undefined;
  const order = shuffled(rng, all(f));
  const out: Piece[] = [];
  order.forEach((o, i) => {
    if (i > 0) out.push(i === order.length - 1 ? 'and' : ',');
    out.push({ object: o }, where(f, o, rng));
  });
  return out;
};

/** The objects in order across or down, when each is clearly past the one before. */
const ordering: Template = (f, rng) => {
  const across = all(f).sort((a, b) => f.objects[a]!.box.x + f.objects[a]!.box.w / 2 - (f.objects[b]!.box.x + f.objects[b]!.box.w / 2));
  const down = all(f).sort((a, b) => f.objects[a]!.box.y + f.objects[a]!.box.h / 2 - (f.objects[b]!.box.y + f.objects[b]!.box.h / 2));
  const ok = (o: number[], rel: (a: Box, b: Box) => boolean): boolean => o.every((x, i) => i === 0 || rel(f.objects[o[i - 1]!]!.box, f.objects[x]!.box));
  const choices: [number[], string][] = [];
  if (ok(across, leftOf)) choices.push([across, 'from left to right']);
  if (ok(down, above)) choices.push([down, 'from top to bottom']);
  if (choices.length === 0) return undefined;
  const [order, words] = pick(rng, choices);
  return rng() < 0.5 ? [words, ...list(order)] : [...list(order), words];
};

const TEMPLATES: readonly Template[] = [relation, chain, listing, places, ordering];

/** Words and token spans of a sentence; the raw text capitalised with a full stop. */
function realise(f: SceneFacts, pieces: readonly Piece[]): Reference {
  const words: string[] = [];
  const tokens: string[] = [];
  const mentions: Mention[] = [];
  for (const p of pieces) {
    if (typeof p === 'string') {
      if (p === ',') words[words.length - 1] += ',';
      else words.push(p);
      tokens.push(...tokenize(p));
      continue;
    }
    const name = f.objects[p.object]!.name;
    const phrase = `${p.definite ? 'the' : article(name)} ${name}`;
    words.push(phrase);
    const t = tokenize(phrase);
    mentions.push({ object: p.object, start: tokens.length, end: tokens.length + t.length });
    tokens.push(...t);
  }
  const text = words.join(' ');
  return { raw: `${text.charAt(0).toUpperCase()}${text.slice(1)}.`, tokens, mentions };
}

/**
 * `count` (default 5) distinct references of a scene: the first states a relation
 * when one holds; then the templates take turns in a random order.
 */
export function describeScene(f: SceneFacts, rng: () => number, count = 5): Reference[] {
  const out: Reference[] = [];
  const seen = new Set<string>();
  const add = (pieces: Piece[] | undefined): boolean => {
    if (!pieces) return false;
    const r = realise(f, pieces);
    if (seen.has(r.raw)) return false;
    seen.add(r.raw);
    out.push(r);
    return true;
  };
  add(relation(f, rng));
  let turn = shuffled(rng, TEMPLATES);
  for (let round = 0; out.length < count && round < 20 && turn.length > 0; round++) {
    const live: Template[] = [];
    for (const t of turn) {
      if (out.length >= count) break;
      let pieces: Piece[] | undefined;
      let added = false;
      for (let tries = 0; tries < 4 && !added; tries++) {
        pieces = t(f, rng);
        if (!pieces) break;
        added = add(pieces);
      }
      if (pieces) live.push(t);
    }
    turn = live;
  }
  return out;
}
