/**
 * npm run ingest -- FILE [--score] [--batch N] [--json]
 *
 * Backfills statements from a JSON Lines (.jsonl/.ndjson), CSV (.csv) or text (.txt) file into
 * the database in BRINKWATCH_DATA_DIR, streaming, with a progress bar on a terminal (plain
 * lines otherwise). Ctrl-C finishes the current batch and prints the summary; re-running the
 * same file resumes where it stopped, and a finished file is recognised and skipped, so nothing
 * is stored twice. A running server scores what this stores; with --score each new statement is
 * scored as it is read and stored already scored, with its metric buckets, in its batch's
 * transaction.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfigFromEnv } from '../server/config/config.ts';
import { createSilentLogger } from '../server/config/logger.ts';
import { createFileIngest, type FileIngestOutcome, type FileIngestProgress } from '../server/ingest/file-ingest.ts';
import { createIngestService } from '../server/ingest/ingest-service.ts';
import { startPrepareWorker } from '../server/ingest/worker-file-batches.ts';
import type { Scorer } from '../server/scoring/index.ts';
import type { LanguageGate } from '../server/ingest/statement-language.ts';
import { createStore } from '../server/store/store.ts';

const USAGE = `usage: npm run ingest -- FILE [--score [--inline]] [--batch N] [--errors OUT.jsonl] [--json]
  FILE       .jsonl/.ndjson (one JSON object a line), .csv (header row), .txt (one statement a paragraph)
  --score    score while ingesting: each new statement is stored already scored (otherwise a running server scores them);
             reading and scoring run on a worker thread while the main thread writes
  --inline   with --score: read and score on the main thread too (one core)
  --batch N  records per transaction (default 5000)
  --errors OUT.jsonl  also write every rejected record {line, code, message} to this file
  --json     print the summary as one JSON line (for scripts)
The database is the one in BRINKWATCH_DATA_DIR (default ./data).`;

function fail(message: string, code = 2): never {
  process.stderr.write(`ingest: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        score: { type: 'boolean', default: false },
        inline: { type: 'boolean', default: false },
        batch: { type: 'string' },
        errors: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (args.positionals.length !== 1) fail(`give exactly one file\n${USAGE}`);
  const file = path.resolve(args.positionals[0]!);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) fail(`${file}: no such file`);
  // 5000 rather than 1000: a commit writes every page its batch touched (metric buckets of ~100
  // scopes, actor and category rows), so bigger batches write each page fewer times; measured
  // on 100k scored statements: commits took ~0.6 s instead of ~2 s.
  const batchSize = args.values.batch === undefined ? 5000 : Number(args.values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) fail('--batch must be an integer from 1 to 100000');

  // The statements this run reads are scored on a worker thread unless --inline or a single
  // core. It starts now, so that it loads its scorer while this thread opens the database and
  // hashes the file (measured: the first batch came ~0.3 s after the worker started).
  // The run's time (rate, ETA, the summary) counts from here, the worker's start-up included.
  const started = performance.now();
  const onWorker = args.values.score && !args.values.inline && os.availableParallelism() > 1;
  const prepareWorker = onWorker ? startPrepareWorker({ origin: 'cli' }) : null;

  const parsed = loadConfigFromEnv();
  if (!parsed.ok) fail(`the configuration has problems:\n  - ${parsed.errors.join('\n  - ')}`);
  const config = parsed.config;

  const store = createStore(config.databaseFile);
  // 16 MB of page cache. A transaction of 5,000 statements dirties more pages than a small
  // cache holds, so SQLite spilled them to the WAL mid-transaction and read them back: with 2 MB,
  // 100,000 scored lines made ~629,000 page writes and ~236,000 page reads; with 16 MB ~428,000
  // and ~40,000, the writer thread's CPU fell from ~3.9 s to ~3.6 s and 1,000,000 lines went
  // from ~22,000/s to ~26,500/s at a peak RSS of 163-175 MB (32 MB gained little more).
  store.db.pragma('cache_size = -16000');
  // Checkpoint the WAL every ~40 MB instead of every 4 MB: each checkpoint syncs the file, and
  // a backfill writes ~1 KB per statement (measured on 100k scored lines: ~5% faster).
  store.db.pragma('wal_autocheckpoint = 10000');
  const ingest = createIngestService({ store });
  const fileIngest = createFileIngest({ store, ingest });

  // --score: each new statement is scored as it is ingested and stored once, already scored,
  // with its metric buckets in its batch's transaction (no pending insert rewritten by an
  // update). Statements that were already pending (an earlier run without --score, or
  // duplicates of them) are scored by the score worker at the end, so that --score still
  // leaves nothing pending.
  let scorer: Scorer | undefined;
  let language: LanguageGate | undefined;
  let scorePending: (() => Promise<{ scored: number; unsupported: number }>) | null = null;
  if (args.values.score) {
    const { loadScorer } = await import('../server/config/load-scorer.ts');
    const { createScoreWorker } = await import('../server/jobs/score-job.ts');
    const { loadLanguageGate } = await import('../server/ingest/language-detector.ts');
    // On the worker path the worker thread loads its own scorer and language detector; this
    // thread loads them only for statements left pending (below), so it stays small.
    if (!onWorker) {
      scorer = loadScorer();
      language = await loadLanguageGate();
    }
    scorePending = async () => {
      if (!store.statements.hasPending()) return { scored: 0, unsupported: 0 };
      language ??= await loadLanguageGate();
      const worker = createScoreWorker({ store, scorer: scorer ?? loadScorer(), language, logger: createSilentLogger(), runBudgetMs: 60_000 });
      const n = { scored: 0, unsupported: 0 };
      for (;;) {
        const r = await worker.runOnce();
        n.scored += r.scored + r.failed;
        n.unsupported += r.unsupported;
        if (r.batches === 0) return n;
      }
    };
  }

  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('\ningest: interrupted; finishing the current batch (Ctrl-C again to quit at once: committed batches are kept)\n');
      controller.abort();
    } else {
      process.exit(130);
    }
  });

  const size = fs.statSync(file).size;
  const tty = Boolean(process.stderr.isTTY) && !args.values.json;
  let bytesRead = 0;
  let scored = 0;
  let unsupported = 0;
  let firstRecords: number | null = null;
  let last: FileIngestProgress | null = null;
  let lastPrint = 0;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          format: ' {bar} {percentage}% | {records} records | {rate}/s | ETA {eta_formatted} | stored {stored} dup {duplicates} rejected {rejected}',
          etaBuffer: 50,
          hideCursor: true,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(size, 0, { records: 0, rate: 0, stored: 0, duplicates: 0, rejected: 0 });

  const rate = (p: FileIngestProgress) => {
    const secs = (performance.now() - started) / 1000;
    return secs > 0 ? Math.round((p.recordsDone - (firstRecords ?? 0)) / secs) : 0;
  };

  const onBatch = async (p: FileIngestProgress) => {
    last = p;
    if (firstRecords === null) firstRecords = p.recordsDone - Math.min(p.recordsDone, batchSize);
    const payload = { records: p.recordsDone, rate: rate(p), stored: p.stored, duplicates: p.duplicates, rejected: p.rejected };
    if (bar) {
      bar.update(Math.min(bytesRead, size), payload);
    } else if (!args.values.json && performance.now() - lastPrint > 2000) {
      lastPrint = performance.now();
      const pct = size > 0 ? Math.floor((100 * Math.min(bytesRead, size)) / size) : 100;
      const secs = (performance.now() - started) / 1000;
      const eta = bytesRead > 0 && pct < 100 ? Math.round((secs * (size - bytesRead)) / bytesRead) : 0;
      process.stderr.write(
        `ingest: ${pct}% ${p.recordsDone} records, ${payload.rate}/s, ETA ${eta}s, stored ${p.stored}, duplicates ${p.duplicates}, rejected ${p.rejected}\n`,
      );
    }
  };

  let outcome: FileIngestOutcome;
  try {
    outcome = await fileIngest.ingestFile({
      file,
      origin: 'cli',
      batchSize,
      scorer,
      language,
      scoreOnWorker: prepareWorker ? { worker: prepareWorker } : undefined,
      spanTransactions: true,
      signal: controller.signal,
      onBatch,
      onRead: (n) => {
        bytesRead += n;
      },
    });
  } finally {
    bar?.stop();
    await prepareWorker?.stop();
  }
  if (outcome.status === 'done' || outcome.status === 'interrupted') {
    scored += outcome.run.scored;
    unsupported += outcome.run.unsupported;
  }
  if (scorePending && outcome.status !== 'interrupted') {
    const r = await scorePending();
    scored += r.scored;
    unsupported += r.unsupported;
  }
  const elapsedSeconds = (performance.now() - started) / 1000;

  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  if (outcome.status === 'unsupported') {
    store.close();
    fail(outcome.message);
  }
  const f = outcome.file;
  const reasons = fileIngest.files.rejectionReasons(f.id);
  if (args.values.errors) {
    const out = fs.createWriteStream(path.resolve(args.values.errors));
    for (const r of fileIngest.files.iterateRejections(f.id)) {
      if (!out.write(`${JSON.stringify({ file: path.basename(file), line: r.line, code: r.code, message: r.message })}\n`)) {
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
  const summary = {
    file,
    status: outcome.status,
    fileId: f.id,
    records: f.recordsDone,
    stored: f.stored,
    duplicates: f.duplicates,
    rejected: f.rejected,
    rejectedByReason: reasons,
    thisRun: outcome.status === 'already-done' ? null : { ...outcome.run, reasons: undefined },
    scored: args.values.score ? scored : null,
    /** Not scored: in a language the scorer does not read (status unsupported). */
    unsupported: args.values.score ? unsupported : null,
    elapsedSeconds: Math.round(elapsedSeconds * 100) / 100,
    recordsPerSecond: last && outcome.status !== 'already-done' ? Math.round(((last as FileIngestProgress).recordsDone - (outcome.run.resumedAt ?? 0)) / elapsedSeconds) : null,
    maxRssBytes,
  };
  store.close();

  if (args.values.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const lines = [
      outcome.status === 'already-done'
        ? `${path.basename(file)} was already ingested (same content, file #${f.id}); nothing read.`
        : outcome.status === 'interrupted'
          ? `Interrupted after ${f.recordsDone} records (committed). Run the same command again to resume.`
          : `Done: ${path.basename(file)}${outcome.run.resumedAt > 0 ? ` (resumed after record ${outcome.run.resumedAt})` : ''}.`,
      `  records    ${f.recordsDone}`,
      `  stored     ${f.stored}`,
      `  duplicates ${f.duplicates}`,
      `  rejected   ${f.rejected}${Object.keys(reasons).length ? `: ${Object.entries(reasons).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''}`,
    ];
    if (summary.scored !== null) lines.push(`  scored     ${summary.scored}`);
    if (summary.unsupported) lines.push(`  not scored ${summary.unsupported} (language not supported)`);
    if (summary.recordsPerSecond !== null) lines.push(`  time       ${summary.elapsedSeconds} s (${summary.recordsPerSecond} records/s)`);
    if (f.rejected > 0) {
      lines.push(
        args.values.errors
          ? `  rejected records with line and reason: ${path.resolve(args.values.errors)}`
          : `  (rejections with line numbers: --errors OUT.jsonl, or the ingest_rejections table, file_id ${f.id})`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.exit(outcome.status === 'interrupted' ? 130 : 0);
}

main().catch((err: unknown) => {
  process.stderr.write(`ingest failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
