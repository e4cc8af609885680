// What a drill-down page reads besides the metrics: whether a scope exists, every known scope
// by name, and who and what the statements of a scope involve.
import type { Db } from './database.ts';
import { buildStatementQuery } from './statement-query.ts';
import { chooseScopePlan } from './scope-filter.ts';

export interface ScopeMatch {
  scope: string;
  /** Statements counted in the scope, all time (the day rollup). */
  count: number;
}

export interface NameCount {
  name: string;
  count: number;
  /** Highest score among those statements, rounded. */
  maxScore: number | null;
}

/** Most statements of a scope one drill-down summary reads (the newest of the range). */
export const DRILL_SAMPLE = 20_000;

export function createDrillQueries(db: Db) {
  const exists = db.prepare('SELECT 1 FROM metric_buckets_day WHERE scope = ? LIMIT 1').pluck();
  const total = db.prepare('SELECT SUM(n) FROM metric_buckets_day WHERE scope = ?').pluck();
  // One pass over the day rollup (scopes × days, a few thousand rows): the name after the kind
  // compared case-insensitively; names that start with the text first, then the busiest.
  const search = db.prepare(`
    SELECT scope, SUM(n) AS count,
           instr(lower(substr(scope, instr(scope, ':') + 1)), @q) AS pos
    FROM metric_buckets_day
    WHERE scope <> 'global' AND (@kind = '' OR scope LIKE @kind || ':%')
      AND instr(lower(substr(scope, instr(scope, ':') + 1)), @q) > 0
    GROUP BY scope
    ORDER BY pos <> 1, count DESC, scope
    LIMIT @limit`);

  return {
    exists(scope: string): boolean {
      return exists.get(scope) !== undefined;
    },
    total(scope: string): number {
      return (total.get(scope) as number | null) ?? 0;
    },
    /** Known scopes whose name contains `q` (any case); `kind` narrows to actor, dyad or category. */
    search(q: string, kind: '' | 'actor' | 'dyad' | 'category', limit: number): ScopeMatch[] {
      const rows = search.all({ q: q.toLowerCase(), kind, limit }) as Array<ScopeMatch & { pos: number }>;
      return rows.map((r) => ({ scope: r.scope, count: r.count }));
    },
    /**
     * Speakers, targets and signal categories of the scope's statements said in [from, to)
     * (the newest DRILL_SAMPLE of them), each with its statement count and highest score.
     * `exclude` leaves the scope's own actors out of the speaker and target lists.
     */
    involved(scope: string, from: number, to: number, exclude: string[], limit = 10) {
      const filter = { scope, from, to, limit: DRILL_SAMPLE };
      const { sql, params } = buildStatementQuery(filter, 's.id, s.score', chooseScopePlan(db, filter));
      const skip = exclude.length > 0 ? `AND a.actor NOT IN (${exclude.map((_, i) => `@x${i}`).join(', ')})` : '';
      exclude.forEach((x, i) => (params[`x${i}`] = x));
      const actors = (role: 'speaker' | 'target') =>
        db
          .prepare(
            `WITH sel AS (${sql}) SELECT a.actor AS name, COUNT(*) AS count, ROUND(MAX(sel.score)) AS maxScore
             FROM sel JOIN statement_actors a ON a.statement_id = sel.id AND a.role = '${role}' ${skip}
             GROUP BY a.actor ORDER BY count DESC, maxScore DESC, name LIMIT ${limit}`,
          )
          .all(params) as NameCount[];
      const categories = db
        .prepare(
          `WITH sel AS (${sql}) SELECT c.category AS name, COUNT(*) AS count, ROUND(MAX(sel.score)) AS maxScore
           FROM sel JOIN statement_categories c ON c.statement_id = sel.id
           GROUP BY c.category ORDER BY count DESC, maxScore DESC, name LIMIT ${limit}`,
        )
        .all(params) as NameCount[];
      return { speakers: actors('speaker'), targets: actors('target'), categories };
    },
    /**
     * Who speaks about `actor`: speakers of scored statements in [from, to) that name it as a
     * target (the dyads SPEAKER>actor), each with its count and highest score.
     */
    targetedBy(actor: string, from: number, to: number, limit = 10): NameCount[] {
      return db
        .prepare(
          `SELECT s.actor AS name, COUNT(*) AS count, ROUND(MAX(s.score)) AS maxScore
           FROM statement_actors t JOIN statements s ON s.id = t.statement_id
           WHERE t.actor = ? AND t.role = 'target' AND s.status = 'scored' AND s.actor IS NOT NULL AND s.actor <> ?
             AND s.occurred_at >= ? AND s.occurred_at < ?
           GROUP BY s.actor ORDER BY count DESC, maxScore DESC, name LIMIT ${Math.trunc(limit)}`,
        )
        .all(actor, actor, from, to) as NameCount[];
    },
  };
}

export type DrillQueries = ReturnType<typeof createDrillQueries>;
