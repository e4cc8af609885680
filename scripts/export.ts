/**
 * npm run export -- history|statements [--from DATE] [--to DATE] [filters] [--bom] [--out FILE]
 *
 * Writes the same CSV as GET /api/export/history.csv and /api/export/statements.csv (same
 * parameter checks, same service, same streaming writer) from the database in
 * BRINKWATCH_DATA_DIR, reading on a read-only connection so a running server is not blocked.
 * A progress bar shows on a terminal; nothing but errors is printed otherwise. With --out the
 * file appears only once complete (written beside it, then renamed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfigFromEnv } from '../server/config/config.ts';
import { streamCsv } from '../server/export/csv-stream.ts';
import { createExportService, type CsvExport } from '../server/export/export-service.ts';
import { partialFileName, removeStalePartials } from '../server/export/partial-files.ts';
import { parseHistoryExportQuery, parseStatementsExportQuery } from '../server/http/export-routes.ts';
import { HttpError } from '../server/http/http-errors.ts';
import { createStore } from '../server/store/store.ts';

const USAGE = `usage: npm run export -- history|statements [options]
  --from DATE        start, inclusive (ISO 8601 such as 2026-11-01 or 2026-11-01T09:00:00Z, or epoch ms)
  --to DATE          end, exclusive (default: now)
  --out FILE         write to FILE (default: standard output; then use npm run --silent export)
  --bom              start with a UTF-8 byte order mark (Excel)
  --db FILE          database file (default: brinkwatch.db in BRINKWATCH_DATA_DIR)
 history:     --bucket minute|hour|day (default minute), --scope SCOPE (repeatable, or all; default global)
              default range: the last 24 hours
 statements:  --scope SCOPE (once: global, actor:NAME, dyad:SPEAKER>TARGET or category:NAME; the
              statements that scope's metrics count, as the dashboard's export button sends it),
              --actor NAME, --min-score N, --category NAME, --status pending|scored|failed|unsupported, --lang CODE
              default range: the last 30 days`;

// CLI flag for each query parameter, so errors name what the user typed.
const FLAGS: Record<string, string> = {
  from: '--from',
  to: '--to',
  bucket: '--bucket',
  scope: '--scope',
  actor: '--actor',
  minScore: '--min-score',
  category: '--category',
  status: '--status',
  lang: '--lang',
  bom: '--bom',
};

function fail(message: string, code = 2): never {
  process.stderr.write(`export: ${message}\n`);
  process.exit(code);
}

function parseCommandLine() {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        bom: { type: 'boolean', default: false },
        db: { type: 'string' },
        bucket: { type: 'string' },
        scope: { type: 'string', multiple: true },
        actor: { type: 'string' },
        'min-score': { type: 'string' },
        category: { type: 'string' },
        status: { type: 'string' },
        lang: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const kind = args.positionals[0];
  if (args.positionals.length !== 1 || (kind !== 'history' && kind !== 'statements')) {
    fail(`say what to export: history or statements\n${USAGE}`);
  }
  const v = args.values;
  const wrongKind =
    kind === 'history'
      ? (['actor', 'min-score', 'category', 'status', 'lang'] as const).filter((k) => v[k] !== undefined)
      : (['bucket'] as const).filter((k) => v[k] !== undefined);
  if (wrongKind.length > 0) fail(`--${wrongKind[0]} does not apply to a ${kind} export\n${USAGE}`);
  if (kind === 'statements' && v.scope && v.scope.length > 1) fail(`--scope: a statements export takes one scope\n${USAGE}`);

  // The same query record the HTTP routes parse: one set of checks for both.
  const query: Record<string, string | string[]> = {};
  const put = (key: string, value: string | string[] | undefined) => {
    if (value !== undefined) query[key] = value;
  };
  put('from', v.from);
  put('to', v.to);
  put('bucket', v.bucket);
  put('scope', v.scope && v.scope.length === 1 ? v.scope[0] : v.scope);
  put('actor', v.actor);
  put('minScore', v['min-score']);
  put('category', v.category);
  put('status', v.status);
  put('lang', v.lang);
  put('bom', v.bom ? '1' : undefined);
  return { kind, query, bom: v.bom, out: v.out, db: v.db };
}

/** "minScore: must be ..." -> "--min-score: must be ...". */
function asFlags(message: string): string {
  return message.replace(/(^|; )([A-Za-z]+):/g, (m, sep: string, name: string) => (FLAGS[name] ? `${sep}${FLAGS[name]}:` : m));
}

async function main(): Promise<void> {
  const cmd = parseCommandLine();
  const parsed = loadConfigFromEnv();
  if (!parsed.ok) fail(`the configuration has problems:\n  - ${parsed.errors.join('\n  - ')}`);
  const config = parsed.config;
  const limits = { maxRangeMs: config.exportMaxDays * 86_400_000 };

  let request;
  try {
    request = cmd.kind === 'history' ? parseHistoryExportQuery(cmd.query, limits) : parseStatementsExportQuery(cmd.query, limits);
  } catch (err) {
    if (err instanceof HttpError) fail(`${asFlags(err.message)} (npm run export -- --help)`);
    throw err;
  }

  const dbFile = path.resolve(cmd.db ?? config.databaseFile);
  if (!fs.existsSync(dbFile)) fail(`no database at ${dbFile} (set BRINKWATCH_DATA_DIR or --db)`, 1);
  const store = createStore(dbFile); // applies pending migrations, as the server would
  const service = createExportService({ openReader: () => store.openReader() });
  const csv: CsvExport =
    cmd.kind === 'history'
      ? service.history(request as Parameters<typeof service.history>[0])
      : service.statements(request as Parameters<typeof service.statements>[0]);

  const outFile = cmd.out === undefined || cmd.out === '-' ? null : path.resolve(cmd.out);
  // Partial files of earlier runs that were killed outright (SIGKILL, a crash) and could not clean up.
  const stale = outFile ? removeStalePartials(outFile) : [];
  if (stale.length > 0 && process.stderr.isTTY) process.stderr.write(`export: removed ${stale.length} partial file(s) left by killed exports\n`);
  const partFile = outFile ? partialFileName(outFile) : null;
  const sink = partFile ? fs.createWriteStream(partFile, { flags: 'wx', mode: 0o600 }) : process.stdout;
  const stop = new AbortController();
  let sinkError: Error | null = null;
  sink.on('error', (err: Error) => {
    sinkError = err;
    stop.abort();
  });
  // Ctrl-C, kill, a closed terminal: stop after the current chunk and remove the partial file.
  let signalled: NodeJS.Signals | null = null;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      signalled = signal;
      stop.abort();
    });
  }

  const interactive = process.stderr.isTTY === true;
  const bar = interactive
    ? new cliProgress.SingleBar(
        { format: `${csv.fileName} [{bar}] {percentage}% | {value}/{total} rows | {duration}s`, stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(csv.count(), 0);

  let result;
  try {
    result = await streamCsv(sink, csv, { bom: request.bom, signal: stop.signal, onProgress: (rows) => bar?.update(rows) });
  } finally {
    bar?.stop();
    csv.close();
    store.close();
  }

  if (!result.completed || sinkError) {
    // Read before the cleanup: destroying a stream with queued writes reports ERR_STREAM_DESTROYED.
    const writeError = sinkError as Error | null;
    if (partFile) {
      // Closed first: a file stream opens asynchronously, and an open still in flight would
      // create the file again after the removal.
      await new Promise<void>((resolve) => {
        if ((sink as fs.WriteStream).closed) return resolve();
        sink.once('close', () => resolve());
        sink.destroy();
      });
      fs.rmSync(partFile, { force: true });
    }
    const why = writeError ? `could not write ${outFile ?? 'to standard output'}: ${writeError.message}` : `interrupted${signalled ? ` (${signalled})` : ''}`;
    // 128 + the signal's number, as a shell reports a process ended by it.
    const code = writeError ? 1 : signalled === 'SIGTERM' ? 143 : signalled === 'SIGHUP' ? 129 : 130;
    fail(`${why}; ${outFile ? 'no file written' : `stopped after ${result.rows} rows`}`, code);
  }
  if (partFile && outFile) fs.renameSync(partFile, outFile);
  if (interactive) process.stderr.write(`export: ${result.rows} rows written to ${outFile ?? 'standard output'}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`export: failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
