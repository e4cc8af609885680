// The statement list query (API pages and streaming exports) and the row-to-view mapping.
import { actorNamesSql } from './actor-filter.ts';
import { ftsTerms } from './fts-query.ts';
import { langMixedOf } from '../shared/script-letters.ts';
import { scopeConditions, type ScopePlan } from './scope-filter.ts';
import type { StatementFilter, StatementRow, StatementView, StoredSignal } from './statement-types.ts';

export const ROW_COLUMNS = `s.id, s.external_id, s.text, s.speaker, s.source, s.url, s.published_at, s.received_at,
  s.occurred_at, s.origin, s.is_demo, s.status, s.score, s.level, s.actor, s.targets, s.signals, s.scorer_version, s.lang`;

/**
 * Builds the newest-first statement query for a filter. Exported so that streaming exports
 * run exactly the same query (on a read-only connection) as the paged API; they select their
 * own `columns` of `statements s` (default: the StatementRow columns). With a scope, `plan`
 * (chooseScopePlan) says how to find its rows; both plans select the same rows.
 */
export function buildStatementQuery(
  filter: StatementFilter,
  columns = ROW_COLUMNS,
  plan: ScopePlan = 'lookup',
): { sql: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const relevance = filter.sort === 'relevance' && filter.match !== undefined;
  // With a search, the full-text index (relevance, the 'rowid' and 'lookup' plans) or the time
  // index ('time', 'probe') drives; the filters on other tables only test rows, as correlated
  // EXISTS probes by id (no index may start from them, none is read whole).
  const searching = filter.match !== undefined;
  // PostgreSQL (chooseScopePlan on a PostgreSQL store): its planner needs no such steering, and
  // the search runs over statements.search (pg migration 002), not FTS5.
  const pg = plan === 'postgres';
  // Where the full-text index is joined (relevance, and the 'rowid' plan), tests by id name its
  // rowid: SQLite then runs them before it reads the statement's row (a few µs each, most of the
  // cost of a match that the filters reject).
  const rid = searching && !pg && (relevance || plan === 'rowid') ? 'f.rowid' : 's.id';
  if (filter.from !== undefined) {
    where.push('s.occurred_at >= @from');
    params.from = filter.from;
  }
  if (filter.to !== undefined) {
    where.push('s.occurred_at < @to');
    params.to = filter.to;
  }
  if (filter.minScore !== undefined) {
    where.push('s.score >= @minScore');
    params.minScore = filter.minScore;
  }
  if (filter.maxScore !== undefined) {
    where.push('s.score <= @maxScore');
    params.maxScore = filter.maxScore;
  }
  if (filter.status !== undefined) {
    where.push('s.status = @status');
    params.status = filter.status;
  }
  if (filter.level !== undefined) {
    where.push('s.level = @level');
    params.level = filter.level;
  }
  if (filter.origin !== undefined) {
    where.push('s.origin = @origin');
    params.origin = filter.origin;
  }
  if (filter.lang !== undefined) {
    where.push('s.lang = @lang');
    params.lang = filter.lang;
  }
  if (filter.actor !== undefined) {
    if (pg) {
      where.push('s.id IN (SELECT statement_id FROM statement_actors WHERE actor = @actor COLLATE NOCASE)');
      params.actor = filter.actor;
    } else if (searching) {
      // Only tests the rows the search found: one index probe each.
      where.push(`EXISTS (SELECT 1 FROM statement_actors fa WHERE fa.actor IN (${actorNamesSql(filter.actor, params)}) AND fa.statement_id = ${rid})`);
    } else {
      where.push(`s.id IN (SELECT statement_id FROM statement_actors WHERE actor IN (${actorNamesSql(filter.actor, params)}))`);
    }
  }
  if (filter.category !== undefined) {
    where.push(
      searching && !pg
        ? `EXISTS (SELECT 1 FROM statement_categories fc WHERE fc.category = @category AND fc.statement_id = ${rid})`
        : 's.id IN (SELECT statement_id FROM statement_categories WHERE category = @category)',
    );
    params.category = filter.category;
  }
  if (filter.dyad !== undefined) {
    // As the dyad scope: the canonical speaker, naming that target (never itself).
    const gt = filter.dyad.indexOf('>');
    params.dyadSpeaker = filter.dyad.slice(0, gt);
    params.dyadTarget = filter.dyad.slice(gt + 1);
    where.push(
      '@dyadSpeaker <> @dyadTarget',
      `EXISTS (SELECT 1 FROM statement_actors d WHERE d.actor = @dyadTarget AND d.statement_id = ${rid} AND d.role = 'target')`,
      's.actor = @dyadSpeaker',
    );
    // The speaker's own row in statement_actors (as the dyad scope's lookup plan): tested before the statement's row is read.
    if (rid !== 's.id') where.push(`EXISTS (SELECT 1 FROM statement_actors ds WHERE ds.actor = @dyadSpeaker AND ds.statement_id = ${rid} AND ds.role = 'speaker')`);
  }
  if (filter.scope !== undefined) where.push(...scopeConditions(filter.scope, params, searching && !pg ? 'time' : plan));
  if (filter.before !== undefined && !relevance) {
    where.push('(s.occurred_at < @beforeAt OR (s.occurred_at = @beforeAt AND s.id < @beforeId))');
    params.beforeAt = filter.before.occurredAt;
    params.beforeId = filter.before.id;
  }
  if (pg) return pgQuery(filter, columns, where, params, relevance);
  if (searching) params.match = filter.match;
  if (relevance) {
    // bm25: lower is better. Rows come best first, ties newest (highest id) first.
    where.unshift('statements_fts MATCH @match');
    if (filter.after !== undefined) {
      where.push('(f.rank > @afterRank OR (f.rank = @afterRank AND s.id < @afterId))');
      params.afterRank = filter.after.rank;
      params.afterId = filter.after.id;
    }
    let sql = `SELECT ${columns}, f.rank AS search_rank FROM statements_fts f JOIN statements s ON s.id = f.rowid WHERE ${where.join(' AND ')}`;
    sql += ' ORDER BY f.rank, s.id DESC';
    if (filter.limit !== undefined) {
      sql += ' LIMIT @limit';
      params.limit = filter.limit;
    }
    return { sql, params };
  }
  if (plan === 'rowid' && searching) {
    // The matches newest id first, one at a time (server/store/search-newest.ts walks them).
    where.unshift('statements_fts MATCH @match');
    return { sql: `SELECT ${columns} FROM statements_fts f JOIN statements s ON s.id = f.rowid WHERE ${where.join(' AND ')} ORDER BY f.rowid DESC`, params };
  }
  if (searching) {
    // 'lookup' and 'time': the matches gathered once (SQLite builds a temporary index, or
    // starts from them). 'probe' (chooseScopePlan): each row tested against the full-text index
    // by rowid; never with a prefix term, which has no doclist of its own: FTS5 merges every
    // term it covers on each test (2.6 s for a page of "minis*" over 1,000,000 statements).
    const prefix = / \*/.test(filter.match!);
    where.push(
      plan === 'probe' && !prefix
        ? 'EXISTS (SELECT 1 FROM statements_fts WHERE statements_fts MATCH @match AND rowid = s.id)'
        : 's.id IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH @match)',
    );
  }
  // The time plan walks the time index and tests each row; SQLite would otherwise start from
  // the scope's lookup rows (all of its history) whenever a subquery offers them.
  const timePlan = (plan === 'time' && (filter.scope !== undefined || searching)) || plan === 'probe';
  let sql = `SELECT ${columns} FROM statements s${timePlan ? ' INDEXED BY statements_occurred' : ''}`;
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  sql += ' ORDER BY s.occurred_at DESC, s.id DESC';
  if (filter.limit !== undefined) {
    sql += ' LIMIT @limit';
    params.limit = filter.limit;
    // A page of a few matches ('lookup': all of them sorted): sort their ids, then read the
    // page's rows, rather than carry every match's text through the sort (8.4 -> 3.4 ms for
    // 1,801 matches over 1,000,000 statements).
    if (searching && plan === 'lookup' && columns === ROW_COLUMNS) {
      sql = `SELECT ${columns} FROM statements s WHERE s.id IN (${sql.replace(`SELECT ${columns} FROM`, 'SELECT s.id FROM')}) ORDER BY s.occurred_at DESC, s.id DESC`;
    }
  }
  return { sql, params };
}

/**
 * The PostgreSQL form of the same query. A search is `s.search @@ search_query(terms, prefixes)`
 * (the GIN index drives, or the planner walks statements_occurred when matches are many: its
 * choice); relevance is ts_rank_cd, negated so that `rank` keeps its meaning on both stores
 * (lower is better, cursors compare it the same way), as float8 so that a cursor's rank
 * compares equal to the row's own.
 */
function pgQuery(
  filter: StatementFilter,
  columns: string,
  where: string[],
  params: Record<string, unknown>,
  relevance: boolean,
): { sql: string; params: Record<string, unknown> } {
  const query = 'search_query(@searchTerms, @searchPrefixes)';
  if (filter.match !== undefined) {
    const { terms, prefixes } = ftsTerms(filter.match);
    params.searchTerms = terms;
    params.searchPrefixes = prefixes;
    where.unshift(`s.search @@ ${query}`);
  }
  const rank = `(-ts_rank_cd(s.search, ${query}))::float8`;
  if (relevance && filter.after !== undefined) {
    where.push(`(${rank} > @afterRank OR (${rank} = @afterRank AND s.id < @afterId))`);
    params.afterRank = filter.after.rank;
    params.afterId = filter.after.id;
  }
  let sql = `SELECT ${columns}${relevance ? `, ${rank} AS search_rank` : ''} FROM statements s`;
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  sql += relevance ? ' ORDER BY search_rank, s.id DESC' : ' ORDER BY s.occurred_at DESC, s.id DESC';
  if (filter.limit !== undefined) {
    sql += ' LIMIT @limit';
    params.limit = filter.limit;
  }
  return { sql, params };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function parseJsonArray<T>(value: string | null): T[] {
  if (!value) return [];
  const parsed: unknown = JSON.parse(value);
  return Array.isArray(parsed) ? (parsed as T[]) : [];
}

export function toStatementView(row: StatementRow): StatementView {
  return {
    id: row.id,
    externalId: row.external_id,
    text: row.text,
    speaker: row.actor ?? row.speaker,
    targets: parseJsonArray<string>(row.targets),
    source: row.source,
    url: row.url,
    publishedAt: iso(row.published_at),
    receivedAt: new Date(row.received_at).toISOString(),
    occurredAt: new Date(row.occurred_at).toISOString(),
    origin: row.origin,
    isDemo: row.is_demo === 1,
    status: row.status,
    score: row.score,
    level: row.level,
    signals: parseJsonArray<StoredSignal>(row.signals),
    scorerVersion: row.scorer_version,
    lang: row.lang,
    langMixed: langMixedOf(row.text, row.lang, row.status),
  };
}
