// Reading Arabic: punctuation mapped onto the marks the tokenizer knows, and a light stemmer
// in front of the injected one: diacritics and tatweel removed, letter variants unified, the
// article "ال" and the proclitics و ف ب ل ك stripped, then the common enclitic pronouns.
// Applied alike to the lexicon and to the text, so it only has to be consistent.

import { tokenize, type TokenSink, type Tokenized } from '../tokenize.ts';

/** The Arabic marks and digits asciiPunctuation replaces. */
const ARABIC_MARKS = /[\u060c\u061b\u061f\u06d4\u0660-\u066c\u06f0-\u06f9]/g;

/** The ASCII counterpart of one of ARABIC_MARKS. */
function asciiOf(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c === 0x60c) return ','; // ، comma
  if (c === 0x61b) return ';'; // ؛ semicolon
  if (c === 0x61f) return '?'; // ؟ question mark
  if (c === 0x6d4) return '.'; // ۔ full stop
  if (c >= 0x660 && c <= 0x669) return String.fromCharCode(48 + c - 0x660); // Arabic-Indic digits
  if (c >= 0x6f0 && c <= 0x6f9) return String.fromCharCode(48 + c - 0x6f0); // Eastern Arabic-Indic digits
  return c === 0x66b ? '.' : c === 0x66c ? ',' : '%'; // decimal and thousands separators, percent sign
}

/**
 * The text with Arabic punctuation and digits replaced by their ASCII counterparts, one UTF-16
 * code unit for one, so every offset still points into the original string. The text itself
 * when it has none; otherwise one flat string (a string built by concatenation would reach the
 * tokenizer in yet another representation, and its property lookups would see one more kind).
 */
export function asciiPunctuation(text: string): string {
  return text.replace(ARABIC_MARKS, asciiOf);
}

export function tokenizeArabic(text: string, sink: TokenSink | null = null): Tokenized {
  return tokenize(asciiPunctuation(text), sink);
}

const DIACRITICS = /[\u064B-\u065F\u0670\u0640]/g;

/** Diacritics and tatweel removed; alef forms, alef maqsura and ta marbuta unified. */
export function normalizeArabic(word: string): string {
  return word
    .replace(DIACRITICS, '')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/ى/g, 'ي')
    .replace(/ة/g, 'ه');
}

const ARTICLES = ['وال', 'فال', 'بال', 'كال', 'لل', 'ال'];
const ENCLITICS = ['هما', 'كما', 'ها', 'هم', 'هن', 'كم', 'كن', 'نا'];

/** Strips the article, proclitics and enclitic pronouns, keeping at least three letters. */
export function stripClitics(word: string): string {
  let w = word;
  for (const a of ARTICLES) {
    if (w.startsWith(a) && w.length - a.length >= 3) {
      w = w.slice(a.length);
      return stripEnclitic(w);
    }
  }
  // و or ف (and, so), then ب ل ك (with, for, like): only before a word of four letters or more
  if ((w[0] === 'و' || w[0] === 'ف') && w.length >= 5) w = w.slice(1);
  if ((w[0] === 'ب' || w[0] === 'ل' || w[0] === 'ك') && w.length >= 5) w = w.slice(1);
  // "وبال..." after و: the article again
  for (const a of ARTICLES) {
    if (w.startsWith(a) && w.length - a.length >= 3) {
      w = w.slice(a.length);
      break;
    }
  }
  return stripEnclitic(w);
}

function stripEnclitic(w: string): string {
  for (const e of ENCLITICS) if (w.endsWith(e) && w.length - e.length >= 3) return w.slice(0, -e.length);
  return w;
}

/** The Arabic stem of a lower-cased word: light normalisation and clitics, then `stemmer`. */
export function arabicStemmer(stemmer: (w: string) => string): (w: string) => string {
  return (word) => {
    const n = normalizeArabic(word);
    if (n.length <= 3) return n;
    const s = stemmer(stripClitics(n));
    return s === '' ? n : s;
  };
}
