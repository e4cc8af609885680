/**
 * The risk index, pure: no clock, no store. See server/metrics/README.md for the definition.
 *
 * Per statement: weight w = 1 + 3·(score/100)², so a severe statement (100) counts four times
 * a calm one (0): a few threats among routine news move the index, yet one outlier does not
 * make it 100. A window's index is the recency-weighted mean Σ d·w·score / Σ d·w over minute
 * buckets, with d = 2^(-age / halfLife) and halfLife a quarter of the window.
 */

export const MINUTE_MS = 60_000;

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
  const w = severityWeight(s.score);
  const bucketStart = minuteOf(s.occurredAt);
  return scopesFor(s).map((scope) => ({
    scope,
    bucketStart,
    n: 1,
    sumScore: s.score,
    sumW: w,
    sumWScore: w * s.score,
    maxScore: s.score,
  }));
}

export interface WindowValue {
  /** null when the window holds no statement at all. */
  index: number | null;
  count: number;
  maxScore: number | null;
}

/** Recency-weighted index over the minute buckets that start in [now - windowMs, now]. */
export function windowValue(buckets: BucketLike[], now: number, windowMs: number): WindowValue {
  const halfLife = windowMs / 4;
  let num = 0;
  let den = 0;
  let count = 0;
  let max: number | null = null;
  for (const b of buckets) {
    if (b.bucketStart < now - windowMs || b.bucketStart > now) continue;
    const age = Math.max(0, now - (b.bucketStart + MINUTE_MS / 2));
    const d = Math.pow(2, -age / halfLife);
    num += d * b.sumWScore;
    den += d * b.sumW;
    count += b.n;
    max = max === null ? b.maxScore : Math.max(max, b.maxScore);
  }
  return { index: den > 0 ? round1(num / den) : null, count, maxScore: max };
}

/** Plain severity-weighted mean of one (possibly grouped) bucket. */
export function bucketIndex(b: BucketLike): number | null {
  return b.sumW > 0 ? round1(b.sumWScore / b.sumW) : null;
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
