import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { projectRoot } from '../config/project-root.ts';
import { ensureStatusCounts } from './status-counts.ts';
import { secureDatabaseFiles } from './file-modes.ts';

export type Db = Database.Database;

const migrationsDir = () => path.join(projectRoot(), 'server', 'store', 'migrations');

/**
 * Opens the SQLite file with the pragmas we rely on (WAL so exports read while the score job
 * writes, foreign keys, a busy timeout) and applies pending migrations. A read-only handle
 * skips migrations: it is opened after a writer has migrated.
 */
export function openDatabase(file: string, options: { readonly?: boolean } = {}): Db {
  const onDisk = file !== ':memory:' && file !== '';
  // Created 0600 before SQLite opens it (SQLite gives -wal and -shm the database's mode).
  if (onDisk && !options.readonly) secureDatabaseFiles(file, 'before-open');
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db);
    ensureStatusCounts(db); // per status and language (status-counts.ts, lang-counts.ts)
    if (onDisk) secureDatabaseFiles(file, 'after-open');
  }
  return db;
}

interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(dir = migrationsDir()): Migration[] {
  const migrations = fs
    .readdirSync(dir)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: fs.readFileSync(path.join(dir, f), 'utf8') }));
  // Strictly increasing, no duplicates. A gap is allowed: parallel branches own their numbers
  // (e.g. 012 merged before 011), and each migration is applied once, in order.
  migrations.forEach((m, i) => {
    if (m.version < 1 || (i > 0 && m.version <= migrations[i - 1]!.version)) throw new Error(`migration numbering has a duplicate or is out of order at ${m.name}`);
  });
  return migrations;
}

/**
 * Applies every migration above PRAGMA user_version, each in its own transaction. Foreign keys
 * are off while they run (SQLite's procedure for rebuilding a table: dropping a parent table
 * with them on would cascade into its children) and checked before each commit.
 */
export function migrate(db: Db, dir = migrationsDir()): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = listMigrations(dir).filter((m) => m.version > current);
  if (pending.length === 0) return 0;
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    for (const m of pending) {
      db.transaction(() => {
        db.exec(m.sql);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`migration ${m.name} leaves ${broken.length} broken foreign key reference(s)`);
        db.pragma(`user_version = ${m.version}`);
      })();
    }
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  return pending.length;
}
