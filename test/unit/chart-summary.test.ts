import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeChart } from '../../client/src/chart-summary.ts';
import { LEVEL_SHAPES, LEVELS } from '../../client/src/level-style.ts';
import { createFeedAnnouncer } from '../../client/src/feed-announcer.ts';

const t = (m: number) => new Date(Date.UTC(2026, 0, 1, 12, m)).toISOString();
const hhmm = (iso: string) => iso.slice(11, 16);

describe('summarizeChart()', () => {
  it('says where the index ends, its highest and lowest points, and the dots by level', () => {
    const rolling = [
      { t: t(0), index: 22.5, count: 3, maxScore: 40, enoughData: true },
      { t: t(5), index: 71.25, count: 5, maxScore: 90, enoughData: true },
      { t: t(10), index: 45, count: 4, maxScore: 60, enoughData: true },
    ];
    const dots = [
      { t: t(1), index: null, count: 2, maxScore: 10 },
      { t: t(4), index: null, count: 3, maxScore: 91 },
      { t: t(9), index: null, count: 1, maxScore: 65 },
    ];
    assert.equal(
      summarizeChart('Global risk index, last 24 h', rolling, dots, hhmm),
      'Global risk index, last 24 h: now 45.0 (elevated). Highest 71.3 (high) at 12:05; lowest 22.5 at 12:00. ' +
        '6 statements; highest single score 91 (severe) at 12:04. Dots by level: 1 calm, 1 high, 1 severe.',
    );
  });
  it('says so when there is too little data, instead of inventing numbers', () => {
    assert.equal(summarizeChart('Russia risk index, last 7 days', [], [], hhmm), 'Russia risk index, last 7 days: not enough statements for an index in this range. No statements were scored in this range.');
    const gapAtEnd = [
      { t: t(0), index: 30, count: 3, maxScore: 40, enoughData: true },
      { t: t(5), index: null, count: 1, maxScore: 20, enoughData: false },
    ];
    assert.match(summarizeChart('X', gapAtEnd, [], hhmm), /^X: too few statements for an index at the end of the range \(last index 30\.0\)\./);
  });
});

describe('level shapes', () => {
  it('give each level its own glyph and its own chart point style', () => {
    assert.equal(new Set(LEVELS.map((l) => LEVEL_SHAPES[l].glyph)).size, 5);
    assert.equal(new Set(LEVELS.map((l) => LEVEL_SHAPES[l].pointStyle)).size, 5);
  });
});

describe('createFeedAnnouncer()', () => {
  it('tells a burst of statements in one polite sentence, naming the highest level', async () => {
    const region = { attrs: {} as Record<string, string>, dataset: {} as Record<string, string>, textContent: '', setAttribute(k: string, v: string) { this.attrs[k] = v; } };
    const announcer = createFeedAnnouncer(region as unknown as HTMLElement, 50);
    const s = (score: number, level: string) => ({ score, level }) as never;
    announcer.one(s(12, 'calm'));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(region.textContent, '1 new statement; highest 12, calm.', 'the first one is told at once');
    announcer.one(s(55, 'elevated'));
    announcer.one(s(83, 'severe'));
    announcer.one(s(70, 'high'));
    announcer.many(4);
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(region.textContent, '1 new statement; highest 12, calm.', 'the next burst waits for the interval');
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(region.textContent, '7 new statements; highest 83, severe.');
    assert.equal(region.dataset.announced, '2');
    assert.equal(region.attrs['aria-live'], 'polite');
  });
});
