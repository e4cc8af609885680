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

/** A tokenizer for `locale` ('zh'): one Intl.Segmenter, reused from call to call. */
export function createSegmentTokenizer(locale: string): (input: string, sink?: TokenSink | null) => Tokenized {
  const segmenter = new Intl.Segmenter(locale, { granularity: 'word' });
  return (input, sink = null) => {
    const text = input.length > MAX_ANALYSED_CHARS ? input.slice(0, MAX_ANALYSED_CHARS) : input;
    const tokens: Token[] = [];
    const sentenceEnds: string[] = [];
    let sentence = 0;
    const push = (start: number, end: number, kind: number, lower: string): void => {
      tokens.push({ start, end, kind, lower, sentence });
      if (sink !== null) sink.add(lower, kind);
    };
    for (const seg of segmenter.segment(text)) {
      if (tokens.length >= MAX_TOKENS) break;
      const start = seg.index;
      const s = seg.segment;
      if (seg.isWordLike === true) {
        const kind = isDigit(s.charCodeAt(0)) ? NUMBER : WORD;
        push(start, start + s.length, kind, s.length > MAX_TOKEN_CHARS ? '' : s.toLowerCase());
        continue;
      }
      // not a word: keep the marks that matter for scope, one token each
      let previousEnd = false;
      for (let k = 0; k < s.length; k++) {
        const mark = MARKS[s[k]!];
        if (mark === undefined) continue;
        if (ENDS_SENTENCE.has(mark) && previousEnd) continue; // "？！" or "..." ends one sentence
        push(start + k, start + k + 1, PUNCT, mark);
        previousEnd = ENDS_SENTENCE.has(mark);
        if (previousEnd) {
          sentenceEnds[sentence] = mark;
          sentence++;
        }
      }
    }
    if (tokens.length > 0 && sentenceEnds.length <= sentence) sentenceEnds[sentence] = '';
    return { tokens, sentenceEnds };
  };
}
