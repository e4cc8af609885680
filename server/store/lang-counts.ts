import type { Db } from './database.ts';

/**
 * Statements per (status, language), maintained by triggers beside statement_status_counts
 * (status-counts.ts) so that `/metrics` never groups the statements table (a `GROUP BY` over
 * 1,000,000 rows takes about half a second and holds the connection). `lang` NULL (not yet
 * decided: pending, or scored before migration 009) is counted under ''. Like the status
 * counts, the triggers live in code: a migration that rebuilds `statements` drops them, and
 * each writer recreates them (and recounts once) when it opens the database. Deletions (the
 * retention job, the demo purge) go through the delete trigger, so the counts stay exact.
 */
const TRIGGERS: Record<string, string> = {
  statements_lang_count_insert: `
    CREATE TRIGGER statements_lang_count_insert AFTER INSERT ON statements BEGIN
      INSERT INTO statement_lang_counts (status, lang, n) VALUES (NEW.status, COALESCE(NEW.lang, ''), 1)
        ON CONFLICT (status, lang) DO UPDATE SET n = n + 1;
    END`,
  statements_lang_count_update: `
    CREATE TRIGGER statements_lang_count_update AFTER UPDATE OF status, lang ON statements
    WHEN OLD.status IS NOT NEW.status OR OLD.lang IS NOT NEW.lang BEGIN
      UPDATE statement_lang_counts SET n = n - 1 WHERE status = OLD.status AND lang = COALESCE(OLD.lang, '');
      INSERT INTO statement_lang_counts (status, lang, n) VALUES (NEW.status, COALESCE(NEW.lang, ''), 1)
        ON CONFLICT (status, lang) DO UPDATE SET n = n + 1;
    END`,
  statements_lang_count_delete: `
    CREATE TRIGGER statements_lang_count_delete AFTER DELETE ON statements BEGIN
      UPDATE statement_lang_counts SET n = n - 1 WHERE status = OLD.status AND lang = COALESCE(OLD.lang, '');
    END`,
};

/** Creates the counts and their triggers if any is missing; returns true when it recounted. */
export function ensureLangCounts(db: Db): boolean {
  const present = new Set(
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'statements'`).pluck().all() as string[],
  );
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'statement_lang_counts'`).get();
  if (table && Object.keys(TRIGGERS).every((t) => present.has(t))) return false;
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS statement_lang_counts (status TEXT NOT NULL, lang TEXT NOT NULL, n INTEGER NOT NULL,
             PRIMARY KEY (status, lang)) WITHOUT ROWID`);
    for (const name of Object.keys(TRIGGERS)) db.exec(`DROP TRIGGER IF EXISTS ${name}`);
    db.exec('DELETE FROM statement_lang_counts');
    db.exec(`INSERT INTO statement_lang_counts (status, lang, n)
             SELECT status, COALESCE(lang, ''), COUNT(*) FROM statements GROUP BY status, COALESCE(lang, '')`);
    for (const sql of Object.values(TRIGGERS)) db.exec(sql);
  })();
  return true;
}
