/**
 * npm run backup -- FILE|DIR [--db FILE]
 *
 * Copies the database in BRINKWATCH_DATA_DIR with SQLite's online backup API while the server
 * keeps running (server/store/backup.ts): the copy is a consistent moment, one self-contained
 * file, mode 0600, integrity-checked before it appears under its name. Given a folder, writes
 * brinkwatch-<UTC time>.db inside it. Exit 0 on success, 1 when the backup fails, 2 on bad usage
 * and on a PostgreSQL store (it prints the pg_dump command to use instead).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigFromEnv } from '../server/config/config.ts';
import { backupDatabase, postgresBackupAdvice } from '../server/store/backup.ts';

const USAGE = 'usage: npm run backup -- FILE|DIR [--db FILE]   (default database: brinkwatch.db in BRINKWATCH_DATA_DIR)\n';

function fail(message: string, code: number): never {
  process.stderr.write(`backup: ${message}\n`);
  process.exit(code);
}

let args;
try {
  args = parseArgs({ allowPositionals: true, options: { db: { type: 'string' } } });
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`, 2);
}
if (args.positionals.length !== 1) fail(`give exactly one destination\n${USAGE}`, 2);
const parsed = loadConfigFromEnv();
if (!parsed.ok) fail(`the configuration has ${parsed.errors.length} problem(s):\n${parsed.errors.map((e) => `  - ${e}`).join('\n')}`, 2);
// A PostgreSQL store (--db postgres://..., or BRINKWATCH_DATABASE_URL once the configuration
// reads it: config.databaseUrl) is backed up with pg_dump: say so, copy nothing.
const pgAdvice = postgresBackupAdvice(args.values.db ?? (parsed.config as { databaseUrl?: string }).databaseUrl, 'backup');
if (pgAdvice) fail(pgAdvice, 2);
const source = path.resolve(args.values.db ?? parsed.config.databaseFile);
let destination = path.resolve(args.positionals[0]!);
if (fs.existsSync(destination) && fs.statSync(destination).isDirectory()) {
  destination = path.join(destination, `brinkwatch-${new Date().toISOString().replace(/[:.]/g, '-')}.db`);
}
if (!fs.existsSync(path.dirname(destination))) fail(`the folder ${path.dirname(destination)} does not exist`, 2);

try {
  const r = await backupDatabase(source, destination);
  process.stdout.write(
    `backup written: ${r.file} (${r.bytes} bytes, ${r.check.statements} statements, schema version ${r.check.schemaVersion}, integrity ok, mode 0600, ${r.ms} ms)\n`,
  );
} catch (err) {
  fail((err as Error).message, 1);
}
