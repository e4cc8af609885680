// Reading Arabic: punctuation mapped onto the marks the tokenizer knows, and a light stemmer
// in front of the injected one: diacritics and tatweel removed, letter variants unified, the
// article "ال" and the proclitics و ف ب ل ك stripped, then the common enclitic pronouns.
// Applied alike to the lexicon and to the text, so it only has to be consistent.

import { tokenize, type TokenSink, type Tokenized } from '../tokenize.ts';

/**
 * The text with Arabic punctuation and digits replaced by their ASCII counterparts, one UTF-16
 * code unit for one, so every offset still points into the original string.
 */
export function asciiPunctuation(text: string): string {
  // Built from slices between the replaced characters (no per-character array).
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x60c) continue; // below every mark and digit replaced (most of all text)
    let r = -1;
    if (c === 0x60c) r = 44; // ، comma
    else if (c === 0x61b) r = 59; // ؛ semicolon
    else if (c === 0x61f) r = 63; // ؟ question mark
    else if (c === 0x6d4) r = 46; // ۔ full stop
    else if (c >= 0x660 && c <= 0x669) r = 48 + c - 0x660; // Arabic-Indic digits
    else if (c >= 0x6f0 && c <= 0x6f9) r = 48 + c - 0x6f0; // Eastern Arabic-Indic digits
    else if (c === 0x66a || c === 0x66b || c === 0x66c) r = c === 0x66b ? 46 : c === 0x66c ? 44 : 37;
    if (r < 0) continue;
    out += text.slice(from, i) + String.fromCharCode(r);
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
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
