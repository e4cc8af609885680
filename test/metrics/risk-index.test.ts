import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  contributionsFor,
  HOUR_MS,
  MINUTE_MS,
  parseWindow,
  scopesFor,
  severityWeight,
  trendOf,
  windowValue,
  type BucketLike,
} from '../../server/metrics/risk-index.ts';

const END = Date.UTC(2026, 0, 1, 12);
const bucket = (minutesAgo: number, scores: number[]): BucketLike => ({
  bucketStart: END - minutesAgo * MINUTE_MS,
  n: scores.length,
  sumW: scores.reduce((a, s) => a + severityWeight(s), 0),
  sumWScore: scores.reduce((a, s) => a + severityWeight(s) * s, 0),
  maxScore: Math.max(...scores),
});

describe('risk index', () => {
  it('weights severe statements up: one 100 among three 0s gives 57, not the plain mean 25', () => {
    const v = windowValue([bucket(1, [100, 0, 0, 0])], END, HOUR_MS);
    assert.equal(v.index, 57.1); // 4·100 / (4 + 3): the severe one counts 4x
    assert.equal(v.count, 4);
    assert.equal(v.maxScore, 100);
  });

  it('weights recent minutes more than old ones (half-life a quarter of the window)', () => {
    const recentHot = windowValue([bucket(1, [80]), bucket(50, [20])], END, HOUR_MS);
    const oldHot = windowValue([bucket(50, [80]), bucket(1, [20])], END, HOUR_MS);
    assert.ok(recentHot.index! > oldHot.index!, `${recentHot.index} > ${oldHot.index}`);
    assert.equal(recentHot.count, oldHot.count);
  });

  it('says "not enough data" below the minimum instead of a number', () => {
    const thin = windowValue([bucket(1, [95])], END, HOUR_MS, 3);
    assert.deepEqual(thin, { index: null, count: 1, maxScore: 95, enoughData: false });
    const empty = windowValue([], END, HOUR_MS, 1);
    assert.deepEqual(empty, { index: null, count: 0, maxScore: null, enoughData: false });
    const enough = windowValue([bucket(1, [95, 10, 10])], END, HOUR_MS, 3);
    assert.equal(enough.enoughData, true);
    assert.notEqual(enough.index, null);
  });

  it('counts the statements said in [end - window, end) and nothing else', () => {
    const v = windowValue([bucket(61, [95]), bucket(60, [90]), bucket(59, [10]), bucket(0, [99]), bucket(-1, [99])], END, HOUR_MS);
    assert.equal(v.count, 2, 'the minute starting at end - 1 h is in, the minute starting at end is not');
    assert.equal(v.maxScore, 90);
  });

  it('read inside a minute, counts that minute so far and ends the window at the next whole minute', () => {
    const buckets = [bucket(60, [90]), bucket(59, [10]), bucket(0, [20])];
    const v = windowValue(buckets, END + 20_000, HOUR_MS);
    assert.equal(v.count, 2, 'window [end - 59 min, end + 1 min)');
    assert.equal(v.maxScore, 20);
    assert.deepEqual(windowValue(buckets, END + 59_999, HOUR_MS), v, 'the same window until the minute is over');
  });

  it('trend compares with the previous window of the same length', () => {
    const cur = windowValue([bucket(1, [80, 80, 80])], END, HOUR_MS, 3);
    const prev = windowValue([bucket(61, [40, 40, 40])], END - HOUR_MS, HOUR_MS, 3);
    assert.equal(prev.index, 40);
    assert.deepEqual(trendOf(cur, prev), { previous: prev, delta: 40, direction: 'up' });
    assert.equal(trendOf(cur, windowValue([], END - HOUR_MS, HOUR_MS, 3)).delta, null, 'no trend against a window without enough data');
    assert.equal(trendOf(cur, cur).direction, 'flat');
  });

  it('puts a statement into global, speaker, dyad and category scopes', () => {
    assert.deepEqual(scopesFor({ actor: 'A', targets: ['B', 'A'], categories: ['threat'] }), ['global', 'actor:A', 'dyad:A>B', 'category:threat']);
    assert.deepEqual(scopesFor({ actor: null, targets: ['B'], categories: [] }), ['global']);
    const [c] = contributionsFor({ occurredAt: END + 59_999, score: 140, actor: null, targets: [], categories: [] });
    assert.equal(c!.bucketStart, END, 'minute bucket');
    assert.equal(c!.maxScore, 100, 'scores are clamped to 0-100');
  });

  it('parses window durations', () => {
    assert.equal(parseWindow('1h'), HOUR_MS);
    assert.equal(parseWindow('90m'), 90 * MINUTE_MS);
    assert.equal(parseWindow('7d'), 7 * 24 * HOUR_MS);
    for (const bad of ['', '0h', '1y', '1.5h', 'h', '-1h', '1 h']) assert.equal(parseWindow(bad), null, bad);
  });
});
