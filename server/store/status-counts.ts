import type { Db } from './database.ts';
import { ensureLangCounts } from './lang-counts.ts';

/**
 * Statements per status, exact, without counting the table (`GROUP BY status` over 1,000,000
 * rows took 0.5-0.75 s and blocked the server): the sum over languages of the per-(status,
 * language) counts that lang-counts.ts keeps by triggers. Those triggers see every writer,
 * including `npm run ingest` in another process, and any status. One set of triggers serves
 * both health and `/metrics`; the per-status triggers of migration-era databases
 * (statements_status_count_*) and their table are dropped at open, so each statement write
 * runs one counting program, not two.
 */
const LEGACY_TRIGGERS = ['statements_status_count_insert', 'statements_status_count_update', 'statements_status_count_delete'];

/** Creates the counts and their triggers if any is missing; returns true when it recounted. */
export function ensureStatusCounts(db: Db): boolean {
  const legacy = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'statement_status_counts'`).get();
  if (legacy) {
    db.transaction(() => {
      for (const name of LEGACY_TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS ${name}`);
      db.exec('DROP TABLE statement_status_counts');
    })();
  }
  return ensureLangCounts(db);
}

export function createStatusCounts(db: Db) {
  const all = db.prepare('SELECT status, SUM(n) AS n FROM statement_lang_counts GROUP BY status ORDER BY status');
  return {
    /**
     * Statements per status, exact: pending, scored and failed always, and every other status
     * that ever held a statement (a few rows: microseconds).
     */
    byStatus(): Record<string, number> {
      const out: Record<string, number> = { pending: 0, scored: 0, failed: 0 };
      for (const r of all.all() as Array<{ status: string; n: number }>) out[r.status] = r.n;
      return out;
    },
  };
}
