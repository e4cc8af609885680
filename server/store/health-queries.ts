import type { Db } from './database.ts';
import { isPostgres } from './pg/pg-database.ts';
import { createStatusCounts } from './status-counts.ts';

export interface FailingFeed {
  id: number;
  name: string;
  consecutiveFailures: number;
  lastErrorCode: string | null;
  lastError: string | null;
  lastErrorAt: number | null;
}

export interface DeliveryFacts {
  /** Deliveries waiting to be sent or retried. */
  pending: number;
  /** created_at of the oldest one still waiting, or null. */
  oldestPendingAt: number | null;
  /** Waiting deliveries that have failed at least once. */
  retrying: number;
  /** Deliveries given up (dead) since the time asked for. */
  deadSince: number;
  /** The last error of the most recent dead or retrying delivery. */
  lastError: string | null;
}

export type WriteProbe = { ok: true } | { ok: 'busy' } | { ok: false; code: string; message: string };

/**
 * PostgreSQL errors that mean "another transaction holds what the probe needs" (lock wait
 * timed out, deadlock, serialization failure): busy, which says nothing about writability.
 */
const PG_BUSY = new Set(['55P03', '40P01', '40001']);

/**
 * What the health checks read, each through an index or a small table: statement counts
 * (maintained by triggers), the oldest pending statement (the partial index statements_pending:
 * the smallest id is the first entry), failing feeds, and the outbox's pending and dead rows
 * (partial indexes). None of these grows with the number of statements.
 */
export function createHealthQueries(db: Db) {
  const pg = isPostgres(db);
  const counts = createStatusCounts(db);
  const oldestPending = db.prepare(
    `SELECT id, received_at AS receivedAt FROM statements INDEXED BY statements_pending WHERE status = 'pending' ORDER BY id LIMIT 1`,
  );
  const failingFeeds = db.prepare(
    `SELECT id, name, consecutive_failures AS consecutiveFailures, last_error_code AS lastErrorCode, last_error AS lastError,
            last_error_at AS lastErrorAt
     FROM feeds WHERE consecutive_failures > 0 ORDER BY consecutive_failures DESC, id LIMIT 20`,
  );
  const feedTotal = db.prepare('SELECT COUNT(*) FROM feeds').pluck();
  const pendingDeliveries = db.prepare(
    `SELECT COUNT(*) AS pending, MIN(created_at) AS oldestPendingAt, SUM(CAST(attempts > 0 AND last_error IS NOT NULL AS INTEGER)) AS retrying
     FROM alert_deliveries INDEXED BY alert_deliveries_due WHERE status = 'pending'`,
  );
  const deadSince = db.prepare(
    `SELECT COUNT(*) FROM alert_deliveries INDEXED BY alert_deliveries_dead WHERE status = 'dead' AND updated_at >= ?`,
  ).pluck();
  const lastDeliveryError = db.prepare(
    `SELECT last_error FROM alert_deliveries WHERE last_error IS NOT NULL AND status IN ('dead', 'pending')
     ORDER BY updated_at DESC LIMIT 1`,
  ).pluck();
  const busyTimeout = pg ? 0 : Number(db.pragma('busy_timeout', { simple: true })) || 5000;
  const probe = db.prepare(
    'INSERT INTO health_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
  );
  const pgSize = pg ? db.prepare('SELECT pg_database_size(current_database())').pluck() : null;

  /**
   * PostgreSQL: the probe is one statement in its own (implicit) transaction: it proves the
   * server takes and commits writes (not a read-only standby, default_transaction_read_only
   * off, disk not full). Not wrapped in db.transaction: while this connection iterates a query
   * (a cursor in an open transaction) a COMMIT would close that cursor; the statement then
   * simply joins that transaction.
   */
  function probeWritePg(now: number): WriteProbe {
    try {
      probe.run(now);
      return { ok: true };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (e.code !== undefined && PG_BUSY.has(e.code)) return { ok: 'busy' };
      return { ok: false, code: e.code ?? 'unknown', message: e.message ?? String(err) };
    }
  }

  return {
    /** Which engine the checks read: 'postgres' has no database file (and no disk check here). */
    engine: pg ? ('postgres' as const) : ('sqlite' as const),
    /** PostgreSQL: the server and database as a URL without its password; SQLite: null (the file is the caller's). */
    location: pg ? db.name : null,

    /** PostgreSQL: pg_database_size of the current database in bytes; SQLite: null (the file speaks for itself). */
    databaseSizeBytes(): number | null {
      return pgSize ? Number(pgSize.get()) : null;
    },

    statementsByStatus: counts.byStatus,

    oldestPending(): { id: number; receivedAt: number } | null {
      return (oldestPending.get() as { id: number; receivedAt: number } | undefined) ?? null;
    },

    feeds(): { total: number; failing: FailingFeed[] } {
      return { total: feedTotal.get() as number, failing: failingFeeds.all() as FailingFeed[] };
    },

    deliveries(deadAfter: number): DeliveryFacts {
      const p = pendingDeliveries.get() as { pending: number; oldestPendingAt: number | null; retrying: number | null };
      const dead = deadSince.get(deadAfter) as number;
      const lastError = p.retrying || dead ? ((lastDeliveryError.get() as string | undefined) ?? null) : null;
      return { pending: p.pending, oldestPendingAt: p.oldestPendingAt, retrying: p.retrying ?? 0, deadSince: dead, lastError };
    },

    /**
     * Writes one row in its own transaction: proves the database file, its WAL and the folder
     * still take writes (a read-only or immutable file, a full disk, an I/O error). Waits for no
     * lock: when another writer holds it (a backfill in another process) the probe is skipped
     * as 'busy', which says nothing about writability.
     */
    probeWrite(now: number): WriteProbe {
      if (pg) return probeWritePg(now);
      let changedTimeout = false;
      try {
        db.pragma('busy_timeout = 0');
        changedTimeout = true;
        db.transaction(() => probe.run(now))();
        return { ok: true };
      } catch (err) {
        const e = err as { code?: string; message?: string };
        if (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED') return { ok: 'busy' };
        // better-sqlite3 refuses a write while this connection iterates a query: busy, not broken.
        if (e.code === undefined && /connection is busy/i.test(e.message ?? '')) return { ok: 'busy' };
        return { ok: false, code: e.code ?? 'unknown', message: e.message ?? String(err) };
      } finally {
        if (changedTimeout) db.pragma(`busy_timeout = ${busyTimeout}`);
      }
    },
  };
}

export type HealthQueries = ReturnType<typeof createHealthQueries>;
