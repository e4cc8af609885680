import type { Db } from './database.ts';
import { isPostgres } from './pg/pg-database.ts';

/** Most distinct scopes of one kind read for a rule check (each is one index seek). */
const MAX_SCOPES = 50_000;

/**
 * The distinct scopes present in stored data, from the day rollup's primary key (scope,
 * bucket_start): one index seek per distinct scope ("the next scope after this one"), so the
 * cost grows with the number of scopes, not with the number of days or statements.
 */
export function createKnownScopes(db: Db) {
  const next = db.prepare('SELECT scope FROM metric_buckets_day WHERE scope > ? AND scope < ? ORDER BY scope LIMIT 1').pluck();
  // PostgreSQL: the same seeks in one recursive statement (a loose index scan), not one round
  // trip per scope; `scope` is byte-ordered there too (COLLATE "C", pg migration 003).
  const seekAll = isPostgres(db)
    ? db
        .prepare(
          `WITH RECURSIVE found(scope, k) AS (
             (SELECT scope, 1 FROM metric_buckets_day WHERE scope > @after AND scope < @upper ORDER BY scope LIMIT 1)
             UNION ALL
             SELECT (SELECT d.scope FROM metric_buckets_day d WHERE d.scope > found.scope AND d.scope < @upper ORDER BY d.scope LIMIT 1), found.k + 1
             FROM found WHERE found.scope IS NOT NULL AND found.k < @limit)
           SELECT scope FROM found WHERE scope IS NOT NULL ORDER BY k`,
        )
        .pluck()
    : null;
  return {
    /** Scopes that start with `prefix` (e.g. 'actor:'), in byte order, at most `limit`. */
    withPrefix(prefix: string, limit = MAX_SCOPES): string[] {
      // Every string that starts with the prefix sorts before the prefix with its last character incremented.
      const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
      if (seekAll !== null) return limit < 1 ? [] : (seekAll.all({ after: prefix, upper, limit }) as string[]);
      const out: string[] = [];
      let after = prefix;
      while (out.length < limit) {
        const s = next.get(after, upper) as string | undefined;
        if (s === undefined) break;
        out.push(s);
        after = s;
      }
      return out;
    },
  };
}

export type KnownScopes = ReturnType<typeof createKnownScopes>;
