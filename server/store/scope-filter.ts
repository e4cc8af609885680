// The statements of a metric scope, as SQL over `statements s`, and how to find them fast.
import type { Db } from './database.ts';
import { ftsTerms } from './fts-query.ts';
import { isPostgres } from './pg/pg-database.ts';
import type { StatementFilter } from './statement-types.ts';

/**
 * 'time': walk the statements of the range newest first (statements_occurred) and test each;
 * cheap when the scope is common in the range or a page is short. 'lookup': start from the
 * scope's rows in statement_actors / statement_categories (all of its history) and sort them;
 * cheap when the scope is rare. Both select exactly the same statements. 'postgres': the
 * query as PostgreSQL runs it (chooseScopePlan on a PostgreSQL store): its planner picks among
 * these itself, from its statistics, so the query offers it every path (the lookup form) and
 * steers nothing.
 */
export type ScopePlan = 'time' | 'lookup' | 'probe' | 'rowid' | 'postgres';

/**
 * The statements that count in a metric scope, exactly as scopesFor() (server/metrics) assigns
 * them: only scored statements count; actor = the statement's canonical speaker (not any
 * mention); dyad = that speaker naming that target (never itself); category = at least one
 * signal of that category. Names match exactly, like the scope keys of the metric buckets. A
 * scope that is none of these matches nothing.
 */
export function scopeConditions(scope: string, params: Record<string, unknown>, plan: ScopePlan): string[] {
  const where = ["s.status = 'scored'"];
  if (scope === 'global') return where;
  const lookup = plan === 'lookup' || plan === 'postgres';
  const colon = scope.indexOf(':');
  const kind = colon < 0 ? '' : scope.slice(0, colon);
  const name = scope.slice(colon + 1);
  const speakerRows = `s.id IN (SELECT statement_id FROM statement_actors WHERE actor = @scopeSpeaker AND role = 'speaker')`;
  if (kind === 'actor') {
    params.scopeSpeaker = name;
    where.push('s.actor = @scopeSpeaker');
    if (lookup) where.push(speakerRows);
  } else if (kind === 'dyad' && name.includes('>')) {
    const gt = name.indexOf('>');
    params.scopeSpeaker = name.slice(0, gt);
    params.scopeTarget = name.slice(gt + 1);
    where.push(
      's.actor = @scopeSpeaker',
      '@scopeSpeaker <> @scopeTarget',
      `EXISTS (SELECT 1 FROM statement_actors t WHERE t.actor = @scopeTarget AND t.statement_id = s.id AND t.role = 'target')`,
    );
    if (lookup) where.push(speakerRows);
  } else if (kind === 'category') {
    params.scopeCategory = name;
    where.push(
      lookup
        ? 's.id IN (SELECT statement_id FROM statement_categories WHERE category = @scopeCategory)'
        : 'EXISTS (SELECT 1 FROM statement_categories c WHERE c.category = @scopeCategory AND c.statement_id = s.id)',
    );
  } else {
    where.push('1 = 0'); // (a bare 0 is no boolean on PostgreSQL)
  }
  return where;
}

const DAY_MS = 86_400_000;

/**
 * Picks the cheaper plan from the day rollups of the metric buckets (a few thousand rows at
 * most): the time plan visits about min(range, limit / share) rows, where share is the scope's
 * part of the range; the lookup plan visits every statement of the scope's lookup rows (the
 * speaker's for actor and dyad scopes, the category's). Measured on 200,000 statements: a page
 * of a common scope 0.2 ms by time against ~280 ms by lookup; a page of a rare one over 180 days
 * ~1-10 ms by lookup against 120-520 ms by time.
 */
export function chooseScopePlan(db: Db, filter: StatementFilter): ScopePlan {
  if (isPostgres(db)) return 'postgres';
  if (filter.match !== undefined) return chooseSearchPlan(db, filter.match);
  const scope = filter.scope;
  if (scope === undefined || scope === 'global') return 'time';
  const from = filter.from ?? 0;
  let to = filter.to ?? Number.MAX_SAFE_INTEGER;
  if (filter.before) to = Math.min(to, filter.before.occurredAt + 1);
  const dyad = /^dyad:(.+?)>/.exec(scope);
  const lookupScope = dyad ? `actor:${dyad[1]}` : scope;
  const sums = db
    .prepare(
      `SELECT scope, SUM(n) AS n FROM metric_buckets_day
       WHERE scope IN ('global', @scope) AND bucket_start >= @from AND bucket_start < @to GROUP BY scope`,
    )
    .all({ scope, from: from - (from % DAY_MS), to }) as Array<{ scope: string; n: number }>;
  const inRange = (s: string) => sums.find((r) => r.scope === s)?.n ?? 0;
  const rangeTotal = inRange('global');
  const share = inRange(scope) / Math.max(1, rangeTotal);
  const timeCost = filter.limit === undefined || share === 0 ? rangeTotal : Math.min(rangeTotal, filter.limit / share);
  const lookupCost = (db.prepare('SELECT SUM(n) FROM metric_buckets_day WHERE scope = ?').pluck().get(lookupScope) as number | null) ?? 0;
  return timeCost <= lookupCost ? 'time' : 'lookup';
}

/**
 * A newest-first search (server/store/statement-query.ts) has three plans, chosen by how many
 * statements match (counted up to SEARCH_PROBE_MIN, ~0.04 µs a match):
 * - 'lookup' (at most SEARCH_LOOKUP_MAX): read each match's row, sort them;
 * - 'time': walk the time index newest first, testing each row against the matches gathered
 *   once into a temporary index (cost grows with the matches, not with how far the walk goes);
 * - 'probe' (more than SEARCH_PROBE_MIN): walk the time index testing each row against the
 *   full-text index by rowid (~0.1-0.3 ms a test), cheap only when matches are dense.
 * Measured on 1,000,000 statements, CPU ms of a page (scripts/bench/search-bench.ts, tmp probes):
 * 17k matches: time 4 against probe 800; 128k: time 29 against probe 49-65; 424k: time 84
 * against probe 14.
 */
export const SEARCH_LOOKUP_MAX = 2_000;
export const SEARCH_PROBE_MIN = 250_000;

/** Matches of an FTS5 expression, counted up to `cap` + 1. */
export function countMatches(db: Db, match: string, cap: number): number {
  if (isPostgres(db)) {
    return db
      .prepare('SELECT COUNT(*) FROM (SELECT 1 FROM statements WHERE search @@ search_query(@terms, @prefixes) LIMIT @cap) m')
      .pluck()
      .get({ ...ftsTerms(match), cap: cap + 1 }) as number;
  }
  return db.prepare('SELECT COUNT(*) FROM (SELECT 1 FROM statements_fts WHERE statements_fts MATCH ? LIMIT ?)').pluck().get(match, cap + 1) as number;
}

function chooseSearchPlan(db: Db, match: string): ScopePlan {
  const n = countMatches(db, match, SEARCH_PROBE_MIN);
  return n <= SEARCH_LOOKUP_MAX ? 'lookup' : n <= SEARCH_PROBE_MIN ? 'time' : 'probe';
}
