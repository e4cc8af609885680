import type { Bucket } from '../store/metrics-repo.ts';
import type { Store } from '../store/store.ts';
import {
  bucketIndex,
  HOUR_MS,
  MINUTE_MS,
  parseWindow,
  trendOf,
  windowValue,
  type BucketLike,
  type Trend,
  type WindowValue,
} from './risk-index.ts';

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

/** Long windows read hour rollups inside and minute buckets at both edges (exact edges, 60x fewer rows). */
const MIXED_ABOVE_MS = 3 * HOUR_MS;

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

  /** Buckets that start in (from, to]: minutes, plus hour rollups for the inside of long spans. */
  function load(scope: string, from: number, to: number): BucketLike[] {
    if (to - from <= MIXED_ABOVE_MS) return deps.store.metrics.range(scope, from + 1, to + 1);
    const h0 = Math.floor(from / HOUR_MS) * HOUR_MS + HOUR_MS;
    const h1 = Math.floor(to / HOUR_MS) * HOUR_MS;
    const hours: BucketLike[] = deps.store.metrics.hourRange(scope, h0, h1).map((b: Bucket) => ({ ...b, widthMs: HOUR_MS }));
    return [...deps.store.metrics.range(scope, from + 1, h0), ...hours, ...deps.store.metrics.range(scope, h1, to + 1)];
  }

  function measure(scope: string, windowMs: number, end: number, min = minStatements): WindowValue {
    return windowValue(load(scope, end - windowMs, end), end, windowMs, min);
  }

  function windowMetrics(scope: string, name: string, ms: number, end: number): WindowMetrics {
    const current = measure(scope, ms, end);
    const previous = measure(scope, ms, end - ms);
    return { window: name, windowMs: ms, ...current, trend: trendOf(current, previous) };
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
      const out: Record<string, WindowMetrics> = {};
      for (const w of windows) out[w.name] = windowMetrics(scope, w.name, w.ms, t);
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
     * The risk index as the dashboard charts it: the value of a rolling window (e.g. 1 h)
     * sampled every `stepMs` from `from` to `to`, so the line is the number the cards show,
     * not the noise of single minutes. The last point is always `to` itself.
     */
    rolling(opts: { scope: string; from: number; to: number; windowMs: number; stepMs: number }): RollingPoint[] {
      const buckets = load(opts.scope, opts.from - opts.windowMs, opts.to);
      const points: RollingPoint[] = [];
      const at = (t: number) => points.push({ t: new Date(t).toISOString(), ...windowValue(buckets, t, opts.windowMs, minStatements) });
      for (let t = Math.ceil(opts.from / opts.stepMs) * opts.stepMs; t < opts.to; t += opts.stepMs) at(t);
      at(opts.to);
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
