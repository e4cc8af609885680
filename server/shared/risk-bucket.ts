/**
 * What a scored statement adds to the stored minute buckets: its minute and its severity
 * weight. The definitions the metric_buckets rows are built on, shared by the store (which
 * merges them in metrics-repo) and the risk index above it (server/metrics/risk-index.ts
 * re-exports them and documents the formula in server/metrics/README.md). Pure: no clock.
 */

export const MINUTE_MS = 60_000;

/** A scored statement as the metrics count it. Times in unix ms; score 0-100. */
export interface ScoredForMetrics {
  occurredAt: number;
  score: number;
  actor: string | null;
  targets: string[];
  categories: string[];
}

/** w = 1 + 3·(score/100)², the score clamped to 0-100: a severe statement counts four times a calm one. */
export function severityWeight(score: number): number {
  const s = Math.min(100, Math.max(0, score)) / 100;
  return 1 + 3 * s * s;
}

/** The start of the UTC minute holding `ms` (a multiple of 60,000). */
export function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}
