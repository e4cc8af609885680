// The statement list query (API pages and streaming exports) and the row-to-view mapping.
import type { StatementFilter, StatementRow, StatementView, StoredSignal } from './statement-types.ts';

export const ROW_COLUMNS = `s.id, s.external_id, s.text, s.speaker, s.source, s.url, s.published_at, s.received_at,
  s.occurred_at, s.origin, s.is_demo, s.status, s.score, s.level, s.actor, s.targets, s.signals, s.scorer_version`;

/**
 * Builds the newest-first statement query for a filter. Exported so that streaming exports
 * run exactly the same query (on a read-only connection) as the paged API; they select their
 * own `columns` of `statements s` (default: the StatementRow columns).
 */
export function buildStatementQuery(filter: StatementFilter, columns = ROW_COLUMNS): { sql: string; params: Record<string, unknown> } {
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
  if (filter.actor !== undefined) {
    where.push('s.id IN (SELECT statement_id FROM statement_actors WHERE actor = @actor COLLATE NOCASE)');
    params.actor = filter.actor;
  }
  if (filter.category !== undefined) {
    where.push('s.id IN (SELECT statement_id FROM statement_categories WHERE category = @category)');
    params.category = filter.category;
  }
  if (filter.scope !== undefined) where.push(...scopeConditions(filter.scope, params));
  if (filter.before !== undefined) {
    where.push('(s.occurred_at < @beforeAt OR (s.occurred_at = @beforeAt AND s.id < @beforeId))');
    params.beforeAt = filter.before.occurredAt;
    params.beforeId = filter.before.id;
  }
  let sql = `SELECT ${columns} FROM statements s`;
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  sql += ' ORDER BY s.occurred_at DESC, s.id DESC';
  if (filter.limit !== undefined) {
    sql += ' LIMIT @limit';
    params.limit = filter.limit;
  }
  return { sql, params };
}

/**
 * The statements that count in a metric scope, exactly as scopesFor() (server/metrics) assigns
 * them: only scored statements count; actor = the statement's canonical speaker (not any
 * mention); dyad = that speaker naming that target (never itself); category = at least one
 * signal of that category. Matching is exact, like the scope keys of the metric buckets. The
 * statement_actors and statement_categories keys (actor|category, statement_id) make each a
 * lookup rather than a scan. A scope that is none of these matches nothing.
 */
function scopeConditions(scope: string, params: Record<string, unknown>): string[] {
  const where = ["s.status = 'scored'"];
  if (scope === 'global') return where;
  const colon = scope.indexOf(':');
  const kind = colon < 0 ? '' : scope.slice(0, colon);
  const name = scope.slice(colon + 1);
  if (kind === 'actor') {
    where.push('s.actor = @scopeSpeaker', `s.id IN (SELECT statement_id FROM statement_actors WHERE actor = @scopeSpeaker AND role = 'speaker')`);
    params.scopeSpeaker = name;
  } else if (kind === 'dyad' && name.includes('>')) {
    const gt = name.indexOf('>');
    where.push(
      's.actor = @scopeSpeaker',
      '@scopeSpeaker <> @scopeTarget',
      `s.id IN (SELECT statement_id FROM statement_actors WHERE actor = @scopeTarget AND role = 'target')`,
    );
    params.scopeSpeaker = name.slice(0, gt);
    params.scopeTarget = name.slice(gt + 1);
  } else if (kind === 'category') {
    where.push('s.id IN (SELECT statement_id FROM statement_categories WHERE category = @scopeCategory)');
    params.scopeCategory = name;
  } else {
    where.push('0');
  }
  return where;
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
  };
}
