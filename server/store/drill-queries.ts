// What a drill-down page reads besides the metrics: whether a scope exists, every known scope
// by name, and who and what the statements of a scope involve.
import type { Db } from './database.ts';
import { isPostgres } from './pg/pg-database.ts';
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

/** A JSON array of strings as stored (targets, categories); anything else reads as empty. */
function parseList(json: string | null): unknown[] {
  if (!json) return [];
  const v: unknown = JSON.parse(json);
  return Array.isArray(v) ? v : [];
}

export function createDrillQueries(db: Db) {
  const exists = db.prepare('SELECT 1 FROM metric_buckets_day WHERE scope = ? LIMIT 1').pluck();
  const total = db.prepare('SELECT SUM(n) FROM metric_buckets_day WHERE scope = ?').pluck();
  // One pass over the day rollup (scopes × days, a few thousand rows): the name after the kind
  // compared case-insensitively; names that start with the text first, then the busiest.
  // PostgreSQL orders by an alias only when it stands alone: there, the expression again.
  const pos = `instr(lower(substr(scope, instr(scope, ':') + 1)), @q)`;
  const search = db.prepare(`
    SELECT scope, SUM(n) AS count,
           ${pos} AS pos
    FROM metric_buckets_day
    WHERE scope <> 'global' AND (@kind = '' OR scope LIKE @kind || ':%')
      AND ${pos} > 0
    GROUP BY scope
    ORDER BY ${isPostgres(db) ? pos : 'pos'} <> 1, count DESC, scope
    LIMIT @limit`);

  // The distinct categories of a statement's stored signals, as a JSON array's text (NULL or '[]' when none).
  const categoriesColumn = isPostgres(db)
    ? `(SELECT CAST(json_agg(DISTINCT j.value ->> 'category') AS TEXT) FROM json_array_elements(CAST(s.signals AS json)) j) AS cats`
    : `(SELECT json_group_array(DISTINCT json_extract(j.value, '$.category')) FROM json_each(s.signals) j) AS cats`;

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
      // One pass over the selected statements' own columns (actor, targets, the signals'
      // categories), counted here: the cost follows the statements of the range, never the
      // whole statement_actors table (scripts/bench/drill-bench.ts).
      const { sql, params } = buildStatementQuery(
        filter,
        `s.score, s.actor, s.targets, ${categoriesColumn}`,
        chooseScopePlan(db, filter),
      );
      const skip = new Set(exclude);
      const speakers = new Map<string, NameCount>();
      const targets = new Map<string, NameCount>();
      const categories = new Map<string, NameCount>();
      const count = (m: Map<string, NameCount>, name: unknown, score: number | null) => {
        if (typeof name !== 'string' || name === '' || (skip.has(name) && m !== categories)) return;
        const c = m.get(name) ?? { name, count: 0, maxScore: null };
        c.count++;
        if (score !== null && (c.maxScore === null || score > c.maxScore)) c.maxScore = score;
        m.set(name, c);
      };
      for (const r of db.prepare(sql).iterate(params) as Iterable<{ score: number | null; actor: string | null; targets: string | null; cats: string }>) {
        count(speakers, r.actor, r.score);
        for (const t of new Set(parseList(r.targets))) count(targets, t, r.score);
        for (const c of parseList(r.cats)) count(categories, c, r.score);
      }
      const top = (m: Map<string, NameCount>) =>
        [...m.values()]
          .map((c) => ({ ...c, maxScore: c.maxScore === null ? null : Math.round(c.maxScore) }))
          .sort((a, b) => b.count - a.count || (b.maxScore ?? -1) - (a.maxScore ?? -1) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
          .slice(0, limit);
      return { speakers: top(speakers), targets: top(targets), categories: top(categories) };
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
