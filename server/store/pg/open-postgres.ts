import { migratePostgresSync } from './migrate.ts';
import { PgDatabase, type PgOpenOptions } from './pg-database.ts';

/** Opens (and migrates: server/store/pg/migrate.ts) the PostgreSQL store's main connection. */
export function openPostgres(url: string, options: PgOpenOptions = {}): PgDatabase {
  const db = new PgDatabase(url, { applicationName: 'brinkwatch', ...options });
  if (!options.readOnly) {
    try {
      migratePostgresSync((sql, params) => db.query(sql, params, false) as { rows: Array<Record<string, unknown>> });
    } catch (err) {
      db.close();
      throw err;
    }
  }
  return db;
}
