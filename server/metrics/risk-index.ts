/**
 * The risk index, pure: no clock, no store. See server/metrics/README.md for the definition.
 *
 * Per statement: weight w = 1 + 3·(score/100)², so a severe statement (100) counts four times
 * a calm one (0): a few threats among routine news move the index, yet one outlier does not
 * make it 100. A window's index is the recency-weighted mean Σ d·w·score / Σ d·w over the
 * buckets in the window, with d = 2^(-age / halfLife), age measured to each bucket's midpoint
 * and halfLife a quarter of the window. Below `minStatements` statements a window reports
 * "not enough data" (index null) rather than a number that one statement would swing.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface ScoredForMetrics {
  occurredAt: number;
  score: number;
  actor: string | null;
  targets: string[];
  categories: string[];
}

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
  bucketStart: number;
  n: number;
  sumW: number;
  sumWScore: number;
  maxScore: number;
  /** Width of the bucket in ms (a minute unless it is an hour or day rollup). */
  widthMs?: number;
}

export function severityWeight(score: number): number {
  const s = Math.min(100, Math.max(0, score)) / 100;
  return 1 + 3 * s * s;
}

export function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
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
 * Index, count and max over the buckets that start in (end - windowMs, end]. Buckets outside
 * are ignored, so callers may pass a superset. Windows are aligned to whole buckets: the edge
 * is exact to the bucket width (a minute, or an hour inside long windows).
 */
export function windowValue(buckets: BucketLike[], end: number, windowMs: number, minStatements = 1): WindowValue {
  const halfLife = windowMs / 4;
  let num = 0;
  let den = 0;
  let count = 0;
  let max: number | null = null;
  for (const b of buckets) {
    if (b.bucketStart <= end - windowMs || b.bucketStart > end) continue;
    const width = b.widthMs ?? MINUTE_MS;
    const age = Math.max(0, end - (b.bucketStart + width / 2));
    const d = Math.pow(2, -age / halfLife);
    num += d * b.sumWScore;
    den += d * b.sumW;
    count += b.n;
    max = max === null ? b.maxScore : Math.max(max, b.maxScore);
  }
  const enoughData = count > 0 && count >= minStatements;
  return { index: enoughData && den > 0 ? round1(num / den) : null, count, maxScore: max, enoughData };
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
