import path from 'node:path';
import type { ClientBase } from 'pg';
import { projectRoot } from '../../config/project-root.ts';
import { listMigrations } from '../database.ts';

export const pgMigrationsDir = () => path.join(projectRoot(), 'server', 'store', 'pg', 'migrations');

/**
 * Key of the transaction-scoped advisory lock that serialises migrations: every node of an
 * installation migrates at start, and the first to take the lock applies what is pending while
 * the others wait, then find it applied. Advisory locks are per database, so two installations
 * on one server do not wait on each other. The same key as the synchronous store's migrator
 * (server/store/pg/open-postgres.ts on the pgdb branch), so that `npm run migrate-to-postgres`
 * and a node starting at the same moment also take turns.
 */
export const MIGRATION_LOCK_KEY = 7_310_001;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL,
  applied_at BIGINT  NOT NULL  -- unix milliseconds, like every time in the schema
)`;

type Step = { sql: string; params?: unknown[] };
type StepResult = { rows: Array<Record<string, unknown>> };

/**
 * The migration procedure as a sequence of queries, so that one procedure serves both drivers:
 * the async `pg` client (migrate-to-postgres) and the store's synchronous connection (a node
 * starting). Each migration runs in its own transaction under the advisory lock; a query that
 * fails is thrown back in here, which rolls back and rethrows.
 */
function* migrationSteps(dir: string): Generator<Step, number, StepResult> {
  let applied = 0;
  for (const m of listMigrations(dir)) {
    yield { sql: 'BEGIN' };
    try {
      yield { sql: 'SELECT pg_advisory_xact_lock($1)', params: [MIGRATION_LOCK_KEY] };
      // Created under the lock: two nodes running CREATE TABLE IF NOT EXISTS at the same moment
      // can both pass the "not exists" test and one then fails on the catalog's unique index.
      yield { sql: CREATE_TABLE };
      const done = yield { sql: 'SELECT name FROM schema_migrations WHERE version = $1', params: [m.version] };
      if (done.rows.length > 0) {
        yield { sql: 'COMMIT' };
        // A recorded version under another name means the files were renumbered after release.
        if (done.rows[0]!.name !== m.name) {
          throw new Error(`PostgreSQL migration ${m.version} is recorded as ${String(done.rows[0]!.name)} but the file is now ${m.name}`);
        }
        continue;
      }
      try {
        yield { sql: m.sql };
      } catch (err) {
        throw new Error(`PostgreSQL migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      yield { sql: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', params: [m.version, m.name, Date.now()] };
      yield { sql: 'COMMIT' };
      applied += 1;
    } catch (err) {
      try {
        yield { sql: 'ROLLBACK' };
      } catch {
        // already committed or connection gone: the first error is the one to report
      }
      throw err;
    }
  }
  return applied;
}

/**
 * Applies the PostgreSQL migrations not yet recorded in schema_migrations, in order, and returns
 * how many this call applied (0 when another node got there first). A migration that fails rolls
 * back whole, is not recorded, and its error is thrown with the file's name. The client must not
 * be inside a transaction.
 */
export async function migratePostgres(client: ClientBase, dir = pgMigrationsDir()): Promise<number> {
  const steps = migrationSteps(dir);
  let r = steps.next(undefined as never);
  while (!r.done) {
    let result: StepResult;
    try {
      result = await client.query(r.value.sql, r.value.params);
    } catch (err) {
      r = steps.throw(err);
      continue;
    }
    r = steps.next(result);
  }
  return r.value;
}

/** migratePostgres over a synchronous query function (the store's PgDatabase). */
export function migratePostgresSync(query: (sql: string, params: unknown[]) => StepResult, dir = pgMigrationsDir()): number {
  const steps = migrationSteps(dir);
  let r = steps.next(undefined as never);
  while (!r.done) {
    let result: StepResult;
    try {
      result = query(r.value.sql, r.value.params ?? []);
    } catch (err) {
      r = steps.throw(err);
      continue;
    }
    r = steps.next(result);
  }
  return r.value;
}
