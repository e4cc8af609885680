/**
 * Reads benchmark (`npm run bench -- reads`): the cost of what the dashboard reads, on a
 * database of 1,000,000 scored statements over 95 days.
 *
 *  1. In process: the chart series (GET /api/metrics/rolling) at every dashboard range and the
 *     largest the API allows, p50/p99 from the minute cache (cold first call, warm, and with a
 *     statement written before each call, as on a live dashboard), beside the same series
 *     computed from the raw statement rows in the same run; every point compared.
 *  2. Over HTTP against the real server bundle (as `npm start` runs it, read rate limit off so
 *     the cost is what is measured): each range p50/p99, and GET /api/health p50/p99 alone and
 *     while four clients hammer the heaviest read.
 *
 *   node --import tsx scripts/bench/reads-bench.ts [--rows N]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMetricsService, type RollingPoint } from '../../server/metrics/metrics-service.ts';
import { contributionsFor, DAY_MS, HOUR_MS, MINUTE_MS, round1, severityWeight, windowEnd } from '../../server/metrics/risk-index.ts';
import { pointTimes } from '../../server/metrics/window-sums.ts';
import { createStore, type Store } from '../../server/store/store.ts';
import { buildServer } from '../build-server.ts';
import { generateReadsDatabase } from './reads-bench-data.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RANGES = [
  { label: '24 h chart (1 h window, 5 min step, 289 points)', span: DAY_MS, window: HOUR_MS, step: 5 * MINUTE_MS, q: 'span=24h&window=1h&step=5m' },
  { label: '7 d chart (6 h window, 1 h step, 169 points)', span: 7 * DAY_MS, window: 6 * HOUR_MS, step: HOUR_MS, q: 'span=7d&window=6h&step=1h' },
  { label: '30 d chart (24 h window, 6 h step, 121 points)', span: 30 * DAY_MS, window: DAY_MS, step: 6 * HOUR_MS, q: 'span=30d&window=24h&step=6h' },
  { label: 'largest allowed (92 d, 24 h window, 6 h step, 369 pts)', span: 92 * DAY_MS, window: DAY_MS, step: 6 * HOUR_MS, q: 'span=92d&window=24h&step=6h' },
];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2).padStart(7)} ms  p99 ${pct(xs, 99).toFixed(2).padStart(7)} ms`;
function timed(fn: () => unknown, runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** The same series from the raw statement rows: every scored statement of the span read and summed per point. */
function fromRawRows(store: Store, from: number, to: number, windowMs: number, stepMs: number, min: number): RollingPoint[] {
  const times = pointTimes(from, to, stepMs);
  const rows = store.db
    .prepare(`SELECT occurred_at, score FROM statements WHERE status = 'scored' AND occurred_at >= ? AND occurred_at < ? ORDER BY occurred_at`)
    .raw()
    .all(windowEnd(times[0]!) - windowMs, windowEnd(to)) as Array<[number, number]>;
  const at = rows.map((r) => r[0]);
  // Its own binary search (over a plain array), so the service's loops stay monomorphic.
  const lowerBound = (x: number) => {
    let lo = 0, hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (at[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return times.map((t) => {
    const end = windowEnd(t);
    let num = 0, den = 0, count = 0, max: number | null = null;
    for (let i = lowerBound(end - windowMs), j = lowerBound(end); i < j; i++) {
      const score = Math.min(100, Math.max(0, rows[i]![1]));
      const w = severityWeight(score);
      const d = 2 ** (-(end - (Math.floor(rows[i]![0] / MINUTE_MS) * MINUTE_MS + MINUTE_MS / 2)) / (windowMs / 4));
      num += d * w * score;
      den += d * w;
      count++;
      max = max === null ? score : Math.max(max, score);
    }
    const enoughData = count >= min && count > 0;
    return { t: new Date(t).toISOString(), index: enoughData ? round1(num / den) : null, count, maxScore: max, enoughData };
  });
}

function samePoints(a: RollingPoint[], b: RollingPoint[]): boolean {
  return a.length === b.length && a.every((p, i) => {
    const q = b[i]!;
    const idx = p.index === q.index || (p.index !== null && q.index !== null && Math.abs(p.index - q.index) <= 0.1 + 1e-9);
    return p.t === q.t && p.count === q.count && p.maxScore === q.maxScore && p.enoughData === q.enoughData && idx;
  });
}

async function startServer(dataDir: string, readLimit: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const bundle = await buildServer();
  const child = spawn(process.execPath, ['--max-semi-space-size=4', bundle], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), BRINKWATCH_PORT: '0', BRINKWATCH_DATA_DIR: dataDir, BRINKWATCH_API_TOKEN: 'bench-token-0123456789abcdef', BRINKWATCH_DEMO: 'off', BRINKWATCH_READ_RATE_LIMIT: String(readLimit), BRINKWATCH_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 120_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Brinkwatch dashboard: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`reads bench: the server exited (${code ?? signal}) during the run:\n${out.slice(-3000)}\n`);
  });
  return {
    url,
    stop: () => {
      stopping = true;
      return new Promise<void>((res) => (child.exitCode !== null ? res() : (child.once('exit', () => res()), child.kill('SIGTERM'))));
    },
  };
}

let limited = 0;
/** Server-Timing of the rolling answers (the server's own time for the series, without queueing or transport). */
let serverMs: number[] = [];
async function get(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  const timing = /dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
  if (timing) serverMs.push(Number(timing[1]));
  if (res.status === 429) limited++;
  else if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return performance.now() - t0;
}

/** Health and a no-op request probed while four clients repeat one read without pause. */
async function hammer(base: string, q: string, out: NodeJS.WriteStream): Promise<void> {
  let stop = false;
  limited = 0;
  serverMs = [];
  const heavy: number[] = [];
  const url = `${base}/api/metrics/rolling?${q}`;
  let failed = 0;
  const hammers = Array.from({ length: 4 }, async () => {
    while (!stop) {
      try {
        heavy.push(await get(url));
      } catch {
        failed++;
      }
    }
  });
  await new Promise((res) => setTimeout(res, 300));
  const t0 = performance.now();
  // First the event loop alone: a request the 404 handler answers, so health's own cost is not in it.
  const noops: number[] = [];
  for (let i = 0; i < 300; i++) {
    const n0 = performance.now();
    await (await fetch(`${base}/api/no-such-route`)).arrayBuffer();
    noops.push(performance.now() - n0);
    await new Promise((res) => setTimeout(res, 5));
  }
  // Then health: 300 probes or 30 s, whichever comes first (a health route that scans the table is slow).
  const probes: number[] = [];
  for (let i = 0, h0 = performance.now(); i < 300 && performance.now() - h0 < 30_000; i++) {
    probes.push(await get(`${base}/api/health`));
    await new Promise((res) => setTimeout(res, 5));
  }
  const secs = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(hammers);
  out.write(`  while 4 clients hammer GET rolling?${q}:\n`);
  out.write(`    a no-op request (404 handler), 300 probes ${fmt(noops)}  max ${Math.max(...noops).toFixed(1)} ms\n`);
  out.write(`    GET /api/health                           ${fmt(probes)}  max ${Math.max(...probes).toFixed(1)} ms, ${probes.length} probes   (target p99 < 50 ms)\n`);
  out.write(`    the hammered read                         ${fmt(heavy)}  ${Math.round(heavy.length / secs)} answers/s${limited > 0 ? `, ${limited} of them 429` : ''}${failed > 0 ? `, ${failed} failed` : ''}\n`);
  if (serverMs.length > 0) out.write(`    its server time for the series            ${fmt(serverMs)}\n`);
}

export async function run(rows = 1_000_000): Promise<void> {
  const out = process.stdout;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-reads-bench-'));
  const end = Date.now();
  try {
    const gen = generateReadsDatabase(path.join(dir, 'brinkwatch.db'), rows, 95, end);
    out.write(`${rows.toLocaleString('en')} scored statements over 95 days, ${gen.minuteRows.toLocaleString('en')} minute buckets (built in ${(gen.ms / 1000).toFixed(1)} s)\n`);

    // 1. In process: the service's series vs the raw rows, global scope.
    const store = createStore(path.join(dir, 'brinkwatch.db'));
    let now = end;
    const metrics = createMetricsService({ store, now: () => now });
    const insert = store.db.prepare(`
      INSERT INTO statements (dedupe_key, text, received_at, occurred_at, origin, status, score, level, scorer_version, scored_at, export_head)
      VALUES (?, 'live', ?, ?, 'api', 'scored', 50, 'elevated', 'bench', ?, '')`);
    let live = 0;
    /** A statement said just now, stored as the score job stores it: the row and its buckets in one transaction. */
    const arrive = () =>
      store.transaction(() => {
        insert.run(`live:${live++}`, now - 100, now - 100, now);
        store.metrics.add(contributionsFor({ occurredAt: now - 100, score: 50, actor: null, targets: [], categories: [] }));
      });
    out.write('chart series in process (metrics.rolling, global scope):\n');
    for (const r of RANGES) {
      const ask = () => metrics.rolling({ scope: 'global', from: now - r.span, to: now, windowMs: r.window, stepMs: r.step });
      store.metrics.minuteCache.clear();
      const cold = timed(ask, 1)[0]!;
      const warm = timed(ask, 300);
      const withWrites = timed(() => {
        now += 250; // a statement arrives in the current minute, then the page asks again
        arrive();
        return ask();
      }, 300);
      const raw = timed(() => fromRawRows(store, now - r.span, now, r.window, r.step, 3), r.span > 7 * DAY_MS ? 5 : 15);
      const same = samePoints(ask(), fromRawRows(store, now - r.span, now, r.window, r.step, 3));
      out.write(`  ${r.label}\n`);
      out.write(`    from the raw statement rows (baseline)    ${fmt(raw)}\n`);
      out.write(`    minute cache, warm                        ${fmt(warm)}   (${(pct(raw, 50) / pct(warm, 50)).toFixed(0)}x faster at p50; cold first call ${cold.toFixed(1)} ms)\n`);
      out.write(`    minute cache, a statement before each     ${fmt(withWrites)}   points identical to the raw-row series: ${same ? 'yes' : 'NO'}\n`);
    }
    out.write(`  cache held ${store.metrics.minuteCache.size().rows.toLocaleString('en')} minute rows in ${store.metrics.minuteCache.size().scopes} scope(s)\n`);
    store.close();

    // 2. Over HTTP, the real server.
    const server = await startServer(dir, 0);
    try {
      out.write('over HTTP (real server bundle, read rate limit off, so what is measured is the cost):\n');
      for (const r of RANGES) {
        const url = `${server.url}/api/metrics/rolling?${r.q}`;
        await get(url);
        const xs: number[] = [];
        serverMs = [];
        for (let i = 0; i < 200; i++) xs.push(await get(url));
        out.write(`  GET rolling ${r.q.padEnd(30)} ${fmt(xs)}   server time for the series ${fmt(serverMs)}\n`);
      }
      const alone: number[] = [];
      for (let i = 0, t0 = performance.now(); i < 200 && performance.now() - t0 < 20_000; i++) alone.push(await get(`${server.url}/api/health`));
      out.write(`  GET /api/health alone                       ${fmt(alone)}\n`);
      for (const r of [RANGES[2]!, RANGES[3]!]) await hammer(server.url, r.q, out);
    } finally {
      await server.stop();
    }
    const limitedServer = await startServer(dir, 1200);
    try {
      out.write('over HTTP with the default read rate limit (1,200 a minute per address; the four clients share one):\n');
      await hammer(limitedServer.url, RANGES[2]!.q, out);
    } finally {
      await limitedServer.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--rows');
  await run(i > 0 ? Number(process.argv[i + 1]) : 1_000_000);
}
