import { bucketIndex } from '../metrics/risk-index.ts';
import { levelForScore } from '../scoring/index.ts';
import type { CsvCell } from '../shared/csv-format.ts';
import { isoUtc } from '../shared/iso-time.ts';
import type { FiringInterval, HistoryGroupRow } from '../store/export-queries.ts';

/**
 * One row per (bucket, scope) that holds at least one statement. The risk index is the same
 * severity-weighted mean GET /api/metrics/history reports (bucketIndex), its level the
 * scorer's bands (levelForScore).
 */
export const HISTORY_HEADER = [
  'bucket_start',
  'scope',
  'risk_index',
  'statements',
  'max_score',
  'level',
  'firing_alerts',
] as const;

export function historyCells(g: HistoryGroupRow, resolutionMs: number, alerts: AlertNames): CsvCell[] {
  const index = bucketIndex(g);
  return [
    isoUtc(g.bucketStart),
    g.scope,
    index,
    g.n,
    g.maxScore,
    index === null ? null : levelForScore(index),
    alerts.firingDuring(g.scope, g.bucketStart, g.bucketStart + resolutionMs),
  ];
}

export interface AlertNames {
  /** Names of the rules on `scope` whose alert was firing at some moment in [start, end), "; "-separated. */
  firingDuring(scope: string, start: number, end: number): string | null;
}

/**
 * Answers firingDuring() for rows that arrive in time order per scope (as the history
 * query yields them) without rescanning: per scope a cursor into the intervals sorted by
 * fired_at plus the set still active. Scopes compare case-insensitively, because a rule
 * typed as "actor:russia" watches the metric scope "actor:Russia".
 */
export function createAlertNames(intervals: readonly FiringInterval[]): AlertNames {
  const byScope = new Map<string, { pending: FiringInterval[]; next: number; active: FiringInterval[] }>();
  for (const it of [...intervals].sort((a, b) => a.firedAt - b.firedAt)) {
    const key = it.scope.toLowerCase();
    let entry = byScope.get(key);
    if (!entry) byScope.set(key, (entry = { pending: [], next: 0, active: [] }));
    entry.pending.push(it);
  }
  return {
    firingDuring(scope, start, end) {
      const entry = byScope.get(scope.toLowerCase());
      if (!entry) return null;
      while (entry.next < entry.pending.length && entry.pending[entry.next]!.firedAt < end) {
        entry.active.push(entry.pending[entry.next++]!);
      }
      // Starts only grow per scope, so an interval resolved by this start is done for good.
      entry.active = entry.active.filter((a) => a.resolvedAt === null || a.resolvedAt > start);
      if (entry.active.length === 0) return null;
      return [...new Set(entry.active.map((a) => a.name))].sort().join('; ');
    },
  };
}
