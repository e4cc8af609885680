import { firingAlertsBetween } from './alerts-repo.ts';
import type { Db } from './database.ts';
import { isPostgres } from './pg/pg-database.ts';
import { chooseScopePlan } from './scope-filter.ts';
import { buildStatementQuery, type StatementFilter } from './statements-repo.ts';

/**
 * One statement as the export reads it: a positional tuple rather than an object per row
 * (measured here: 100k rows read in ~310 ms as tuples of these columns, ~540-660 ms as full row objects). Speaker is the canonical
 * actor when scored, else the speaker as given (as toStatementView shows it); targets and
 * signals are the stored JSON arrays.
 */
export type StatementExportTuple = [
  id: number,
  occurredAt: number,
  speaker: string | null,
  targetsJson: string | null,
  source: string | null,
  url: string | null,
  score: number | null,
  level: string | null,
  signalsJson: string | null,
  scorerVersion: string | null,
  status: string,
  lang: string | null,
  text: string,
];

/**
 * One statement as the export streams it: id, the ready-made head (statements.export_head,
 * migration 007), text, and only where the head is NULL the other columns of a
 * StatementExportTuple as one JSON array (occurred_at, speaker, targets, source, url, score,
 * level, signals, scorer_version, status, lang): one value per column costs the reader ~0.07 µs a row even
 * when NULL, one column for all of them is free on the normal row. SQLite's JSON writes REALs
 * so that they read back exactly (checked by test/export/export-head.test.ts). The id comes as
 * text: V8 keeps the strings of numbers it converts in a cache that outlives young-generation
 * collections, so `${id}` of a million ids promoted ~20 MB of garbage to the old generation
 * during one export (the server's peak RSS), where SQLite's text is short-lived.
 */
export type StatementExportRow = [id: string, exportHead: string | null, text: string, fallbackJson: string | null];

/** One (bucket, scope) group of minute buckets, as summed in SQL. Times in unix ms. */
export interface HistoryGroupRow {
  bucketStart: number;
  scope: string;
  n: number;
  sumW: number;
  sumWScore: number;
  maxScore: number;
}

export interface HistoryQuery {
  from: number;
  to: number;
  /** Bucket size in ms (a multiple of a minute); from and to are multiples of it. */
  resolutionMs: number;
  /** The scopes to include, or 'all' for every scope that has data in the range. */
  scopes: readonly string[] | 'all';
}

/** An alert that was firing for some time: from fired_at until resolved_at (null: still firing). */
export interface FiringInterval {
  name: string;
  scope: string;
  firedAt: number;
  resolvedAt: number | null;
}

/**
 * Streaming reads for CSV export. Takes a READ-ONLY connection (store.openReader()): an open
 * `.iterate()` makes its connection busy, and in WAL mode a reader never blocks the score
 * job's writes. The iterators hold one read snapshot for the length of an export.
 */
export function createExportQueries(reader: Db) {
  // A long sequential scan gains nothing from better-sqlite3's 16 MB page cache (the OS caches
  // the file): 2 MB keeps each export's memory small; GROUP BY sorts spill to temp files beyond it.
  reader.pragma('cache_size = -2000');
  const pg = isPostgres(reader);
  function historySql(q: HistoryQuery): { sql: string; params: Record<string, unknown> } {
    const params: Record<string, unknown> = { from: q.from, to: q.to, res: q.resolutionMs };
    let where = 'bucket_start >= @from AND bucket_start < @to';
    if (q.scopes !== 'all') {
      where += pg
        ? ' AND scope IN (SELECT json_array_elements_text(CAST(@scopes AS json)))'
        : ' AND scope IN (SELECT value FROM json_each(@scopes))';
      params.scopes = JSON.stringify(q.scopes);
    } else {
      // Every scope with data in the range, found in the hour rollup (indexed by time; the minute
      // table is not, migration 006), so each scope's buckets are read by their (scope, time) key.
      where += ` AND scope IN (SELECT DISTINCT scope FROM metric_buckets_hour
        WHERE bucket_start >= @from - @from % 3600000 AND bucket_start < @to)`;
    }
    // Hour and day rollups (written with the minute buckets, migrations 003 and 005) hold the same sums 60x / 1440x
    // fewer rows; from/to are whole buckets, so reading them changes nothing but the speed.
    const table =
      q.resolutionMs % 86_400_000 === 0 ? 'metric_buckets_day' : q.resolutionMs % 3_600_000 === 0 ? 'metric_buckets_hour' : 'metric_buckets';
    // Groups buckets into the requested size; ordered by time, then scope. JS numbers bind as
    // REAL, so `bucket_start / @res` would not truncate: % converts to INTEGER.
    const sql = `SELECT bucket_start - bucket_start % @res AS bucketStart, scope, SUM(n) AS n, SUM(sum_w) AS sumW,
        SUM(sum_wscore) AS sumWScore, MAX(max_score) AS maxScore
      FROM ${table} WHERE ${where}
      GROUP BY bucketStart, scope ORDER BY bucketStart, scope`;
    return { sql, params };
  }

  return {
    /**
     * Statements matching the filter, newest first (the very query GET /api/statements pages
     * through), as the export writes them: id, export_head, text, and the other columns only
     * for rows without a head (statementExportRecord()). No subquery: the order is the outermost one.
     */
    iterateStatementRows(filter: StatementFilter): IterableIterator<StatementExportRow> {
      // PostgreSQL's json_build_array is SQLite's json_array (the reader parses it: spacing differs, values do not).
      const fallback = `CASE WHEN s.export_head IS NULL THEN ${pg ? 'CAST(json_build_array' : 'json_array'}(s.occurred_at, COALESCE(s.actor, s.speaker), s.targets,
        s.source, s.url, s.score, s.level, s.signals, s.scorer_version, s.status, s.lang)${pg ? ' AS TEXT)' : ''} END`;
      const { sql: rows, params } = buildStatementQuery(filter, `CAST(s.id AS TEXT), s.export_head, s.text, ${fallback}`, chooseScopePlan(reader, filter));
      return reader.prepare(rows).raw(true).iterate(params) as IterableIterator<StatementExportRow>;
    },

    /** The same statements as StatementExportTuples, every column read (statementRecord(); the reference). */
    iterateStatements(filter: StatementFilter): IterableIterator<StatementExportTuple> {
      const { sql, params } = buildStatementQuery(filter, undefined, chooseScopePlan(reader, filter));
      // The outer ORDER BY repeats the inner one: SQLite only promises an order the outermost query states.
      const tuples = `SELECT id, occurred_at, COALESCE(actor, speaker), targets, source, url, score, level, signals,
          scorer_version, status, lang, text FROM (${sql}) AS q ORDER BY occurred_at DESC, id DESC`;
      return reader.prepare(tuples).raw(true).iterate(params) as IterableIterator<StatementExportTuple>;
    },

    countStatements(filter: StatementFilter): number {
      const { sql, params } = buildStatementQuery(filter, undefined, chooseScopePlan(reader, filter));
      return reader.prepare(`SELECT COUNT(*) FROM (${sql}) AS q`).pluck().get(params) as number;
    },

    iterateHistory(q: HistoryQuery): IterableIterator<HistoryGroupRow> {
      const { sql, params } = historySql(q);
      return reader.prepare(sql).iterate(params) as IterableIterator<HistoryGroupRow>;
    },

    countHistory(q: HistoryQuery): number {
      const { sql, params } = historySql(q);
      return reader.prepare(`SELECT COUNT(*) FROM (${sql}) AS q`).pluck().get(params) as number;
    },

    /**
     * Alerts that were firing at some moment in [from, to), oldest first: the alerts repo's
     * contract for this export (pending and cancelled episodes never fired and are left out).
     * The scope is the alert's own, copied from its rule when it opened.
     */
    firingIntervals(from: number, to: number): FiringInterval[] {
      return firingAlertsBetween(reader, from, to).map((a) => ({
        name: a.ruleName,
        scope: a.scope,
        firedAt: a.firedAt,
        resolvedAt: a.resolvedAt,
      }));
    },
  };
}

export type ExportQueries = ReturnType<typeof createExportQueries>;
