import type Database from 'better-sqlite3';
import type pg from 'pg';

/**
 * What a schema means to the code that runs on it, read from SQLite's pragmas and PostgreSQL's
 * catalogs into one shape, so that test/store/pg-schema-equivalence.test.ts can compare the two
 * stores' migrations. Names are compared as they are; types by class (SQLite affinity on one side,
 * the PostgreSQL type on the other); defaults and partial-index predicates as normalised text.
 */
export type TypeClass = 'integer' | 'real' | 'text' | 'blob' | 'numeric' | `other:${string}`;

export interface ColumnMeaning {
  type: TypeClass;
  notNull: boolean;
  default: string | null;
}

export interface TableMeaning {
  columns: Record<string, ColumnMeaning>;
  primaryKey: string[];
  /** `unique (a, b)`: UNIQUE constraints, by their columns (their index names are generated). */
  uniques: string[];
  /** `(a) -> parent (b) on delete cascade` */
  foreignKeys: string[];
  /** `[unique ]name (col[ desc][ nocase], ...)[ where predicate]`: indexes created by name. */
  indexes: string[];
}

export type SchemaMeaning = Record<string, TableMeaning>;

/** SQLite's column affinity rules (https://www.sqlite.org/datatype3.html, 3.1), in their order. */
export function sqliteTypeClass(declared: string): TypeClass {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'integer';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'text';
  if (t.includes('BLOB') || t === '') return 'blob';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'real';
  return 'numeric';
}

export function pgTypeClass(formatted: string): TypeClass {
  if (['smallint', 'integer', 'bigint'].includes(formatted)) return 'integer';
  if (['real', 'double precision'].includes(formatted)) return 'real';
  if (formatted === 'numeric' || formatted.startsWith('numeric(')) return 'numeric';
  if (formatted === 'text' || formatted.startsWith('character')) return 'text';
  if (formatted === 'bytea') return 'blob';
  return `other:${formatted}`;
}

/**
 * One spelling for both engines' expressions: PostgreSQL adds casts (`'x'::text`), parentheses
 * and rewrites `IN (...)` as `= ANY (ARRAY[...])`.
 */
export function normaliseExpression(sql: string): string {
  return sql
    .replace(/::[a-z ]+(\[\])?/gi, '')
    .replace(/(\w+) = ANY \(ARRAY\[(.*?)\]\)/gi, '$1 IN ($2)')
    .replace(/[()]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

const collation = (name: string | null | undefined): string => {
  const n = (name ?? '').toLowerCase();
  return n === '' || n === 'binary' || n === 'default' ? '' : ` ${n}`;
};

function emptyTable(): TableMeaning {
  return { columns: {}, primaryKey: [], uniques: [], foreignKeys: [], indexes: [] };
}

function finish(table: TableMeaning): TableMeaning {
  // A primary key column is never NULL on either side. (SQLite lets a non-INTEGER primary key
  // column of a rowid table hold NULL unless declared NOT NULL; nothing here writes one.)
  for (const c of table.primaryKey) if (table.columns[c]) table.columns[c]!.notNull = true;
  table.uniques.sort();
  table.foreignKeys.sort();
  table.indexes.sort();
  return table;
}

/** Reads a SQLite database's tables, skipping SQLite's own (`sqlite_` names are reserved to it) and `skipTables`. */
export function describeSqlite(db: Database.Database, skipTables: readonly string[]): SchemaMeaning {
  const out: SchemaMeaning = {};
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`)
    .pluck()
    .all() as string[];
  for (const name of tables.filter((t) => !skipTables.includes(t))) {
    const table = emptyTable();
    const cols = db.prepare('SELECT name, type, "notnull" AS nn, dflt_value AS dflt, pk FROM pragma_table_xinfo(?) WHERE hidden = 0').all(name) as Array<{
      name: string; type: string; nn: number; dflt: string | null; pk: number;
    }>;
    for (const c of cols) table.columns[c.name] = { type: sqliteTypeClass(c.type), notNull: c.nn === 1, default: c.dflt === null ? null : normaliseExpression(c.dflt) };
    table.primaryKey = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);

    const indexes = db.prepare('SELECT name, "unique" AS uq, origin, partial FROM pragma_index_list(?)').all(name) as Array<{ name: string; uq: number; origin: string; partial: number }>;
    for (const ix of indexes) {
      if (ix.origin === 'pk') continue;
      const keys = db.prepare('SELECT name, "desc" AS d, coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno').all(ix.name) as Array<{ name: string; d: number; coll: string }>;
      const cols = keys.map((k) => `${k.name}${k.d ? ' desc' : ''}${collation(k.coll)}`).join(', ');
      if (ix.origin === 'u') {
        table.uniques.push(`unique (${cols})`);
        continue;
      }
      const sql = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`).pluck().get(ix.name) as string;
      const where = ix.partial ? ` where ${normaliseExpression(sql.replace(/^[\s\S]*?\bWHERE\b/i, ''))}` : '';
      table.indexes.push(`${ix.uq ? 'unique ' : ''}${ix.name} (${cols})${where}`);
    }

    const fks = db.prepare('SELECT id, seq, "table" AS parent, "from" AS src, "to" AS dst, on_delete AS del FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(name) as Array<{
      id: number; seq: number; parent: string; src: string; dst: string; del: string;
    }>;
    const byId = new Map<number, typeof fks>();
    for (const f of fks) byId.set(f.id, [...(byId.get(f.id) ?? []), f]);
    for (const group of byId.values()) {
      const g0 = group[0]!;
      table.foreignKeys.push(`(${group.map((f) => f.src).join(', ')}) -> ${g0.parent} (${group.map((f) => f.dst).join(', ')}) on delete ${g0.del.toLowerCase()}`);
    }
    out[name] = finish(table);
  }
  return out;
}

const PG_ON_DELETE: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

/** Reads the ordinary tables of the client's current schema, skipping `skipTables`. */
export async function describePostgres(client: pg.ClientBase, skipTables: readonly string[]): Promise<SchemaMeaning> {
  const out: SchemaMeaning = {};
  const tables = await client.query<{ oid: number; name: string }>(
    `SELECT c.oid, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
  );
  for (const { oid, name } of tables.rows.filter((t) => !skipTables.includes(t.name))) {
    const table = emptyTable();
    const cols = await client.query<{ name: string; type: string; nn: boolean; dflt: string | null; num: number }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS nn,
              pg_get_expr(d.adbin, d.adrelid) AS dflt, a.attnum AS num
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [oid],
    );
    const colName = new Map(cols.rows.map((c) => [c.num, c.name]));
    for (const c of cols.rows) table.columns[c.name] = { type: pgTypeClass(c.type), notNull: c.nn, default: c.dflt === null ? null : normaliseExpression(c.dflt) };

    const cons = await client.query<{ type: string; cols: number[]; parent: string | null; pcols: number[] | null; parentoid: number; del: string }>(
      `SELECT contype AS type, conkey AS cols, confrelid::regclass::text AS parent, confkey AS pcols, confrelid AS parentoid, confdeltype AS del
       FROM pg_constraint WHERE conrelid = $1 AND contype IN ('p', 'u', 'f') ORDER BY conname`,
      [oid],
    );
    for (const c of cons.rows) {
      const names = c.cols.map((n) => colName.get(n)!);
      if (c.type === 'p') table.primaryKey = names;
      else if (c.type === 'u') table.uniques.push(`unique (${await pgIndexColumnsOfConstraint(client, oid, c.cols, names)})`);
      else {
        const parentCols = await client.query<{ name: string }>(
          'SELECT attname AS name FROM pg_attribute a JOIN unnest($2::int2[]) WITH ORDINALITY k(num, ord) ON a.attnum = k.num WHERE a.attrelid = $1 ORDER BY k.ord',
          [c.parentoid, c.pcols],
        );
        table.foreignKeys.push(`(${names.join(', ')}) -> ${c.parent} (${parentCols.rows.map((r) => r.name).join(', ')}) on delete ${PG_ON_DELETE[c.del]}`);
      }
    }

    const indexes = await client.query<{ name: string; uq: boolean; pred: string | null; cols: string }>(
      `SELECT ic.relname AS name, i.indisunique AS uq, pg_get_expr(i.indpred, i.indrelid) AS pred,
              (SELECT string_agg(a.attname || CASE WHEN (i.indoption[k.ord - 1] & 1) = 1 THEN ' desc' ELSE '' END
                                 || COALESCE(' ' || NULLIF(NULLIF(co.collname, 'default'), 'C'), ''), ', ' ORDER BY k.ord)
               FROM unnest(i.indkey) WITH ORDINALITY k(num, ord)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
               LEFT JOIN pg_collation co ON co.oid = i.indcollation[k.ord - 1]) AS cols
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
       WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u'))`,
      [oid],
    );
    for (const ix of indexes.rows) {
      table.indexes.push(`${ix.uq ? 'unique ' : ''}${ix.name} (${ix.cols ?? ''})${ix.pred ? ` where ${normaliseExpression(ix.pred)}` : ''}`);
    }
    out[name] = finish(table);
  }
  return out;
}

/** A UNIQUE constraint's columns with their collation (users.name is compared without case on both sides). */
async function pgIndexColumnsOfConstraint(client: pg.ClientBase, table: number, nums: number[], names: string[]): Promise<string> {
  const r = await client.query<{ num: number; coll: string | null }>(
    `SELECT a.attnum AS num, co.collname AS coll FROM pg_attribute a LEFT JOIN pg_collation co ON co.oid = a.attcollation
     WHERE a.attrelid = $1 AND a.attnum = ANY ($2::int2[])`,
    [table, nums],
  );
  const coll = new Map(r.rows.map((row) => [row.num, row.coll]));
  return nums.map((n, i) => `${names[i]}${collation(coll.get(n) === 'C' ? '' : coll.get(n))}`).join(', ');
}

/** Every difference between two schema meanings, one line each ("" when equal). */
export function diffSchemas(a: SchemaMeaning, b: SchemaMeaning, names: { a: string; b: string }): string[] {
  const out: string[] = [];
  const onlyIn = (x: string[], y: string[]) => x.filter((v) => !y.includes(v));
  for (const t of onlyIn(Object.keys(a), Object.keys(b))) out.push(`table ${t} only in ${names.a}`);
  for (const t of onlyIn(Object.keys(b), Object.keys(a))) out.push(`table ${t} only in ${names.b}`);
  for (const t of Object.keys(a).filter((k) => k in b).sort()) {
    const ta = a[t]!;
    const tb = b[t]!;
    for (const c of onlyIn(Object.keys(ta.columns), Object.keys(tb.columns))) out.push(`${t}: column ${c} only in ${names.a}`);
    for (const c of onlyIn(Object.keys(tb.columns), Object.keys(ta.columns))) out.push(`${t}: column ${c} only in ${names.b}`);
    for (const c of Object.keys(ta.columns).filter((k) => k in tb.columns)) {
      const ca = ta.columns[c]!;
      const cb = tb.columns[c]!;
      for (const key of ['type', 'notNull', 'default'] as const) {
        if (ca[key] !== cb[key]) out.push(`${t}.${c}: ${key} ${JSON.stringify(ca[key])} in ${names.a}, ${JSON.stringify(cb[key])} in ${names.b}`);
      }
    }
    if (ta.primaryKey.join(',') !== tb.primaryKey.join(',')) out.push(`${t}: primary key (${ta.primaryKey}) in ${names.a}, (${tb.primaryKey}) in ${names.b}`);
    for (const key of ['uniques', 'foreignKeys', 'indexes'] as const) {
      for (const v of onlyIn(ta[key], tb[key])) out.push(`${t}: ${v} only in ${names.a}`);
      for (const v of onlyIn(tb[key], ta[key])) out.push(`${t}: ${v} only in ${names.b}`);
    }
  }
  return out;
}
