// engines chosen explicitly (PostgreSQL and/or SQLite whatever BRINKWATCH_TEST_STORE): one-pass
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { migratePostgres, pgMigrationsDir } from '../../server/store/pg/migrate.ts';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/pg-scratch-database.ts';
import { describePostgres, describeSqlite, diffSchemas, type SchemaMeaning } from '../helpers/schema-meaning.ts';
import type pg from 'pg';
import type { Store } from '../../server/store/store.ts';
import { createTempStore } from '../helpers/temp-store.ts';

// What differs on purpose, each with its reason (server/store/pg/migrations/001-schema.sql).
/** FTS5's virtual table and its shadow tables: PostgreSQL searches statements.search instead. */
const SQLITE_ONLY_TABLES = ['statements_fts', 'statements_fts_data', 'statements_fts_idx', 'statements_fts_docsize', 'statements_fts_config'];
/**
 * The PostgreSQL migration log (SQLite counts migrations in PRAGMA user_version), and the
 * per-scope change versions the minute cache reads on PostgreSQL (SQLite's cache learns of
 * writes through PRAGMA data_version and a trigger calling into the process: 003-metrics.sql).
 */
const PG_ONLY_TABLES = ['schema_migrations', 'metric_scope_versions'];
/** The full-text vector that replaces statements_fts; the change stamp of each minute row (003). */
const PG_ONLY_COLUMNS: Record<string, string[]> = { statements: ['search'], metric_buckets: ['changed'] };
/**
 * The GIN index of that vector, and the foreign-key lookups SQLite's retention job avoids by
 * turning foreign keys off around a batch (PostgreSQL cannot).
 */
const PG_ONLY_INDEXES: Record<string, string[]> = {
  statements: ['statements_search'],
  statement_actors: ['statement_actors_statement'],
  statement_categories: ['statement_categories_statement'],
  alert_deliveries: ['alert_deliveries_event'],
  metric_buckets: ['metric_buckets_changed'],
};

/** Takes the listed PostgreSQL-only parts out, failing if one is missing (the lists must stay true). */
function withoutPgOnlyParts(pgSchema: SchemaMeaning): SchemaMeaning {
  for (const [table, columns] of Object.entries(PG_ONLY_COLUMNS)) {
    for (const c of columns) {
      assert.ok(pgSchema[table]?.columns[c], `PostgreSQL-only column ${table}.${c} is listed but absent`);
      delete pgSchema[table]!.columns[c];
    }
  }
  for (const [table, names] of Object.entries(PG_ONLY_INDEXES)) {
    for (const n of names) {
      const list = pgSchema[table]?.indexes ?? [];
      const i = list.findIndex((ix) => ix.replace(/^unique /, '').startsWith(`${n} (`));
      assert.ok(i >= 0, `PostgreSQL-only index ${n} on ${table} is listed but absent`);
      list.splice(i, 1);
    }
  }
  return pgSchema;
}

async function scratch(t: TestContext): Promise<ScratchDatabase | null> {
  const r = await createScratchDatabase('bw_schema_');
  if (!r.ok) {
    t.skip(r.skip);
    return null;
  }
  t.after(() => r.db.drop());
  return r.db;
}

async function pgMeaning(db: ScratchDatabase, migrationsDir?: string): Promise<SchemaMeaning> {
  const client = await db.connect();
  try {
    assert.ok((await migratePostgres(client, migrationsDir)) >= 1, 'no PostgreSQL migration applied to a fresh database');
    return withoutPgOnlyParts(await describePostgres(client, PG_ONLY_TABLES));
  } finally {
    await client.end();
  }
}

function sqliteMeaning(t: TestContext, mutate?: string): SchemaMeaning {
  const s = createTempStore(undefined, { engine: 'sqlite' });
  t.after(s.cleanup);
  if (mutate) s.store.db.exec(mutate);
  for (const name of SQLITE_ONLY_TABLES) {
    assert.ok(s.store.db.prepare(`SELECT 1 FROM sqlite_master WHERE name = ?`).get(name), `SQLite-only table ${name} is listed but absent`);
  }
  return describeSqlite(s.store.db, SQLITE_ONLY_TABLES);
}

const NAMES = { a: 'SQLite', b: 'PostgreSQL' };

test('the PostgreSQL migrations give the schema the SQLite migrations give, in meaning', async (t) => {
  const db = await scratch(t);
  if (!db) return;
  const sqlite = sqliteMeaning(t);
  const pgSchema = await pgMeaning(db);
  // Guards against comparing two empty readings: the reader must see the real tables.
  assert.ok(Object.keys(sqlite).length >= 20, `only ${Object.keys(sqlite).length} SQLite tables read`);
  assert.deepEqual(sqlite.statements!.primaryKey, ['id']);
  assert.deepEqual(sqlite.statement_actors!.primaryKey, ['actor', 'statement_id', 'role']);
  assert.ok(sqlite.users!.uniques.includes('unique (name nocase)'), 'users.name is unique without regard to case');
  assert.ok(sqlite.statement_feedback!.foreignKeys.includes('(statement_id) -> statements (id) on delete cascade'));
  assert.ok(sqlite.alerts!.indexes.some((ix) => ix.startsWith('unique alerts_one_open_per_rule (rule_id) where state in')));
  assert.equal(sqlite.statements!.columns.score!.type, 'real');
  assert.equal(sqlite.sessions!.columns.secret_hash!.type, 'blob');
  assert.equal(sqlite.statements!.columns.status!.default, "'pending'");

  assert.deepEqual(diffSchemas(sqlite, pgSchema, NAMES), []);
});

test('the comparison fails when a column, an index or a cascade exists on one side only', async (t) => {
  const db = await scratch(t);
  if (!db) return;
  // A mutated copy of the PostgreSQL migrations: one more migration after the real ones.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-pg-migrations-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const f of fs.readdirSync(pgMigrationsDir())) fs.copyFileSync(path.join(pgMigrationsDir(), f), path.join(dir, f));
  fs.writeFileSync(
    path.join(dir, '999-mutation.sql'),
    `ALTER TABLE annotations ADD COLUMN colour TEXT;
     DROP INDEX annotations_at;
     ALTER TABLE sessions DROP CONSTRAINT sessions_user_id_fkey;
     ALTER TABLE sessions ADD FOREIGN KEY (user_id) REFERENCES users (id);
     ALTER TABLE feeds ALTER COLUMN last_item_count TYPE DOUBLE PRECISION;`,
  );
  const pgSchema = await pgMeaning(db, dir);
  const sqlite = sqliteMeaning(t, 'ALTER TABLE audit_log ADD COLUMN origin_node TEXT');

  const diffs = diffSchemas(sqlite, pgSchema, NAMES);
  assert.deepEqual(diffs.sort(), [
    'annotations: annotations_at (at) only in SQLite',
    'annotations: column colour only in PostgreSQL',
    'audit_log: column origin_node only in SQLite',
    'feeds.last_item_count: type "integer" in SQLite, "real" in PostgreSQL',
    'sessions: (user_id) -> users (id) on delete cascade only in SQLite',
    'sessions: (user_id) -> users (id) on delete no action only in PostgreSQL',
  ]);
});

test('the PostgreSQL triggers keep the per-(status, language) counts as SQLite does, and index settled statements for search', async (t) => {
  const db = await scratch(t);
  if (!db) return;
  const s = createTempStore(undefined, { engine: 'sqlite' });
  t.after(s.cleanup);
  const client = await db.connect();
  try {
    await checkTriggers(s.store.db, client);
  } finally {
    await client.end(); // before the database is dropped (t.after hooks run first-registered first)
  }
});

async function checkTriggers(sqliteDb: Store['db'], client: pg.Client): Promise<void> {
  await migratePostgres(client);

  // The same raw writes on both sides: every path of the count triggers (insert, status change,
  // language change, both, an update that changes neither, delete).
  const writes: Array<[string, unknown[]]> = [
    ...[1, 2, 3, 4].map((i): [string, unknown[]] => [
      `INSERT INTO statements (id, dedupe_key, text, speaker, source, received_at, occurred_at, origin) VALUES (${i}, 'k${i}', ?, 'Minister Éva', 'wire.example', 1, 1, 'api')`,
      [`Statement ${i}: troops will respond to any négociation failure`],
    ]),
    [`UPDATE statements SET status = 'scored', lang = 'en', actor = 'Ruritania', targets = '["Borduria"]' WHERE id IN (1, 2)`, []],
    [`UPDATE statements SET status = 'unsupported', lang = 'fr' WHERE id = 3`, []],
    [`UPDATE statements SET lang = 'de' WHERE id = 2`, []],
    [`UPDATE statements SET score = 0.5 WHERE id = 1`, []],
    [`UPDATE statements SET status = 'pending', lang = NULL WHERE id = 2`, []],
    [`DELETE FROM statements WHERE id = 3`, []],
  ];
  for (const [sql, params] of writes) {
    sqliteDb.prepare(sql).run(...params);
    let n = 0;
    await client.query(sql.replace(/\?/g, () => `$${++n}`), params);
  }

  const countsSql = 'SELECT status, lang, n FROM statement_lang_counts ORDER BY status, lang';
  const sqliteCounts = sqliteDb.prepare(countsSql).all();
  const pgCounts = (await client.query(countsSql)).rows;
  assert.deepEqual(pgCounts, sqliteCounts);
  assert.deepEqual(sqliteCounts, [
    { status: 'pending', lang: '', n: 2 },
    { status: 'scored', lang: 'de', n: 0 },
    { status: 'scored', lang: 'en', n: 1 },
    { status: 'unsupported', lang: 'fr', n: 0 },
  ]);

  // Settled statements are found (accents folded, actor and targets included); pending ones not.
  const found = await client.query<{ id: string }>(
    `SELECT id FROM statements WHERE search @@ (phraseto_tsquery('simple', search_fold($1)) && to_tsquery('simple', search_fold($2))) ORDER BY id`,
    ['negociation failure', `'bordur':*`],
  );
  assert.deepEqual(found.rows.map((r) => Number(r.id)), [1]);
  const bySpeaker = await client.query<{ id: string }>(`SELECT id FROM statements WHERE search @@ plainto_tsquery('simple', search_fold('eva')) ORDER BY id`);
  assert.deepEqual(bySpeaker.rows.map((r) => Number(r.id)), [1]);
  const pending = await client.query<{ n: string }>(`SELECT count(*) AS n FROM statements WHERE status = 'pending' AND search IS NOT NULL`);
  assert.equal(Number(pending.rows[0]!.n), 0);
}

test('nodes migrating the same database at once apply each migration once, and again is a no-op', async (t) => {
  const db = await scratch(t);
  if (!db) return;
  const clients = await Promise.all([db.connect(), db.connect(), db.connect()]);
  try {
    const applied = await Promise.all(clients.map((c) => migratePostgres(c)));
    const files = fs.readdirSync(pgMigrationsDir()).filter((f) => f.endsWith('.sql')).length;
    assert.equal(applied.reduce((a, b) => a + b, 0), files, `applied ${applied.join(', ')}`);
    assert.equal(await migratePostgres(clients[0]!), 0);
    const rows = await clients[0]!.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    assert.equal(rows.rows.length, files);
    assert.equal(rows.rows[0]!.name, '001-schema.sql');
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
});

test('a failing PostgreSQL migration leaves nothing of itself and is named in the error', async (t) => {
  const db = await scratch(t);
  if (!db) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-pg-migrations-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, '001-first.sql'), 'CREATE TABLE first_table (id BIGINT PRIMARY KEY);');
  fs.writeFileSync(path.join(dir, '002-broken.sql'), 'CREATE TABLE half_done (id BIGINT); INSERT INTO no_such_table VALUES (1);');
  const client = await db.connect();
  try {
    await assert.rejects(migratePostgres(client, dir), /PostgreSQL migration 002-broken\.sql failed: relation "no_such_table" does not exist/);
    const versions = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(versions.rows.map((r) => r.version), [1]);
    const tables = await client.query(`SELECT tablename FROM pg_tables WHERE tablename IN ('first_table', 'half_done')`);
    assert.deepEqual(tables.rows.map((r) => r.tablename), ['first_table']);
  } finally {
    await client.end();
  }
});
