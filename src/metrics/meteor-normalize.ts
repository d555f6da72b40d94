/**
 * METEOR 1.5's `-norm` text normalisation for English with punctuation kept
 * (edu.cmu.meteor.util.Normalizer.normalizeLine, NORMALIZE_KEEP_PUNCT), then lower-casing,
 * re-implemented rule by rule. Java's regex classes differ from JavaScript's, so the
 * classes are spelled out: Java's `\s` is ASCII whitespace and `\p{Digit}` is [0-9].
 */

const ALPHA = 'A-Za-z\u0160\u017d\u0161\u017e\u0178\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017e' +
  '\u0400-\u04ff\u0500-\u0527\ua640-\ua66e\ua67e-\ua697\u1d00-\u1d7f';
const ALNUM = `0-9${ALPHA}`;
const JSPACE = ' \\t\\n\\x0B\\f\\r';

const R = (src: string): RegExp => new RegExp(src, 'gu');
const SEP_OTHER = R(`([^${ALNUM}${JSPACE}.'\`,\\-\u2018\u2019])`);
const MULTI_DOT = R('\\.([.]+)');
const MULTI_DOT2 = R('DOTMULTI\\.([^.])');
const COMMA = R('([^0-9])[,]([^0-9])');
const COMMA2 = R('([0-9])[,]([^0-9])');
const COMMA3 = R('([^0-9])[,]([0-9])');
const QUOTE = R('([`\u2018\u2019])');
const QUOTE2 = R("([\u201c\u201d]|'')");
const RM_DASH = R(`([${ALNUM}.])[-]([${ALNUM}])`);
const CONT1 = R(`([^${ALPHA}])[']([^${ALPHA}])`);
const CONT2 = R(`([^${ALPHA}0-9])[']([${ALPHA}])`);
const CONT3 = R(`([${ALPHA}])[']([^${ALPHA}])`);
const CONT4 = R(`([${ALPHA}])[']([${ALPHA}])`);
const CONT5 = R("([0-9])[']([s])");
const WHITE = R('[ \u2000-\u200a\u202f\u205f\u3000\u00a0]+');
const HAS_ALPHA = new RegExp(`[${ALPHA}]`, 'u');

/** METEOR's nonbreaking/english.prefixes: 1 = any context, 2 = only before a number. */
const PREFIXES = new Map<string, number>();
for (const p of ('A B C D E F G H I J K L M N O P Q R S T U V W X Y Z Adj Adm Adv Asst Bart ' +
  'Bldg Brig Bros Capt Cmdr Col Comdr Con Corp Cpl DR Dr Drs Ens Gen Gov Hon Hr Hosp Insp Lt ' +
  'MM MR MRS MS Maj Messrs Mlle Mme Mr Mrs Ms Msgr Op Ord Pfc Ph Prof Pvt Rep Reps Res Rev Rt ' +
  'Sen Sens Sfc Sgt Sr St Supt Surg v vs i.e rev e.g Nos').split(' ')) PREFIXES.set(p, 1);
for (const p of ['No', 'Art', 'pp']) PREFIXES.set(p, 2);

/** java.lang.String.trim(): strips every char <= U+0020 at both ends. */
export function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 32) a++;
  while (b > a && s.charCodeAt(b - 1) <= 32) b--;
  return s.slice(a, b);
}

/** java.util.StringTokenizer with its default delimiters. */
export function javaTokens(s: string): string[] {
  return s.split(/[ \t\n\r\f]+/).filter((t) => t !== '');
}

/** Normalise one line as `meteor -l en -norm` does before aligning (lower-cased). */
export function meteorNormalize(line: string): string {
  let s = ` ${line} `;
  s = s.replace(SEP_OTHER, ' $1 ');
  s = s.replace(MULTI_DOT, ' DOTMULTI$1');
  while (s.includes('DOTMULTI.')) {
    s = s.replace(MULTI_DOT2, 'DOTDOTMULTI $1');
    s = s.split('DOTMULTI.').join('DOTDOTMULTI');
  }
  s = s.replace(COMMA, '$1 , $2').replace(COMMA2, '$1 , $2').replace(COMMA3, '$1 , $2');
  s = s.replace(QUOTE, "'").replace(QUOTE2, ' " ');
  s = s.split('\u2013').join('-').split('--').join('-');
  s = s.replace(RM_DASH, '$1 $2');
  s = s.replace(CONT1, "$1 ' $2").replace(CONT2, "$1 ' $2").replace(CONT3, "$1 ' $2");
  s = s.replace(CONT4, "$1 '$2").replace(CONT5, "$1 '$2");
  const toks = javaTokens(s);
  let out = '';
  toks.forEach((t, i) => {
    const next = toks[i + 1];
    if (t.length > 1 && t.endsWith('.')) {
      const pre = t.slice(0, -1);
      const kind = PREFIXES.get(pre);
      if (pre.includes('.') && HAS_ALPHA.test(pre)) out += t.split('.').join('');
      else if (kind === 1 || (next !== undefined && /^[a-z]/.test(next))) out += t;
      else if (kind === 2 && next !== undefined && /^[0-9]+/.test(next)) out += t;
      else out += `${pre} .`;
    } else out += t;
    out += ' ';
  });
  s = out;
  while (s.includes('DOTDOTMULTI')) s = s.split('DOTDOTMULTI').join('DOTMULTI.');
  s = s.split('DOTMULTI').join('.');
  s = javaTrim(s.replace(WHITE, ' '));
  return s.toLowerCase();
}
