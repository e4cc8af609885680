import fs from 'node:fs';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { listMigrations } from '../../server/store/database.ts';

/**
 * The copy behind `npm run migrate-to-postgres` (scripts/migrate-to-postgres.ts): every table of
 * a Brinkwatch SQLite file into a freshly migrated PostgreSQL database, ids kept, in one
 * PostgreSQL transaction (a failure leaves the target as it was) read from one SQLite snapshot.
 */

/** An expected refusal (bad input, target not empty): the message is for a person, no stack. */
export class MigrationRefused extends Error {}

/** Tables PostgreSQL holds that are not copied: its migration log, the counts rebuilt from the rows, and the minute cache's change versions (written by the bucket trigger as rows go in). */
const NOT_COPIED = new Set(['schema_migrations', 'statement_lang_counts', 'metric_scope_versions']);
/** SQLite tables with no PostgreSQL counterpart: FTS5's index (PostgreSQL has statements.search). */
const SQLITE_ONLY = new Set(['statements_fts', 'statements_fts_data', 'statements_fts_idx', 'statements_fts_docsize', 'statements_fts_config']);
/** Computed on PostgreSQL (statements.search by its trigger; metric_buckets.changed, the minute cache's stamp, by 003-metrics.sql's), never copied. */
const PG_COMPUTED: Record<string, string[]> = { statements: ['search'], metric_buckets: ['changed'] };
/** The per-(status, language) count triggers, off during the copy (see copyAll). */
const COUNT_TRIGGERS = ['statements_lang_count_insert', 'statements_lang_count_update', 'statements_lang_count_delete'];

export interface TablePlan {
  name: string;
  columns: string[];
  /** PostgreSQL type of each column (format_type), for the arrays the rows are sent in. */
  types: string[];
  /** Has an identity column `id` whose sequence must follow the copied ids. */
  identity: boolean;
}

export interface CountLine {
  table: string;
  sqlite: number;
  postgres: number;
}

/** Opens the SQLite file read-only after checking it is a Brinkwatch database of the current schema. */
export function openSource(file: string): Database.Database {
  if (!fs.existsSync(file)) throw new MigrationRefused(`no such file: ${file}`);
  if (!fs.statSync(file).isFile()) throw new MigrationRefused(`not a file: ${file}`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new MigrationRefused(`cannot open ${file} read-only: ${(err as Error).message}`);
  }
  try {
    let version: number;
    try {
      version = db.pragma('user_version', { simple: true }) as number;
    } catch (err) {
      throw new MigrationRefused(`${file} is not a SQLite database (${(err as Error).message})`);
    }
    const hasStatements = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'statements'`).get();
    if (!hasStatements || version === 0) throw new MigrationRefused(`${file} is not a Brinkwatch database (it has no statements table or no schema version)`);
    const latest = Math.max(...listMigrations().map((m) => m.version));
    if (version < latest) {
      throw new MigrationRefused(
        `${file} has schema version ${version}, this Brinkwatch writes ${latest}: start this version of Brinkwatch on it once (it migrates the file as it opens it), stop it, then run this again`,
      );
    }
    if (version > latest) throw new MigrationRefused(`${file} has schema version ${version}, newer than this Brinkwatch (${latest}): use the version that wrote it`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * The PostgreSQL tables to fill, parents before children (foreign keys), each with the columns
 * both sides have. A column or table on one side only (beyond the known differences) means the
 * two schemas are not the same version: refused rather than silently dropping data.
 */
export async function planTables(client: pg.ClientBase, sqlite: Database.Database): Promise<TablePlan[]> {
  const pgCols = await client.query<{ table: string; column: string; type: string; identity: string }>(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, a.attidentity AS identity
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
     WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY c.relname, a.attnum`,
  );
  const pgTables = new Map<string, { columns: string[]; types: string[]; identity: boolean }>();
  for (const r of pgCols.rows) {
    const t = pgTables.get(r.table) ?? { columns: [], types: [], identity: false };
    t.columns.push(r.column);
    t.types.push(r.type);
    if (r.column === 'id' && r.identity !== '') t.identity = true;
    pgTables.set(r.table, t);
  }
  const sqliteTables = (sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`).pluck().all() as string[])
    .filter((t) => !SQLITE_ONLY.has(t) && !NOT_COPIED.has(t));
  const missing = sqliteTables.filter((t) => !pgTables.has(t));
  if (missing.length > 0) throw new MigrationRefused(`the PostgreSQL schema has no table ${missing.join(', ')}: the two schemas are not the same version`);

  const plans: TablePlan[] = [];
  for (const [name, t] of pgTables) {
    if (NOT_COPIED.has(name)) continue;
    if (!sqliteTables.includes(name)) throw new MigrationRefused(`the SQLite file has no table ${name}: the two schemas are not the same version`);
    const sqliteCols = (sqlite.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(name) as string[]);
    const wanted = t.columns.filter((c) => !(PG_COMPUTED[name] ?? []).includes(c));
    const onlySqlite = sqliteCols.filter((c) => !wanted.includes(c));
    const onlyPg = wanted.filter((c) => !sqliteCols.includes(c));
    if (onlySqlite.length + onlyPg.length > 0) {
      throw new MigrationRefused(`table ${name} differs: ${[...onlySqlite.map((c) => `${c} only in SQLite`), ...onlyPg.map((c) => `${c} only in PostgreSQL`)].join(', ')}`);
    }
    plans.push({ name, columns: wanted, types: wanted.map((c) => t.types[t.columns.indexOf(c)]!), identity: t.identity });
  }
  return sortByForeignKeys(plans, await foreignKeyEdges(client));
}

async function foreignKeyEdges(client: pg.ClientBase): Promise<Array<{ child: string; parent: string }>> {
  const r = await client.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent FROM pg_constraint c
     JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE c.contype = 'f' AND n.nspname = current_schema()`,
  );
  return r.rows;
}

/** Parents first; alphabetical among equals so that runs print the same order. */
export function sortByForeignKeys(plans: TablePlan[], edges: Array<{ child: string; parent: string }>): TablePlan[] {
  const left = new Map(plans.map((p) => [p.name, p]));
  const out: TablePlan[] = [];
  while (left.size > 0) {
    const ready = [...left.keys()].filter((t) => !edges.some((e) => e.child === t && e.parent !== t && left.has(e.parent))).sort();
    if (ready.length === 0) throw new Error(`foreign keys form a cycle among ${[...left.keys()].join(', ')}`);
    for (const t of ready) {
      out.push(left.get(t)!);
      left.delete(t);
    }
  }
  return out;
}

/** Tables of the plan that already hold rows on PostgreSQL, with their counts. */
export async function nonEmptyTables(client: pg.ClientBase, plans: TablePlan[]): Promise<CountLine[]> {
  const out: CountLine[] = [];
  for (const p of plans) {
    const n = Number((await client.query(`SELECT count(*) AS n FROM ${p.name}`)).rows[0].n);
    if (n > 0) out.push({ table: p.name, sqlite: 0, postgres: n });
  }
  return out;
}

/**
 * Copies every planned table in INSERTs of up to `batchRows` rows each, inside the
 * caller's PostgreSQL transaction. The count triggers are off meanwhile (a million updates of
 * the same few counter rows in one transaction would each walk a longer chain of row versions),
 * and the counts are rebuilt from the rows afterwards; the search trigger stays on and fills
 * statements.search as each row goes in. Identity sequences then continue after the largest id.
 */
export async function copyAll(
  client: pg.ClientBase,
  sqlite: Database.Database,
  plans: TablePlan[],
  options: { batchRows: number; progress: (line: string) => void },
): Promise<void> {
  for (const t of COUNT_TRIGGERS) await client.query(`ALTER TABLE statements DISABLE TRIGGER ${t}`);
  // Secondary indexes are built once at the end rather than entry by entry; the primary keys and
  // unique constraints stay, so a duplicate id or key still fails the copy at its batch.
  const indexes = await secondaryIndexes(client, plans);
  for (const ix of indexes) await client.query(`DROP INDEX ${ix.name}`);
  for (const plan of plans) {
    const total = sqlite.prepare(`SELECT count(*) FROM ${plan.name}`).pluck().get() as number;
    const cols = plan.columns.map((c) => `"${c}"`).join(', ');
    // One array per column: the statement text is the same for every batch (prepared once), and
    // the server parses one array per column rather than a VALUES list of thousands of parameters.
    const insert = {
      name: `copy_${plan.name}`,
      text: `INSERT INTO ${plan.name} (${cols}) SELECT * FROM unnest(${plan.types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`,
    };
    const read = sqlite.prepare(`SELECT ${cols} FROM ${plan.name}`).raw();
    let batch: unknown[][] = [];
    let done = 0;
    let lastReport = Date.now();
    const flush = async () => {
      if (batch.length === 0) return;
      const columns = plan.columns.map((_, i) => batch.map((row) => row[i]));
      try {
        await client.query({ ...insert, values: columns });
      } catch (err) {
        throw new Error(`copying ${plan.name} (rows ${done + 1}-${done + batch.length} of ${total}) failed: ${(err as Error).message}`, { cause: err });
      }
      done += batch.length;
      batch = [];
      if (Date.now() - lastReport > 2000) {
        options.progress(`  ${plan.name}: ${done} / ${total} rows`);
        lastReport = Date.now();
      }
    };
    for (const row of read.iterate() as Iterable<unknown[]>) {
      batch.push(row);
      if (batch.length >= options.batchRows) await flush();
    }
    await flush();
    options.progress(`${plan.name}: ${done} rows copied`);
    if (plan.identity) {
      await client.query(`SELECT setval(pg_get_serial_sequence('${plan.name}', 'id'), COALESCE((SELECT max(id) FROM ${plan.name}), 0) + 1, false)`);
    }
  }
  for (const ix of indexes) {
    const started = Date.now();
    await client.query(ix.definition);
    options.progress(`index ${ix.name} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  await client.query('DELETE FROM statement_lang_counts');
  await client.query(`INSERT INTO statement_lang_counts (status, lang, n)
                      SELECT status, COALESCE(lang, ''), count(*) FROM statements GROUP BY status, COALESCE(lang, '')`);
  for (const t of COUNT_TRIGGERS) await client.query(`ALTER TABLE statements ENABLE TRIGGER ${t}`);
}

/** The indexes of the planned tables that back no constraint, with the SQL that creates each. */
async function secondaryIndexes(client: pg.ClientBase, plans: TablePlan[]): Promise<Array<{ name: string; definition: string }>> {
  const r = await client.query<{ name: string; definition: string }>(
    `SELECT quote_ident(ic.relname) AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = current_schema() AND t.relname = ANY ($1)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
     ORDER BY ic.relname`,
    [plans.map((p) => p.name)],
  );
  return r.rows;
}

/**
 * Rows per table on both sides, plus the statement counts per (status, language) as each side
 * keeps them (rows with n = 0, left behind by the count triggers, are not counts of anything).
 */
export async function countCheck(client: pg.ClientBase, sqlite: Database.Database, plans: TablePlan[]): Promise<CountLine[]> {
  const lines: CountLine[] = [];
  for (const p of plans) {
    const s = sqlite.prepare(`SELECT count(*) FROM ${p.name}`).pluck().get() as number;
    const g = Number((await client.query(`SELECT count(*) AS n FROM ${p.name}`)).rows[0].n);
    lines.push({ table: p.name, sqlite: s, postgres: g });
  }
  const hasCounts = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'statement_lang_counts'`).get();
  if (hasCounts) {
    const sqliteCounts = sqlite.prepare('SELECT status, lang, n FROM statement_lang_counts WHERE n <> 0').all() as Array<{ status: string; lang: string; n: number }>;
    const pgCounts = (await client.query<{ status: string; lang: string; n: number }>('SELECT status, lang, n FROM statement_lang_counts WHERE n <> 0')).rows;
    const keys = new Set([...sqliteCounts, ...pgCounts].map((r) => `${r.status}/${r.lang}`));
    for (const key of [...keys].sort()) {
      const find = (rows: Array<{ status: string; lang: string; n: number }>) => Number(rows.find((r) => `${r.status}/${r.lang}` === key)?.n ?? 0);
      lines.push({ table: `statement_lang_counts[${key === '' ? '' : key}]`, sqlite: find(sqliteCounts), postgres: find(pgCounts) });
    }
  }
  return lines;
}
