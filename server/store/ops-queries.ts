import type { Db } from './database.ts';

export interface FeedHealthRow {
  id: number;
  name: string;
  lastSuccessAt: number | null;
  consecutiveFailures: number;
  itemsStored: number;
}

/**
 * What `/metrics` reads at each scrape, each through a counts table, an index or a small table
 * (no scan of statements): statements per status and language (trigger-maintained,
 * lang-counts.ts), the oldest pending statement (partial index statements_pending), the feeds,
 * and deliveries per state.
 */
export function createOpsQueries(db: Db) {
  const byStatusLang = db.prepare('SELECT status, lang, n FROM statement_lang_counts WHERE n <> 0 ORDER BY status, lang');
  const oldestPending = db
    .prepare(`SELECT received_at FROM statements INDEXED BY statements_pending WHERE status = 'pending' ORDER BY id LIMIT 1`)
    .pluck();
  const feeds = db.prepare(
    `SELECT id, name, last_success_at AS lastSuccessAt, consecutive_failures AS consecutiveFailures, items_stored AS itemsStored
     FROM feeds ORDER BY id`,
  );
  const deliveries = db.prepare('SELECT status, COUNT(*) AS n FROM alert_deliveries GROUP BY status');
  const alerts = db.prepare(`SELECT state, COUNT(*) AS n FROM alerts WHERE state IN ('pending', 'firing') GROUP BY state`);

  return {
    /** Statements per status and language ('' = not decided yet); zero rows left out. */
    statementsByStatusLang(): Array<{ status: string; lang: string; n: number }> {
      return byStatusLang.all() as Array<{ status: string; lang: string; n: number }>;
    },
    /** received_at (unix ms) of the oldest statement waiting to be scored, or null. */
    oldestPendingAt(): number | null {
      return (oldestPending.get() as number | undefined) ?? null;
    },
    feeds(): FeedHealthRow[] {
      return feeds.all() as FeedHealthRow[];
    },
    /** Outbox rows per state; pending, delivered and dead always present. */
    deliveriesByState(): Record<string, number> {
      const out: Record<string, number> = { pending: 0, delivered: 0, dead: 0 };
      for (const r of deliveries.all() as Array<{ status: string; n: number }>) out[r.status] = r.n;
      return out;
    },
    /** Open alerts per state (pending, firing). */
    openAlerts(): Record<string, number> {
      const out: Record<string, number> = { pending: 0, firing: 0 };
      for (const r of alerts.all() as Array<{ state: string; n: number }>) out[r.state] = r.n;
      return out;
    },
  };
}

export type OpsQueries = ReturnType<typeof createOpsQueries>;
