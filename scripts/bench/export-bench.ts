/**
 * Export benchmark: a 1,000,000-statement database exported as CSV over real HTTP from a
 * server child process, measuring rows per second and the server's peak RSS (VmHWM, plus
 * VmRSS sampled every 20 ms), against the targets of issue 6: >= 200,000 rows/s, < 150 MB.
 * Also formats the same rows with csv-stringify and with our RFC 4180 writer in this process,
 * so the choice of a hand-written quoter is a measured one.
 *
 *   node --import tsx scripts/bench/export-bench.ts [--rows N]     (npm run bench -- export)
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import v8 from 'node:v8';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { createSilentLogger } from '../../server/config/logger.ts';
import { csvRecord, neutraliseFormula, type CsvCell } from '../../server/export/csv-format.ts';
import { createExportService } from '../../server/export/export-service.ts';
import { statementCells } from '../../server/export/statement-rows.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { createExportRoutes } from '../../server/http/export-routes.ts';
import { createExportQueries } from '../../server/store/export-queries.ts';
import { createStore } from '../../server/store/store.ts';

const SELF = fileURLToPath(import.meta.url);
const TARGET_ROWS_PER_S = 200_000;
const TARGET_RSS_MB = 150;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Data: realistic statement lengths (80-1,200 characters, mean ~330) and evidence JSON.

const WORDS = (
  'the ministry said that forces would respond to any provocation near the border and warned ' +
  'against further deployment of missiles while talks in Geneva continued under a ceasefire, ' +
  'officials added, citing "unacceptable" actions; sanctions on exports were extended for months'
).split(' ');
const SPEAKERS = ['Russia', 'Ukraine', 'China', 'United States', 'Iran', 'Israel', 'North Korea', 'NATO', 'India', 'Pakistan', null];
const CATEGORIES = ['threat-of-force', 'ultimatum', 'mobilization', 'sanctions-coercion', 'accusation', 'talks-meetings', 'ceasefire'];
const SPECIALS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", '@SUM(1+1)', '-2+3', 'Line one\nline two', 'Iran: "we will respond", he said', 'إيران تحذر 🚀'];

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function textPool(random: () => number, size: number): string[] {
  const pool: string[] = [];
  for (let i = 0; i < size; i++) {
    // Log-normal-ish length: most a few hundred characters, a tail up to 1,200.
    const target = Math.min(1200, Math.max(80, Math.round(Math.exp(5.6 + random() * 0.9) - 20)));
    let s = i % 50 === 0 ? `${SPECIALS[i % SPECIALS.length]} ` : '';
    while (s.length < target) s += `${WORDS[Math.floor(random() * WORDS.length)]} `;
    pool.push(s.slice(0, target).trim());
  }
  return pool;
}

function signalsJson(random: () => number): string {
  const n = Math.floor(random() * 4);
  const signals = [];
  for (let k = 0; k < n; k++) {
    const start = Math.floor(random() * 200);
    signals.push({
      category: CATEGORIES[Math.floor(random() * CATEGORIES.length)],
      polarity: random() < 0.8 ? 'escalation' : 'deescalation',
      weight: Math.round(random() * 40) / 10,
      modality: 'asserted',
      text: WORDS[Math.floor(random() * WORDS.length)],
      start,
      end: start + 8,
    });
  }
  return JSON.stringify(signals);
}

/** Fills a fresh database with `rows` scored statements over `days` days, in one transaction. */
export function generateDatabase(file: string, rows: number, days = 300): { ms: number; bytes: number; from: number; to: number } {
  const started = performance.now();
  const store = createStore(file);
  const random = mulberry32(42);
  const texts = textPool(random, 5000);
  const signals = Array.from({ length: 2000 }, () => signalsJson(random));
  const to = Date.UTC(2026, 10, 1);
  const from = to - days * DAY;
  const insert = store.db.prepare(`
    INSERT INTO statements (dedupe_key, text, speaker, source, url, published_at, received_at, occurred_at, origin,
      status, score, level, actor, targets, signals, mentioned, scorer_version, scored_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'cli', 'scored', ?, ?, ?, ?, ?, '[]', '1.0.0+bench', ?)`);
  store.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const at = from + Math.floor((i / rows) * (to - from));
      const score = Math.round(random() * 1000) / 10;
      const speaker = SPEAKERS[i % SPECIALS.length === 3 ? 10 : Math.floor(random() * SPEAKERS.length)] ?? null;
      const level = score < 20 ? 'calm' : score < 40 ? 'low' : score < 60 ? 'elevated' : score < 80 ? 'high' : 'severe';
      insert.run(
        `bench:${i}`,
        texts[i % texts.length],
        speaker,
        i % 3 === 0 ? 'State TV' : 'Foreign ministry briefing',
        i % 4 === 0 ? `https://news.example/${i}?ref=rss` : null,
        at,
        at,
        at,
        score,
        level,
        speaker,
        speaker === 'Russia' ? '["Ukraine","NATO"]' : '[]',
        signals[i % signals.length],
        at + 1000,
      );
    }
    // Minute buckets for global and per-actor scopes, so the history export has data too.
    store.db.exec(`
      INSERT INTO metric_buckets (scope, bucket_start, n, sum_score, sum_w, sum_wscore, max_score)
      SELECT 'global', occurred_at - occurred_at % 60000, COUNT(*), SUM(score), SUM(1 + 3 * (score / 100) * (score / 100)),
             SUM((1 + 3 * (score / 100) * (score / 100)) * score), MAX(score)
      FROM statements GROUP BY 2;
      INSERT INTO metric_buckets (scope, bucket_start, n, sum_score, sum_w, sum_wscore, max_score)
      SELECT 'actor:' || actor, occurred_at - occurred_at % 60000, COUNT(*), SUM(score), SUM(1 + 3 * (score / 100) * (score / 100)),
             SUM((1 + 3 * (score / 100) * (score / 100)) * score), MAX(score)
      FROM statements WHERE actor IS NOT NULL GROUP BY 1, 2;`);
  });
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  return { ms: performance.now() - started, bytes: fs.statSync(file).size, from, to: to + DAY };
}

// ---------------------------------------------------------------------------------------------
// Server child: only the export routes, wired as main.ts wires them.

async function serve(file: string): Promise<void> {
  const store = createStore(file);
  const exports = createExportService({ openReader: () => store.openReader() });
  const app = createHttpApp({
    logger: createSilentLogger(),
    clientDir: '/nonexistent',
    routers: [createExportRoutes({ exports, limits: { maxRangeMs: 3650 * DAY } })],
    health: () => ({}),
  });
  // Baseline for the same run: the bare transport, N bytes of a fixed 64 KB chunk with the same
  // backpressure rule, no database and no formatting.
  const raw = Buffer.alloc(64 * 1024, `${'x'.repeat(548)}\r\n`); // one record end per ~550 bytes, like the export
  const server = http.createServer((req, res) => {
    const m = /^\/bench\/raw\?bytes=(\d+)$/.exec(req.url ?? '');
    if (!m) return app(req, res);
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
    let left = Number(m[1]);
    const pump = () => {
      while (left > 0) {
        const part = left >= raw.length ? raw : raw.subarray(0, left);
        left -= part.length;
        if (!res.write(part)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  // The parent asks where the memory is (V8 heap vs native) after each export.
  process.on('message', (m: unknown) => {
    if (m !== 'memory') return;
    const u = process.memoryUsage();
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((sp) => [sp.space_name, sp.space_size]));
    process.send!({ memory: { rss: u.rss, heapTotal: u.heapTotal, heapUsed: u.heapUsed, external: u.external, newSpace: spaces.new_space ?? 0, oldSpace: spaces.old_space ?? 0 } });
  });
  process.on('disconnect', () => {
    server.close();
    store.close();
    process.exit(0);
  });
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat (clock ticks of 1/100 s). */
function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface ChildMemory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  newSpace: number;
  oldSpace: number;
}

function askMemory(child: ChildProcess): Promise<ChildMemory> {
  return new Promise((resolve) => {
    const onMessage = (m: { memory?: ChildMemory }) => {
      if (!m.memory) return;
      child.off('message', onMessage);
      resolve(m.memory);
    };
    child.on('message', onMessage);
    child.send('memory');
  });
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
const describeMemory = (m: ChildMemory) =>
  `RSS ${mb(m.rss)} = V8 heap ${mb(m.heapTotal)} (young ${mb(m.newSpace)}, old ${mb(m.oldSpace)}, used ${mb(m.heapUsed)}) + native/code ${mb(m.rss - m.heapTotal)}`;

function memoryOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

interface HttpRun {
  rows: number;
  bytes: number;
  seconds: number;
  /** CPU time the server used for this export: rows / cpuSeconds is the rate without other load. */
  serverCpuSeconds: number;
  /** Peak sampled RSS per quarter of the download time, MB. */
  quarters: number[];
  peakSampledMb: number;
  hwmMb: number;
}

/** Downloads one export, counting bytes and record ends, while sampling the server's memory. */
function download(port: number, urlPath: string, pid: number): Promise<HttpRun> {
  return new Promise((resolve, reject) => {
    let peak = 0;
    const samples: number[] = [];
    const sampler = setInterval(() => {
      const rss = memoryOf(pid).rssMb;
      samples.push(rss);
      peak = Math.max(peak, rss);
    }, 20);
    const started = performance.now();
    const cpuBefore = cpuSecondsOf(pid);
    http
      .get({ host: '127.0.0.1', port, path: urlPath }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode} for ${urlPath}`));
        let bytes = 0;
        let records = 0;
        let prevCR = false;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          // Generated texts hold \n but never \r\n, so CRLF count = records.
          if (prevCR && chunk[0] === 0x0a) records++;
          let i = chunk.indexOf(0x0d);
          while (i !== -1) {
            if (chunk[i + 1] === 0x0a) records++;
            i = chunk.indexOf(0x0d, i + 1);
          }
          prevCR = chunk[chunk.length - 1] === 0x0d;
        });
        res.on('end', () => {
          clearInterval(sampler);
          const seconds = (performance.now() - started) / 1000;
          const mem = memoryOf(pid);
          const serverCpuSeconds = cpuSecondsOf(pid) - cpuBefore;
          // Highest RSS in each quarter of the download: flat memory means no upward trend.
          const q = Math.max(1, Math.floor(samples.length / 4));
          const quarters = [0, 1, 2, 3].map((k) => Math.max(...samples.slice(k * q, k === 3 ? undefined : (k + 1) * q), 0));
          resolve({ rows: records - 1, bytes, seconds, serverCpuSeconds, quarters, peakSampledMb: Math.max(peak, mem.rssMb), hwmMb: mem.hwmMb });
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------
// Formatting only, in process: our writer against csv-stringify on the same rows.

async function compareFormatters(file: string, n: number): Promise<Array<{ name: string; rowsPerS: number }>> {
  const store = createStore(file);
  const reader = store.openReader();
  const rows: CsvCell[][] = [];
  for (const t of createExportQueries(reader).iterateStatements({})) {
    rows.push(statementCells(t));
    if (rows.length === n) break;
  }
  reader.close();
  store.close();
  const neutralised = rows.map((r) => r.map((c) => (typeof c === 'string' ? neutraliseFormula(c) : c)));
  const results: Array<{ name: string; rowsPerS: number }> = [];
  const time = async (name: string, fn: () => Promise<unknown> | unknown) => {
    await fn(); // warm-up
    const started = performance.now();
    await fn();
    results.push({ name, rowsPerS: n / ((performance.now() - started) / 1000) });
  };
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

export async function run(opts: { rows?: number } = {}): Promise<void> {
  const total = opts.rows ?? 1_000_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-export-bench-'));
  const file = path.join(dir, 'bench.db');
  let child: ChildProcess | null = null;
  try {
    process.stdout.write(`generating ${total.toLocaleString('en')} statements... `);
    const gen = generateDatabase(file, total);
    process.stdout.write(`${(gen.ms / 1000).toFixed(1)} s, ${(gen.bytes / 1e6).toFixed(0)} MB database\n`);

    child = fork(SELF, ['--serve', file], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const port = await new Promise<number>((resolve, reject) => {
      child!.once('message', (m: { port: number }) => resolve(m.port));
      child!.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    const pid = child.pid!;
    const baseline = memoryOf(pid);
    const idleMemory = await askMemory(child);
    process.stdout.write(`server child pid ${pid}: idle RSS ${baseline.rssMb.toFixed(1)} MB\n`);

    const range = `from=${new Date(gen.from).toISOString()}&to=${new Date(gen.to).toISOString()}`;
    const statements = await download(port, `/api/export/statements.csv?${range}`, pid);
    const afterStatements = await askMemory(child);
    const history = await download(port, `/api/export/history.csv?${range}&bucket=minute&scope=all`, pid);

    const rawRun = await download(port, `/bench/raw?bytes=${statements.bytes}`, pid);
    const rate = statements.rows / statements.seconds;
    const peak = Math.max(statements.hwmMb, statements.peakSampledMb);
    const line = (label: string, r: HttpRun) =>
      `${label.padEnd(34)} ${r.rows.toLocaleString('en').padStart(10)} rows  ${(r.bytes / 1e6).toFixed(0).padStart(5)} MB  ` +
      `${r.seconds.toFixed(2).padStart(6)} s  ${Math.round(r.rows / r.seconds).toLocaleString('en').padStart(9)} rows/s  ` +
      `(server CPU ${r.serverCpuSeconds.toFixed(2)} s: ${Math.round(r.rows / r.serverCpuSeconds).toLocaleString('en')} rows per CPU-s)  ` +
      `peak RSS ${Math.max(r.hwmMb, r.peakSampledMb).toFixed(1)} MB`;
    const load = os.loadavg()[0]!;
    process.stdout.write(`\nover HTTP (server child process, 127.0.0.1; load average ${load.toFixed(1)} on ${os.cpus().length} cores):\n`);
    process.stdout.write(`${line('statements.csv (all 1 range)', statements)}\n`);
    process.stdout.write(`${line('history.csv minute, scope=all', history)}\n`);
    process.stdout.write(
      `baseline, bare HTTP transfer of the same ${(statements.bytes / 1e6).toFixed(0)} MB: ${rawRun.seconds.toFixed(2)} s ` +
        `(${(statements.bytes / 1e6 / rawRun.seconds).toFixed(0)} MB/s; server CPU ${rawRun.serverCpuSeconds.toFixed(2)} s), ` +
        `a ceiling of ${Math.round(total / rawRun.seconds).toLocaleString('en')} rows/s at this row size\n`,
    );
    for (const [label, r] of [['statements', statements], ['history', history]] as const) {
      process.stdout.write(`  ${label} RSS by quarter of the download: ${r.quarters.map((m) => `${m.toFixed(0)} MB`).join(', ')}\n`);
    }
    process.stdout.write(`  idle:                   ${describeMemory(idleMemory)}\n`);
    process.stdout.write(`  after statements.csv:   ${describeMemory(afterStatements)}\n`);
    if (statements.rows !== total) process.stdout.write(`!! expected ${total} statement rows, got ${statements.rows}\n`);
    process.stdout.write(
      `target: >= ${TARGET_ROWS_PER_S.toLocaleString('en')} rows/s: ${rate >= TARGET_ROWS_PER_S ? 'MET' : 'NOT MET'} ` +
        `(${Math.round(rate).toLocaleString('en')}); peak RSS < ${TARGET_RSS_MB} MB: ${peak < TARGET_RSS_MB ? 'MET' : 'NOT MET'} ` +
        `(${peak.toFixed(1)} MB, idle baseline ${baseline.rssMb.toFixed(1)} MB, +${(peak - baseline.rssMb).toFixed(1)} MB while exporting)\n`,
    );

    const sample = Math.min(total, 200_000);
    process.stdout.write(`\nformatting only, ${sample.toLocaleString('en')} statement rows in this process:\n`);
    for (const r of await compareFormatters(file, sample)) {
      process.stdout.write(`  ${r.name.padEnd(46)} ${Math.round(r.rowsPerS).toLocaleString('en').padStart(10)} rows/s\n`);
    }
  } finally {
    child?.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  const serveAt = process.argv.indexOf('--serve');
  if (serveAt !== -1) {
    await serve(process.argv[serveAt + 1]!);
  } else {
    const rowsAt = process.argv.indexOf('--rows');
    await run({ rows: rowsAt === -1 ? undefined : Number(process.argv[rowsAt + 1]) });
  }
}
