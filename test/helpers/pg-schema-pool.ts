import { listMigrations } from '../../server/store/database.ts';
import { pgMigrationsDir } from '../../server/store/pg/migrate.ts';
import type { PgDatabase } from '../../server/store/pg/pg-database.ts';

/**
 * Migrated PostgreSQL schemas kept between test stores (and between test files): migrating a
 * fresh schema costs 0.5-2 s on a busy two-core machine, emptying a used one about 50 ms, and the
 * PostgreSQL pass of `npm test` opens hundreds of stores. A slot `bwtpool_<n>` belongs to the
 * process holding its session advisory lock; it is emptied (TRUNCATE ... RESTART IDENTITY) when
 * taken, and rebuilt when its shape differs from what the migrations give (a test that dropped a
 * trigger, migrations changed since) or its previous holder died mid-way. scripts/test-on-postgres.ts
 * drops every slot before and after the pass.
 */
export const POOL_PREFIX = 'bwtpool_';
const SLOTS = 16;
/** Slots this process holds: advisory locks are re-entrant within a session, so the lock alone would hand one slot to two stores of one process. */
const held = new Set<string>();

type Rows = { rows: unknown[] };
const one = (db: PgDatabase, sql: string, values: unknown[] = []): unknown => (db.query(sql, values, true) as Rows).rows[0];

/** Tables, columns, indexes, triggers and functions of a schema, as one string to compare. */
function shapeOf(db: PgDatabase, schema: string): string {
  const row = one(
    db,
    `SELECT (SELECT count(*) FROM information_schema.columns WHERE table_schema = $1) || ':' ||
            (SELECT count(*) FROM pg_indexes WHERE schemaname = $1) || ':' ||
            (SELECT count(*) FROM information_schema.triggers WHERE trigger_schema = $1) || ':' ||
            (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1) || ':' ||
            (SELECT coalesce(string_agg(name, ',' ORDER BY version), '') FROM ${schema}.schema_migrations)`,
    [schema],
  ) as unknown[];
  return String(row[0]);
}

function emptyTables(db: PgDatabase, schema: string): void {
  const list = (one(db, `SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations'`, [schema]) as unknown[])[0];
  if (list) db.query(`TRUNCATE ${String(list)} RESTART IDENTITY CASCADE`, [], false);
}

/**
 * Takes a free slot: an empty, migrated schema when its shape is known good, else an empty schema
 * the store's migrations fill. null when every slot is taken (the caller makes a throwaway schema).
 */
export function takePooledSchema(admin: PgDatabase): { schema: string; release: (db?: PgDatabase) => void } | null {
  const expectedMigrations = listMigrations(pgMigrationsDir()).map((m) => m.name).join(',');
  for (let i = 0; i < SLOTS; i++) {
    const schema = `${POOL_PREFIX}${i}`;
    if (held.has(schema)) continue;
    const got = (one(admin, 'SELECT pg_try_advisory_lock(hashtext($1))', [schema]) as unknown[])[0];
    if (got !== 1) continue;
    const comment = (one(admin, `SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = $1`, [schema]) as unknown[] | undefined)?.[0];
    let reusable = false;
    if (typeof comment === 'string' && comment.endsWith(`:${expectedMigrations}`)) {
      try {
        reusable = shapeOf(admin, schema) === comment;
        if (reusable) emptyTables(admin, schema);
      } catch {
        reusable = false;
      }
    }
    if (!reusable) admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    held.add(schema);
    return {
      schema,
      release: () => {
        try {
          // Remember the shape the migrations gave, the first time; a later mismatch rebuilds the slot.
          if (!reusable) admin.exec(`COMMENT ON SCHEMA ${schema} IS '${shapeOf(admin, schema).replace(/'/g, "''")}'`);
          emptyTables(admin, schema);
        } catch {
          admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          admin.query('SELECT pg_advisory_unlock(hashtext($1))', [schema], false);
          held.delete(schema);
        }
      },
    };
  }
  return null;
}

/** Drops every pool slot no process holds (the PostgreSQL pass calls it before and after). */
export function dropPool(admin: PgDatabase): number {
  const names = (admin.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE '${POOL_PREFIX}%'`, [], true) as Rows).rows.map((r) => String((r as unknown[])[0]));
  for (const n of names) admin.exec(`DROP SCHEMA IF EXISTS ${n} CASCADE`);
  return names.length;
}
