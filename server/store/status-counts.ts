import type { Db } from './database.ts';

/**
 * Statements per status, maintained by triggers so that health never counts the table
 * (`GROUP BY status` over 1,000,000 rows took 0.5-0.75 s and blocked the server). The
 * triggers see every writer, including `npm run ingest` in another process, and any status
 * (new ones included). They live in code rather than in a numbered migration because a later
 * migration that rebuilds `statements` (create, copy, drop, rename) drops its triggers: each
 * writer checks for them when it opens the database and, if one is missing, recounts once in
 * the same transaction that recreates them. Cost: about 3 µs of CPU per row inserted or
 * re-statused (the trigger program and its statement journal; `npm run bench -- health`).
 */
const TRIGGERS: Record<string, string> = {
  statements_status_count_insert: `
    CREATE TRIGGER statements_status_count_insert AFTER INSERT ON statements BEGIN
      INSERT INTO statement_status_counts (status, n) VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET n = n + 1;
    END`,
  statements_status_count_update: `
    CREATE TRIGGER statements_status_count_update AFTER UPDATE OF status ON statements
    WHEN OLD.status IS NOT NEW.status BEGIN
      UPDATE statement_status_counts SET n = n - 1 WHERE status = OLD.status;
      INSERT INTO statement_status_counts (status, n) VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET n = n + 1;
    END`,
  statements_status_count_delete: `
    CREATE TRIGGER statements_status_count_delete AFTER DELETE ON statements BEGIN
      UPDATE statement_status_counts SET n = n - 1 WHERE status = OLD.status;
    END`,
};

/** Creates the counts and their triggers if any is missing; returns true when it recounted. */
export function ensureStatusCounts(db: Db): boolean {
  const present = new Set(
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'statements'`).pluck().all() as string[],
  );
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'statement_status_counts'`).get();
  if (table && Object.keys(TRIGGERS).every((t) => present.has(t))) return false;
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS statement_status_counts (status TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID');
    for (const name of Object.keys(TRIGGERS)) db.exec(`DROP TRIGGER IF EXISTS ${name}`);
    db.exec('DELETE FROM statement_status_counts');
    db.exec('INSERT INTO statement_status_counts (status, n) SELECT status, COUNT(*) FROM statements GROUP BY status');
    for (const sql of Object.values(TRIGGERS)) db.exec(sql);
  })();
  return true;
}

export function createStatusCounts(db: Db) {
  const all = db.prepare('SELECT status, n FROM statement_status_counts ORDER BY status');
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
