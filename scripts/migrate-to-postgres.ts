/**
 * npm run migrate-to-postgres -- --from data/brinkwatch.db --to postgres://user:pass@host:5432/brinkwatch [--batch 1000]
 *
 * Moves an installation from its SQLite file to PostgreSQL (issue 16): opens the file read-only,
 * migrates the PostgreSQL schema (server/store/pg/migrate.ts), refuses a target that already
 * holds data, copies every table in foreign-key order with ids kept (one transaction: a failure
 * leaves the target empty), and prints the rows per table on both sides. Stop Brinkwatch first:
 * the copy reads one snapshot of the file, and what a running server writes after it is not moved.
 *
 * Exit status: 0 copied and every count equal; 1 the copy failed, the target was refused or a
 * count differs; 2 bad usage or a source file that is not a current Brinkwatch database.
 * Progress goes to stderr, the count table to stdout.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migratePostgres } from '../server/store/pg/migrate.ts';
import { copyAll, countCheck, MigrationRefused, nonEmptyTables, openSource, planTables } from './lib/sqlite-to-postgres.ts';

const USAGE = 'usage: npm run migrate-to-postgres -- --from FILE.db --to postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE [--batch ROWS]\n';

function fail(message: string, code: 1 | 2): never {
  process.stderr.write(`migrate-to-postgres: ${message}\n`);
  process.exit(code);
}
const progress = (line: string) => process.stderr.write(`${line}\n`);

let args;
try {
  args = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' }, batch: { type: 'string' } } });
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`, 2);
}
const { from, to } = args.values;
if (!from || !to) fail(`--from and --to are both required\n${USAGE}`, 2);
let target: URL;
try {
  target = new URL(to);
} catch {
  fail(`--to is not a URL: give postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE\n${USAGE}`, 2);
}
if (target.protocol !== 'postgres:' && target.protocol !== 'postgresql:') fail(`--to must be a postgres:// or postgresql:// URL, got ${target.protocol}//`, 2);
if (target.pathname.length <= 1) fail('--to names no database (postgres://HOST/DATABASE)', 2);
const batchRows = args.values.batch === undefined ? 1000 : Number(args.values.batch);
if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 10_000) fail(`--batch must be a whole number of rows from 1 to 10000, got ${args.values.batch}`, 2);
// The URL as it may be printed: never the password.
const shown = `${target.protocol}//${target.username ? `${decodeURIComponent(target.username)}@` : ''}${target.host}${target.pathname}`;

let sqlite;
try {
  sqlite = openSource(from);
} catch (err) {
  fail((err as Error).message, 2);
}

const client = new pg.Client({ connectionString: to, connectionTimeoutMillis: 10_000, application_name: 'brinkwatch-migrate-to-postgres' });
try {
  await client.connect();
} catch (err) {
  const hint = (err as { code?: string }).code === '3D000' ? ' (create it first: createdb, or CREATE DATABASE)' : '';
  fail(`cannot connect to PostgreSQL at ${shown}: ${(err as Error).message}${hint}`, 1);
}

let exitCode: 0 | 1 = 0;
try {
  const applied = await migratePostgres(client);
  progress(`PostgreSQL schema at ${shown}: ${applied === 0 ? 'already current' : `${applied} migration(s) applied`}`);

  // One SQLite read transaction: every table and the final counts come from the same moment.
  sqlite.exec('BEGIN');
  const plans = await planTables(client, sqlite);
  await client.query('BEGIN');
  try {
    const busy = await nonEmptyTables(client, plans);
    if (busy.length > 0) {
      throw new MigrationRefused(
        `the target database already holds data (${busy.map((b) => `${b.table}: ${b.postgres} row${b.postgres === 1 ? '' : 's'}`).join(', ')}); ` +
          'copy into a new, empty database (createdb ...) so nothing there is mixed with or overwritten by this file',
      );
    }
    const started = Date.now();
    progress(`copying ${plans.length} tables from ${from} (batches of ${batchRows} rows)`);
    await copyAll(client, sqlite, plans, { batchRows, progress });
    await client.query('COMMIT');
    progress(`copied in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined); // connection lost: the server rolls back; the first error is the one to show
    throw err;
  }
  // Planner statistics now, not when autovacuum gets round to it: the first queries of the
  // nodes started next would otherwise be planned for empty tables.
  for (const p of plans) await client.query(`ANALYZE ${p.name}`);

  const lines = await countCheck(client, sqlite, plans);
  sqlite.exec('COMMIT');
  const width = Math.max(...lines.map((l) => l.table.length));
  process.stdout.write(`${'table'.padEnd(width)}  ${'sqlite'.padStart(10)}  ${'postgres'.padStart(10)}\n`);
  for (const l of lines) {
    const mark = l.sqlite === l.postgres ? '' : '  <- differs';
    process.stdout.write(`${l.table.padEnd(width)}  ${String(l.sqlite).padStart(10)}  ${String(l.postgres).padStart(10)}${mark}\n`);
  }
  const differing = lines.filter((l) => l.sqlite !== l.postgres);
  if (differing.length > 0) {
    process.stderr.write(`migrate-to-postgres: ${differing.length} count(s) differ: ${differing.map((l) => l.table).join(', ')}\n`);
    exitCode = 1;
  } else {
    process.stderr.write('every count matches\n');
  }
} catch (err) {
  process.stderr.write(`migrate-to-postgres: ${err instanceof Error ? err.message : String(err)}\n`);
  exitCode = 1;
} finally {
  await client.end();
  sqlite.close();
}
process.exit(exitCode);
