// The Chinese tokenizer cuts the text into chunks at characters no word spans and remembers the
// segments of short chunks: its tokens must be those of one Intl.Segmenter pass over the whole
// text (the reading before the cut), on real sentences and on hostile mixes of marks, digits,
// Latin words, kana, surrogates and combining marks, on first reading and from the memo.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSegmentTokenizer } from '../../server/scoring/languages/segment-tokenize.ts';
import { MAX_TOKENS, NUMBER, PUNCT, WORD, type Token, type Tokenized } from '../../server/scoring/tokenize.ts';

const MARKS: Record<string, string> = {
  '。': '.', '．': '.', '！': '!', '？': '?', '，': ',', '、': ',', '；': ';', '：': ':', '（': '(', '）': ')',
  '…': '.', '—': ',', '–': ',', '.': '.', '!': '!', '?': '?', ',': ',', ';': ';', ':': ':', '(': '(', ')': ')',
};
const ENDS = new Set(['.', '!', '?']);

/** The whole-text reading: one Intl.Segmenter pass, marks of non-word segments as PUNCT. */
function reference(text: string): Tokenized {
  const tokens: Token[] = [];
  const sentenceEnds: string[] = [];
  let sentence = 0;
  for (const seg of new Intl.Segmenter('zh', { granularity: 'word' }).segment(text)) {
    if (tokens.length >= MAX_TOKENS) break;
    const s = seg.segment;
    if (seg.isWordLike === true) {
      const c = s.charCodeAt(0);
      const kind = (c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19) ? NUMBER : WORD;
      tokens.push({ start: seg.index, end: seg.index + s.length, kind, lower: s.length > 48 ? '' : s.toLowerCase(), sentence });
      continue;
    }
    let previousEnd = false;
    for (let k = 0; k < s.length; k++) {
      const m = MARKS[s[k]!];
      if (m === undefined || (ENDS.has(m) && previousEnd)) continue;
      tokens.push({ start: seg.index + k, end: seg.index + k + 1, kind: PUNCT, lower: m, sentence });
      previousEnd = ENDS.has(m);
      if (previousEnd) sentenceEnds[sentence++] = m;
    }
  }
  if (tokens.length > 0 && sentenceEnds.length <= sentence) sentenceEnds[sentence] = '';
  return { tokens, sentenceEnds };
}

const SENTENCES = [
  '如果北约继续扩张，俄罗斯将不得不作出军事回应。',
  '联合国秘书长欢迎也门停火，并呼吁开展对话。',
  '外交部发言人表示：中方坚决反对！美国必须停止挑衅？',
  '2024年3月5日，NATO和U.S.官员在布鲁塞尔会晤…双方同意继续谈判——但分歧仍在。',
  '价格为1，000元；比例是3.5％，“和平”与（战争）。',
];

const PIECES = ['中', '国', '俄罗斯', '，', '。', '、', '；', '：', '．', '！', '？', '（', '）', '1', '２', ',', '.', ' ', '\n', '\n\n', 'NATO', 'U.S.', "don't", '\u200e', '\u0301', '😀', '\ud800', '…', '—', '年', 'あ', 'カ', '\u3000', '3.5', '1，000', '?!', '...', '？！', '北约', '威胁'];

function randomTexts(count: number): string[] {
  let seed = 13;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let t = '';
    const n = 1 + Math.floor(rnd() * 30);
    for (let j = 0; j < n; j++) t += PIECES[Math.floor(rnd() * PIECES.length)];
    out.push(t);
  }
  return out;
}

test('chunked, remembered segmentation gives the whole-text tokens (sentences and 3,000 hostile mixes, twice each)', () => {
  const tokenize = createSegmentTokenizer('zh');
  for (const text of [...SENTENCES, ...randomTexts(3000)]) {
    const want = reference(text);
    assert.deepEqual(tokenize(text), want, JSON.stringify(text));
    assert.deepEqual(tokenize(text), want, `from the memo: ${JSON.stringify(text)}`);
  }
});

test('offsets index the original text; the sink sees every token in order', () => {
  const tokenize = createSegmentTokenizer('zh');
  const text = SENTENCES[3]!;
  const seen: string[] = [];
  const { tokens } = tokenize(text, { add: (lower) => void seen.push(lower), addHashed: () => '' });
  assert.deepEqual(seen, tokens.map((t) => t.lower));
  for (const t of tokens) if (t.kind !== PUNCT) assert.equal(text.slice(t.start, t.end).toLowerCase(), t.lower);
  assert.ok(tokens.some((t) => t.lower === '北约' || t.lower === 'nato'));
});

test('long and hostile inputs: the 20,000-character cap and the token cap hold, in time', () => {
  const tokenize = createSegmentTokenizer('zh');
  for (const text of ['中'.repeat(30_000), '中，'.repeat(15_000), '1，'.repeat(15_000), 'a '.repeat(15_000), '\ud800'.repeat(25_000)]) {
    const t0 = process.hrtime.bigint();
    const out = tokenize(text);
    assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 5_000, 'under 5 s');
    assert.ok(out.tokens.length <= MAX_TOKENS);
    assert.ok(out.tokens.every((t) => t.end <= 20_000));
    assert.deepEqual(out, reference(text.slice(0, 20_000)));
  }
});
