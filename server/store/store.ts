import { openDatabase, type Db } from './database.ts';
import { isPostgresUrl, redactUrl, type PgOpenOptions } from './pg/pg-database.ts';
import { openPostgres } from './pg/open-postgres.ts';
import { createAccountsRepo } from './accounts-repo.ts';
import { createAlertsRepo } from './alerts-repo.ts';
import { createAnnouncementsRepo } from './announcements-repo.ts';
import { createAuditRepo } from './audit-repo.ts';
import { createAnnotationsRepo } from './annotations-repo.ts';
import { createDemoData } from './demo-data.ts';
import { createFeedbackRepo } from './feedback-repo.ts';
import { createMetricsRepo } from './metrics-repo.ts';
import { createSessionsRepo } from './sessions-repo.ts';
import { createStatementsRepo } from './statements-repo.ts';

/**
 * The store: one writable connection and its repositories. Other parts of the server get
 * repositories from here; only store/ touches better-sqlite3.
 */
export function createStore(file: string, options: { pg?: PgOpenOptions } = {}) {
  // BRINKWATCH_DATABASE_URL=postgres://... : the same repositories on PostgreSQL, through a
  // synchronous connection with better-sqlite3's API (server/store/pg/pg-database.ts).
  const postgres = isPostgresUrl(file);
  const open = (readonly: boolean): Db =>
    postgres ? (openPostgres(file, { ...options.pg, readOnly: readonly }) as unknown as Db) : openDatabase(file, { readonly });
  const db = open(false);
  const metrics = createMetricsRepo(db);
  return {
    db,
    /** The SQLite file, or the PostgreSQL URL without its password. */
    file: postgres ? redactUrl(file) : file,
    /** Which engine: 'sqlite' (the default) or 'postgres' (BRINKWATCH_DATABASE_URL). */
    kind: postgres ? ('postgres' as const) : ('sqlite' as const),
    statements: createStatementsRepo(db),
    metrics,
    alerts: createAlertsRepo(db),
    /** Users, sessions, API tokens and the audit log (server/auth/). */
    accounts: createAccountsRepo(db),
    sessions: createSessionsRepo(db),
    audit: createAuditRepo(db),
    /** Scored batches whose push has not left yet (migration 014; server/jobs/announce-sweep.ts). */
    announcements: createAnnouncementsRepo(db),
    /** Chart annotations analysts add (migration 012). */
    annotations: createAnnotationsRepo(db),
    /** Analysts' "this score is wrong" (server/store/feedback-repo.ts). */
    feedback: createFeedbackRepo(db),
    /** Demo rows: whether any are stored, and their purge (server/store/demo-data.ts). */
    demo: createDemoData(db, metrics),
    /** Runs fn in one transaction (better-sqlite3 `db.transaction`, nested calls become savepoints). */
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    /**
     * fn in one transaction that no other node runs at the same moment: on PostgreSQL under a
     * transaction-scoped advisory lock named by `name` (so a check-then-insert such as seeding the
     * default alert rules happens once when several nodes start together); on SQLite, one process
     * writes, and a plain transaction is enough.
     */
    serialized<T>(name: string, fn: () => T): T {
      return db.transaction(() => {
        if (postgres) db.prepare('SELECT pg_advisory_xact_lock(hashtext(?))').get(`brinkwatch:${name}`);
        return fn();
      })();
    },
    /** A separate read-only connection (streaming exports), so long reads never block writes. */
    openReader(): Db {
      return open(true);
    },
    close(): void {
      if (db.open) db.close();
    },
  };
}

export type Store = ReturnType<typeof createStore>;
