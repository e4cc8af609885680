/**
 * Export benchmark: a 1,000,000-statement database exported as CSV over real HTTP from a
 * server child process, measuring rows per second and the server's peak RSS (VmHWM, plus
 * VmRSS sampled every 20 ms), against the targets of issue 6: >= 200,000 rows/s, < 150 MB.
 * The database (export-bench-data.ts) carries export heads as the statements repo writes them
 * (migration 007). In this process, same run: the export's read and format path (export_head)
 * against the one it replaced and still runs for rows without a head (every column read,
 * statementRecord), then the same rows formatted by csv-stringify and by our RFC 4180 writers
 * (statementRecord; csvRecord over cells), so the choice of a hand-written quoter is a measured one.
 *
 * Three servers in turn: the export routes alone, bundled and run with plain node and the node
 * flags of `npm start` (the figures the targets are judged on); the real `npm start` server on the
 * same database; and the export routes under tsx, as this benchmark used to run them.
 *
 *   node --import tsx scripts/bench/export-bench.ts [--rows N] [--db FILE] [--no-tsx] [--no-real] [--flags '...']
 *   (npm run bench -- export; --db reuses a database generated earlier; --flags tries node flags other than npm start's)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { statementCells, statementExportRecord, statementRecord } from '../../server/export/statement-rows.ts';
import { csvRecord, neutraliseFormula, type CsvCell } from '../../server/shared/csv-format.ts';
import { createExportQueries, type StatementExportTuple } from '../../server/store/export-queries.ts';
import { createStore } from '../../server/store/store.ts';
import { generateDatabase } from './export-bench-data.ts';
import { buildServer } from '../build-server.ts';
import type { ChildMemory } from './export-bench-server.ts';
import { bundleBenchServer, describeMemory, download, memoryOf, SERVER_SOURCE, startBenchChild, startNodeFlags, startRealServer, type HttpRun, type ServerUnderTest } from './export-bench-process.ts';

const SELF = fileURLToPath(import.meta.url);
const TARGET_ROWS_PER_S = 200_000;
const TARGET_RSS_MB = 150;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Formatting only, in process: our writer against csv-stringify on the same rows.

async function compareFormatters(file: string, n: number): Promise<Array<{ name: string; rowsPerS: number }>> {
  const store = createStore(file);
  const reader = store.openReader();
  const queries = createExportQueries(reader);
  const tuples: StatementExportTuple[] = [];
  for (const t of queries.iterateStatements({})) {
    tuples.push(t);
    if (tuples.length === n) break;
  }
  // Reading included: the export's rows (export_head, migration 007) against every column read and
  // formatted (statementRecord, what the export ran before 007 and still runs for a NULL head).
  const readAndFormat = (rows: Iterable<unknown>, format: (row: never) => string) => {
    let out = 0;
    let left = n;
    for (const row of rows) {
      out += format(row as never).length;
      if (--left === 0) break;
    }
    return out;
  };
  const rows: CsvCell[][] = tuples.map(statementCells);
  const neutralised = rows.map((r) => r.map((c) => (typeof c === 'string' ? neutraliseFormula(c) : c)));
  const results: Array<{ name: string; rowsPerS: number }> = [];
  const time = async (name: string, fn: () => Promise<unknown> | unknown) => {
    await fn(); // warm-up
    const started = performance.now();
    await fn();
    results.push({ name, rowsPerS: n / ((performance.now() - started) / 1000) });
  };
  await time('read + statementExportRecord (export_head)', () => readAndFormat(queries.iterateStatementRows({}), statementExportRecord));
  await time('read + statementRecord (every column; pre-007)', () => readAndFormat(queries.iterateStatements({}), statementRecord));
  reader.close();
  store.close();
  await time('statementRecord (+ JSON parse, ISO time)', () => {
    let out = 0;
    for (const t of tuples) out += statementRecord(t).length;
    return out;
  });
  await time('hand-written csvRecord (neutralise + quote)', () => {
    let out = 0;
    for (const r of rows) out += csvRecord(r).length;
    return out;
  });
  await time('csv-stringify/sync (cells pre-neutralised)', () => stringifySync(neutralised, { record_delimiter: '\r\n' }).length);
  await time('csv-stringify stream (cells pre-neutralised)', () => {
    return new Promise<void>((resolve, reject) => {
      const s = stringify({ record_delimiter: '\r\n' });
      const sink = new Writable({ write: (_c, _e, cb) => cb() });
      s.pipe(sink).on('finish', resolve).on('error', reject);
      for (const r of neutralised) s.write(r as CsvCell[]);
      s.end();
    });
  });
  return results;
}

// ---------------------------------------------------------------------------------------------

interface Measured {
  server: ServerUnderTest;
  idleMb: number;
  idle?: ChildMemory;
  statements: HttpRun;
  afterStatements?: ChildMemory;
  history?: HttpRun;
}

async function measure(server: ServerUnderTest, range: string, withHistory: boolean): Promise<Measured> {
  await new Promise((resolve) => setTimeout(resolve, 500)); // let start-up settle before the idle reading
  const idleMb = memoryOf(server.pid).rssMb;
  const idle = await server.memory?.();
  const statements = await download(server.port, `/api/export/statements.csv?${range}`, server.pid);
  const afterStatements = await server.memory?.();
  const history = withHistory ? await download(server.port, `/api/export/history.csv?${range}&bucket=minute&scope=all`, server.pid) : undefined;
  return { server, idleMb, idle, statements, afterStatements, history };
}

function line(label: string, r: HttpRun): string {
  return (
    `${label.padEnd(34)} ${r.rows.toLocaleString('en').padStart(10)} rows  ${(r.bytes / 1e6).toFixed(0).padStart(5)} MB  ` +
    `${r.seconds.toFixed(2).padStart(6)} s  ${Math.round(r.rows / r.seconds).toLocaleString('en').padStart(9)} rows/s  ` +
    `(server CPU ${r.serverCpuSeconds.toFixed(2)} s: ${Math.round(r.rows / r.serverCpuSeconds).toLocaleString('en')} rows per CPU-s)  ` +
    `peak RSS ${Math.max(r.hwmMb, r.peakSampledMb).toFixed(1)} MB`
  );
}

/** The database's time range (for --db: a database generated earlier, kept to save the ~20 s of generating it). */
function rangeOf(file: string): { from: number; to: number } {
  const store = createStore(file);
  const r = store.db.prepare('SELECT MIN(occurred_at) AS lo, MAX(occurred_at) AS hi FROM statements').get() as { lo: number; hi: number };
  store.close();
  return { from: Math.floor(r.lo / DAY) * DAY, to: (Math.floor(r.hi / DAY) + 1) * DAY };
}

export async function run(opts: { rows?: number; db?: string; tsx?: boolean; real?: boolean; flags?: string[] } = {}): Promise<void> {
  const total = opts.rows ?? 1_000_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-export-bench-'));
  // The real server opens brinkwatch.db in its data dir: link a kept database there, or generate it there.
  const file = path.join(dir, 'brinkwatch.db');
  const servers: ServerUnderTest[] = [];
  try {
    let from: number;
    let to: number;
    if (opts.db) {
      fs.symlinkSync(path.resolve(opts.db), file);
      ({ from, to } = rangeOf(file));
      process.stdout.write(`using ${opts.db} (${(fs.statSync(file).size / 1e6).toFixed(0)} MB)\n`);
    } else {
      process.stdout.write(`generating ${total.toLocaleString('en')} statements... `);
      const gen = generateDatabase(file, total);
      ({ from, to } = gen);
      process.stdout.write(`${(gen.ms / 1000).toFixed(1)} s, ${(gen.bytes / 1e6).toFixed(0)} MB database\n`);
    }
    const range = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    const flags = opts.flags ?? startNodeFlags();
    const [bundle] = await Promise.all([bundleBenchServer(), opts.real === false ? null : buildServer()]);
    process.stdout.write(`node flags${opts.flags ? ' (--flags)' : ' of npm start'}: ${flags.join(' ') || '(none)'}\n`);

    const results: Measured[] = [];
    // One server at a time, so they never compete for the CPU or the page cache's attention.
    const runOne = async (start: () => Promise<ServerUnderTest>, withHistory: boolean) => {
      const server = await start();
      servers.push(server);
      try {
        results.push(await measure(server, range, withHistory));
      } finally {
        await server.stop();
      }
    };
    await runOne(() => startBenchChild('bundled child (plain node)', bundle, flags, file), true);
    if (opts.real !== false) await runOne(() => startRealServer(dir, flags), true);
    if (opts.tsx !== false) await runOne(() => startBenchChild('tsx child (old bench)', SERVER_SOURCE, ['--import', 'tsx'], file), false);

    // The bare transport, in a fresh bundled child.
    const statementBytes = results[0]!.statements.bytes;
    const rawServer = await startBenchChild('raw', bundle, flags, file);
    servers.push(rawServer);
    const raw = await download(rawServer.port, `/bench/raw?bytes=${statementBytes}`, rawServer.pid);
    await rawServer.stop();

    const load = os.loadavg();
    process.stdout.write(
      `\nover HTTP (each server a separate process on 127.0.0.1; load average ${load.map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores):\n`,
    );
    for (const r of results) {
      process.stdout.write(`${r.server.label}: idle RSS ${r.idleMb.toFixed(1)} MB\n`);
      process.stdout.write(`  ${line('statements.csv (all 1 range)', r.statements)}\n`);
      if (r.history) process.stdout.write(`  ${line('history.csv minute, scope=all', r.history)}\n`);
      for (const [label, h] of [['statements', r.statements], ['history', r.history]] as const) {
        if (h) process.stdout.write(`    ${label} RSS by quarter of the download: ${h.quarters.map((m) => `${m.toFixed(0)} MB`).join(', ')}\n`);
      }
      if (r.idle) process.stdout.write(`    idle:                   ${describeMemory(r.idle)}\n`);
      if (r.afterStatements) process.stdout.write(`    after statements.csv:   ${describeMemory(r.afterStatements)}\n`);
      if (r.statements.rows !== total && !opts.db) process.stdout.write(`!! expected ${total} statement rows, got ${r.statements.rows}\n`);
    }
    {
      process.stdout.write(
        `baseline, bare HTTP transfer of the same ${(statementBytes / 1e6).toFixed(0)} MB: ${raw.seconds.toFixed(2)} s ` +
          `(${(statementBytes / 1e6 / raw.seconds).toFixed(0)} MB/s; server CPU ${raw.serverCpuSeconds.toFixed(2)} s), ` +
          `a ceiling of ${Math.round(results[0]!.statements.rows / raw.seconds).toLocaleString('en')} rows/s at this row size\n`,
      );
    }
    for (const r of results.filter((x) => !x.server.label.startsWith('tsx'))) {
      const s = r.statements;
      const rate = s.rows / s.seconds;
      const peak = Math.max(s.hwmMb, s.peakSampledMb, r.history ? Math.max(r.history.hwmMb, r.history.peakSampledMb) : 0);
      process.stdout.write(
        `target (${r.server.label}): >= ${TARGET_ROWS_PER_S.toLocaleString('en')} rows/s: ${rate >= TARGET_ROWS_PER_S ? 'MET' : 'NOT MET'} ` +
          `(${Math.round(rate).toLocaleString('en')}); peak RSS < ${TARGET_RSS_MB} MB: ${peak < TARGET_RSS_MB ? 'MET' : 'NOT MET'} ` +
          `(${peak.toFixed(1)} MB, idle ${r.idleMb.toFixed(1)} MB, +${(peak - r.idleMb).toFixed(1)} MB while exporting)\n`,
      );
    }

    const sample = Math.min(results[0]!.statements.rows, 200_000);
    process.stdout.write(`\nformatting only, ${sample.toLocaleString('en')} statement rows in this process:\n`);
    for (const r of await compareFormatters(file, sample)) {
      process.stdout.write(`  ${r.name.padEnd(46)} ${Math.round(r.rowsPerS).toLocaleString('en').padStart(10)} rows/s\n`);
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  const arg = (name: string) => {
    const at = process.argv.indexOf(name);
    return at === -1 ? undefined : process.argv[at + 1];
  };
  await run({
    rows: arg('--rows') === undefined ? undefined : Number(arg('--rows')),
    db: arg('--db'),
    tsx: !process.argv.includes('--no-tsx'),
    real: !process.argv.includes('--no-real'),
    flags: arg('--flags')?.split(/\s+/).filter(Boolean),
  });
}
