/**
 * PTB tokenisation as coco-caption applies it: Stanford CoreNLP 3.4.1's PTBTokenizer
 * (`-preserveLines -lowerCase`), then its punctuation tokens are dropped.
 *
 * This is a re-implementation of the lexer's effect on caption-like text, checked
 * against the jar on test/fixtures/captions (see src/metrics/README.md for what it
 * does not cover). Note that lower-casing happens after PTB escaping, so `(` becomes
 * `-lrb-`, which coco-caption's list (`-LRB-`) no longer removes: we keep it too.
 *
 * @example
 * tokenize("The dog's ball isn't red!") // ['the', 'dog', "'s", 'ball', 'is', "n't", 'red']
 */

/** coco-caption's PTBTokenizer.PUNCTUATIONS, compared after lower-casing as it does. */
const PUNCTUATIONS = new Set(["''", "'", '``', '`', '-LRB-', '-RRB-', '-LCB-', '-RCB-',
  '.', '?', '!', ',', ':', '-', '--', '...', ';']);

// Abbreviations PTBLexer keeps with their period before a following word.
const ABBREV = new Set(['mr', 'mrs', 'ms', 'dr', 'st', 'jr', 'sr', 'prof', 'inc', 'co', 'corp',
  'ltd', 'vs', 'etc', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct',
  'nov', 'dec', 'mt', 'ft', 'ave', 'blvd', 'gen', 'gov', 'sen', 'rep', 'sgt', 'col', 'capt',
  'lt', 'messrs', 'mme', 'esq', 'bros']);
// Words PTB splits into two tokens (case is preserved from the input).
const SPLITS: Record<string, number> = { cannot: 3, gonna: 3, gotta: 3, wanna: 3, lemme: 3,
  gimme: 3 };
const BRACKETS: Record<string, string> = { '(': '-LRB-', ')': '-RRB-', '[': '-LSB-',
  ']': '-RSB-', '{': '-LCB-', '}': '-RCB-' };
const FRACTIONS: Record<string, string> = { '¼': '1/4', '½': '1/2', '¾': '3/4', '⅓': '1/3',
  '⅔': '2/3' };

const L = '\\p{L}\\p{M}\\p{N}';
// Ordered rules: the first that matches at the cursor wins (sticky regexes).
const RULES: [RegExp, (m: string, out: string[], next: string) => void][] = [
  [/\s+/uy, () => {}],
  [/<\/?[A-Za-z][^\s<>]*>/uy, (m, o) => { o.push(m); }],
  [/(?:https?:\/\/|www\.)[^\s]+/uy, (m, o) => { o.push(m); }],
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/uy, (m, o) => { o.push(m); }],
  [/[@#]\p{L}[\w]*/uy, (m, o) => { o.push(m); }],
  [/[:;]-?[()]/uy, (m, o) => { o.push(m.replace('(', '-LRB-').replace(')', '-RRB-')); }],
  [/[A-Z]+&[A-Z]+/uy, (m, o) => { o.push(m); }],
  // Acronyms with periods: u.s., p.m., a.b.c
  [new RegExp(`\\p{L}(?:\\.\\p{L})+\\.?`, 'uy'), (m, o) => { o.push(m); }],
  // Numbers: 3,000  5:30  12/25/2014  .5  -3 (a sign only before a digit)
  [/[-+]?(?:\d+(?:[-,.:/]\d+)*|\.\d+)(?![\p{L}\d])/uy, (m, o) => { o.push(m); }],
  [/'(?:t(?=is\b|was\b))/uiy, (m, o) => { o.push(m); }],
  [/'n'/uiy, (m, o) => { o.push(m); }],
  [/'(?:em|\d0s)\b/uiy, (m, o) => { o.push(m); }],
  [/y'(?=all\b)/uiy, (m, o) => { o.push(m); }],
  [/[¼½¾⅓⅔]/uy, (m, o) => { o.push(FRACTIONS[m] as string); }],
  [new RegExp(`[${L}]+(?:['’\\-_/][${L}]+)*\\.?`, 'uy'), word],
  [/\.(?:\s*\.){2,}|…/uy, (_m, o) => { o.push('...'); }],
  [/-{2,}|[—–]/uy, (_m, o) => { o.push('--'); }],
  [/[!?]+/uy, (m, o) => { o.push(m); }],
  [/``|''|"/uy, quote],
  [/[“”]/uy, (m, o) => { o.push(m === '“' ? '``' : "''"); }],
  [/[‘’']/uy, (m, o) => { o.push(m === '‘' ? '`' : "'"); }],
  [/`/uy, (m, o) => { o.push(m); }],
  [/[()[\]{}]/uy, (m, o) => { o.push(BRACKETS[m] as string); }],
  [/£/uy, (_m, o) => { o.push('#'); }],
  // Characters outside the Basic Multilingual Plane (emoji) are untokenizable: deleted.
  [/[\u{10000}-\u{10FFFF}]/uy, () => {}],
  [/./uy, (m, o) => { o.push(m); }],
];

let lastWasSpace = true;

function quote(m: string, out: string[]): void {
  if (m === '"') out.push(lastWasSpace || out.length === 0 ? '``' : "''");
  else out.push(m);
}

/** A word token: split PTB clitics (n't, 's, 're, ...) and a sentence-final period. */
function word(m: string, out: string[], next = ''): void {
  let w = m.replace(/’/g, "'");
  const rock = /^(.+?)('n')(.+)$/i.exec(w);
  if (rock) { out.push(rock[1] as string, rock[2] as string); word(rock[3] as string, out, next); return; }
  let period = false;
  if (w.endsWith('.')) {
    w = w.slice(0, -1);
    period = !(ABBREV.has(w.toLowerCase()) || /^[A-Z]$/.test(w) ||
      (w.toLowerCase() === 'no' && /^\s*\d/.test(next)));
    if (!period) { out.push(`${w}.`); return; }
  }
  const split = SPLITS[w.toLowerCase()];
  if (split !== undefined) {
    out.push(w.slice(0, split), w.slice(split));
  } else {
    const clitic = /^(.+?)(n't|'s|'re|'ll|'ve|'d|'m)$/i.exec(w);
    if (clitic) out.push(clitic[1] as string, clitic[2] as string);
    else if (/\p{L}s'$/u.test(w)) out.push(w.slice(0, -1), "'");
    else out.push(w);
  }
  if (period) out.push('.');
}

/** PTB tokens of one caption (lower-cased, escaped), before punctuation removal. */
export function ptbTokens(caption: string): string[] {
  const out: string[] = [];
  let i = 0;
  lastWasSpace = true;
  while (i < caption.length) {
    for (const [re, emit] of RULES) {
      re.lastIndex = i;
      const m = re.exec(caption);
      if (m === null || m[0].length === 0) continue;
      emit(m[0], out, caption.slice(i + m[0].length, i + m[0].length + 3));
      lastWasSpace = /^\s/u.test(m[0]) || /^[([{]$/.test(m[0]);
      i += m[0].length;
      break;
    }
  }
  return out.map((t) => t.toLowerCase());
}

/**
 * Tokenise one caption as coco-caption does: PTB tokens, lower-cased, with the
 * punctuation tokens removed. Returns the tokens (join with ' ' for coco's string).
 */
export function tokenize(caption: string): string[] {
  return ptbTokens(caption).filter((t) => !PUNCTUATIONS.has(t));
}
