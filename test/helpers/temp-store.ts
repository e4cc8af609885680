import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createStore, type Store } from '../../server/store/store.ts';
import { PgDatabase } from '../../server/store/pg/pg-database.ts';
import { takePooledSchema } from './pg-schema-pool.ts';

/**
 * Which store the tests run on: SQLite by default, PostgreSQL when BRINKWATCH_TEST_STORE=postgres
 * (`npm test` runs the API, realtime and store suites a second time that way; see
 * scripts/test-on-postgres.ts). Each PostgreSQL store gets a schema of its own, dropped on cleanup.
 */
export const TEST_STORE: 'sqlite' | 'postgres' = process.env.BRINKWATCH_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';
export const TEST_DATABASE_URL = process.env.BRINKWATCH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let admin: PgDatabase | null = null;
export function pgAdmin(): PgDatabase {
  if (!admin) {
    admin = new PgDatabase(TEST_DATABASE_URL, { applicationName: 'brinkwatch-test-admin' });
    // A store a test left open must not hang the next emptying of its schema: fail instead.
    admin.exec("SET lock_timeout = '5s'");
  }
  return admin;
}

/** A fresh PostgreSQL schema in the test database; `drop()` removes it with everything in it. */
export function createTempSchema(prefix = 'bwt'): { schema: string; drop: () => void } {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  pgAdmin().exec(`CREATE SCHEMA ${schema}`);
  return { schema, drop: () => void pgAdmin().exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) };
}

/** A fresh store (a SQLite file in its own temp dir, or a PostgreSQL schema), real migrations; `cleanup()` closes and deletes it. */
export function createTempStore(prefix = 'brinkwatch-test-', options: { engine?: 'sqlite' | 'postgres' } = {}): { store: Store; dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  // A test about SQLite itself (the source of migrate-to-postgres, the schema comparison) asks for it.
  if ((options.engine ?? TEST_STORE) === 'postgres') {
    // A pooled, already migrated schema when one is free (test/helpers/pg-schema-pool.ts).
    const pooled = takePooledSchema(pgAdmin());
    const temp = pooled ? { schema: pooled.schema, drop: () => pooled.release() } : createTempSchema();
    const store = createStore(TEST_DATABASE_URL, { pg: { schema: temp.schema } });
    return {
      store,
      dir,
      cleanup: () => {
        store.close();
        temp.drop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const store = createStore(path.join(dir, 'test.db'));
  return {
    store,
    dir,
    cleanup: () => {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
