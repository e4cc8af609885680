// One hand-written pass over the text: words, numbers and the few punctuation marks that
// matter for scope (clause and sentence boundaries, questions). No regular expressions, so the
// cost is linear in the analysed prefix and independent of what the bytes are.

import {
  SEP as _SEP, LETTER as _LETTER, DIGIT as _DIGIT, MARK as _MARK, APOS as _APOS, ASCII as _ASCII,
  classOf as _classOf, classOfWide as _classOfWide, markOf as _markOf, isLetterAt as _isLetterAt,
} from './char-class.ts';

// Imported constants and functions copied into module scope: the TypeScript loader turns
// imported bindings into getters, which would otherwise be called on every character.
const SEP = _SEP;
const LETTER = _LETTER;
const DIGIT = _DIGIT;
const MARK = _MARK;
const APOS = _APOS;
const ASCII = _ASCII;
const classOf = _classOf;
const classOfWide = _classOfWide;
const markOf = _markOf;
const isLetterAt = _isLetterAt;

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
  /** Index of the sentence the token belongs to. */
  sentence: number;
}

export interface Tokenized {
  tokens: Token[];
  /** Terminal mark of each sentence ('.', '!', '?' or '' when the text just ends). */
  sentenceEnds: string[];
}

/**
 * Tokenize the first MAX_ANALYSED_CHARS of `input`. Offsets are UTF-16 offsets into `input`.
 * Hyphens split words ("cease-fire" -> "cease", "fire"); "n't" becomes "not"; "'s" is its own
 * token; letter-dot abbreviations ("U.S.") stay one token.
 */
/** Receives each token's lower-cased form as it is produced (saves a second pass). */
export interface TokenSink {
  add(lower: string, kind: number): void;
  /**
   * A plain word (letters and digits) `source[start, end)` with `hash`, the FNV-1a hash of its
   * lower-case characters (computed while scanning); returns the string to use as the token's
   * `lower`. With `fold`, `source` is the text itself and the word is ASCII, each character
   * lower-cased by `| 32`; without, `source` is the text lower-cased (same offsets).
   */
  addHashed(source: string, start: number, end: number, kind: number, hash: number, fold: boolean): string;
  /**
   * A word of at most PACKED_CHARS ASCII letters and digits, `text[start, end)`, given exactly by
   * its packed lower-case characters (`a`, `b`, `c`: PACKED_PER_INT characters each, 6 bits a
   * character, see PACK_CODE): the memo compares three integers instead of the characters.
   * Optional: without it such words go to addHashed.
   */
  addPacked?(text: string, start: number, end: number, kind: number, a: number, b: number, c: number): string;
}

/** Characters per packed integer, and the longest word passed to addPacked. */
export const PACKED_PER_INT = 5;
export const PACKED_CHARS = 3 * PACKED_PER_INT;

/**
 * 6-bit code of each ASCII letter (either case: the same code) and digit, 0 for every other
 * character: a word of letters and digits packs into integers that identify it exactly.
 */
export const PACK_CODE = new Uint8Array(128);
for (let c = 0; c < 26; c++) PACK_CODE[65 + c] = PACK_CODE[97 + c] = 1 + c;
for (let c = 0; c < 10; c++) PACK_CODE[48 + c] = 27 + c;
const CODE = PACK_CODE;

/** FNV-1a over UTF-16 code units: the tokenizer hashes each word as it scans it. */
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/**
 * `pool`: token objects to reuse, owned by one caller (the scorer) whose previous tokens are no
 * longer read; tokens beyond it are created and added to it.
 */
export function tokenize(input: string, sink: TokenSink | null = null, pool: Token[] | null = null): Tokenized {
  const text = input.length > MAX_ANALYSED_CHARS ? input.slice(0, MAX_ANALYSED_CHARS) : input;
  const state = new TokenizerState(text, sink, pool);
  state.run();
  return { tokens: state.tokens, sentenceEnds: state.sentenceEnds };
}

// Loop state as a class rather than closures: no per-call function allocation on the hot path.
class TokenizerState {
  readonly tokens: Token[] = [];
  readonly sentenceEnds: string[] = [];
  private sentence = 0;
  private readonly n: number;

  /**
   * The text lower-cased in one call when that keeps every offset (almost always), null when it
   * does not; computed when a word beyond ASCII first needs it (an ASCII word is lower-cased
   * character by character, so most English texts never need it).
   */
  private lowered: string | null | undefined = undefined;
  /** Whether the sink takes packed words (addPacked). */
  private readonly packed: boolean;

  constructor(
    private readonly text: string,
    private readonly sink: TokenSink | null,
    private readonly pool: Token[] | null,
  ) {
    this.n = text.length;
    this.packed = sink !== null && sink.addPacked !== undefined;
  }

  private lowerText(): string | null {
    if (this.lowered === undefined) {
      const lowered = this.text.toLowerCase();
      this.lowered = lowered.length === this.text.length ? lowered : null;
    }
    return this.lowered;
  }

  run(): void {
    const { text, n, tokens } = this;
    let i = 0;
    while (i < n && tokens.length < MAX_TOKENS) {
      const c = text.charCodeAt(i);
      const cls = c < 128 ? ASCII[c]! : classOfWide(c);
      if (cls === SEP || cls === APOS) {
        // Paragraph breaks end a sentence even without a full stop.
        if (c === 10 && i + 1 < n && text.charCodeAt(i + 1) === 10 && tokens.length > 0) {
          if (tokens[tokens.length - 1]!.sentence === this.sentence) this.endSentence('');
        }
        i++;
        continue;
      }
      if (cls === MARK) {
        const mark = markOf(c);
        this.push(i, i + 1, PUNCT, mark);
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
          this.endSentence(mark);
        }
        continue;
      }
      i = this.scanWord(i, cls);
    }
    if (tokens.length > 0 && this.sentenceEnds.length <= this.sentence) this.sentenceEnds[this.sentence] = '';
  }

  private endSentence(mark: string): void {
    this.sentenceEnds[this.sentence] = mark;
    this.sentence++;
  }

  /** A token object: one of the pool's, overwritten, when there is one. */
  private make(start: number, end: number, kind: number, lower: string): Token {
    const pool = this.pool;
    if (pool === null) return { start, end, kind, lower, sentence: this.sentence };
    const i = this.tokens.length;
    let t = pool[i];
    if (t === undefined) {
      t = { start, end, kind, lower, sentence: this.sentence };
      pool.push(t);
      return t;
    }
    t.start = start;
    t.end = end;
    t.kind = kind;
    t.lower = lower;
    t.sentence = this.sentence;
    return t;
  }

  private push(start: number, end: number, kind: number, lower: string): void {
    this.tokens.push(this.make(start, end, kind, lower));
    if (this.sink !== null) this.sink.add(lower, kind);
  }

  /**
   * Scans one word from `start`, pushes its token(s) and returns the index after it. The common
   * word, ASCII letters and digits ended by a separator or a mark, is read here and packed for
   * the sink's memo; any other word is read again by scanOther from its start.
   */
  private scanWord(start: number, cls: number): number {
    const { text, n } = this;
    const c0 = text.charCodeAt(start);
    if (!this.packed || c0 >= 128) return this.scanOther(start, cls);
    let a = CODE[c0]!;
    let b = 0;
    let c = 0;
    let j = start + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      const code = d < 128 ? CODE[d]! : 0;
      if (code === 0) break;
      const pos = j - start;
      if (pos < PACKED_PER_INT) a = (a << 6) | code;
      else if (pos < 2 * PACKED_PER_INT) b = (b << 6) | code;
      else if (pos < PACKED_CHARS) c = (c << 6) | code;
      else break; // too long to pack
      j++;
    }
    // a space after the word is passed over here (run would only step over it)
    let after = j;
    if (j < n) {
      if (text.charCodeAt(j) === 32) after = j + 1;
      else if (!this.endsPlain(start, j, cls)) return this.scanOther(start, cls);
    }
    const kind = cls === DIGIT ? NUMBER : WORD;
    const lower = this.sink!.addPacked!(text, start, j, kind, a, b, c);
    this.tokens.push(this.make(start, j, kind, lower));
    return after;
  }

  /**
   * Whether the character at `j`, after the letters and digits `text[start, j)`, ends the word as
   * scanOther would end it: not a letter or digit, and none of its special cases (a decimal
   * number, an apostrophe before a letter, a letter-dot abbreviation).
   */
  private endsPlain(start: number, j: number, cls: number): boolean {
    const text = this.text;
    const d = text.charCodeAt(j);
    if (d < 128) {
      if (CODE[d] !== 0) return false;
      if (d === 39) return !isLetterAt(text, j + 1);
      if (d === 46 || d === 44) {
        if (cls === DIGIT && j + 1 < this.n && classOf(text.charCodeAt(j + 1)) === DIGIT) return false;
        if (d === 46 && j - start === 1 && cls === LETTER && isLetterAt(text, j + 1) && text.charCodeAt(j + 2) === 46) return false;
      }
      return true;
    }
    const dc = classOfWide(d);
    if (dc === LETTER || dc === DIGIT) return false;
    if (dc === APOS) return !isLetterAt(text, j + 1);
    return true;
  }

  /** Scans one word from `start` (any word), pushes its token(s) and returns the index after it. */
  private scanOther(start: number, cls: number): number {
    const { text, n } = this;
    const isNum = cls === DIGIT;
    let j = start + 1;
    // the word's hash, over its lower-case characters, while it is letters and digits (the
    // special cases below are hashed by the collector from the substring); a letter beyond
    // ASCII is read lower-cased from the lower-cased text (Cyrillic, Arabic, accented Latin)
    const c0 = text.charCodeAt(start);
    let ascii = c0 < 128;
    let lw = ascii ? null : this.lowerText();
    // `| 32` lower-cases an ASCII letter and leaves digits and lower-case letters as they are
    let h = Math.imul(FNV_OFFSET ^ (ascii ? c0 | 32 : lw !== null ? lw.charCodeAt(start) : 0), FNV_PRIME);
    let plain = ascii || lw !== null; // cleared by the special cases below
    while (j < n) {
      const d = text.charCodeAt(j);
      const dc = d < 128 ? ASCII[d]! : classOfWide(d);
      if (dc === LETTER || dc === DIGIT) {
        if (d < 128) h = Math.imul(h ^ (d | 32), FNV_PRIME);
        else {
          if (ascii) {
            ascii = false;
            lw = this.lowerText();
          }
          if (lw !== null) h = Math.imul(h ^ lw.charCodeAt(j), FNV_PRIME);
          else plain = false;
        }
        j++;
        continue;
      }
      if (isNum && (d === 46 || d === 44) && j + 1 < n && classOf(text.charCodeAt(j + 1)) === DIGIT) {
        plain = false;
        j += 2; // 3.5 or 1,000
        continue;
      }
      if (dc === APOS && isLetterAt(text, j + 1)) {
        plain = false;
        // n't, 's, 'll ... become tokens of their own; an inner apostrophe (d'Ivoire) stays.
        let k = j + 1;
        while (k < n && k - j < 4 && classOf(text.charCodeAt(k)) === LETTER) k++;
        if (k < n && classOf(text.charCodeAt(k)) === LETTER) {
          j = k;
          continue;
        }
        const tail = text.slice(j + 1, k).toLowerCase();
        if (tail === 't' && (text.charCodeAt(j - 1) | 32) === 110 && j - 1 > start) {
          this.pushWord(start, j - 1);
          this.push(j - 1, k, WORD, 'not');
          return k;
        }
        if (tail === 's' || tail === 'll' || tail === 're' || tail === 've' || tail === 'd' || tail === 'm') {
          this.pushWord(start, j);
          this.push(j, k, WORD, tail === 'll' ? 'will' : "'" + tail);
          return k;
        }
        j = k;
        continue;
      }
      if (d === 46 && j - start === 1 && cls === LETTER && isLetterAt(text, j + 1) && text.charCodeAt(j + 2) === 46) {
        // Abbreviation such as U.S. or U.K.: consume letter-dot pairs, keep the dots.
        plain = false;
        j += 1;
        while (j + 1 < n && isLetterAt(text, j) && text.charCodeAt(j + 1) === 46) j += 2;
        break;
      }
      break;
    }
    if (plain && this.sink !== null && j - start <= MAX_TOKEN_CHARS) {
      const lower = ascii ? this.sink.addHashed(text, start, j, isNum ? NUMBER : WORD, h, true) : this.sink.addHashed(lw!, start, j, isNum ? NUMBER : WORD, h, false);
      this.tokens.push(this.make(start, j, isNum ? NUMBER : WORD, lower));
      return j;
    }
    this.pushWord(start, j);
    return j;
  }

  /** `text[s, e)` lower-cased as in the lower-cased text (an ASCII word alone: its case does not depend on its neighbours). */
  private lowerWord(s: number, e: number): string {
    const text = this.text;
    if (this.lowered === undefined) {
      let k = s;
      while (k < e && text.charCodeAt(k) < 128) k++;
      if (k === e) return text.slice(s, e).toLowerCase();
    }
    const lowered = this.lowerText();
    return lowered !== null ? lowered.slice(s, e) : text.slice(s, e).toLowerCase();
  }

  private pushWord(s: number, e: number): void {
    const c = this.text.charCodeAt(s);
    const kind = c >= 48 && c <= 57 ? NUMBER : WORD;
    let lower = e - s > MAX_TOKEN_CHARS ? '' : this.lowerWord(s, e);
    // a curly apostrophe (only words read here can hold one) is normalised to "'"
    if (lower.indexOf('\u2019') >= 0) lower = lower.split('\u2019').join("'");
    this.tokens.push(this.make(s, e, kind, lower));
    if (this.sink !== null) this.sink.add(lower, kind);
  }
}
