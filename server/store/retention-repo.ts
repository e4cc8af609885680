import type { Db } from './database.ts';
import { isPostgres } from './pg/pg-database.ts';

export interface RetentionBatch {
  /** Rows deleted in this batch (the parent rows: statements, alerts or deliveries). */
  deleted: number;
  /** Child rows deleted with them (actor/category rows, events, deliveries, attempts). */
  children: number;
}

interface StatementKeys {
  id: number;
  actor: string | null;
  targets: string | null;
  signals: string | null;
}

/**
 * Deletes old rows in small batches, each its own short transaction, for the retention job
 * (server/ops/retention.ts). What stays exact:
 *  - statement counts per status and language: the AFTER DELETE triggers (status-counts.ts,
 *    lang-counts.ts) run for every deleted row;
 *  - every metric: the minute, hour and day buckets are aggregates kept as they are, so the
 *    cards, the chart, the history export and alert evaluation give the same numbers after a
 *    statement's text is gone (nothing here touches metric_buckets*).
 *
 * Foreign keys are switched off for the length of a batch (outside its transaction, in one
 * synchronous block, so no other code runs on the connection meanwhile): with them on, deleting
 * a statement makes SQLite scan statement_actors and statement_categories whole for children
 * (they have no index by statement_id, migration 006), and an alert event scan
 * alert_deliveries. Children are deleted first instead, by their primary keys, which are derived
 * from the statement row exactly as statements-repo.addFilterRows() wrote them (speaker = actor,
 * each target, each distinct signal category).
 */
export function createRetentionRepo(db: Db) {
  if (isPostgres(db)) return createPgRetentionRepo(db);
  const oldStatements = db.prepare(
    `SELECT id, actor, targets, signals FROM statements INDEXED BY statements_occurred
     WHERE occurred_at < ? AND status <> 'pending' ORDER BY occurred_at DESC, id DESC LIMIT ?`,
  );
  const deleteActor = db.prepare('DELETE FROM statement_actors WHERE actor = ? AND statement_id = ? AND role = ?');
  const deleteCategory = db.prepare('DELETE FROM statement_categories WHERE category = ? AND statement_id = ?');
  const deleteStatement = db.prepare('DELETE FROM statements WHERE id = ?');
  // Analysts' feedback on a statement goes with it (011-search.sql declares ON DELETE CASCADE,
  // which is off during a batch); its index (statement_id, id) makes this a lookup.
  const deleteFeedback = db.prepare('DELETE FROM statement_feedback WHERE statement_id = ?');

  // Closed alerts (resolved or cancelled) whose end is older than the cutoff and that wait for no delivery.
  const oldAlerts = db.prepare(
    `SELECT id FROM alerts INDEXED BY alerts_state WHERE state IN ('resolved', 'cancelled') AND resolved_at < ?
       AND NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.alert_id = alerts.id AND d.status = 'pending')
     ORDER BY id LIMIT ?`,
  ).pluck();
  const deleteAlertAttempts = db.prepare(
    'DELETE FROM alert_delivery_attempts WHERE delivery_id IN (SELECT id FROM alert_deliveries WHERE alert_id = ?)',
  );
  const deleteAlertDeliveries = db.prepare('DELETE FROM alert_deliveries WHERE alert_id = ?');
  const deleteAlertEvents = db.prepare('DELETE FROM alert_events WHERE alert_id = ?');
  const deleteAlert = db.prepare('DELETE FROM alerts WHERE id = ?');

  // Finished deliveries (delivered or given up) last changed before the cutoff.
  const oldDeliveries = db.prepare(
    `SELECT id FROM alert_deliveries WHERE status IN ('delivered', 'dead') AND updated_at < ? ORDER BY id LIMIT ?`,
  ).pluck();
  const deleteAttempts = db.prepare('DELETE FROM alert_delivery_attempts WHERE delivery_id = ?');
  const deleteDelivery = db.prepare('DELETE FROM alert_deliveries WHERE id = ?');

  const parseList = (json: string | null): unknown[] => {
    if (!json) return [];
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v : [];
  };

  /** Runs fn in one transaction with foreign key enforcement off (see above), always restoring it. */
  function batch(fn: () => RetentionBatch): RetentionBatch {
    if (db.inTransaction) throw new Error('a retention batch must not run inside another transaction');
    db.pragma('foreign_keys = OFF');
    try {
      return db.transaction(fn)();
    } finally {
      db.pragma('foreign_keys = ON');
    }
  }

  return {
    /** Deletes up to `limit` scored, failed or unsupported statements said before `cutoff` (pending ones wait for the score job). */
    deleteStatements(cutoff: number, limit: number): RetentionBatch {
      return batch(() => {
        let children = 0;
        const rows = oldStatements.all(cutoff, limit) as StatementKeys[];
        for (const r of rows) {
          if (r.actor) children += deleteActor.run(r.actor, r.id, 'speaker').changes;
          for (const t of new Set(parseList(r.targets))) if (typeof t === 'string') children += deleteActor.run(t, r.id, 'target').changes;
          const categories = new Set(parseList(r.signals).map((s) => (s as { category?: unknown }).category));
          for (const c of categories) if (typeof c === 'string') children += deleteCategory.run(c, r.id).changes;
          children += deleteFeedback.run(r.id).changes;
          deleteStatement.run(r.id);
        }
        return { deleted: rows.length, children };
      });
    },

    /** Deletes up to `limit` closed alerts that ended before `cutoff`, with their events, deliveries and attempts. */
    deleteAlerts(cutoff: number, limit: number): RetentionBatch {
      return batch(() => {
        let children = 0;
        const ids = oldAlerts.all(cutoff, limit) as number[];
        for (const id of ids) {
          children += deleteAlertAttempts.run(id).changes;
          children += deleteAlertDeliveries.run(id).changes;
          children += deleteAlertEvents.run(id).changes;
          deleteAlert.run(id);
        }
        return { deleted: ids.length, children };
      });
    },

    /** Deletes up to `limit` delivered or dead deliveries last changed before `cutoff`, with their attempts. */
    deleteDeliveries(cutoff: number, limit: number): RetentionBatch {
      return batch(() => {
        let children = 0;
        const ids = oldDeliveries.all(cutoff, limit) as number[];
        for (const id of ids) {
          children += deleteAttempts.run(id).changes;
          deleteDelivery.run(id);
        }
        return { deleted: ids.length, children };
      });
    },
  };
}

/**
 * The same batches on PostgreSQL, set-based: each statement there is a loopback round trip, so a
 * batch is a handful of statements over the batch's ids (`= ANY(?)`, one array parameter) rather
 * than several per row. Foreign keys stay enforced (PostgreSQL has no switch, and needs none: the
 * child tables have their statement_id / alert_id / delivery_id indexes, 001-schema.sql), and
 * children still go first, explicitly, so that the counts of what went are exact. Counts per
 * status and language follow through the statement delete trigger, as on SQLite.
 */
function createPgRetentionRepo(db: Db) {
  const oldStatements = db
    .prepare(`SELECT id FROM statements WHERE occurred_at < ? AND status <> 'pending' ORDER BY occurred_at DESC, id DESC LIMIT ?`)
    .pluck();
  const deleteActors = db.prepare('DELETE FROM statement_actors WHERE statement_id = ANY(?)');
  const deleteCategories = db.prepare('DELETE FROM statement_categories WHERE statement_id = ANY(?)');
  const deleteFeedback = db.prepare('DELETE FROM statement_feedback WHERE statement_id = ANY(?)');
  // `status <> 'pending'` again: the ids were read in this transaction, but a statement is never
  // deleted in a state the score job could still be writing.
  const deleteStatements = db.prepare(`DELETE FROM statements WHERE id = ANY(?) AND status <> 'pending'`);

  const oldAlerts = db
    .prepare(
      `SELECT id FROM alerts WHERE state IN ('resolved', 'cancelled') AND resolved_at < ?
         AND NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.alert_id = alerts.id AND d.status = 'pending')
       ORDER BY id LIMIT ?`,
    )
    .pluck();
  const deleteAlertAttempts = db.prepare(
    'DELETE FROM alert_delivery_attempts WHERE delivery_id IN (SELECT id FROM alert_deliveries WHERE alert_id = ANY(?))',
  );
  const deleteAlertDeliveries = db.prepare('DELETE FROM alert_deliveries WHERE alert_id = ANY(?)');
  const deleteAlertEvents = db.prepare('DELETE FROM alert_events WHERE alert_id = ANY(?)');
  const deleteAlerts = db.prepare('DELETE FROM alerts WHERE id = ANY(?)');

  const oldDeliveries = db
    .prepare(`SELECT id FROM alert_deliveries WHERE status IN ('delivered', 'dead') AND updated_at < ? ORDER BY id LIMIT ?`)
    .pluck();
  const deleteAttempts = db.prepare('DELETE FROM alert_delivery_attempts WHERE delivery_id = ANY(?)');
  const deleteDeliveries = db.prepare('DELETE FROM alert_deliveries WHERE id = ANY(?)');

  // An array argument is spread into positional values (better-sqlite3's convention): wrapped
  // once, it stays one PostgreSQL array parameter.
  const arr = (ids: number[]) => [ids];

  function batch(fn: () => RetentionBatch): RetentionBatch {
    if (db.inTransaction) throw new Error('a retention batch must not run inside another transaction');
    return db.transaction(fn)();
  }

  return {
    deleteStatements(cutoff: number, limit: number): RetentionBatch {
      return batch(() => {
        const ids = oldStatements.all(cutoff, limit) as number[];
        if (ids.length === 0) return { deleted: 0, children: 0 };
        const children =
          deleteActors.run(arr(ids)).changes + deleteCategories.run(arr(ids)).changes + deleteFeedback.run(arr(ids)).changes;
        return { deleted: deleteStatements.run(arr(ids)).changes, children };
      });
    },
    deleteAlerts(cutoff: number, limit: number): RetentionBatch {
      return batch(() => {
        const ids = oldAlerts.all(cutoff, limit) as number[];
        if (ids.length === 0) return { deleted: 0, children: 0 };
        const children =
          deleteAlertAttempts.run(arr(ids)).changes + deleteAlertDeliveries.run(arr(ids)).changes + deleteAlertEvents.run(arr(ids)).changes;
        return { deleted: deleteAlerts.run(arr(ids)).changes, children };
      });
    },
    deleteDeliveries(cutoff: number, limit: number): RetentionBatch {
      return batch(() => {
        const ids = oldDeliveries.all(cutoff, limit) as number[];
        if (ids.length === 0) return { deleted: 0, children: 0 };
        const children = deleteAttempts.run(arr(ids)).changes;
        return { deleted: deleteDeliveries.run(arr(ids)).changes, children };
      });
    },
  };
}

export type RetentionRepo = ReturnType<typeof createRetentionRepo>;
