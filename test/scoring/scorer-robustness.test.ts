import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readJsonl, scorer, type CategoryCase, type Pair } from './fixtures.ts';
import { LEVEL_BANDS, MAX_ANALYSED_CHARS, levelForScore, type ScoreResult } from '../../server/scoring/index.ts';
import { loadScorer } from '../../server/config/load-scorer.ts';

function assertWellFormed(text: string, r: ScoreResult): void {
  assert.ok(Number.isFinite(r.score) && r.score >= 0 && r.score <= 100, `score ${r.score}`);
  assert.equal(r.level, levelForScore(r.score));
  assert.equal(r.version, scorer().version);
  for (const s of r.signals) {
    assert.ok(s.start >= 0 && s.start < s.end && s.end <= text.length, `span ${s.start}-${s.end}`);
    assert.equal(text.slice(s.start, s.end), s.text);
    assert.ok(s.weight > 0 && Number.isFinite(s.weight));
  }
}

test('score() returns spans that slice back to each signal text, for the whole development set', () => {
  const texts = [
    ...readJsonl<Pair>('pairs.jsonl').flatMap((p) => [p.high, p.low]),
    ...readJsonl<CategoryCase>('categories.jsonl').map((c) => c.text),
  ];
  let signals = 0;
  for (const t of texts) {
    const r = scorer().score(t);
    assertWellFormed(t, r);
    signals += r.signals.length;
  }
  assert.ok(signals > texts.length, 'expected signals in the development set');
});

test('score() keeps UTF-16 offsets right after emoji, accents and curly quotes', () => {
  const text = '🚀🇺🇦 Señor Putin’s army — “shelled” Kyiv 💥 again.';
  const r = scorer().score(text);
  assertWellFormed(text, r);
  const shelled = r.signals.find((s) => s.text === 'shelled');
  assert.ok(shelled, JSON.stringify(r.signals));
  assert.equal(text.indexOf('shelled'), shelled.start);
  assert.ok(r.actors.mentioned.includes('Russia') && r.actors.mentioned.includes('Ukraine'));
});

test('score() survives hostile input without throwing', () => {
  const cases: string[] = [
    '',
    ' ',
    '\u0000\u0001\u0002\u001f\u007f',
    '\uD800\uDC00\uDFFF\uD83D', // valid pair, lone low, lone high
    'attack\uD800 strike\uDC00 war',
    '????!!!...;;;,,,',
    "''''n't's'll",
    'U.S.U.S.U.S.U.S.',
    '1,000,000,000,000,000,000,000 killed',
    'if if if if unless not not not never attack',
    '\u202Eevil\u202D \u200B\u200B attack',
    'a'.repeat(100_000),
    'attack '.repeat(20_000),
    ('🙂'.repeat(1000) + ' ').repeat(50),
    'x-'.repeat(50_000),
    "d'".repeat(30_000),
    '.'.repeat(100_000),
  ];
  for (const text of cases) {
    const r = scorer().score(text);
    assertWellFormed(text, r);
  }
});

test('score() analyses only the first MAX_ANALYSED_CHARS characters of a 1 MB statement', () => {
  const filler = 'The weather was mild and the market was quiet. ';
  const big = filler.repeat(Math.ceil(1_000_000 / filler.length));
  const tail = big + 'Russia threatened a nuclear strike.';
  const r = scorer().score(tail);
  assertWellFormed(tail, r);
  assert.equal(r.signals.length, 0, 'signals beyond the analysed prefix must be ignored');
  const head = 'Russia threatened a nuclear strike. ' + big;
  const h = scorer().score(head);
  assert.ok(h.score >= 80);
  assert.ok(h.signals.every((s) => s.end <= MAX_ANALYSED_CHARS));
});

test('score() treats a non-string argument as empty text instead of throwing', () => {
  const r = scorer().score(undefined as unknown as string, { speaker: 42 as unknown as string });
  assert.equal(r.score, 10);
  assert.deepEqual(r.signals, []);
  assert.equal(r.actors.speaker, null);
});

test('score() is deterministic and stamps the scorer version', () => {
  const text = 'Iran warned Israel of a crushing response if it strikes again.';
  const a = scorer().score(text);
  const b = scorer().score(text);
  assert.deepEqual(a, b);
  assert.match(a.version, /^\d+\.\d+\.\d+\+lex\.[\w.-]+\.[0-9a-f]{8}$/);
});

test('levelForScore() follows the documented bands and LEVEL_BANDS covers 0-100 without gaps', () => {
  const expected: Array<[number, string]> = [
    [0, 'calm'], [19.9, 'calm'], [20, 'low'], [39.9, 'low'], [40, 'elevated'], [59.9, 'elevated'],
    [60, 'high'], [79.9, 'high'], [80, 'severe'], [100, 'severe'], [Number.NaN, 'calm'],
  ];
  for (const [score, level] of expected) assert.equal(levelForScore(score), level, String(score));
  assert.equal(LEVEL_BANDS[0]!.min, 0);
  assert.equal(LEVEL_BANDS[LEVEL_BANDS.length - 1]!.max, 100);
  for (let i = 1; i < LEVEL_BANDS.length; i++) {
    assert.equal(Math.round((LEVEL_BANDS[i]!.min - LEVEL_BANDS[i - 1]!.max) * 10) / 10, 0.1);
    assert.equal(levelForScore(LEVEL_BANDS[i]!.min), LEVEL_BANDS[i]!.level);
  }
});

test('score() returns well-formed results for 2,000 seeded random strings (fuzz)', () => {
  // A fixed-seed generator: the same strings every run, so a failure is reproducible.
  let seed = 12345;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const palette = [
    'a', 'e', 'n', 't', 's', 'R', 'U', 'S', ' ', ' ', ' ', '.', ',', ';', '?', '!', "'", '\u2019', '-', '(', ')', '0', '1', '9',
    'not ', 'if ', 'attack ', 'Russia ', 'Kremlin ', "n't ", 'U.S. ', 'said ', 'ceasefire ', 'nuclear ', 'denied ',
    '\uD83D\uDCA5', '\uD800', '\uDC00', '\u0000', '\n\n', '\u200B', 'é', 'ß', 'İ', 'ﬀ', '\u202E', '\uFEFF',
  ];
  for (let i = 0; i < 2000; i++) {
    const len = Math.floor(next() * 60);
    let text = '';
    for (let k = 0; k < len; k++) text += palette[Math.floor(next() * palette.length)];
    const r = scorer().score(text);
    assertWellFormed(text, r);
  }
});

test('score() gives the same result before and after its word memo grows, is cleared and refills', () => {
  // A fresh scorer: 60,000 distinct words make the hashed memo double several times and then
  // start again from empty (the limit is 50,000); every result must stay the same.
  const s = loadScorer();
  const probes = [
    'Russia warned NATO it would strike Kyiv immediately.',
    'RUSSIA WARNED NATO IT WOULD STRIKE KYIV IMMEDIATELY.',
    'The two sides agreed to a ceasefire and began talks in Geneva.',
  ];
  const before = probes.map((t) => JSON.stringify(s.score(t)));
  const batch: string[] = [];
  for (let i = 0; i < 60_000; i++) {
    batch.push('w' + i.toString(36) + 'x');
    if (batch.length === 200) {
      s.score(batch.join(' '));
      batch.length = 0;
    }
  }
  assert.deepEqual(probes.map((t) => JSON.stringify(s.score(t))), before);
});
