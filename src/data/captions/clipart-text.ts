// The human-written words of an Open Clip Art drawing: its title and description
// from the SVG's RDF metadata (<cc:Work><dc:title>, <dc:description>), cleaned and
// kept only when they read as an English description of the picture. The library's
// metadata is uneven: author names, e-mail addresses, "Created with Inkscape",
// collection names ("Lemon SVG theme", "Part of the Flat Icon Collection …"), set
// blurbs shared by dozens of drawings, file-name titles ("Tigre05") and titles in
// Italian, French or Spanish. What is kept and why:
// - title: entities decoded; a "Clipart by <author> - " byline, parentheses and
//   trailing numbers dropped; '_', '#', inner '-' and camelCase read as spaces
//   ("PointingHand2" → "Pointing Hand"); kept when it has 1–20 words, no address or
//   collection words, and at least two thirds of its words (and at least one) are
//   English — in WordNet 3.0 (the METEOR data shipped in src/metrics/data, with its
//   morphology) or function words; and (clipart.ts) when at most 25 drawings share it
//   (more is a collection's name: "gramastar", "Lemon SVG theme", "AIGA Symbol Signs");
// - description: parentheses dropped; 70% English (all of it when it has one or two
//   words); left out when it repeats the title, mentions the tool, a licence or an
//   address, or is shared word for word by more than 3 drawings (a set's blurb, not
//   this picture's).
//
// A kept title or description then becomes a caption by `clipartCaption`: lower-cased,
// camelCase, '_', '/', '#' and inner '-' read as spaces, and tokens a model cannot learn
// from a picture dropped — numbers and words with digits ("Dog 01", "3d"), file names and
// extensions ("svg", "logo.png"), and single letters other than 'a' and 'i' ("Flag y").
import { englishSynonyms, FUNCTION_WORDS } from '../../metrics/meteor-resources.js';
import { tokenize } from '../../metrics/tokenize.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** The Work's own title and description in an SVG's metadata (not an Agent's name). */
export function svgMetadata(svg: string): { title: string; description: string } {
  const work = /<cc:Work\b[^>]*>([\s\S]*?)<\/cc:Work>/.exec(svg)?.[1] ?? '';
  const own = work.replace(/<cc:Agent\b[\s\S]*?<\/cc:Agent>/g, '');
  const text = (tag: string): string => {
    const m = new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`).exec(own)?.[1] ?? '';
    return decodeEntities(m.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
  };
  return { title: text('dc:title'), description: text('dc:description') };
}

const EXTRA_WORDS = new Set(['with', 'without', 'under', 'above', 'below', 'behind', 'between', 'near', 'next', 'beside', 'onto', 'upon',
  'its', 'her', 'his', 'their', 'our', 'my', 'your', 'an', 'the', 'a', 'of', 'and', 'or', 'on', 'in', 'at', 'to', 'for', 'from', 'by',
  'is', 'are', 'this', 'that', 'these', 'those', 'some', 'two', 'three', 'four', 'five', 'very', 'who', 'which', 'while', 'it', 'he', 'she', 'they']);

function isEnglish(word: string): boolean {
  const w = word.toLowerCase();
  if (FUNCTION_WORDS.has(w) || EXTRA_WORDS.has(w)) return true;
  return englishSynonyms().synonymSets(w).size > 0;
}

/** Share of the words (letters only, 2+ characters or 'a') that are English. */
export function englishShare(text: string): { words: number; share: number } {
  const words = text.toLowerCase().match(/[a-z]+(?:'[a-z]+)?/g)?.filter((w) => w.length > 1 || w === 'a') ?? [];
  if (words.length === 0) return { words: 0, share: 0 };
  return { words: words.length, share: words.filter((w) => isEnglish(w.replace(/'s$/, ''))).length / words.length };
}

const JUNK = /@|https?:|HASH\(0x|www\.|\.(svg|png|jpe?g)\b|clip ?art|part of the|collection|\btheme\b|untitled|created with|inkscape|sodipodi|converted|licen[cs]e|public domain|openclipart/i;

/** A drawing's title as a reference, or '' when it does not describe the picture. */
export function cleanTitle(title: string): string {
  // "Clipart by Nicu Buculei - jigsaw_red_10": the author's byline, then the name.
  if (/@|https?:|HASH\(0x/.test(title)) return '';
  let t = title.replace(/^clip ?art by [^-]*? - /i, '');
  t = t.replace(/\([^)]*\)|\[[^\]]*\]/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_#]|(?<=\w)-(?=\w)/g, ' ');
  t = t.replace(/(\D)\d+$/, '$1').replace(/[\s\-:,.]*\d+$/, '').replace(/\s+/g, ' ').trim();
  if (JUNK.test(t)) return '';
  const { words, share } = englishShare(t);
  return words >= 1 && words <= 20 && share >= 2 / 3 ? t : '';
}

/** A drawing's description as a reference, or '' (see the file comment). */
export function cleanDescription(description: string, title: string): string {
  if (JUNK.test(description)) return '';
  const d = description.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  if (d.length === 0) return '';
  const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  if (norm(d) === norm(title) || norm(d) === norm(cleanTitle(title))) return '';
  const { words, share } = englishShare(d);
  return words >= 1 && share >= (words <= 2 ? 1 : 0.7) ? d : '';
}

const FILE_WORDS = new Set(['svg', 'png', 'jpg', 'jpeg', 'gif', 'eps', 'pdf', 'xcf', 'ai', 'ps', 'bmp', 'tif', 'tiff', 'ico', 'wmf', 'emf', 'odg']);

/** Whether a token (as the metrics tokenise) can be a caption word: letters (with ' . & -), no digit, not a file extension. */
function captionWord(t: string): boolean {
  // Numbers, punctuation, emoticons and PTB's -lrb- are not words.
  if (!/^(?:\p{L}[\p{L}'.&-]*|'\p{L}+)$/u.test(t) || /^-.*-$/.test(t)) return false;
  if (t.length === 1) return t === 'a' || t === 'i';
  return !FILE_WORDS.has(t);
}

/**
 * A clip-art title or description as a caption: lower-case words separated by single
 * spaces ('' when none is left).
 * @example clipartCaption('BlueMan_3 (v2)') // 'blue man'
 * @example clipartCaption('LEDRounded H') // 'led rounded'
 */
export function clipartCaption(text: string): string {
  const spaced = text
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .replace(/\S+\.(?:svg|png|jpe?g|gif|eps|pdf|xcf|ai)\b/gi, ' ') // a file's name: not what it shows
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2') // blueMan → blue Man
    .replace(/(\p{Lu}{2,})(\p{Lu}\p{Ll})/gu, '$1 $2') // LEDRounded → LED Rounded (EStrella stays: a typo, not two words)
    .replace(/(\p{L})(\d)|(\d)(\p{L})/gu, (_m, a?: string, b?: string, c?: string, d?: string) => (a ? `${a} ${b}` : `${c} ${d}`))
    .replace(/[_#/\\|+=~*]|(?<=\w)-(?=\w)/g, ' ');
  return tokenize(spaced).filter(captionWord).join(' ');
}
