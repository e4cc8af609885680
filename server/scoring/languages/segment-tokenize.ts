// Tokenizer for scripts written without spaces between words (Chinese): words come from
// Intl.Segmenter's word granularity (ICU's dictionary, full ICU in Node 20); punctuation,
// full-width or ASCII, becomes the same PUNCT tokens the English tokenizer makes, so clause and
// sentence scope work alike. Offsets are UTF-16 offsets into the input, like tokenize.ts.

import { MAX_ANALYSED_CHARS, MAX_TOKEN_CHARS, MAX_TOKENS, NUMBER, PUNCT, WORD, type Token, type TokenSink, type Tokenized } from '../tokenize.ts';

/** Full-width and CJK marks mapped onto the ASCII marks the analysis reads. */
const MARKS: Record<string, string> = {
  '。': '.', '．': '.', '！': '!', '？': '?', '，': ',', '、': ',', '；': ';', '：': ':', '（': '(', '）': ')',
  '…': '.', '—': ',', '–': ',', '.': '.', '!': '!', '?': '?', ',': ',', ';': ';', ':': ':', '(': '(', ')': ')',
};
const ENDS_SENTENCE = new Set(['.', '!', '?']);

function isDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19);
}

/** Han ideographs (and kana): never a letter or digit of UAX #29, so never joined to a mark after them. */
function isHan(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x3040 && c <= 0x30ff);
}

/**
 * Characters at which no word continues (UAX #29 breaks before and after them): whitespace and
 * the CJK marks that are "Other" to word breaking. The full-width comma, semicolon, colon and
 * stop (MidNum / MidLetter: "1，000") only after a Han character.
 */
function isChunkEnd(text: string, i: number, c: number): boolean {
  if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0x3000) return true;
  if (c === 0x3001 || c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0xff08 || c === 0xff09 || c === 0x2026) return true;
  if (c === 0xff0c || c === 0xff1b || c === 0xff1a || c === 0xff0e) return i > 0 && isHan(text.charCodeAt(i - 1));
  return false;
}

/** One segment of a chunk: offset in the chunk, length, lower-cased text when word-like (else null). */
interface Piece {
  at: number;
  len: number;
  lower: string | null;
  text: string;
}

/** The tokens of one call, as they are made (a class: no closures made per call). */
class SegmentState {
  readonly tokens: Token[] = [];
  readonly sentenceEnds: string[] = [];
  sentence = 0;
  /** Within one non-word segment, as before: a run of sentence marks ends one sentence. */
  previousEnd = false;

  constructor(private readonly sink: TokenSink | null) {}

  push(start: number, end: number, kind: number, lower: string): void {
    this.tokens.push({ start, end, kind, lower, sentence: this.sentence });
    if (this.sink !== null) this.sink.add(lower, kind);
  }

  /** A character outside any word: the mark it stands for, if any. */
  mark(start: number, ch: string): void {
    const m = MARKS[ch];
    if (m === undefined) return;
    if (ENDS_SENTENCE.has(m) && this.previousEnd) return; // "？！" or "..." ends one sentence
    this.push(start, start + 1, PUNCT, m);
    this.previousEnd = ENDS_SENTENCE.has(m);
    if (this.previousEnd) {
      this.sentenceEnds[this.sentence] = m;
      this.sentence++;
    }
  }
}

/** Chunks (clauses) remembered with their segments; longer chunks are segmented each time. */
const MEMO_LIMIT = 10_000;
const MEMO_MAX_CHARS = 64;

/**
 * A tokenizer for `locale` ('zh'): one Intl.Segmenter, reused from call to call. The text is
 * cut at characters no word spans (whitespace, CJK clause marks after a Han character), and
 * each chunk is segmented on its own, which gives the segments the whole text gives; the
 * segments of short chunks are remembered (a bounded memo: set phrases and datelines repeat,
 * and each Intl.Segmenter call and segment costs microseconds).
 */
export function createSegmentTokenizer(locale: string): (input: string, sink?: TokenSink | null) => Tokenized {
  const segmenter = new Intl.Segmenter(locale, { granularity: 'word' });
  let memo = new Map<string, Piece[]>();
  const piecesOf = (chunk: string): Piece[] => {
    const remember = chunk.length <= MEMO_MAX_CHARS;
    if (remember) {
      const known = memo.get(chunk);
      if (known !== undefined) return known;
    }
    const pieces: Piece[] = [];
    for (const seg of segmenter.segment(chunk)) {
      const s = seg.segment;
      const lower = seg.isWordLike === true ? (s.length > MAX_TOKEN_CHARS ? '' : s.toLowerCase()) : null;
      pieces.push({ at: seg.index, len: s.length, lower, text: s });
    }
    if (remember) {
      if (memo.size >= MEMO_LIMIT) memo = new Map();
      memo.set(chunk, pieces);
    }
    return pieces;
  };
  return (input, sink = null) => {
    const text = input.length > MAX_ANALYSED_CHARS ? input.slice(0, MAX_ANALYSED_CHARS) : input;
    const out = new SegmentState(sink);
    const n = text.length;
    let from = 0;
    for (let i = 0; i <= n && out.tokens.length < MAX_TOKENS; i++) {
      const c = i < n ? text.charCodeAt(i) : -1;
      if (c >= 0 && !isChunkEnd(text, i, c)) continue;
      if (i > from) {
        for (const p of piecesOf(text.slice(from, i))) {
          if (out.tokens.length >= MAX_TOKENS) break;
          const start = from + p.at;
          if (p.lower !== null) {
            out.push(start, start + p.len, isDigit(p.text.charCodeAt(0)) ? NUMBER : WORD, p.lower);
            continue;
          }
          out.previousEnd = false;
          for (let k = 0; k < p.len; k++) out.mark(start + k, p.text[k]!);
        }
      }
      if (c >= 0 && out.tokens.length < MAX_TOKENS) {
        out.previousEnd = false; // a segment of its own
        out.mark(i, text[i]!);
      }
      from = i + 1;
    }
    const { tokens, sentenceEnds } = out;
    if (tokens.length > 0 && sentenceEnds.length <= out.sentence) sentenceEnds[out.sentence] = '';
    return { tokens, sentenceEnds };
  };
}
