// The statement list query (API pages and streaming exports) and the row-to-view mapping.
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
  if (filter.status !== undefined) {
    where.push('s.status = @status');
    params.status = filter.status;
  }
  if (filter.lang !== undefined) {
    where.push('s.lang = @lang');
    params.lang = filter.lang;
  }
  if (filter.actor !== undefined) {
    where.push('s.id IN (SELECT statement_id FROM statement_actors WHERE actor = @actor COLLATE NOCASE)');
    params.actor = filter.actor;
  }
  if (filter.category !== undefined) {
    where.push('s.id IN (SELECT statement_id FROM statement_categories WHERE category = @category)');
    params.category = filter.category;
  }
  if (filter.scope !== undefined) where.push(...scopeConditions(filter.scope, params, plan));
  if (filter.before !== undefined) {
    where.push('(s.occurred_at < @beforeAt OR (s.occurred_at = @beforeAt AND s.id < @beforeId))');
    params.beforeAt = filter.before.occurredAt;
    params.beforeId = filter.before.id;
  }
  // The time plan walks the time index and tests each row; SQLite would otherwise start from
  // the scope's lookup rows (all of its history) whenever a subquery offers them.
  const timePlan = plan === 'time' && filter.scope !== undefined;
  let sql = `SELECT ${columns} FROM statements s${timePlan ? ' INDEXED BY statements_occurred' : ''}`;
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  sql += ' ORDER BY s.occurred_at DESC, s.id DESC';
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
  };
}
