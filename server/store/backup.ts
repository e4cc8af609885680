import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { listMigrations } from './database.ts';
import { makePrivateDir, PRIVATE_FILE } from './file-modes.ts';
import { isPostgresUrl, redactUrl } from './pg/pg-database.ts';

function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return redactUrl(url);
  }
}

/**
 * `npm run backup` / `npm run restore` copy SQLite files (the online backup API, file renames).
 * A PostgreSQL store (BRINKWATCH_DATABASE_URL) is the database server's to back up, with its own
 * tools, which copy a consistent snapshot while every node keeps writing: this says so, with the
 * commands, instead of copying anything. null: the location is a SQLite file.
 */
export function postgresBackupAdvice(location: string | undefined, what: 'backup' | 'restore'): string | null {
  if (location === undefined || !isPostgresUrl(location)) return null;
  // The commands carry no password (PGPASSWORD or ~/.pgpass give it), so they can be pasted as shown.
  const url = withoutPassword(location);
  const head = `the database is PostgreSQL (${redactUrl(location)}): npm run ${what} copies SQLite files only and does nothing here.`;
  return what === 'backup'
    ? `${head} Back it up with PostgreSQL's own tool, while the nodes keep running:\n` +
        `  pg_dump --format=custom --file=brinkwatch-$(date -u +%Y%m%dT%H%M%SZ).dump '${url}'\n` +
        `(password from PGPASSWORD or ~/.pgpass; or the server's continuous archiving, base backups plus WAL, for point-in-time recovery)`
    : `${head} Restore a pg_dump archive with PostgreSQL's own tool, with every node stopped:\n` +
        `  pg_restore --clean --if-exists --no-owner --dbname='${url}' FILE.dump   (password from PGPASSWORD or ~/.pgpass)\n` +
        `To move a SQLite backup into PostgreSQL: npm run migrate-to-postgres -- --from FILE.db --to '${url}'`;
}

/** Tables a Brinkwatch database has at every schema version (migration 001). */
const CORE_TABLES = ['statements', 'metric_buckets'];

export interface DatabaseFileCheck {
  ok: boolean;
  /** PRAGMA user_version: the last migration applied. */
  schemaVersion: number;
  /** The newest schema this code knows (the highest migration number). */
  latestVersion: number;
  statements: number | null;
  /** What is wrong, one line each; empty when ok. */
  problems: string[];
}

/**
 * Checks a database file without changing it: PRAGMA integrity_check, the schema version
 * (1..latest: older is fine, the next start migrates it; newer was written by a newer
 * Brinkwatch and is refused) and the core tables.
 */
export function checkDatabaseFile(file: string): DatabaseFileCheck {
  const latestVersion = listMigrations().length;
  const result: DatabaseFileCheck = { ok: false, schemaVersion: 0, latestVersion, statements: null, problems: [] };
  if (!fs.existsSync(file)) {
    result.problems.push(`${file} does not exist`);
    return result;
  }
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const integrity = db.pragma('integrity_check', { simple: false }) as Array<{ integrity_check: string }>;
    const lines = integrity.map((r) => r.integrity_check);
    if (lines.length !== 1 || lines[0] !== 'ok') result.problems.push(`integrity_check: ${lines.slice(0, 5).join('; ')}`);
    result.schemaVersion = Number(db.pragma('user_version', { simple: true }));
    if (result.schemaVersion < 1) result.problems.push('schema version 0: not a Brinkwatch database');
    if (result.schemaVersion > latestVersion) {
      result.problems.push(`schema version ${result.schemaVersion} is newer than this Brinkwatch knows (${latestVersion}): restore it with the version that wrote it`);
    }
    const tables = new Set(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[]);
    const missing = CORE_TABLES.filter((t) => !tables.has(t));
    if (missing.length > 0) result.problems.push(`missing table(s): ${missing.join(', ')}`);
    else result.statements = db.prepare('SELECT COUNT(*) FROM statements').pluck().get() as number;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    result.problems.push(`cannot be read as SQLite (${e.code ?? 'error'}: ${e.message ?? String(err)})`);
  } finally {
    db?.close();
  }
  result.ok = result.problems.length === 0;
  return result;
}

/**
 * Whether a connection (the server, `npm run ingest`, an export reader) has the database open.
 * Every connection to a WAL database holds a SHARED lock on the file for as long as it is open,
 * so a probe in exclusive locking mode that cannot take an EXCLUSIVE lock without waiting
 * (busy timeout 0) proves another holder. The probe writes nothing.
 */
export function isDatabaseInUse(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const probe = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE');
    probe.exec('ROLLBACK');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY' || (err as { code?: string }).code === 'SQLITE_LOCKED') return true;
    throw err;
  } finally {
    probe.close();
  }
}

export interface BackupResult {
  file: string;
  bytes: number;
  ms: number;
  check: DatabaseFileCheck;
}

/**
 * Copies the live database with SQLite's online backup API (better-sqlite3 `db.backup`): it
 * copies pages in steps and restarts a step when a writer changes the source, so the server
 * keeps running and the copy is one consistent moment. The copy is written beside the
 * destination as 0600, switched to a single self-contained file (journal_mode DELETE),
 * integrity-checked, and only then renamed into place. An existing destination is refused.
 */
export async function backupDatabase(source: string, destination: string): Promise<BackupResult> {
  const started = performance.now();
  if (!fs.existsSync(source)) throw new Error(`the database ${source} does not exist`);
  if (fs.existsSync(destination)) throw new Error(`${destination} already exists: remove it or choose another name`);
  const tmp = path.join(path.dirname(destination), `.${path.basename(destination)}.partial-${process.pid}`);
  // Created 0600 before SQLite writes a page into it (umask cannot widen it afterwards).
  fs.closeSync(fs.openSync(tmp, 'wx', PRIVATE_FILE));
  try {
    const src = new Database(source, { fileMustExist: true, timeout: 5000 });
    try {
      await src.backup(tmp);
    } finally {
      src.close();
    }
    const copy = new Database(tmp, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    fs.chmodSync(tmp, PRIVATE_FILE);
    const check = checkDatabaseFile(tmp);
    if (!check.ok) throw new Error(`the copy failed its check: ${check.problems.join('; ')}`);
    const fd = fs.openSync(tmp, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, destination);
    return { file: destination, bytes: fs.statSync(destination).size, ms: Math.round(performance.now() - started), check };
  } catch (err) {
    for (const p of [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(p, { force: true });
    throw err;
  }
}

export type RestoreResult =
  | { ok: true; restored: string; asideFile: string | null; check: DatabaseFileCheck }
  | { ok: false; code: 'bad-backup' | 'in-use'; message: string; check?: DatabaseFileCheck };

/**
 * Puts a backup in place of the database: refuses a backup that fails checkDatabaseFile, and
 * refuses while any connection holds the database (isDatabaseInUse: stop the server first).
 * The current database (with a -wal left by a crash) is kept aside as
 * `<db>.before-restore-<time>` and never deleted; the backup is copied beside the target as 0600,
 * fsynced and renamed into place, so the target is always a whole file.
 */
export function restoreDatabase(backup: string, target: string, now = Date.now()): RestoreResult {
  const check = checkDatabaseFile(backup);
  if (!check.ok) return { ok: false, code: 'bad-backup', message: `the backup ${backup} is refused: ${check.problems.join('; ')}`, check };
  if (isDatabaseInUse(target)) {
    return { ok: false, code: 'in-use', message: `the database ${target} is open in another process (the server, or npm run ingest): stop it, then restore` };
  }
  makePrivateDir(path.dirname(target));
  let asideFile: string | null = null;
  if (fs.existsSync(target)) {
    asideFile = `${target}.before-restore-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(target, asideFile);
    if (fs.existsSync(`${target}-wal`)) fs.renameSync(`${target}-wal`, `${asideFile}-wal`);
  }
  fs.rmSync(`${target}-shm`, { force: true });
  fs.rmSync(`${target}-journal`, { force: true });
  const tmp = `${target}.restore-${process.pid}`;
  fs.copyFileSync(backup, tmp);
  fs.chmodSync(tmp, PRIVATE_FILE);
  const fd = fs.openSync(tmp, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, target);
  return { ok: true, restored: target, asideFile, check };
}
