import type { Store } from '../store/store.ts';
import { bucketIndex, HOUR_MS, MINUTE_MS, parseWindow, trendOf, windowEnd, type Trend, type WindowValue } from './risk-index.ts';
import { pointTimes, valueAt } from './window-sums.ts';

/** The windows shown when none are configured. */
export const DEFAULT_WINDOWS = ['1h', '24h', '7d'];
export const DEFAULT_MIN_STATEMENTS = 3;
export const RESOLUTIONS: Record<string, number> = { minute: MINUTE_MS, hour: HOUR_MS, day: 86_400_000 };

export interface WindowMetrics extends WindowValue {
  window: string;
  windowMs: number;
  trend: Trend;
}

export interface CurrentMetrics {
  at: string;
  scope: string;
  minStatements: number;
  windows: Record<string, WindowMetrics>;
}

export interface HistoryPoint {
  t: string;
  index: number | null;
  count: number;
  maxScore: number;
}

export interface RollingPoint extends WindowValue {
  t: string;
}

export interface ScopeRanking extends WindowValue {
  scope: string;
  name: string;
}

export interface TopScopes {
  at: string;
  window: string;
  minStatements: number;
  actor: ScopeRanking[];
  dyad: ScopeRanking[];
  category: ScopeRanking[];
}

/** Reads stored buckets and turns them into the numbers the API, dashboard and alert rules use. */
export function createMetricsService(deps: {
  store: Store;
  now?: () => number;
  windows?: string[];
  minStatements?: number;
}) {
  const now = deps.now ?? Date.now;
  const minStatements = deps.minStatements ?? DEFAULT_MIN_STATEMENTS;
  const windows = (deps.windows ?? DEFAULT_WINDOWS).map((w) => {
    const ms = parseWindow(w);
    if (ms === null) throw new Error(`metric window "${w}" is not a duration like 1h, 24h or 7d`);
    return { name: w, ms };
  });

  // The last rolling series computed per request shape: a page polling the same view in the same
  // minute, with no write in between, gets the same points (the live point's time set to `to`).
  const memo = new Map<string, { version: number; cols: unknown; points: RollingPoint[] }>();

  /** One window's value at a time, from the scope's cached minute buckets (exact; see window-sums.ts). */
  function measure(scope: string, windowMs: number, at: number, min = minStatements): WindowValue {
    const end = windowEnd(at);
    return valueAt(deps.store.metrics.minutes(scope, end - windowMs, end), at, windowMs, min);
  }

  return {
    windows: windows.map((w) => w.name),
    minStatements,

    /** One window's value for a scope at a time (alert rules use this with their own minimum). */
    measure(scope: string, windowMs: number, at = now(), min = minStatements): WindowValue {
      return measure(scope, windowMs, at, min);
    },

    /** Every configured window: index, count, max, enough-data flag and trend. */
    current(scope = 'global'): CurrentMetrics {
      const t = now();
      // One read covering every window and its previous one (on PostgreSQL one version check, not
      // one per window); each value is then summed from those columns (sumsAt selects by time).
      const end = windowEnd(t);
      const cols = deps.store.metrics.minutes(scope, end - 2 * Math.max(...windows.map((w) => w.ms)) - MINUTE_MS, end);
      const out: Record<string, WindowMetrics> = {};
      for (const w of windows) {
        const current = valueAt(cols, t, w.ms, minStatements);
        const previous = valueAt(cols, t - w.ms, w.ms, minStatements);
        out[w.name] = { window: w.name, windowMs: w.ms, ...current, trend: trendOf(current, previous) };
      }
      return { at: new Date(t).toISOString(), scope, minStatements, windows: out };
    },

    /**
     * The most worrying actor, dyad and category scopes in a window: those with enough data by
     * index (highest first), then the rest by statement count. Candidates are the busiest
     * `candidates` scopes of each kind in the window.
     */
    top(opts: { window?: string; limit?: number; candidates?: number } = {}): TopScopes {
      const t = now();
      const name = opts.window ?? windows[1]?.name ?? windows[0]!.name;
      const ms = parseWindow(name);
      if (ms === null) throw new Error(`window "${name}" is not a duration`);
      const limit = opts.limit ?? 5;
      const perKind = opts.candidates ?? 40;
      const byKind: Record<'actor' | 'dyad' | 'category', ScopeRanking[]> = { actor: [], dyad: [], category: [] };
      for (const { scope } of deps.store.metrics.activeScopes(t - ms, 2000)) {
        const kind = scope.slice(0, scope.indexOf(':')) as keyof typeof byKind;
        const list = byKind[kind];
        if (!list || list.length >= perKind) continue;
        list.push({ scope, name: scope.slice(kind.length + 1), ...measure(scope, ms, t) });
      }
      const rank = (a: ScopeRanking, b: ScopeRanking) =>
        (b.index ?? -1) - (a.index ?? -1) || b.count - a.count || a.scope.localeCompare(b.scope);
      return {
        at: new Date(t).toISOString(),
        window: name,
        minStatements,
        actor: byKind.actor.sort(rank).slice(0, limit),
        dyad: byKind.dyad.sort(rank).slice(0, limit),
        category: byKind.category.sort(rank).slice(0, limit),
      };
    },

    /**
     * The risk index as the dashboard charts it: the value of a rolling window (e.g. 1 h) at
     * every multiple of `stepMs` in [from, to) and at `to` itself (pointTimes), so the line is
     * the number the cards show and its last point is the card at `to`. Each point is exact
     * (window-sums.ts) and does not depend on `from`.
     */
    rolling(opts: { scope: string; from: number; to: number; windowMs: number; stepMs: number }): RollingPoint[] {
      const times = pointTimes(opts.from, opts.to, opts.stepMs);
      const cols = deps.store.metrics.minutes(opts.scope, windowEnd(times[0]!) - opts.windowMs, windowEnd(opts.to));
      const key = `${opts.scope}\u0000${opts.windowMs}/${opts.stepMs}/${times[0]}/${times.length}/${windowEnd(opts.to)}`;
      const hit = memo.get(key);
      if (hit !== undefined && hit.cols === cols && hit.version === cols.version) {
        return [...hit.points.slice(0, -1), { ...hit.points.at(-1)!, t: new Date(opts.to).toISOString() }];
      }
      const points = times.map((t) => ({ t: new Date(t).toISOString(), ...valueAt(cols, t, opts.windowMs, minStatements) }));
      if (memo.size >= 64) memo.delete(memo.keys().next().value!);
      memo.set(key, { version: cols.version, cols, points });
      return points;
    },

    /** Stored buckets grouped to minute, hour or day (hour and day read the rollup tables). */
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
