/**
 * A synchronous PostgreSQL connection with the part of better-sqlite3's Database API the
 * repositories use (prepare / run / get / all / iterate / pluck / raw, exec, transaction, close),
 * so the services and repositories run unchanged on either store (issue 16).
 *
 * Why synchronous: the whole server is written against better-sqlite3, whose calls are
 * synchronous. Each call here posts the query to a worker thread that owns a `pg` client and
 * blocks (Atomics.wait, via synckit) until the rows come back: one loopback round trip, about
 * 0.1-0.3 ms, during which this thread waits as it does on a SQLite page read. Long reads
 * (exports) get a connection of their own (openReader) and stream through a cursor.
 */
import path from 'node:path';
import { createSyncFn } from 'synckit';
import { projectRoot } from '../../config/project-root.ts';
import { bind, translateSql, type TranslatedSql } from './sql-translate.ts';

type WorkerReply<T> = { ok: true; value: T } | { ok: false; error: { message: string; code?: string; detail?: string; constraint?: string } };
type CallWorker = (op: string, a?: unknown, b?: unknown, c?: unknown) => WorkerReply<unknown>;

let callWorker: CallWorker | null = null;
function worker(): CallWorker {
  callWorker ??= createSyncFn(path.join(projectRoot(), 'server', 'store', 'pg', 'pg-worker.mjs'), { execArgv: [], tsRunner: undefined }) as unknown as CallWorker;
  return callWorker;
}

export class PgError extends Error {
  code: string | undefined;
  detail: string | undefined;
  constraint: string | undefined;
  constructor(e: { message: string; code?: string; detail?: string; constraint?: string }, sql?: string) {
    super(sql ? `${e.message} (in: ${sql.replace(/\s+/g, ' ').slice(0, 300)})` : e.message);
    this.name = 'PgError';
    this.code = e.code;
    this.detail = e.detail;
    this.constraint = e.constraint;
  }
}

function call<T>(op: string, a?: unknown, b?: unknown, c?: unknown, sql?: string): T {
  const r = worker()(op, a, b, c);
  if (!r.ok) throw new PgError(r.error, sql);
  return r.value as T;
}

export interface PgOpenOptions {
  /** Schema to use (search_path); tests give each store its own. */
  schema?: string;
  readOnly?: boolean;
  applicationName?: string;
}

export interface RunResult {
  changes: number;
  lastInsertRowid: number;
}

export class PgStatement {
  private pluckOn = false;
  private rawOn = false;
  readonly reader: boolean;
  constructor(
    private readonly db: PgDatabase,
    readonly source: string,
    private readonly t: TranslatedSql,
  ) {
    this.reader = /^\s*(SELECT|WITH|VALUES)\b/i.test(source) || /\bRETURNING\b/i.test(source);
  }
  pluck(on = true): this {
    this.pluckOn = on;
    if (on) this.rawOn = false;
    return this;
  }
  raw(on = true): this {
    this.rawOn = on;
    if (on) this.pluckOn = false;
    return this;
  }
  /** better-sqlite3's `expand` is not used by the repositories. */
  private shape(rows: unknown[]): unknown[] {
    if (this.pluckOn) return rows.map((r) => (r as unknown[])[0]);
    return rows;
  }
  private query(args: unknown[]): { rows: unknown[]; rowCount: number } {
    return this.db.query(this.t.text, bind(this.t, args), this.pluckOn || this.rawOn, this.source);
  }
  run(...args: unknown[]): RunResult {
    const r = this.db.query(this.t.text, bind(this.t, args), false, this.source);
    const last = r.rows.at(-1) as { id?: number } | undefined;
    return { changes: r.rowCount, lastInsertRowid: this.t.returnsId ? (last?.id ?? 0) : 0 };
  }
  get(...args: unknown[]): unknown {
    return this.shape(this.query(args).rows)[0];
  }
  all(...args: unknown[]): unknown[] {
    return this.shape(this.query(args).rows);
  }
  /** Streams through a server-side cursor, 1,000 rows per round trip (exports of millions of rows). */
  *iterate(...args: unknown[]): IterableIterator<unknown> {
    const values = bind(this.t, args);
    const own = !this.db.inTransaction;
    const cursor = `bw_cursor_${this.db.nextCursor()}`;
    // Its own transaction counts as one: a db.transaction() while the cursor is open becomes a
    // savepoint instead of a COMMIT that would close the cursor under the iteration.
    if (own) this.db.beginOwn();
    let open = false;
    let failed = false;
    try {
      this.db.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${this.t.text}`, values, false, this.source);
      open = true;
      for (;;) {
        const batch = this.db.query(`FETCH 1000 FROM ${cursor}`, [], this.pluckOn || this.rawOn).rows;
        for (const row of this.shape(batch)) yield row;
        if (batch.length < 1000) break;
      }
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      if (this.db.open) {
        if (failed) {
          // An error aborts a PostgreSQL transaction: end ours; in the caller's, its handler rolls back.
          if (own) this.db.rollbackOwn();
        } else {
          if (open) this.db.query(`CLOSE ${cursor}`, [], false);
          if (own) this.db.commitOwn();
        }
      }
    }
  }
}

export class PgDatabase {
  readonly dialect = 'postgres' as const;
  private readonly id: number;
  private depth = 0;
  private cursors = 0;
  private closed = false;
  private readonly cache = new Map<string, TranslatedSql>();
  private idTables: Set<string> | null = null;
  /** What `store.file` shows (the URL without its password). */
  readonly name: string;

  constructor(url: string, readonly options: PgOpenOptions = {}) {
    this.name = redactUrl(url);
    this.id = call<{ id: number }>('connect', url, options).id;
  }

  get open(): boolean {
    return !this.closed;
  }
  get inTransaction(): boolean {
    return this.depth > 0;
  }
  /** BEGIN for a cursor's own transaction (iterate), counted like transaction()'s. */
  beginOwn(): void {
    this.query('BEGIN', [], false);
    this.depth++;
  }
  rollbackOwn(): void {
    this.depth--;
    this.query('ROLLBACK', [], false);
  }
  commitOwn(): void {
    this.depth--;
    this.query('COMMIT', [], false);
  }
  nextCursor(): number {
    return ++this.cursors;
  }

  query(text: string, values: unknown[], array: boolean, source?: string): { rows: unknown[]; rowCount: number } {
    if (this.closed) throw new TypeError('The database connection is not open');
    return call('query', this.id, text, { values, array }, source ?? text);
  }

  private translated(sql: string): TranslatedSql {
    let t = this.cache.get(sql);
    if (!t) {
      if (/^\s*INSERT\b/i.test(sql)) this.idTables ??= this.loadIdTables();
      t = translateSql(sql, this.idTables ?? undefined);
      this.cache.set(sql, t);
    }
    return t;
  }

  private loadIdTables(): Set<string> {
    const rows = this.query(
      `SELECT table_name FROM information_schema.columns WHERE column_name = 'id' AND table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval%')`,
      [],
      true,
    ).rows as string[][];
    return new Set(rows.map((r) => r[0]!));
  }

  prepare(sql: string): PgStatement {
    return new PgStatement(this, sql, this.translated(sql));
  }

  /** Runs a script (several statements, no parameters). Schema changes reset the id-table list. */
  exec(sql: string): this {
    if (this.rawTransaction(sql)) return this;
    this.query(translateSql(sql).text, [], false, sql);
    if (/\b(CREATE|ALTER|DROP)\s+TABLE\b/i.test(sql)) {
      this.idTables = null;
      this.cache.clear();
    }
    return this;
  }

  /**
   * A transaction opened and closed by exec('BEGIN IMMEDIATE') ... exec('COMMIT') (the CLI's
   * file ingest spans one over several async chunks): SQLite's lock modes mean nothing here
   * (PostgreSQL locks rows), and inTransaction must say so, as better-sqlite3's does, so that
   * transaction() nests a savepoint inside and the caller knows to roll back.
   */
  private rawTransaction(sql: string): boolean {
    const m = /^\s*(BEGIN(?:\s+(?:DEFERRED|IMMEDIATE|EXCLUSIVE))?(?:\s+TRANSACTION)?|COMMIT(?:\s+TRANSACTION)?|END(?:\s+TRANSACTION)?|ROLLBACK(?:\s+TRANSACTION)?)\s*;?\s*$/i.exec(sql);
    if (!m) return false;
    const word = m[1]!.split(/\s+/)[0]!.toUpperCase();
    if (word === 'BEGIN') {
      if (this.depth > 0) throw new PgError({ message: 'cannot start a transaction within a transaction' }, sql);
      this.query('BEGIN', [], false);
      this.depth = 1;
      return true;
    }
    if (this.depth === 0) throw new PgError({ message: 'cannot commit - no transaction is active' }, sql);
    this.depth = 0;
    this.query(word === 'ROLLBACK' ? 'ROLLBACK' : 'COMMIT', [], false);
    return true;
  }

  /** SQLite PRAGMAs have no PostgreSQL meaning: tuning ones are ignored; the caller branches on isPostgres for the rest. */
  pragma(_source: string, _options?: { simple?: boolean }): unknown {
    return undefined;
  }

  /** better-sqlite3's transaction(): a function that runs fn in BEGIN/COMMIT, or in a savepoint when nested. */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) & { deferred: (...args: A) => R; immediate: (...args: A) => R; exclusive: (...args: A) => R } {
    const run = (...args: A): R => {
      const before = this.depth;
      const nested = before > 0;
      const sp = `bw_sp_${before}`;
      this.query(nested ? `SAVEPOINT ${sp}` : 'BEGIN', [], false);
      this.depth = before + 1;
      let result: R;
      try {
        result = fn(...args);
        if (result instanceof Promise) throw new TypeError('Transaction function cannot return a promise');
      } catch (err) {
        this.depth = before;
        if (!this.closed) this.query(nested ? `ROLLBACK TO SAVEPOINT ${sp}; RELEASE SAVEPOINT ${sp}` : 'ROLLBACK', [], false);
        throw err;
      }
      this.depth = before;
      try {
        this.query(nested ? `RELEASE SAVEPOINT ${sp}` : 'COMMIT', [], false);
      } catch (err) {
        if (!nested && !this.closed) this.query('ROLLBACK', [], false);
        throw err;
      }
      return result;
    };
    return Object.assign(run, { deferred: run, immediate: run, exclusive: run });
  }

  function(): this {
    throw new Error('user-defined SQL functions are SQLite-only: branch on isPostgres(db)');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    call('end', this.id);
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** True when the repository's db handle is PostgreSQL (branch on it where the dialects differ in meaning). */
export function isPostgres(db: unknown): db is PgDatabase {
  return db instanceof PgDatabase;
}
