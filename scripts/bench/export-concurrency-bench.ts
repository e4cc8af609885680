/**
 * Concurrent exports against the real server: four statements.csv downloads of a large database
 * at once, while GET /api/health is asked every 2 s and GET /api/feeds (almost free) every
 * 100 ms. Health itself counts the statements by status (a scan of the whole table: 0.5-1 s on
 * this 356 MB database on the shared 2-core machine, the event loop blocked meanwhile), so asking
 * it more often measures health's own cost rather than the exports'. The same four exports one
 * after another, with the same requests beside them, are the baseline. Prints when each export got its first
 * byte and finished (exports that interleave start together and finish close together; exports
 * that run one after another finish at 1x, 2x, 3x, 4x), the health latency meanwhile against
 * the same server idle (the baseline of this run), and that a fifth export gets 429.
 *
 *   node --import tsx scripts/bench/export-concurrency-bench.ts [--rows N] [--db FILE] [--health-every MS]
 *   (npm run bench -- export-concurrency)
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer } from '../build-server.ts';
import { generateDatabase } from './export-bench-data.ts';
import { startNodeFlags, startRealServer, type ServerUnderTest } from './export-bench-process.ts';

const SELF = fileURLToPath(import.meta.url);
const EXPORTS = 4;
/** Exports may add at most this to health's p95 latency (its own cost, a COUNT over statements, is the baseline). */
const HEALTH_TARGET_MS = 250;
const HEALTH = '/api/health';
let HEALTH_EVERY_MS = 2000;
/** A request that costs the server almost nothing: how long the event loop keeps it waiting. */
const CHEAP = '/api/feeds';
const CHEAP_EVERY_MS = 100;

/** One GET on its own connection; `headersOnly` resolves at the status line and hangs up. */
function get(port: number, urlPath: string, headersOnly = false): Promise<{ status: number; firstByteMs: number; ms: number; bytes: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http
      .get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
        if (headersOnly) {
          resolve({ status: res.statusCode ?? 0, firstByteMs: performance.now() - started, ms: performance.now() - started, bytes: 0 });
          req.destroy();
          return;
        }
        let bytes = 0;
        let firstByteMs = -1;
        res.on('data', (c: Buffer) => {
          if (firstByteMs < 0) firstByteMs = performance.now() - started;
          bytes += c.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, firstByteMs, ms: performance.now() - started, bytes }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function samples(port: number, urlPath: string, until: () => boolean, everyMs: number): Promise<number[]> {
  const samples: number[] = [];
  while (!until()) {
    const r = await get(port, urlPath);
    if (r.status !== 200) throw new Error(`${urlPath} answered ${r.status}`);
    samples.push(r.ms);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return samples;
}

export async function run(opts: { rows?: number; db?: string; healthEveryMs?: number } = {}): Promise<void> {
  HEALTH_EVERY_MS = opts.healthEveryMs ?? HEALTH_EVERY_MS;
  const rows = opts.rows ?? 300_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-export-concurrency-'));
  const file = path.join(dir, 'brinkwatch.db');
  let server: ServerUnderTest | null = null;
  try {
    if (opts.db) fs.copyFileSync(path.resolve(opts.db), file);
    else {
      process.stdout.write(`generating ${rows.toLocaleString('en')} statements... `);
      const gen = generateDatabase(file, rows);
      process.stdout.write(`${(gen.ms / 1000).toFixed(1)} s, ${(gen.bytes / 1e6).toFixed(0)} MB\n`);
    }
    await buildServer();
    server = await startRealServer(dir, startNodeFlags());
    const port = server.port;
    const range = 'from=2025-01-01&to=2026-12-01';
    // Warm the page cache and the server, so the first export does not pay for both.
    await get(port, `/api/export/statements.csv?${range}`);

    let idleDone = false;
    setTimeout(() => (idleDone = true), 8000);
    const [idle, idleCheap] = await Promise.all([samples(port, HEALTH, () => idleDone, HEALTH_EVERY_MS), samples(port, CHEAP, () => idleDone, CHEAP_EVERY_MS)]);

    // Baseline of this run: the same four exports one after another (the client waits for each),
    // with the same requests going on meanwhile (health's own cost slows whatever runs beside it).
    const seqStarted = performance.now();
    let seqDone = false;
    const seqProbes = Promise.all([samples(port, HEALTH, () => seqDone, HEALTH_EVERY_MS), samples(port, CHEAP, () => seqDone, CHEAP_EVERY_MS)]);
    for (let i = 0; i < EXPORTS; i++) await get(port, `/api/export/statements.csv?${range}`);
    const sequential = performance.now() - seqStarted;
    seqDone = true;
    const [seqHealth, seqCheap] = await seqProbes;

    const exports = Array.from({ length: EXPORTS }, () => get(port, `/api/export/statements.csv?${range}`));
    let finished = 0;
    for (const e of exports) void e.then(() => finished++);
    const done = () => finished === EXPORTS;
    const probes = Promise.all([samples(port, HEALTH, done, HEALTH_EVERY_MS), samples(port, CHEAP, done, CHEAP_EVERY_MS)]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const fifth = await get(port, `/api/export/statements.csv?${range}`, true);
    const [busy, busyCheap] = await probes;
    const results = await Promise.all(exports);
    const wall = Math.max(...results.map((r) => r.ms));

    const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
    process.stdout.write(`\n${EXPORTS} concurrent statements.csv exports of ${rows.toLocaleString('en')} rows from the npm start server (load average ${load} on ${os.cpus().length} cores):\n`);
    results.forEach((r, i) => {
      process.stdout.write(`  export ${i + 1}: HTTP ${r.status}, ${(r.bytes / 1e6).toFixed(0)} MB, first byte after ${fmt(r.firstByteMs)}, done after ${(r.ms / 1000).toFixed(2)} s\n`);
    });
    const finishes = results.map((r) => r.ms).sort((a, b) => a - b);
    process.stdout.write(`  all ${EXPORTS} done after ${(wall / 1000).toFixed(2)} s; first finished at ${(finishes[0]! / 1000).toFixed(2)} s, last at ${(finishes.at(-1)! / 1000).toFixed(2)} s (interleaved: ${finishes[0]! > 0.6 * finishes.at(-1)! ? 'yes' : 'NO, one after another'})\n`);
    process.stdout.write(`  baseline, the same ${EXPORTS} exports one after another (same requests beside them): ${(sequential / 1000).toFixed(2)} s (concurrent/sequential: ${(wall / sequential).toFixed(2)})\n`);
    process.stdout.write(`  a fifth export meanwhile: HTTP ${fifth.status}${fifth.status === 429 ? ' (limit of 4 holds)' : ' (LIMIT NOT HELD)'}\n`);
    const line = (label: string, xs: number[]) =>
      `${label.padEnd(58)} median ${fmt(pct(xs, 50))}, p95 ${fmt(pct(xs, 95))}, max ${fmt(Math.max(...xs))} (${xs.length} requests)\n`;
    process.stdout.write(line(`GET ${HEALTH}, idle server (baseline):`, idle));
    process.stdout.write(line(`GET ${HEALTH}, during the 4 sequential exports:`, seqHealth));
    process.stdout.write(line(`GET ${HEALTH}, during the 4 concurrent exports:`, busy));
    process.stdout.write(line(`GET ${CHEAP}, idle server (baseline):`, idleCheap));
    process.stdout.write(line(`GET ${CHEAP}, during the 4 sequential exports:`, seqCheap));
    process.stdout.write(line(`GET ${CHEAP}, during the 4 concurrent exports:`, busyCheap));
    // Judged on the worse of the two phases: requests wait neither behind one long export nor behind four.
    const added = Math.max(pct(busy, 95), pct(seqHealth, 95)) - pct(idle, 95);
    const addedCheap = Math.max(pct(busyCheap, 95), pct(seqCheap, 95)) - pct(idleCheap, 95);
    process.stdout.write(
      `target: exports add at most ${HEALTH_TARGET_MS} ms to health's p95: ${added <= HEALTH_TARGET_MS ? 'MET' : 'NOT MET'} (+${fmt(added)}; ` +
        `${CHEAP} p95 +${fmt(addedCheap)})\n`,
    );
  } finally {
    await server?.stop();
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
    healthEveryMs: arg('--health-every') === undefined ? undefined : Number(arg('--health-every')),
  });
}
