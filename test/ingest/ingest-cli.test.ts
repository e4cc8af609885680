import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { buildIngestCli } from '../../scripts/build-server.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-ingest-cli-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const LINES = 60_000; // killed after 10,000 rows: 50,000 left, seconds of work at full speed
// Scoring is several times slower per row: killed after 5,000 rows, 15,000 are left, still
// seconds of work, and each run scores a third of what 60,000 rows cost.
const SCORE_LINES = 20_000;
const BAD_EVERY = 1000; // one invalid JSON line after every 1000th record
const DUP_EVERY = 5000; // and a repeat of an earlier record
const expectedBad = Math.floor((LINES - 1) / BAD_EVERY) + 1;
const expectedDup = Math.floor((LINES - 1) / DUP_EVERY) + 1;

function generate(file: string, lines = LINES): void {
  const fd = fs.openSync(file, 'w');
  let buf = '';
  for (let i = 0; i < lines; i++) {
    buf += `${JSON.stringify({ text: `Backfill statement ${i}: the ministry warns of consequences.`, speaker: i % 2 ? 'Russia' : 'NATO', externalId: `bf-${i}` })}\n`;
    if (i % BAD_EVERY === 0) buf += '{"text": "cut off\n';
    if (i % DUP_EVERY === 0) buf += `${JSON.stringify({ text: 'dup', externalId: `bf-${Math.max(0, i - 1)}` })}\n`;
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
}

/** `npm run ingest` runs this bundle (server/dist/ingest.mjs, with its prepare worker beside it), built in `before`. */
let ingestBundle = '';
function runCli(dataDir: string, args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [ingestBundle, ...args], {
    cwd: ROOT,
    env: { ...process.env, BRINKWATCH_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

function counts(dbFile: string) {
  const db = new Database(dbFile, { readonly: true });
  try {
    return {
      statements: db.prepare('SELECT COUNT(*) FROM statements').pluck().get() as number,
      rejections: db.prepare('SELECT COUNT(*) FROM ingest_rejections').pluck().get() as number,
      file: db.prepare('SELECT records_done, stored, duplicates, rejected, status FROM ingest_files').get() as
        | { records_done: number; stored: number; duplicates: number; rejected: number; status: string }
        | undefined,
    };
  } finally {
    db.close();
  }
}

/** Resolves once the statements table holds at least n rows (the child has committed batches). */
async function waitForRows(dbFile: string, n: number, child: ChildProcess): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error('the ingest finished before it could be interrupted');
    if (fs.existsSync(dbFile)) {
      try {
        const c = counts(dbFile).statements;
        if (c >= n) return c;
      } catch (err) {
        if (!/no such table|database is locked|SQLITE_BUSY/i.test(String(err))) throw err;
      }
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('npm run ingest (scripts/ingest.ts)', () => {
  const file = path.join(tmp, 'backfill.jsonl');
  const scoreFile = path.join(tmp, 'backfill-score.jsonl');
  before(async () => {
    generate(file);
    generate(scoreFile, SCORE_LINES);
    ingestBundle = await buildIngestCli();
  });

  it('killed with SIGKILL midway and run again: every record stored exactly once, every bad line rejected once', async () => {
    const dataDir = path.join(tmp, 'kill');
    const dbFile = path.join(dataDir, 'brinkwatch.db');
    const first = runCli(dataDir, [file, '--batch', '250', '--json']);
    const seen = await waitForRows(dbFile, 20_000, first.child);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    assert.equal(killed.signal, 'SIGKILL');
    const mid = counts(dbFile);
    assert.ok(mid.statements >= seen && mid.statements < LINES, `killed midway (${mid.statements} rows)`);
    assert.equal(mid.file?.status, 'processing');

    const second = await runCli(dataDir, [file, '--batch', '250', '--json']).done;
    assert.equal(second.code, 0, second.stderr);
    const summary = JSON.parse(second.stdout) as { status: string; thisRun: { resumedAt: number }; stored: number; duplicates: number; rejected: number };
    assert.equal(summary.status, 'done');
    assert.ok(summary.thisRun.resumedAt > 0, 'resumed from the checkpoint, not from the start');

    const end = counts(dbFile);
    assert.equal(end.statements, LINES, 'no statement lost, none twice');
    assert.equal(end.rejections, expectedBad, 'each bad line rejected once across both runs');
    assert.deepEqual(end.file, { records_done: LINES + expectedBad + expectedDup, stored: LINES, duplicates: expectedDup, rejected: expectedBad, status: 'done' });

    const errorsFile = path.join(tmp, 'kill-errors.jsonl');
    const third = await runCli(dataDir, [file, '--json', '--errors', errorsFile]).done;
    const listed = fs.readFileSync(errorsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; code: string; message: string });
    assert.equal(listed.length, expectedBad);
    assert.deepEqual(listed[0], { file: 'backfill.jsonl', line: 2, code: 'invalid-json', message: listed[0]!.message });
    assert.equal(JSON.parse(third.stdout).status, 'already-done');
    assert.equal(counts(dbFile).statements, LINES);
  });

  it('with --score, killed with SIGKILL midway and run again: every statement stored, scored and counted in the metrics once', async () => {
    const dataDir = path.join(tmp, 'kill-score');
    const dbFile = path.join(dataDir, 'brinkwatch.db');
    const first = runCli(dataDir, [scoreFile, '--score', '--batch', '500', '--json']);
    await waitForRows(dbFile, 5_000, first.child);
    first.child.kill('SIGKILL');
    assert.equal((await first.done).signal, 'SIGKILL');
    const midDb = new Database(dbFile, { readonly: true });
    const mid = midDb.prepare(`SELECT COUNT(*) AS n, SUM(status = 'scored') AS scored FROM statements`).get() as { n: number; scored: number };
    const midCounted = midDb.prepare(`SELECT SUM(n) FROM metric_buckets_day WHERE scope = 'global'`).pluck().get() as number;
    midDb.close();
    assert.ok(mid.n < SCORE_LINES, `killed midway (${mid.n} rows)`);
    assert.equal(mid.scored, mid.n, 'a committed statement is already scored');
    assert.equal(midCounted, mid.n, 'and counted in the buckets by the same commit');

    const second = await runCli(dataDir, [scoreFile, '--score', '--batch', '500', '--json']).done;
    assert.equal(second.code, 0, second.stderr);
    const summary = JSON.parse(second.stdout) as { status: string; stored: number; scored: number; thisRun: { stored: number; resumedAt: number } };
    assert.equal(summary.status, 'done');
    assert.ok(summary.thisRun.resumedAt > 0);
    assert.equal(summary.scored, summary.thisRun.stored);
    const db = new Database(dbFile, { readonly: true });
    try {
      assert.deepEqual(db.prepare('SELECT status, COUNT(*) AS n FROM statements GROUP BY status').all(), [{ status: 'scored', n: SCORE_LINES }]);
      for (const table of ['metric_buckets', 'metric_buckets_hour', 'metric_buckets_day']) {
        assert.equal(db.prepare(`SELECT SUM(n) FROM ${table} WHERE scope = 'global'`).pluck().get(), SCORE_LINES, `${table}: each statement counted once`);
      }
      assert.equal(db.prepare(`SELECT SUM(n) FROM metric_buckets_day WHERE scope = 'actor:Russia'`).pluck().get(), SCORE_LINES / 2);
    } finally {
      db.close();
    }
  });

  it('Ctrl-C finishes the current batch, prints the summary, and a re-run completes without duplicates', async () => {
    const dataDir = path.join(tmp, 'sigint');
    const dbFile = path.join(dataDir, 'brinkwatch.db');
    const run = runCli(dataDir, [file, '--batch', '250']);
    await waitForRows(dbFile, 10_000, run.child);
    run.child.kill('SIGINT');
    const interrupted = await run.done;
    assert.equal(interrupted.code, 130, interrupted.stderr);
    assert.match(interrupted.stdout, /Interrupted after \d+ records \(committed\)/);
    assert.match(interrupted.stdout, /stored\s+\d+/);
    const mid = counts(dbFile);
    assert.equal(mid.file!.records_done % 250, 0, 'stopped on a batch boundary');

    const rerun = await runCli(dataDir, [file]).done;
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stdout, /resumed after record \d+/);
    assert.match(rerun.stdout, /rejected\s+\d+: invalid-json \d+/);
    assert.equal(counts(dbFile).statements, LINES);
  });

  it('refuses an unknown file type and a missing file with a clear message', async () => {
    const odd = path.join(tmp, 'data.xml');
    fs.writeFileSync(odd, '<x/>');
    const a = await runCli(path.join(tmp, 'odd'), [odd]).done;
    assert.equal(a.code, 2);
    assert.match(a.stderr, /unsupported file type "\.xml"/);
    const b = await runCli(path.join(tmp, 'odd'), [path.join(tmp, 'nope.jsonl')]).done;
    assert.equal(b.code, 2);
    assert.match(b.stderr, /no such file/);
  });
});
