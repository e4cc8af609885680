import type Database from 'better-sqlite3';
import { minuteOf, severityWeight, type ScoredForMetrics } from '../shared/risk-bucket.ts';
import type { Db } from './database.ts';
import { isPostgres } from './pg/pg-database.ts';
import { createMinuteCache, type MinuteCacheOptions, type MinuteColumns } from './minute-cache.ts';

/** One statement's addition to one scope's minute bucket. */
export interface BucketContribution {
  scope: string;
  bucketStart: number;
  n: number;
  sumScore: number;
  sumW: number;
  sumWScore: number;
  maxScore: number;
}

export interface Bucket {
  scope: string;
  bucketStart: number;
  n: number;
  sumScore: number;
  sumW: number;
  sumWScore: number;
  maxScore: number;
}

const BUCKET_COLUMNS = `scope, bucket_start AS bucketStart, n, sum_score AS sumScore, sum_w AS sumW,
  sum_wscore AS sumWScore, max_score AS maxScore`;

/** The stored bucket widths: minute buckets and the hour and day rollups, in add()'s order. */
export const BUCKET_WIDTHS = [60_000, 3_600_000, 86_400_000] as const;

/**
 * Merges contributions one at a time into rows per table (BUCKET_WIDTHS order), exactly as
 * summing each table on its own would (test/store/bucket-merger.test.ts): a backfill's prepare
 * step feeds each statement's contributions in as it scores it instead of keeping them all
 * until the end of its batch.
 */
/** A scope's rows in a bucket merger, per table (BUCKET_WIDTHS order). */
class ScopeRows {
  readonly last: Array<BucketContribution | undefined> = [undefined, undefined, undefined];
  readonly older: Array<Map<number, BucketContribution>> = [new Map(), new Map(), new Map()];
}

export function createBucketMerger() {
  const widths = BUCKET_WIDTHS;
  const rows: BucketContribution[][] = widths.map(() => []);
  // Per scope and table: the row last added to (statements come mostly in time order, so the
  // next contribution usually lands in it) and, for the others, a map by bucket number
  // (bucketStart / width: a small integer, cheaper to hash than a millisecond time).
  const byScope = new Map<string, ScopeRows>();
  function merge(scope: string, minute: number, n: number, sumScore: number, sumW: number, sumWScore: number, maxScore: number): void {
    let state = byScope.get(scope);
    if (state === undefined) {
      state = new ScopeRows();
      byScope.set(scope, state);
    }
    for (let t = 0; t < widths.length; t++) {
      const width = widths[t]!;
      const bucketStart = minute - (minute % width);
      let m = state.last[t];
      if (m === undefined || m.bucketStart !== bucketStart) {
        const older = state.older[t]!;
        const key = bucketStart / width;
        m = older.get(key);
        if (m === undefined) {
          const first = { scope, bucketStart, n, sumScore, sumW, sumWScore, maxScore };
          older.set(key, first);
          rows[t]!.push(first);
          state.last[t] = first;
          continue;
        }
        state.last[t] = m;
      }
      m.n += n;
      m.sumScore += sumScore;
      m.sumW += sumW;
      m.sumWScore += sumWScore;
      if (maxScore > m.maxScore) m.maxScore = maxScore;
    }
  }
  // Scope names made once per name: a backfill names the same actors and categories again and again.
  const actorScopes = new Map<string, string>();
  const categoryScopes = new Map<string, string>();
  const dyadScopes = new Map<string, Map<string, string>>();
  const named = (cache: Map<string, string>, prefix: string, name: string): string => {
    let scope = cache.get(name);
    if (scope === undefined) {
      scope = prefix + name;
      cache.set(name, scope);
    }
    return scope;
  };
  return {
    add(c: BucketContribution): void {
      merge(c.scope, c.bucketStart, c.n, c.sumScore, c.sumW, c.sumWScore, c.maxScore);
    },
    /**
     * add() of each of contributionsFor(s), in its order, without making them: the same rows
     * and sums (test/store/bucket-merger.test.ts).
     */
    addStatement(s: ScoredForMetrics): void {
      const score = Math.min(100, Math.max(0, s.score));
      const w = severityWeight(score);
      const ws = w * score;
      const minute = minuteOf(s.occurredAt);
      merge('global', minute, 1, score, w, ws, score);
      const actor = s.actor;
      if (actor) merge(named(actorScopes, 'actor:', actor), minute, 1, score, w, ws, score);
      const targets = s.targets;
      if (actor) {
        for (let i = 0; i < targets.length; i++) {
          const t = targets[i]!;
          if (t === actor || targets.indexOf(t) < i) continue; // scopesFor: each dyad once
          let byTarget = dyadScopes.get(actor);
          if (byTarget === undefined) {
            byTarget = new Map();
            dyadScopes.set(actor, byTarget);
          }
          let scope = byTarget.get(t);
          if (scope === undefined) {
            scope = `dyad:${actor}>${t}`;
            byTarget.set(t, scope);
          }
          merge(scope, minute, 1, score, w, ws, score);
        }
      }
      const categories = s.categories;
      for (let i = 0; i < categories.length; i++) {
        const c = categories[i]!;
        if (categories.indexOf(c) < i) continue;
        merge(named(categoryScopes, 'category:', c), minute, 1, score, w, ws, score);
      }
    },
    /** The merged rows per table, in order of first appearance. */
    rows(): BucketContribution[][] {
      return rows;
    },
  };
}

export type BucketMerger = ReturnType<typeof createBucketMerger>;

/** Contributions merged per table (BUCKET_WIDTHS order): the rows add() writes. */
export function mergeForTables(contributions: BucketContribution[]): BucketContribution[][] {
  const merger = createBucketMerger();
  for (const c of contributions) merger.add(c);
  return merger.rows();
}

/** The bucket tables, in BUCKET_WIDTHS order. */
const BUCKET_TABLES = ['metric_buckets', 'metric_buckets_hour', 'metric_buckets_day'] as const;

/**
 * PostgreSQL: one statement per table for all of a batch's rows (one round trip, not one per
 * row), the rows as column arrays. The target's columns are qualified (a bare `n` is ambiguous
 * there) and GREATEST is PostgreSQL's two-argument MAX. The minute table's rows carry the scope
 * version their INSERT half took (migration 003: one bump per row, read by the minute cache).
 */
function pgUpsertSql(table: (typeof BUCKET_TABLES)[number]): string {
  return `
    INSERT INTO ${table} AS b (scope, bucket_start, n, sum_score, sum_w, sum_wscore, max_score)
    SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS integer[]), CAST(? AS float8[]),
                         CAST(? AS float8[]), CAST(? AS float8[]), CAST(? AS float8[]))
    ON CONFLICT (scope, bucket_start) DO UPDATE SET
      n = b.n + excluded.n, sum_score = b.sum_score + excluded.sum_score, sum_w = b.sum_w + excluded.sum_w,
      sum_wscore = b.sum_wscore + excluded.sum_wscore, max_score = GREATEST(b.max_score, excluded.max_score)
      ${table === 'metric_buckets' ? ', changed = excluded.changed' : ''}`;
}

/**
 * A table's merged rows as the column arrays pgUpsertSql takes, in (scope, bucket_start) byte
 * order: every node's writers then lock bucket and scope-version rows in one order, so two
 * score jobs never deadlock on them. Rows are merged already: no key twice in one statement.
 */
function pgUpsertColumns(rows: BucketContribution[]): unknown[][] {
  const sorted = [...rows].sort((a, b) => (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : a.bucketStart - b.bucketStart));
  return [
    sorted.map((c) => c.scope),
    sorted.map((c) => c.bucketStart),
    sorted.map((c) => c.n),
    sorted.map((c) => c.sumScore),
    sorted.map((c) => c.sumW),
    sorted.map((c) => c.sumWScore),
    sorted.map((c) => c.maxScore),
  ];
}

export function createMetricsRepo(db: Db, cacheOptions: MinuteCacheOptions = {}) {
  const minuteCache = createMinuteCache(db, cacheOptions);
  const range = db.prepare(
    `SELECT ${BUCKET_COLUMNS} FROM metric_buckets
     WHERE scope = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start`,
  );
  // Groups minute buckets into coarser ones in SQL so long ranges never load every minute. JS numbers
  // bind as REAL, so `bucket_start / @res` would not truncate; `%` converts to INTEGER.
  // PostgreSQL accepts no bare `scope` beside the aggregates (SQLite does: it is one value here).
  const groupKey = isPostgres(db) ? 'scope, bucketStart' : 'bucketStart';
  const groupedSql = (table: string) => `
    SELECT scope, bucket_start - bucket_start % @res AS bucketStart, SUM(n) AS n, SUM(sum_score) AS sumScore,
           SUM(sum_w) AS sumW, SUM(sum_wscore) AS sumWScore, MAX(max_score) AS maxScore
    FROM ${table}
    WHERE scope = @scope AND bucket_start >= @from AND bucket_start < @to
    GROUP BY ${groupKey} ORDER BY bucketStart`;
  const grouped = db.prepare(groupedSql('metric_buckets'));
  // Hour and day rollups (migration 003; written by add() since 005): same columns, coarser buckets.
  const ROLLUPS = [
    { table: 'metric_buckets_day', ms: 86_400_000 },
    { table: 'metric_buckets_hour', ms: 3_600_000 },
  ].map((r) => ({
    ms: r.ms,
    range: db.prepare(
      `SELECT ${BUCKET_COLUMNS} FROM ${r.table} WHERE scope = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start`,
    ),
    grouped: db.prepare(groupedSql(r.table)),
  }));
  // Positional parameters: binding by name made a backfill's bucket writes ~25% slower (measured).
  const upsertInto = (table: string) =>
    db.prepare(`
      INSERT INTO ${table} (scope, bucket_start, n, sum_score, sum_w, sum_wscore, max_score)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (scope, bucket_start) DO UPDATE SET
        n = n + excluded.n, sum_score = sum_score + excluded.sum_score, sum_w = sum_w + excluded.sum_w,
        sum_wscore = sum_wscore + excluded.sum_wscore, max_score = MAX(max_score, excluded.max_score)`);
  const upserts: Array<Database.Statement<unknown[]>> = [
    upsertInto('metric_buckets'),
    upsertInto('metric_buckets_hour'),
    upsertInto('metric_buckets_day'),
  ];
  const pgUpserts = isPostgres(db) ? BUCKET_TABLES.map((table) => db.prepare(pgUpsertSql(table))) : null;
  function addMerged(tables: BucketContribution[][]): void {
    if (tables.length !== upserts.length) throw new Error(`addMerged takes ${upserts.length} tables of rows, got ${tables.length}`);
    if (pgUpserts !== null) {
      tables.forEach((rows, i) => {
        if (rows.length > 0) pgUpserts[i]!.run(pgUpsertColumns(rows));
      });
      return;
    }
    tables.forEach((rows, i) => {
      const stmt = upserts[i]!;
      for (const c of rows) stmt.run(c.scope, c.bucketStart, c.n, c.sumScore, c.sumW, c.sumWScore, c.maxScore);
    });
  }
  // From the hour rollup by its time index (migration 006; the minute table has none). Without
  // INDEXED BY the planner scans the whole table in scope order to skip a sort.
  const scopesSince = db.prepare(
    `SELECT scope, SUM(n) AS n FROM metric_buckets_hour INDEXED BY metric_buckets_hour_time WHERE bucket_start >= ? GROUP BY scope ORDER BY n DESC, scope LIMIT ?`,
  );

  return {
    /**
     * Adds contributions to the minute buckets and to the hour and day rollups. Contributions
     * that share a bucket are merged first, so a batch writes each (scope, bucket) once per
     * table: a backfill of thousands of statements touches few hour and day rows. Call inside
     * the caller's transaction, together with the scored statements.
     */
    add(contributions: BucketContribution[]): void {
      addMerged(mergeForTables(contributions));
    },
    /**
     * add() with the merging done already (mergeForTables), e.g. by the prepare worker of a
     * backfill, off the thread that writes. Same rows, same order, same sums.
     */
    addMerged,
    range(scope: string, from: number, to: number): Bucket[] {
      return range.all(scope, from, to) as Bucket[];
    },
    /**
     * Buckets of `resolutionMs`, read from the coarsest stored table that divides it (day, hour
     * or minute), so a year at day resolution reads ~365 rows, not ~525,000. With a rollup,
     * from/to are effectively aligned down to its width.
     */
    grouped(scope: string, from: number, to: number, resolutionMs: number): Bucket[] {
      const rollup = ROLLUPS.find((r) => resolutionMs % r.ms === 0);
      const stmt = rollup ? rollup.grouped : grouped;
      const start = rollup ? Math.floor(from / rollup.ms) * rollup.ms : from;
      return stmt.all({ scope, from: start, to, res: resolutionMs }) as Bucket[];
    },
    /**
     * A scope's minute buckets that start in [from, to) (possibly with more around them), as
     * columns, from an in-memory cache that every write keeps exact (minute-cache.ts).
     */
    minutes(scope: string, from: number, to: number): MinuteColumns {
      return minuteCache.read(scope, from, to);
    },
    /** The minute cache itself (size for tests and the benchmark; clear). */
    minuteCache,
    /**
     * Scopes that have data since a time, busiest first: candidates for rankings, counted from
     * the hour rollup, so `since` is taken back to the start of its hour (up to 59 minutes more).
     */
    activeScopes(since: number, limit = 200): Array<{ scope: string; n: number }> {
      return scopesSince.all(since - (since % 3_600_000), limit) as Array<{ scope: string; n: number }>;
    },
  };
}

export type MetricsRepo = ReturnType<typeof createMetricsRepo>;
