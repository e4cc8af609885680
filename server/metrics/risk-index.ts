/**
 * The risk index, pure: no clock, no store. See server/metrics/README.md for the definition.
 *
 * Per statement: weight w = 1 + 3·(score/100)², so a severe statement (100) counts four times
 * a calm one (0): a few threats among routine news move the index, yet one outlier does not
 * make it 100. A window's index is the recency-weighted mean Σ d·w·score / Σ d·w over the
 * statements said in [end - W, end), with d = 2^(-age / (W/4)), age measured from `end` to the
 * middle of each statement's minute. Below `minStatements` statements a window reports "not
 * enough data" (index null) rather than a number that one statement would swing.
 */

import { MINUTE_MS, minuteOf, severityWeight, type ScoredForMetrics } from '../shared/risk-bucket.ts';

// The store merges statements into minute buckets with these too, and may not import metrics/.
export { MINUTE_MS, minuteOf, severityWeight, type ScoredForMetrics };

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface Contribution {
  scope: string;
  bucketStart: number;
  n: number;
  sumScore: number;
  sumW: number;
  sumWScore: number;
  maxScore: number;
}

export interface BucketLike {
  /** Start of the minute (unix ms, a multiple of 60,000). */
  bucketStart: number;
  n: number;
  sumW: number;
  sumWScore: number;
  maxScore: number;
}

/** The scopes a statement counts in: global, its speaker, each speaker>target dyad, each category. */
export function scopesFor(s: Pick<ScoredForMetrics, 'actor' | 'targets' | 'categories'>): string[] {
  const scopes = new Set<string>(['global']);
  if (s.actor) scopes.add(`actor:${s.actor}`);
  for (const t of s.targets) if (s.actor && t !== s.actor) scopes.add(`dyad:${s.actor}>${t}`);
  for (const c of s.categories) scopes.add(`category:${c}`);
  return [...scopes];
}

export function contributionsFor(s: ScoredForMetrics): Contribution[] {
  const score = Math.min(100, Math.max(0, s.score));
  const w = severityWeight(score);
  const bucketStart = minuteOf(s.occurredAt);
  return scopesFor(s).map((scope) => ({
    scope,
    bucketStart,
    n: 1,
    sumScore: score,
    sumW: w,
    sumWScore: w * score,
    maxScore: score,
  }));
}

export interface WindowValue {
  /** null when the window holds fewer than minStatements statements (see enoughData). */
  index: number | null;
  count: number;
  /** The highest single statement score in the window; null when it is empty. */
  maxScore: number | null;
  /** False when count < minStatements: index is then withheld, count and max are still facts. */
  enoughData: boolean;
}

/**
 * The end of the window read at time `t`: `t` rounded up to a whole minute. A window of length
 * W read at t covers the statements said in [end - W, end): at a whole minute exactly the W
 * before it, inside a minute everything said so far in that minute too (the live card moves
 * with each statement). See server/metrics/README.md.
 */
export function windowEnd(t: number): number {
  return Math.ceil(t / MINUTE_MS) * MINUTE_MS;
}

/**
 * The decay of a statement `ageMs` before the end of a window of `windowMs` (age is taken from
 * the middle of the statement's minute): 2^(-age / (W/4)), a half-life of a quarter window.
 */
export function decayAt(ageMs: number, windowMs: number): number {
  return Math.pow(2, -ageMs / (windowMs / 4));
}

/** The unrounded sums of a window: what index, count and max are made of. */
export interface WindowSums {
  num: number;
  den: number;
  count: number;
  max: number | null;
}

/** A window's sums turned into the API value: index rounded to 0.1, withheld below the minimum. */
export function valueOf(s: WindowSums, minStatements: number): WindowValue {
  const enoughData = s.count > 0 && s.count >= minStatements;
  return { index: enoughData && s.den > 0 ? round1(s.num / s.den) : null, count: s.count, maxScore: s.max, enoughData };
}

/**
 * Index, count and max of the window of `windowMs` read at `t`: the minute buckets that start
 * in [windowEnd(t) - windowMs, windowEnd(t)). Buckets outside are ignored, so callers may pass
 * a superset. Exact for minute buckets; the reference the cached series are tested against.
 */
export function windowValue(buckets: BucketLike[], t: number, windowMs: number, minStatements = 1): WindowValue {
  const end = windowEnd(t);
  const sums: WindowSums = { num: 0, den: 0, count: 0, max: null };
  for (const b of buckets) {
    if (b.bucketStart < end - windowMs || b.bucketStart >= end) continue;
    const d = decayAt(end - (b.bucketStart + MINUTE_MS / 2), windowMs);
    sums.num += d * b.sumWScore;
    sums.den += d * b.sumW;
    sums.count += b.n;
    sums.max = sums.max === null ? b.maxScore : Math.max(sums.max, b.maxScore);
  }
  return valueOf(sums, minStatements);
}

export interface Trend {
  /** The same window length just before this one. */
  previous: WindowValue;
  /** index − previous.index; null unless both windows have enough data. */
  delta: number | null;
  direction: 'up' | 'down' | 'flat' | null;
}

/** Change against the previous window of the same length; |delta| < 1 point counts as flat. */
export function trendOf(current: WindowValue, previous: WindowValue): Trend {
  if (current.index === null || previous.index === null) return { previous, delta: null, direction: null };
  const delta = round1(current.index - previous.index);
  return { previous, delta, direction: Math.abs(delta) < 1 ? 'flat' : delta > 0 ? 'up' : 'down' };
}

/** Plain severity-weighted mean of one (possibly grouped) bucket. */
export function bucketIndex(b: BucketLike): number | null {
  return b.sumW > 0 ? round1(b.sumWScore / b.sumW) : null;
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** '90m', '1h', '24h', '7d' -> ms; null for anything else. Units: m, h, d. */
export function parseWindow(spec: string): number | null {
  const m = /^([1-9]\d{0,4})(m|h|d)$/.exec(spec.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return n * (m[2] === 'm' ? MINUTE_MS : m[2] === 'h' ? HOUR_MS : DAY_MS);
}
