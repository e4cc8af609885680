/**
 * npm run restore -- FILE [--check]
 *
 * Replaces the database in BRINKWATCH_DATA_DIR with a backup (server/store/backup.ts). Refuses a
 * backup that fails PRAGMA integrity_check, is not a Brinkwatch database or has a schema newer
 * than this version; refuses while any process holds the database open (the server, `npm run
 * ingest`): SQLite's own file lock tells, see isDatabaseInUse. The current database is kept
 * aside as brinkwatch.db.before-restore-<time>. `--check` only checks the backup.
 * Exit 0 on success, 1 when refused, 2 on bad usage and on a PostgreSQL store (it prints the
 * pg_restore command to use instead).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigFromEnv } from '../server/config/config.ts';
import { checkDatabaseFile, postgresBackupAdvice, restoreDatabase } from '../server/store/backup.ts';

const USAGE = 'usage: npm run restore -- FILE [--check]   (restores into brinkwatch.db in BRINKWATCH_DATA_DIR)\n';

function fail(message: string, code: number): never {
  process.stderr.write(`restore: ${message}\n`);
  process.exit(code);
}

let args;
try {
  args = parseArgs({ allowPositionals: true, options: { check: { type: 'boolean' } } });
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`, 2);
}
if (args.positionals.length !== 1) fail(`give exactly one backup file\n${USAGE}`, 2);
const backup = path.resolve(args.positionals[0]!);

if (args.values.check) {
  const c = checkDatabaseFile(backup);
  if (!c.ok) fail(`the backup ${backup} is refused: ${c.problems.join('; ')}`, 1);
  process.stdout.write(`backup ok: ${backup} (${c.statements} statements, schema version ${c.schemaVersion} of ${c.latestVersion}, integrity ok)\n`);
  process.exit(0);
}

const parsed = loadConfigFromEnv();
if (!parsed.ok) fail(`the configuration has ${parsed.errors.length} problem(s):\n${parsed.errors.map((e) => `  - ${e}`).join('\n')}`, 2);
// A PostgreSQL store (BRINKWATCH_DATABASE_URL once the configuration reads it: config.databaseUrl)
// is restored with pg_restore: say so, replace nothing.
const pgAdvice = postgresBackupAdvice((parsed.config as { databaseUrl?: string }).databaseUrl, 'restore');
if (pgAdvice) fail(pgAdvice, 2);
let r: ReturnType<typeof restoreDatabase>;
try {
  r = restoreDatabase(backup, parsed.config.databaseFile);
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  fail(`${e.code ? `${e.code}: ` : ''}${e.message}`, 1);
}
if (!r.ok) fail(r.message, 1);
process.stdout.write(
  `restored ${backup} into ${r.restored} (${r.check.statements} statements, schema version ${r.check.schemaVersion}` +
    `${r.check.schemaVersion < r.check.latestVersion ? `; the next start migrates it to ${r.check.latestVersion}` : ''})\n` +
    (r.asideFile ? `the previous database is kept as ${r.asideFile}\n` : ''),
);
