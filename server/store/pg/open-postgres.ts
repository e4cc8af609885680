import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../config/project-root.ts';
import { PgDatabase, type PgOpenOptions } from './pg-database.ts';

const migrationsDir = () => path.join(projectRoot(), 'server', 'store', 'pg', 'migrations');

/** An arbitrary constant: the advisory lock that makes nodes starting together migrate one at a time. */
const MIGRATION_LOCK = 7_310_001;

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

export function listPgMigrations(dir = migrationsDir()): PgMigration[] {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f)).sort() : [];
  const list = files.map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: fs.readFileSync(path.join(dir, f), 'utf8') }));
  list.forEach((m, i) => {
    if (i > 0 && m.version <= list[i - 1]!.version) throw new Error(`PostgreSQL migration numbering has a duplicate or is out of order at ${m.name}`);
  });
  return list;
}

/**
 * Applies the pending PostgreSQL migrations, each in its own transaction, recorded in
 * schema_migrations. A transaction-scoped advisory lock serialises nodes that start at the same
 * moment: the second waits, then finds nothing left to do.
 */
export function migratePostgresSync(db: PgDatabase, dir = migrationsDir()): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
  let applied = 0;
  for (const m of listPgMigrations(dir)) {
    const done = db.transaction(() => {
      db.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK], false);
      const has = db.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version], false).rows.length > 0;
      if (has) return false;
      db.query(m.sql, [], false, m.name);
      db.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()], false);
      return true;
    })();
    if (done) applied++;
  }
  return applied;
}

/** Opens (and migrates) the PostgreSQL store's main connection. */
export function openPostgres(url: string, options: PgOpenOptions = {}): PgDatabase {
  const db = new PgDatabase(url, { applicationName: 'brinkwatch', ...options });
  if (!options.readOnly) {
    try {
      migratePostgresSync(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }
  return db;
}
