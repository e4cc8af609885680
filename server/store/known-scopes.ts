import type { Db } from './database.ts';

/** Most distinct scopes of one kind read for a rule check (each is one index seek). */
const MAX_SCOPES = 50_000;

/**
 * The distinct scopes present in stored data, from the day rollup's primary key (scope,
 * bucket_start): one index seek per distinct scope ("the next scope after this one"), so the
 * cost grows with the number of scopes, not with the number of days or statements.
 */
export function createKnownScopes(db: Db) {
  const next = db.prepare('SELECT scope FROM metric_buckets_day WHERE scope > ? AND scope < ? ORDER BY scope LIMIT 1').pluck();
  return {
    /** Scopes that start with `prefix` (e.g. 'actor:'), in byte order, at most `limit`. */
    withPrefix(prefix: string, limit = MAX_SCOPES): string[] {
      // Every string that starts with the prefix sorts before the prefix with its last character incremented.
      const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
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
