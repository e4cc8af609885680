import type { Store } from '../store/store.ts';
import { bucketIndex, MINUTE_MS, windowValue, type WindowValue } from './risk-index.ts';

export const WINDOWS: Record<string, number> = { '1h': 3600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };
export const RESOLUTIONS: Record<string, number> = { minute: MINUTE_MS, hour: 3600_000, day: 86_400_000 };

export interface CurrentMetrics {
  at: string;
  scope: string;
  windows: Record<string, WindowValue>;
}

export interface HistoryPoint {
  t: string;
  index: number | null;
  count: number;
  maxScore: number;
}

/** Reads stored minute buckets and turns them into the numbers the API and dashboard show. */
export function createMetricsService(deps: { store: Store; now?: () => number }) {
  const now = deps.now ?? Date.now;
  return {
    current(scope = 'global'): CurrentMetrics {
      const t = now();
      const longest = Math.max(...Object.values(WINDOWS));
      const buckets = deps.store.metrics.range(scope, t - longest, t + MINUTE_MS);
      const windows: Record<string, WindowValue> = {};
      for (const [name, ms] of Object.entries(WINDOWS)) windows[name] = windowValue(buckets, t, ms);
      return { at: new Date(t).toISOString(), scope, windows };
    },

    history(opts: { scope: string; from: number; to: number; resolution: keyof typeof RESOLUTIONS }): HistoryPoint[] {
      const res = RESOLUTIONS[opts.resolution]!;
      return deps.store.metrics.grouped(opts.scope, opts.from, opts.to, res).map((b) => ({
        t: new Date(b.bucketStart).toISOString(),
        index: bucketIndex(b),
        count: b.n,
        maxScore: b.maxScore,
      }));
    },
  };
}

export type MetricsService = ReturnType<typeof createMetricsService>;
