import type { Db } from './database.ts';
import { isPostgres } from './pg/pg-database.ts';

/**
 * A scope's minute buckets as columns, ascending by start (unix ms of the minute); rows
 * [0, length) are valid. Float64Arrays, always: the sums over them run in one monomorphic loop
 * (mixing array kinds made that loop ~8x slower, measured). What the rolling index is computed
 * from; see server/metrics/window-sums.ts.
 */
export interface MinuteColumns {
  length: number;
  start: Float64Array;
  n: Float64Array;
  sumW: Float64Array;
  sumWScore: Float64Array;
  max: Float64Array;
  /** Changes whenever these columns change (a new number from one counter for every change). */
  version: number;
}

const KEYS = ['start', 'n', 'sumW', 'sumWScore', 'max'] as const;

let stamp = 0;
/** Per connection, the caches to tell about a changed minute (the SQL function is one per connection). */
const hooks = new WeakMap<Db, Set<(scope: unknown, start: unknown) => void>>();

interface Entry {
  /** Covered span [lo, hi): every stored minute bucket of the scope in it is in cols. */
  lo: number;
  hi: number;
  cols: MinuteColumns;
  /** Minutes [dirtyLo, dirtyHi) changed since they were read (or were read inside a transaction). */
  dirtyLo: number;
  dirtyHi: number;
  /**
   * PostgreSQL: the scope's version (metric_scope_versions, migration 003) up to which cols are
   * known exact and committed; -1 when read inside a transaction (nothing committed is known).
   */
  scopeVersion: number;
}

const MINUTE_MS = 60_000;
function columns(capacity: number): MinuteColumns {
  return {
    length: 0,
    start: new Float64Array(capacity),
    n: new Float64Array(capacity),
    sumW: new Float64Array(capacity),
    sumWScore: new Float64Array(capacity),
    max: new Float64Array(capacity),
    version: ++stamp,
  };
}

export interface MinuteCacheOptions {
  /** Most minute rows kept over all scopes (least recently read scopes go first); ~40 bytes a row. */
  maxRows?: number;
  /** Longest span one scope keeps; a read over a longer span is answered from SQLite, uncached. */
  maxSpanMs?: number;
}

/**
 * Minute buckets kept in memory per scope, so the chart and the cards never re-read a month of
 * minutes per request. Correct under every write:
 *  - writes on this connection, through any code, reach `touched` by TEMP triggers on
 *    metric_buckets (insert, update, delete) that call back into JS; the changed minutes are
 *    re-read before the next answer;
 *  - writes by another connection or process (`npm run ingest --score`) change
 *    `PRAGMA data_version`, which drops everything;
 *  - minutes read inside an open transaction are re-read after it (it may still roll back).
 * On PostgreSQL, where other nodes write the same tables and there is neither data_version nor a
 * JS trigger, every read of a cached scope first asks for its version (pg migration 003: bumped
 * by a trigger on every change to one of its minutes, which are stamped with it; deletions mark
 * the scope cleared). Per scope, versions become visible in commit order (the writer holds the
 * version row until it commits), so the minutes stamped above the version the cache knows are
 * exactly the ones to re-read; one statement answers both. Per scope and not one global counter,
 * so a read of a quiet scope re-reads nothing while 'global' changes with every statement; a
 * counter, not a time-to-live, so a figure is never stale, whichever node wrote.
 */
export function createMinuteCache(db: Db, opts: MinuteCacheOptions = {}) {
  const maxRows = opts.maxRows ?? 500_000;
  const maxSpanMs = opts.maxSpanMs ?? 124 * 86_400_000; // a rolling read: 92 days of range + a 31-day window
  const select = db
    .prepare(
      `SELECT bucket_start, n, sum_w, sum_wscore, max_score FROM metric_buckets
       WHERE scope = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start`,
    )
    .raw();
  const pg = isPostgres(db);
  const dataVersion = pg ? null : db.prepare('PRAGMA data_version').pluck();
  // PostgreSQL (any node may write): the scope's version and deletion mark, and, when it moved
  // past what the cache knows, the span of the known span's minutes stamped since (looked for only
  // then: the usual read costs one primary-key probe). One statement, so one snapshot; a scope
  // never written has no row (version 0).
  const changes = pg
    ? db
        .prepare(
          `SELECT COALESCE(v.version, 0), COALESCE(v.cleared, 0),
                  CASE WHEN v.version > @known THEN (SELECT MIN(bucket_start) FROM metric_buckets m
                    WHERE m.scope = @scope AND m.changed > @known AND m.bucket_start >= @lo AND m.bucket_start < @hi) END,
                  CASE WHEN v.version > @known THEN (SELECT MAX(bucket_start) FROM metric_buckets m
                    WHERE m.scope = @scope AND m.changed > @known AND m.bucket_start >= @lo AND m.bucket_start < @hi) END
           FROM (SELECT 1) one LEFT JOIN metric_scope_versions v ON v.scope = @scope`,
        )
        .raw()
    : null;
  // Map order is recency of use: a read moves its scope to the end; eviction takes from the front.
  const entries = new Map<string, Entry>();
  let rows = 0;
  let version: unknown = null;
  let hooked = false;

  function touched(scope: unknown, start: unknown): void {
    if (typeof scope !== 'string' || typeof start !== 'number') return;
    const e = entries.get(scope);
    if (e === undefined || start >= e.hi || start < e.lo) return;
    if (start < e.dirtyLo) e.dirtyLo = start;
    if (start + MINUTE_MS > e.dirtyHi) e.dirtyHi = start + MINUTE_MS;
  }

  /** Installs the change triggers once per connection, when a cache on it first holds data (a backfill CLI never reads, so never pays for them). */
  function hook(): void {
    if (hooked || pg) return;
    hooked = true;
    let listeners = hooks.get(db);
    if (listeners === undefined) {
      const all = new Set<(scope: unknown, start: unknown) => void>();
      listeners = all;
      hooks.set(db, all);
      db.function('brinkwatch_minute_changed', { deterministic: false }, (scope: unknown, start: unknown) => {
        for (const f of all) f(scope, start);
        return null;
      });
      db.exec(`
        CREATE TEMP TRIGGER IF NOT EXISTS metric_minute_inserted AFTER INSERT ON main.metric_buckets
        BEGIN SELECT brinkwatch_minute_changed(NEW.scope, NEW.bucket_start); END;
        CREATE TEMP TRIGGER IF NOT EXISTS metric_minute_updated AFTER UPDATE ON main.metric_buckets
        BEGIN SELECT brinkwatch_minute_changed(OLD.scope, OLD.bucket_start), brinkwatch_minute_changed(NEW.scope, NEW.bucket_start); END;
        CREATE TEMP TRIGGER IF NOT EXISTS metric_minute_deleted AFTER DELETE ON main.metric_buckets
        BEGIN SELECT brinkwatch_minute_changed(OLD.scope, OLD.bucket_start); END;`);
    }
    listeners.add(touched);
  }

  function load(scope: string, from: number, to: number): MinuteColumns {
    const rowsRead = select.all(scope, from, to) as number[][];
    const cols = columns(rowsRead.length);
    for (let i = 0; i < rowsRead.length; i++) {
      const r = rowsRead[i]!;
      cols.start[i] = r[0]!;
      cols.n[i] = r[1]!;
      cols.sumW[i] = r[2]!;
      cols.sumWScore[i] = r[3]!;
      cols.max[i] = r[4]!;
    }
    cols.length = rowsRead.length;
    return cols;
  }

  /** Replaces the rows of [from, to) in e with a fresh read. */
  function reload(scope: string, e: Entry, from: number, to: number): void {
    const fresh = load(scope, from, to);
    const c = e.cols;
    const i = lowerBound(c.start, from, 0, c.length);
    const j = lowerBound(c.start, to, i, c.length);
    const length = c.length - (j - i) + fresh.length;
    rows += length - c.length;
    if (j === c.length && length <= c.start.length) {
      // The usual case (the minute now filling, or a later span): write the tail in place.
      for (const k of KEYS) c[k].set(fresh[k].subarray(0, fresh.length), i);
    } else {
      const next = columns(Math.ceil(length * 1.25) + 64);
      for (const k of KEYS) {
        next[k].set(c[k].subarray(0, i), 0);
        next[k].set(fresh[k].subarray(0, fresh.length), i);
        next[k].set(c[k].subarray(j, c.length), i + fresh.length);
      }
      e.cols = next;
    }
    e.cols.length = length;
    e.cols.version = ++stamp;
    if (db.inTransaction) markDirty(e, from, to);
  }

  /**
   * PostgreSQL: brings what the cache knows of e's scope up to date with every node's committed
   * writes (and this connection's own, uncommitted ones): the minutes stamped since e's version
   * are marked for re-reading. False when the scope had buckets deleted since: start over.
   * Inside a transaction the version is not taken as known, as it may include this
   * transaction's own writes, which may yet roll back.
   */
  function checkScope(scope: string, e: Entry): boolean {
    const [v, cleared, lo, hi] = changes!.get({ scope, known: e.scopeVersion, lo: e.lo, hi: e.hi }) as [number, number, number | null, number | null];
    if (cleared > e.scopeVersion) {
      rows -= e.cols.length;
      entries.delete(scope);
      return false;
    }
    if (lo !== null && hi !== null) markDirty(e, lo, hi + MINUTE_MS);
    if (!db.inTransaction) e.scopeVersion = v;
    return true;
  }

  function scopeVersionOf(scope: string): number {
    return (changes!.get({ scope, known: Number.MAX_SAFE_INTEGER, lo: 0, hi: 0 }) as [number])[0];
  }

  function markDirty(e: Entry, from: number, to: number): void {
    e.dirtyLo = Math.min(e.dirtyLo, from);
    e.dirtyHi = Math.max(e.dirtyHi, to);
  }

  function clear(): void {
    entries.clear();
    rows = 0;
  }

  function evict(keep: string): void {
    for (const [scope, e] of entries) {
      if (rows <= maxRows) return;
      if (scope === keep) continue;
      rows -= e.cols.length;
      entries.delete(scope);
    }
  }

  return {
    /**
     * The stored minute buckets of `scope` that start in [from, to), possibly with more around
     * them (callers select by time). Served from memory when covered and unchanged.
     */
    read(scope: string, from: number, to: number): MinuteColumns {
      if (dataVersion !== null) {
        const v = dataVersion.get();
        if (v !== version) {
          clear();
          version = v;
        }
      }
      if (to - from > maxSpanMs) return load(scope, from, to);
      hook();
      let e = entries.get(scope);
      if (e !== undefined && changes !== null && !checkScope(scope, e)) e = undefined;
      if (e !== undefined && (Math.max(e.hi, to) - Math.min(e.lo, from) > maxSpanMs || from > e.hi || to < e.lo)) {
        rows -= e.cols.length;
        entries.delete(scope);
        e = undefined;
      }
      if (e === undefined) {
        e = { lo: from, hi: to, cols: columns(0), dirtyLo: Infinity, dirtyHi: -Infinity, scopeVersion: -1 };
        if (changes !== null && !db.inTransaction) e.scopeVersion = scopeVersionOf(scope);
        entries.set(scope, e);
        reload(scope, e, from, to);
      } else {
        entries.delete(scope);
        entries.set(scope, e);
        if (e.dirtyLo < e.dirtyHi) {
          const a = Math.max(e.lo, e.dirtyLo);
          const b = Math.min(e.hi, e.dirtyHi);
          e.dirtyLo = Infinity;
          e.dirtyHi = -Infinity;
          if (a < b) reload(scope, e, a, b);
        }
        if (from < e.lo) {
          const lo = e.lo;
          e.lo = from;
          reload(scope, e, from, lo);
        }
        if (to > e.hi) {
          const hi = e.hi;
          e.hi = to;
          reload(scope, e, hi, to);
        }
      }
      evict(scope);
      return e.cols;
    },
    /** Forgets everything (tests; an operator tool that rewrote buckets by hand). */
    clear,
    /** Rows held, for tests and the benchmark. */
    size(): { scopes: number; rows: number } {
      return { scopes: entries.size, rows };
    },
  };
}

export type MinuteCache = ReturnType<typeof createMinuteCache>;

/** First index i in [lo, hi) with a[i] >= x in an ascending array (hi if none). */
export function lowerBound(a: Float64Array, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
