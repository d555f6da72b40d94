/**
 * The Snowball English ("Porter2") stemmer, written from the published algorithm
 * (snowballstem.org/algorithms/english/stemmer.html). METEOR 1.5's stem module uses
 * Snowball's englishStemmer; test/fixtures/captions/stems.json holds the jar's stems
 * for ~6,000 words and the tests compare every one.
 */

const V = 'aeiouy';
const isV = (c: string | undefined): boolean => c !== undefined && V.includes(c);
const DOUBLES = ['bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt'];
const LI_END = 'cdeghkmnrt';

const EXCEPTIONS: Record<string, string> = {
  skis: 'ski', skies: 'sky', dying: 'die', lying: 'lie', tying: 'tie', idly: 'idl',
  gently: 'gentl', ugly: 'ugli', early: 'earli', only: 'onli', singly: 'singl', sky: 'sky',
  news: 'news', howe: 'howe', atlas: 'atlas', cosmos: 'cosmos', bias: 'bias', andes: 'andes',
};
const EXCEPTIONS_1A = new Set(['inning', 'outing', 'canning', 'herring', 'earring', 'proceed',
  'exceed', 'succeed']);

const STEP2: [string, string][] = [
  ['ization', 'ize'], ['ational', 'ate'], ['fulness', 'ful'], ['ousness', 'ous'],
  ['iveness', 'ive'], ['tional', 'tion'], ['biliti', 'ble'], ['lessli', 'less'],
  ['entli', 'ent'], ['ation', 'ate'], ['alism', 'al'], ['aliti', 'al'], ['ousli', 'ous'],
  ['iviti', 'ive'], ['fulli', 'ful'], ['enci', 'ence'], ['anci', 'ance'], ['abli', 'able'],
  ['izer', 'ize'], ['ator', 'ate'], ['alli', 'al'], ['bli', 'ble'], ['ogi', 'og'], ['li', ''],
];
const STEP3: [string, string][] = [
  ['ational', 'ate'], ['tional', 'tion'], ['alize', 'al'], ['icate', 'ic'], ['iciti', 'ic'],
  ['ative', ''], ['ical', 'ic'], ['ness', ''], ['ful', ''],  // 'ative' only in R2
];
const STEP4 = ['ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ant', 'ent', 'ism', 'ate',
  'iti', 'ous', 'ive', 'ize', 'ion', 'al', 'er', 'ic'];

/** Start of the region after the first non-vowel following a vowel, from `from`. */
function region(w: string, from: number): number {
  for (let i = from + 1; i < w.length; i++) if (!isV(w[i]) && isV(w[i - 1])) return i + 1;
  return w.length;
}

/** Short syllable ending at index i-1 (the last letters of w[0..i)). */
function shortSyllableAt(w: string, i: number): boolean {
  if (i === 2) return isV(w[0]) && !isV(w[1]);
  if (i < 3) return false;
  const c = w[i - 1] as string;
  return !isV(w[i - 3]) && isV(w[i - 2]) && !isV(c) && !'wxY'.includes(c);
}

export function stemEnglish(input: string): string {
  if (input.length <= 2) return input;
  let w = input;
  const exc = EXCEPTIONS[w];
  if (exc !== undefined) return exc;
  if (w.startsWith("'")) w = w.slice(1);
  // Mark consonant y: initial y and y after a vowel become Y.
  if (w.startsWith('y')) w = 'Y' + w.slice(1);
  for (let i = 1; i < w.length; i++) if (w[i] === 'y' && isV(w[i - 1])) w = w.slice(0, i) + 'Y' + w.slice(i + 1);

  let r1 = /^(gener|commun|arsen)/.exec(w)?.[0].length ?? region(w, 0);
  const r2 = region(w, r1);
  r1 = Math.min(r1, w.length);
  const ends = (s: string): boolean => w.endsWith(s);
  const inR1 = (s: string): boolean => w.length - s.length >= r1;
  const inR2 = (s: string): boolean => w.length - s.length >= r2;
  const isShort = (): boolean => shortSyllableAt(w, w.length) && r1 >= w.length;

  // Step 0
  for (const s of ["'s'", "'s", "'"]) if (ends(s)) { w = w.slice(0, -s.length); break; }
  // Step 1a
  if (ends('sses')) w = w.slice(0, -2);
  else if (ends('ied') || ends('ies')) w = w.slice(0, -3) + (w.length > 4 ? 'i' : 'ie');
  else if (ends('us') || ends('ss')) { /* unchanged */ } else if (ends('s')) {
    if ([...w.slice(0, -2)].some((c) => isV(c))) w = w.slice(0, -1);
  }
  if (EXCEPTIONS_1A.has(w)) return w;
  // Step 1b
  if (ends('eedly') || ends('eed')) {
    const s = ends('eedly') ? 'eedly' : 'eed';
    if (inR1(s)) w = w.slice(0, -s.length) + 'ee';
  } else {
    for (const s of ['ingly', 'edly', 'ing', 'ed']) {
      if (!ends(s)) continue;
      const stem = w.slice(0, -s.length);
      if ([...stem].some((c) => isV(c))) {
        w = stem;
        if (ends('at') || ends('bl') || ends('iz')) w += 'e';
        else if (DOUBLES.some((d) => ends(d))) w = w.slice(0, -1);
        else if (isShort()) w += 'e';
      }
      break;
    }
  }
  // Step 1c
  if (w.length > 2 && (ends('y') || ends('Y')) && !isV(w[w.length - 2])) w = w.slice(0, -1) + 'i';
  // Step 2
  for (const [s, r] of STEP2) {
    if (!ends(s)) continue;
    if (inR1(s)) {
      if (s === 'ogi') { if (w[w.length - 4] === 'l') w = w.slice(0, -3) + r; } else if (s === 'li') {
        if (LI_END.includes(w[w.length - 3] ?? '')) w = w.slice(0, -2);
      } else w = w.slice(0, -s.length) + r;
    }
    break;
  }
  // Step 3
  for (const [s, r] of STEP3) {
    if (!ends(s)) continue;
    if (s === 'ative' ? inR2(s) : inR1(s)) w = w.slice(0, -s.length) + r;
    break;
  }
  // Step 4
  for (const s of STEP4) {
    if (!ends(s)) continue;
    if (inR2(s)) {
      if (s !== 'ion') w = w.slice(0, -s.length);
      else if ('st'.includes(w[w.length - 4] ?? 'x')) w = w.slice(0, -3);
    }
    break;
  }
  // Step 5
  if (ends('e')) {
    if (inR2('e') || (inR1('e') && !shortSyllableAt(w, w.length - 1))) w = w.slice(0, -1);
  } else if (ends('l') && inR2('l') && w[w.length - 2] === 'l') w = w.slice(0, -1);
  return w.replace(/Y/g, 'y');
}
