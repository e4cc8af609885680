import type { Db } from './database.ts';
import { createDeliveriesRepo } from './deliveries-repo.ts';
import { isPostgres } from './pg/pg-database.ts';
import type { Channel, RuleFields, RuleRecord, AlertState, AlertRecord, TopStatement, AlertEventRecord, FiringAlert } from './alert-records.ts';

export type { DeliveryAttempt, DeliveryRecord } from './deliveries-repo.ts';

/** Alert rules, alert episodes, their events and the delivery outbox. Times are unix ms. */

export type { Channel, RuleFields, RuleRecord, AlertState, AlertRecord, TopStatement, AlertEventRecord, FiringAlert } from './alert-records.ts';

const RULE_COLUMNS = `id, name, scope, time_window AS window, metric, threshold, recover_below AS recoverBelow,
  for_seconds AS forSeconds, repeat_seconds AS repeatSeconds, min_statements AS minStatements, severity, channels,
  enabled, silenced_until AS silencedUntil, silence_reason AS silenceReason, created_at AS createdAt,
  updated_at AS updatedAt, deleted_at AS deletedAt`;

/**
 * Whether the alert's rule has a dashboard channel. channels is a JSON array kept as TEXT on both
 * stores; SQLite walks it with json_each, PostgreSQL casts it to jsonb and asks for containment
 * (1/0 on both: PgDatabase returns booleans as integers).
 */
const HAS_DASHBOARD = {
  sqlite: `EXISTS (SELECT 1 FROM json_each(r.channels) c WHERE json_extract(c.value, '$.type') = 'dashboard')`,
  postgres: `(r.channels::jsonb @> '[{"type": "dashboard"}]'::jsonb)`,
};

const alertColumns = (db: Db) => `a.id, a.rule_id AS ruleId, r.name AS ruleName,
  ${HAS_DASHBOARD[isPostgres(db) ? 'postgres' : 'sqlite']} AS dashboard, a.state, a.scope, a.time_window AS window, a.metric,
  a.severity, a.threshold, a.value, a.peak_value AS peakValue, a.started_at AS startedAt, a.fired_at AS firedAt,
  a.resolved_at AS resolvedAt, a.end_reason AS endReason, a.no_data_since AS noDataSince,
  a.last_notified_at AS lastNotifiedAt, a.notify_count AS notifyCount, a.ack_at AS ackAt, a.ack_by AS ackBy,
  a.ack_reason AS ackReason, a.updated_at AS updatedAt`;

const EVENT_COLUMNS = `id, alert_id AS alertId, at, kind, from_state AS fromState, to_state AS toState, value,
  time_window AS window, count, threshold, top_statements AS topStatements, note`;

type RuleRow = Omit<RuleRecord, 'channels' | 'enabled'> & { channels: string; enabled: number };

function toRule(row: RuleRow): RuleRecord {
  return { ...row, channels: JSON.parse(row.channels) as Channel[], enabled: row.enabled === 1 };
}

type AlertRow = Omit<AlertRecord, 'dashboard'> & { dashboard: number };

function toAlert(row: AlertRow | undefined): AlertRecord | null {
  return row ? { ...row, dashboard: row.dashboard === 1 } : null;
}

function toEvent(row: Omit<AlertEventRecord, 'topStatements'> & { topStatements: string }): AlertEventRecord {
  return { ...row, topStatements: JSON.parse(row.topStatements) as TopStatement[] };
}

/**
 * Alerts that were firing at some time in [from, to): fired before `to` and not resolved
 * before `from`. Acknowledged alerts are still firing. Pending and cancelled episodes never
 * fired and are not included. Optionally limited to one scope ('global', 'actor:X', ...).
 * This is the contract the history CSV export relies on.
 */
export function firingAlertsBetween(db: Db, from: number, to: number, scope?: string): FiringAlert[] {
  const sql = `SELECT a.id, a.rule_id AS ruleId, r.name AS ruleName, a.scope, a.severity, a.state,
      a.fired_at AS firedAt, a.resolved_at AS resolvedAt, a.peak_value AS peakValue
    FROM alerts a JOIN alert_rules r ON r.id = a.rule_id
    WHERE a.fired_at IS NOT NULL AND a.fired_at < @to AND (a.resolved_at IS NULL OR a.resolved_at > @from)
      ${scope === undefined ? '' : 'AND a.scope = @scope'}
    ORDER BY a.fired_at, a.id`;
  return db.prepare(sql).all({ from, to, ...(scope === undefined ? {} : { scope }) }) as FiringAlert[];
}

/**
 * The transaction-scoped advisory lock that serialises rule evaluation across the nodes of one
 * PostgreSQL database (every node evaluates after its own scoring batches). 'BRKWALRT' in ASCII,
 * apart from the leader lock ('BRKWLEAD') and the migration lock.
 */
export const EVALUATION_LOCK_KEY = 0x42524b57414c5254n;

export function createAlertsRepo(db: Db) {
  const evaluationLock = isPostgres(db) ? db.prepare('SELECT pg_advisory_xact_lock(CAST(? AS BIGINT))') : null;
  const ALERT_COLUMNS = alertColumns(db);
  const insertRuleStmt = db.prepare(`
    INSERT INTO alert_rules (name, scope, time_window, metric, threshold, recover_below, for_seconds, repeat_seconds,
      min_statements, severity, channels, enabled, created_at, updated_at)
    VALUES (@name, @scope, @window, @metric, @threshold, @recoverBelow, @forSeconds, @repeatSeconds,
      @minStatements, @severity, @channels, @enabled, @now, @now)`);
  const updateRuleStmt = db.prepare(`
    UPDATE alert_rules SET name = @name, scope = @scope, time_window = @window, metric = @metric, threshold = @threshold,
      recover_below = @recoverBelow, for_seconds = @forSeconds, repeat_seconds = @repeatSeconds,
      min_statements = @minStatements, severity = @severity, channels = @channels, enabled = @enabled, updated_at = @now
    WHERE id = @id AND deleted_at IS NULL`);
  const ruleById = db.prepare(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE id = ? AND deleted_at IS NULL`);
  const listRulesStmt = db.prepare(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE deleted_at IS NULL ORDER BY id`);
  const countAllRules = db.prepare('SELECT COUNT(*) FROM alert_rules').pluck();
  const deleteRuleStmt = db.prepare('UPDATE alert_rules SET deleted_at = ?, enabled = 0, updated_at = ? WHERE id = ? AND deleted_at IS NULL');
  const silenceStmt = db.prepare(
    'UPDATE alert_rules SET silenced_until = ?, silence_reason = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL',
  );

  const openAlertStmt = db.prepare(
    `SELECT ${ALERT_COLUMNS} FROM alerts a JOIN alert_rules r ON r.id = a.rule_id WHERE a.rule_id = ? AND a.state IN ('pending', 'firing')`,
  );
  const alertById = db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts a JOIN alert_rules r ON r.id = a.rule_id WHERE a.id = ?`);
  const insertAlertStmt = db.prepare(`
    INSERT INTO alerts (rule_id, state, scope, time_window, metric, severity, threshold, value, peak_value, started_at,
      fired_at, updated_at)
    VALUES (@ruleId, @state, @scope, @window, @metric, @severity, @threshold, @value, @value, @startedAt, @firedAt, @startedAt)`);
  const insertEventStmt = db.prepare(`
    INSERT INTO alert_events (alert_id, at, kind, from_state, to_state, value, time_window, count, threshold, top_statements, note)
    VALUES (@alertId, @at, @kind, @fromState, @toState, @value, @window, @count, @threshold, @topStatements, @note)`);
  const eventsStmt = db.prepare(`SELECT ${EVENT_COLUMNS} FROM alert_events WHERE alert_id = ? ORDER BY id`);

  const topAll = db.prepare(`
    SELECT id, score, actor AS speaker, occurred_at AS occurredAt, substr(text, 1, 280) AS text FROM statements
    WHERE status = 'scored' AND occurred_at > @from AND occurred_at <= @to
    ORDER BY score DESC, occurred_at DESC LIMIT @limit`);
  const topActor = db.prepare(`
    SELECT s.id, s.score, s.actor AS speaker, s.occurred_at AS occurredAt, substr(s.text, 1, 280) AS text FROM statements s
    JOIN statement_actors sa ON sa.statement_id = s.id AND sa.actor = @a AND sa.role = 'speaker'
    WHERE s.status = 'scored' AND s.occurred_at > @from AND s.occurred_at <= @to
    ORDER BY s.score DESC, s.occurred_at DESC LIMIT @limit`);
  const topDyad = db.prepare(`
    SELECT s.id, s.score, s.actor AS speaker, s.occurred_at AS occurredAt, substr(s.text, 1, 280) AS text FROM statements s
    JOIN statement_actors sa ON sa.statement_id = s.id AND sa.actor = @a AND sa.role = 'speaker'
    JOIN statement_actors st ON st.statement_id = s.id AND st.actor = @b AND st.role = 'target'
    WHERE s.status = 'scored' AND s.occurred_at > @from AND s.occurred_at <= @to
    ORDER BY s.score DESC, s.occurred_at DESC LIMIT @limit`);
  const topCategory = db.prepare(`
    SELECT s.id, s.score, s.actor AS speaker, s.occurred_at AS occurredAt, substr(s.text, 1, 280) AS text FROM statements s
    JOIN statement_categories sc ON sc.statement_id = s.id AND sc.category = @a
    WHERE s.status = 'scored' AND s.occurred_at > @from AND s.occurred_at <= @to
    ORDER BY s.score DESC, s.occurred_at DESC LIMIT @limit`);

  const ruleParams = (f: RuleFields, now: number) => ({
    ...f,
    channels: JSON.stringify(f.channels),
    enabled: f.enabled ? 1 : 0,
    now,
  });

  const rulesAndAlerts = {
    /**
     * Call first inside an evaluation's transaction: waits until no other node is evaluating and
     * holds that until commit, so two nodes never decide on the same open alert at once (one
     * would fire it, the other fire it again or hit alerts_one_open_per_rule). SQLite: one
     * process evaluates, nothing to wait for.
     */
    serializeEvaluation(): void {
      evaluationLock?.run(EVALUATION_LOCK_KEY);
    },
    insertRule(f: RuleFields, now: number): number {
      return Number(insertRuleStmt.run(ruleParams(f, now)).lastInsertRowid);
    },
    updateRule(id: number, f: RuleFields, now: number): boolean {
      return updateRuleStmt.run({ ...ruleParams(f, now), id }).changes === 1;
    },
    /** Soft delete: the rule disappears from lists; alerts it raised keep their name. */
    deleteRule(id: number, now: number): boolean {
      return deleteRuleStmt.run(now, now, id).changes === 1;
    },
    setSilence(id: number, until: number | null, reason: string | null, now: number): boolean {
      return silenceStmt.run(until, reason, now, id).changes === 1;
    },
    getRule(id: number): RuleRecord | null {
      const row = ruleById.get(id) as RuleRow | undefined;
      return row ? toRule(row) : null;
    },
    listRules(): RuleRecord[] {
      return (listRulesStmt.all() as RuleRow[]).map(toRule);
    },
    /** Counts deleted rules too: defaults are seeded only into a table that never held a rule. */
    countRulesEver(): number {
      return countAllRules.get() as number;
    },

    openAlertFor(ruleId: number): AlertRecord | null {
      return toAlert(openAlertStmt.get(ruleId) as AlertRow | undefined);
    },
    getAlert(id: number): AlertRecord | null {
      return toAlert(alertById.get(id) as AlertRow | undefined);
    },
    listAlerts(filter: { states?: AlertState[]; acknowledged?: boolean; ruleId?: number; beforeId?: number; limit: number }): AlertRecord[] {
      const where: string[] = [];
      const params: Record<string, unknown> = { limit: filter.limit };
      if (filter.states && filter.states.length > 0) {
        where.push(`a.state IN (${filter.states.map((_, i) => `@s${i}`).join(', ')})`);
        filter.states.forEach((s, i) => (params[`s${i}`] = s));
      }
      if (filter.acknowledged !== undefined) where.push(filter.acknowledged ? 'a.ack_at IS NOT NULL' : 'a.ack_at IS NULL');
      if (filter.ruleId !== undefined) {
        where.push('a.rule_id = @ruleId');
        params.ruleId = filter.ruleId;
      }
      if (filter.beforeId !== undefined) {
        where.push('a.id < @beforeId');
        params.beforeId = filter.beforeId;
      }
      const sql = `SELECT ${ALERT_COLUMNS} FROM alerts a JOIN alert_rules r ON r.id = a.rule_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT @limit`;
      return (db.prepare(sql).all(params) as AlertRow[]).map((r) => toAlert(r)!);
    },
    insertAlert(
      a: Pick<AlertRecord, 'ruleId' | 'scope' | 'window' | 'metric' | 'severity' | 'threshold' | 'value' | 'startedAt' | 'firedAt'> & {
        state: 'pending' | 'firing';
      },
    ): number {
      return Number(insertAlertStmt.run(a).lastInsertRowid);
    },
    /** Updates the given columns of one alert (camelCase keys of AlertRecord that live on the row). */
    updateAlert(
      id: number,
      fields: Partial<
        Pick<
          AlertRecord,
          | 'state'
          | 'severity'
          | 'threshold'
          | 'value'
          | 'peakValue'
          | 'firedAt'
          | 'resolvedAt'
          | 'endReason'
          | 'noDataSince'
          | 'lastNotifiedAt'
          | 'notifyCount'
          | 'ackAt'
          | 'ackBy'
          | 'ackReason'
          | 'updatedAt'
        >
      >,
    ): void {
      const columns: Record<string, string> = {
        state: 'state',
        severity: 'severity',
        threshold: 'threshold',
        value: 'value',
        peakValue: 'peak_value',
        firedAt: 'fired_at',
        resolvedAt: 'resolved_at',
        endReason: 'end_reason',
        noDataSince: 'no_data_since',
        lastNotifiedAt: 'last_notified_at',
        notifyCount: 'notify_count',
        ackAt: 'ack_at',
        ackBy: 'ack_by',
        ackReason: 'ack_reason',
        updatedAt: 'updated_at',
      };
      const keys = Object.keys(fields).filter((k) => k in columns);
      if (keys.length === 0) return;
      db.prepare(`UPDATE alerts SET ${keys.map((k) => `${columns[k]} = @${k}`).join(', ')} WHERE id = @id`).run({ ...fields, id });
    },

    insertEvent(e: Omit<AlertEventRecord, 'id'>): number {
      return Number(insertEventStmt.run({ ...e, topStatements: JSON.stringify(e.topStatements) }).lastInsertRowid);
    },
    listEvents(alertId: number): AlertEventRecord[] {
      return (eventsStmt.all(alertId) as Array<Omit<AlertEventRecord, 'topStatements'> & { topStatements: string }>).map(toEvent);
    },

    /** The highest-scored statements of a scope in (from, to]: the evidence behind an alert event. */
    topStatements(scope: string, from: number, to: number, limit = 5): TopStatement[] {
      const range = { from, to, limit };
      if (scope === 'global') return topAll.all(range) as TopStatement[];
      const colon = scope.indexOf(':');
      const kind = scope.slice(0, colon);
      const rest = scope.slice(colon + 1);
      if (kind === 'actor') return topActor.all({ ...range, a: rest }) as TopStatement[];
      if (kind === 'category') return topCategory.all({ ...range, a: rest }) as TopStatement[];
      if (kind === 'dyad') {
        const gt = rest.indexOf('>');
        return topDyad.all({ ...range, a: rest.slice(0, gt), b: rest.slice(gt + 1) }) as TopStatement[];
      }
      return [];
    },

    firingAlertsBetween(from: number, to: number, scope?: string): FiringAlert[] {
      return firingAlertsBetween(db, from, to, scope);
    },
  };
  // The outbox lives in its own module; callers keep one `store.alerts`.
  return { ...rulesAndAlerts, ...createDeliveriesRepo(db) };
}

export type AlertsRepo = ReturnType<typeof createAlertsRepo>;
