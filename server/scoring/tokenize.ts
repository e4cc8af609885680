// One hand-written pass over the text: words, numbers and the few punctuation marks that
// matter for scope (clause and sentence boundaries, questions). No regular expressions, so the
// cost is linear in the analysed prefix and independent of what the bytes are.

/** Only this many UTF-16 code units of a statement are analysed (the rest is ignored). */
export const MAX_ANALYSED_CHARS = 20_000;
/** At most this many tokens are produced from the analysed prefix. */
export const MAX_TOKENS = 5_000;
/** Longer words are kept as one opaque token (never looked up). */
export const MAX_TOKEN_CHARS = 48;

export const WORD = 0;
export const NUMBER = 1;
export const PUNCT = 2;

export interface Token {
  start: number;
  end: number;
  kind: number; // WORD | NUMBER | PUNCT
  /** Lower-cased form ('' for over-long words); for PUNCT the mark itself ('.', ',', '?', ...). */
  lower: string;
  /** Original text of the token (for case-sensitive aliases and capitalisation). */
  raw: string;
  /** Index of the sentence the token belongs to. */
  sentence: number;
}

export interface Tokenized {
  tokens: Token[];
  /** Terminal mark of each sentence ('.', '!', '?' or '' when the text just ends). */
  sentenceEnds: string[];
}

// Character classes for the ASCII range.
const SEP = 0;
const LETTER = 1;
const DIGIT = 2;
const MARK = 3; // significant punctuation
const APOS = 4;

const ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) ASCII[c] = LETTER;
  else if (c >= 48 && c <= 57) ASCII[c] = DIGIT;
  else ASCII[c] = SEP;
}
for (const ch of '.,;:!?()') ASCII[ch.charCodeAt(0)] = MARK;
ASCII[39] = APOS; // '

function classOf(c: number): number {
  if (c < 128) return ASCII[c]!;
  if (c === 0x2019 || c === 0x2018) return APOS;
  if (c === 0x2013 || c === 0x2014 || c === 0x2026 || c === 0xff1f) return MARK;
  if (c < 0xc0) return SEP; // C1 controls, Latin-1 punctuation and symbols
  if (c === 0xd7 || c === 0xf7) return SEP;
  if (c >= 0x2000 && c <= 0x2bff) return SEP; // general punctuation, symbols, arrows, dingbats
  if (c >= 0xd800 && c <= 0xdfff) return SEP; // surrogates (emoji, lone halves)
  if (c >= 0x3000 && c <= 0x303f) return SEP;
  if (c >= 0xfe00 && c <= 0xfe0f) return SEP;
  if (c >= 0xff00 && c <= 0xff20) return SEP;
  if (c === 0xfeff || c === 0xfffd) return SEP;
  return LETTER;
}

function markOf(c: number): string {
  if (c === 0x2013 || c === 0x2014) return ',';
  if (c === 0x2026) return '.';
  if (c === 0xff1f) return '?';
  return String.fromCharCode(c);
}

function isLetterAt(text: string, i: number): boolean {
  return i < text.length && classOf(text.charCodeAt(i)) === LETTER;
}

/**
 * Tokenize the first MAX_ANALYSED_CHARS of `input`. Offsets are UTF-16 offsets into `input`.
 * Hyphens split words ("cease-fire" -> "cease", "fire"); "n't" becomes "not"; "'s" is its own
 * token; letter-dot abbreviations ("U.S.") stay one token.
 */
export function tokenize(input: string): Tokenized {
  const text = input.length > MAX_ANALYSED_CHARS ? input.slice(0, MAX_ANALYSED_CHARS) : input;
  const n = text.length;
  const tokens: Token[] = [];
  const sentenceEnds: string[] = [];
  let sentence = 0;
  let i = 0;

  const push = (start: number, end: number, kind: number, lower: string): void => {
    tokens.push({ start, end, kind, lower, raw: text.slice(start, end), sentence });
  };

  while (i < n && tokens.length < MAX_TOKENS) {
    const c = text.charCodeAt(i);
    const cls = classOf(c);
    if (cls === SEP || cls === APOS) {
      // Paragraph breaks end a sentence even without a full stop.
      if (c === 10 && i + 1 < n && text.charCodeAt(i + 1) === 10 && tokens.length > 0) {
        const last = tokens[tokens.length - 1]!;
        if (last.sentence === sentence) {
          sentenceEnds[sentence] = '';
          sentence++;
        }
      }
      i++;
      continue;
    }
    if (cls === MARK) {
      const mark = markOf(c);
      push(i, i + 1, PUNCT, mark);
      i++;
      if (mark === '.' || mark === '!' || mark === '?') {
        // Runs like "?!" or "..." end one sentence.
        while (i < n) {
          const d = text.charCodeAt(i);
          if (classOf(d) !== MARK) break;
          const m2 = markOf(d);
          if (m2 !== '.' && m2 !== '!' && m2 !== '?') break;
          i++;
        }
        sentenceEnds[sentence] = mark;
        sentence++;
      }
      continue;
    }
    // A word or a number.
    i = scanWord(i, cls);
  }
  if (tokens.length > 0 && sentenceEnds.length <= sentence) sentenceEnds[sentence] = '';
  return { tokens, sentenceEnds };

  // Scans one word from `start`, pushes its token(s) and returns the index after it.
  function scanWord(start: number, cls: number): number {
    const isNum = cls === DIGIT;
    let j = start + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      const dc = classOf(d);
      if (dc === LETTER || dc === DIGIT) {
        j++;
        continue;
      }
      if (isNum && (d === 46 || d === 44) && j + 1 < n && classOf(text.charCodeAt(j + 1)) === DIGIT) {
        j += 2; // 3.5 or 1,000
        continue;
      }
      if (dc === APOS && isLetterAt(text, j + 1)) {
        // n't, 's, 'll ... become tokens of their own; an inner apostrophe (d'Ivoire) stays.
        let k = j + 1;
        while (k < n && k - j < 4 && classOf(text.charCodeAt(k)) === LETTER) k++;
        if (k < n && classOf(text.charCodeAt(k)) === LETTER) {
          j = k;
          continue;
        }
        const tail = text.slice(j + 1, k).toLowerCase();
        if (tail === 't' && (text.charCodeAt(j - 1) | 32) === 110 && j - 1 > start) {
          pushWord(start, j - 1);
          push(j - 1, k, WORD, 'not');
          return k;
        }
        if (tail === 's' || tail === 'll' || tail === 're' || tail === 've' || tail === 'd' || tail === 'm') {
          pushWord(start, j);
          push(j, k, WORD, tail === 'll' ? 'will' : "'" + tail);
          return k;
        }
        j = k;
        continue;
      }
      if (d === 46 && j - start === 1 && cls === LETTER && isLetterAt(text, j + 1) && text.charCodeAt(j + 2) === 46) {
        // Abbreviation such as U.S. or U.K.: consume letter-dot pairs, keep the dots.
        j += 1;
        while (j + 1 < n && isLetterAt(text, j) && text.charCodeAt(j + 1) === 46) j += 2;
        break;
      }
      break;
    }
    pushWord(start, j);
    return j;
  }

  function pushWord(s: number, e: number): void {
    const kind = classOf(text.charCodeAt(s)) === DIGIT ? NUMBER : WORD;
    let lower = e - s > MAX_TOKEN_CHARS ? '' : text.slice(s, e).toLowerCase();
    if (lower.length > 0 && lower.indexOf('\u2019') >= 0) lower = lower.split('\u2019').join("'");
    push(s, e, kind, lower);
  }
}
