import type { Db } from './database.ts';
import { isPostgres } from './pg/pg-database.ts';

/**
 * The alert outbox: one row per notification to send (webhook or e-mail), written in the same
 * transaction as its alert event, and the log of every delivery attempt. The notifier claims
 * due rows with a lease, so a crash mid-send retries after the lease instead of never.
 */

export interface DeliveryRecord {
  id: number;
  alertId: number;
  eventId: number;
  channel: 'webhook' | 'email';
  target: string;
  format: string;
  payload: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
  updatedAt: number;
}

export interface DeliveryAttempt {
  id: number;
  deliveryId: number;
  at: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** `t`: a table alias with its dot, for statements that join (the PostgreSQL claim). */
const deliveryColumns = (t = '') => `${t}id, ${t}alert_id AS alertId, ${t}event_id AS eventId, ${t}channel, ${t}target, ${t}format,
  ${t}payload, ${t}status, ${t}attempts, ${t}next_attempt_at AS nextAttemptAt, ${t}last_error AS lastError,
  ${t}created_at AS createdAt, ${t}delivered_at AS deliveredAt, ${t}updated_at AS updatedAt`;
const DELIVERY_COLUMNS = deliveryColumns();

export function createDeliveriesRepo(db: Db) {
  const insertDeliveryStmt = db.prepare(`
    INSERT INTO alert_deliveries (alert_id, event_id, channel, target, format, payload, next_attempt_at, created_at, updated_at)
    VALUES (@alertId, @eventId, @channel, @target, @format, @payload, @now, @now, @now)`);
  const dueStmt = db.prepare(
    `SELECT id FROM alert_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
  ).pluck();
  const leaseStmt = db.prepare(
    `UPDATE alert_deliveries SET attempts = attempts + 1, next_attempt_at = @leaseUntil, updated_at = @now
     WHERE id = @id AND status = 'pending' RETURNING ${DELIVERY_COLUMNS}`,
  );
  // PostgreSQL: several nodes may drain the outbox at once (one is leader, but a dying leader's
  // successor can overlap it for a moment). Read-then-update is not enough there: two READ
  // COMMITTED transactions can both read a due row and both lease it. One statement locks the
  // due rows it picks and skips rows another node holds; a row leased and committed meanwhile is
  // re-checked against the WHERE (its next_attempt_at is now in the future) and dropped.
  const claimPgStmt = isPostgres(db)
    ? db.prepare(`
      WITH due AS (
        SELECT id, next_attempt_at AS due_at FROM alert_deliveries
        WHERE status = 'pending' AND next_attempt_at <= @now
        ORDER BY next_attempt_at, id LIMIT @limit FOR UPDATE SKIP LOCKED)
      UPDATE alert_deliveries d SET attempts = d.attempts + 1, next_attempt_at = @leaseUntil, updated_at = @now
      FROM due WHERE d.id = due.id
      RETURNING due.due_at AS dueAt, ${deliveryColumns('d.')}`)
    : null;
  const deliveredStmt = db.prepare(
    `UPDATE alert_deliveries SET status = 'delivered', delivered_at = @now, last_error = NULL, updated_at = @now WHERE id = @id`,
  );
  // Only a pending row: a send that outlived its lease may fail after another node (or a later
  // run) has already delivered the row, and must not put it back in the queue.
  const failedStmt = db.prepare(
    `UPDATE alert_deliveries SET status = @status, next_attempt_at = @nextAttemptAt, last_error = @error, updated_at = @now
     WHERE id = @id AND status = 'pending'`,
  );
  const attemptStmt = db.prepare(`
    INSERT INTO alert_delivery_attempts (delivery_id, at, ok, status_code, error, duration_ms)
    VALUES (@deliveryId, @at, @ok, @statusCode, @error, @durationMs)`);
  const attemptsStmt = db.prepare(
    `SELECT id, delivery_id AS deliveryId, at, ok, status_code AS statusCode, error, duration_ms AS durationMs
     FROM alert_delivery_attempts WHERE delivery_id = ? ORDER BY id`,
  );

  return {
    insertDelivery(d: { alertId: number; eventId: number; channel: 'webhook' | 'email'; target: string; format: string; payload: string; now: number }): number {
      return Number(insertDeliveryStmt.run(d).lastInsertRowid);
    },
    /**
     * Claims up to `limit` due deliveries: counts the attempt and pushes next_attempt_at to the
     * lease end, so a crash mid-send retries after the lease instead of never, and two
     * notifiers never send the same row at once.
     */
    claimDueDeliveries(now: number, limit: number, leaseMs: number): DeliveryRecord[] {
      if (claimPgStmt) {
        const rows = claimPgStmt.all({ now, limit, leaseUntil: now + leaseMs }) as Array<DeliveryRecord & { dueAt: number }>;
        // RETURNING has no order: send in due order, as SQLite does.
        rows.sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
        return rows.map(({ dueAt: _dueAt, ...d }) => d);
      }
      return db.transaction(() => {
        const ids = dueStmt.all(now, limit) as number[];
        return ids
          .map((id) => leaseStmt.get({ id, now, leaseUntil: now + leaseMs }) as DeliveryRecord | undefined)
          .filter((d): d is DeliveryRecord => d !== undefined);
      })();
    },
    recordAttempt(a: Omit<DeliveryAttempt, 'id'>): void {
      attemptStmt.run({ ...a, ok: a.ok ? 1 : 0 });
    },
    markDelivered(id: number, now: number): void {
      deliveredStmt.run({ id, now });
    },
    /** nextAttemptAt null: no more attempts ('dead'). */
    markFailed(id: number, error: string, nextAttemptAt: number | null, now: number): void {
      failedStmt.run({
        id,
        now,
        // A receiver's or SMTP server's words may hold NUL, which PostgreSQL text cannot.
        error: error.replace(/\u0000/g, '\uFFFD').slice(0, 500),
        status: nextAttemptAt === null ? 'dead' : 'pending',
        nextAttemptAt: nextAttemptAt ?? now,
      });
    },
    listDeliveries(filter: { alertId?: number; status?: DeliveryRecord['status']; limit: number }): DeliveryRecord[] {
      const where: string[] = [];
      const params: Record<string, unknown> = { limit: filter.limit };
      if (filter.alertId !== undefined) {
        where.push('alert_id = @alertId');
        params.alertId = filter.alertId;
      }
      if (filter.status !== undefined) {
        where.push('status = @status');
        params.status = filter.status;
      }
      const sql = `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id DESC LIMIT @limit`;
      return db.prepare(sql).all(params) as DeliveryRecord[];
    },
    attemptsFor(deliveryId: number): DeliveryAttempt[] {
      return (attemptsStmt.all(deliveryId) as Array<Omit<DeliveryAttempt, 'ok'> & { ok: number }>).map((r) => ({ ...r, ok: r.ok === 1 }));
    },
  };
}
