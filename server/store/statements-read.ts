// The read side of the statements store: one statement or a batch by id, a page of statements
// (filters, search with highlights and rank), and the counts. createStatementsRepo
// (statements-repo.ts) spreads these methods into the repository it returns.

import type { Db } from './database.ts';
import { isPostgres } from './pg/pg-database.ts';
import { chooseScopePlan, countMatches, SEARCH_LOOKUP_MAX } from './scope-filter.ts';
import { newestByRowid } from './search-newest.ts';
import { createPrefixExpander } from './fts-prefix.ts';
import { findHighlights } from './search-highlights.ts';
import { buildStatementQuery, ROW_COLUMNS, toStatementView } from './statement-query.ts';
import type { StatementFilter, StatementRow, StatementView } from './statement-types.ts';

export function createStatementsReader(db: Db) {
  const pg = isPostgres(db);
  // Prefix terms as the words they cover (fts-prefix.ts); PostgreSQL reads its own prefixes.
  const expand = pg ? (match: string) => match : createPrefixExpander(db);
  const byId = db.prepare(`SELECT ${ROW_COLUMNS} FROM statements s WHERE s.id = ?`);
  // PostgreSQL: a scored batch read back in one round trip (SQLite reads row by row in microseconds).
  const byIds = pg ? db.prepare(`SELECT ${ROW_COLUMNS} FROM statements s WHERE s.id = ANY(CAST(@ids AS BIGINT[]))`) : null;
  const statusCounts = db.prepare('SELECT status, COUNT(*) AS n FROM statements GROUP BY status');
  const countAll = db.prepare('SELECT COUNT(*) FROM statements').pluck();
  const anyReal = db.prepare('SELECT EXISTS (SELECT 1 FROM statements WHERE is_demo = 0)').pluck();
  // Through the partial index statements_pending: no scan of the table (countByStatus is one).
  const anyPending = db.prepare(`SELECT EXISTS (SELECT 1 FROM statements WHERE status = 'pending')`).pluck();

  return {
    get(id: number): StatementView | null {
      const row = byId.get(id) as StatementRow | undefined;
      return row ? toStatementView(row) : null;
    },

    /** Statements by id, in the order of `ids`; ids not stored are left out. */
    getMany(ids: number[]): StatementView[] {
      const rows = byIds && ids.length > 1 ? new Map((byIds.all({ ids }) as StatementRow[]).map((r) => [r.id, r])) : null;
      return ids.flatMap((id) => {
        const row = rows ? rows.get(id) : (byId.get(id) as StatementRow | undefined);
        return row ? [toStatementView(row)] : [];
      });
    },

    /**
     * A page of statements. A search (filter.match) adds each row's highlights, and its bm25
     * `rank` when sorted by relevance.
     */
    list(filter: StatementFilter): StatementView[] {
      const shown = filter.match;
      if (shown !== undefined) filter = { ...filter, match: expand(shown) };
      const select = (f: StatementFilter) => {
        const { sql, params } = buildStatementQuery(f, ROW_COLUMNS, chooseScopePlan(db, f));
        return db.prepare(sql).all(params) as Array<StatementRow & { search_rank?: number }>;
      };
      // A newest-first page of a search with many matches: the 'rowid' plan (search-newest.ts) unless it gives up.
      const walk = !pg && filter.match !== undefined && filter.sort !== 'relevance' && filter.limit !== undefined;
      const rows =
        (walk && countMatches(db, filter.match!, SEARCH_LOOKUP_MAX) > SEARCH_LOOKUP_MAX ? newestByRowid<StatementRow & { search_rank?: number }>(db, filter, ROW_COLUMNS) : null) ??
        select(filter);
      const views = rows.map((r) => (r.search_rank === undefined ? toStatementView(r) : { ...toStatementView(r), rank: r.search_rank }));
      if (shown === undefined) return views;
      const found = findHighlights(shown, views);
      return views.map((v) => ({ ...v, highlights: found.get(v.id) }));
    },

    /** Whether a search matches more than `cap` statements (counts at most cap + 1). */
    matchesMoreThan(match: string, cap: number): boolean {
      return countMatches(db, expand(match), cap) > cap;
    },

    hasPending(): boolean {
      return anyPending.get() === 1;
    },

    countByStatus(): Record<string, number> {
      const counts: Record<string, number> = { pending: 0, scored: 0, failed: 0, unsupported: 0 };
      for (const r of statusCounts.all() as Array<{ status: string; n: number }>) counts[r.status] = r.n;
      return counts;
    },

    count(): number {
      return countAll.get() as number;
    },

    /** True once any statement that is not demo data has been stored. */
    hasRealStatements(): boolean {
      return anyReal.get() === 1;
    },
  };
}
