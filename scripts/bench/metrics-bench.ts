/**
 * Metrics and alerts benchmark: a year of statements (one every 3 minutes, 3 scopes each) in a
 * temp SQLite file. Measures, each against a baseline in the same run:
 *   - history for a year at day resolution and 30 days at hour resolution: rollup tables vs
 *     grouping the minute buckets (what the skeleton did);
 *   - current() for a scope (1 h, 24 h, 7 d + trends): through the minute cache (exact, as
 *     every window is) vs reading and summing the minute buckets on every call;
 *   - the write cost of the rollup triggers: adding contributions with vs without them;
 *   - one alert evaluation with 20 rules.
 *
 *   node --import tsx scripts/bench/metrics-bench.ts [--days N]     (npm run bench -- metrics)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAlertService } from '../../server/alerts/alert-service.ts';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createMetricsService } from '../../server/metrics/metrics-service.ts';
import { contributionsFor, DAY_MS, HOUR_MS, trendOf, windowValue, type Contribution } from '../../server/metrics/risk-index.ts';
import { createStore } from '../../server/store/store.ts';

function timeIt(fn: () => unknown, runs = 20): { ms: number; result: unknown } {
  let result: unknown;
  fn(); // warm up (statement preparation, page cache)
  const started = performance.now();
  for (let i = 0; i < runs; i++) result = fn();
  return { ms: (performance.now() - started) / runs, result };
}

const row = (label: string, ms: number, baselineMs?: number) =>
  `  ${label.padEnd(58)} ${ms.toFixed(2).padStart(9)} ms${baselineMs === undefined ? '' : `   (${(baselineMs / ms).toFixed(1)}x faster than baseline)`}\n`;

export async function run(days = 365): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-metrics-bench-'));
  const store = createStore(path.join(dir, 'bench.db'));
  const now = Date.UTC(2026, 10, 26, 12, 0, 30);
  const out = process.stdout;
  try {
    // Data, with the write cost of the rollups measured against minute-only writes.
    let x = 42;
    const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const contributions: Contribution[] = [];
    for (let t = now - days * DAY_MS; t <= now; t += 180_000) {
      const score = Math.round(rnd() * 1000) / 10;
      contributions.push(...contributionsFor({ occurredAt: t, score, actor: rnd() < 0.5 ? 'A' : 'B', targets: [], categories: score > 60 ? ['threat'] : [] }));
    }
    // Baseline: the same contributions written one by one into the minute table only, the
    // way buckets were written before rollups existed.
    const plain = createStore(path.join(dir, 'plain.db'));
    const minuteOnly = plain.db.prepare(`
      INSERT INTO metric_buckets (scope, bucket_start, n, sum_score, sum_w, sum_wscore, max_score)
      VALUES (@scope, @bucketStart, @n, @sumScore, @sumW, @sumWScore, @maxScore)
      ON CONFLICT (scope, bucket_start) DO UPDATE SET n = n + excluded.n, sum_score = sum_score + excluded.sum_score,
        sum_w = sum_w + excluded.sum_w, sum_wscore = sum_wscore + excluded.sum_wscore, max_score = MAX(max_score, excluded.max_score)`);
    let started = performance.now();
    plain.transaction(() => {
      for (const c of contributions) minuteOnly.run(c);
    });
    const plainMs = performance.now() - started;
    plain.close();
    started = performance.now();
    store.transaction(() => store.metrics.add(contributions));
    const withMs = performance.now() - started;
    const minuteRows = store.db.prepare('SELECT COUNT(*) FROM metric_buckets').pluck().get() as number;
    out.write(`${days} days, ${contributions.length.toLocaleString('en')} bucket contributions, ${minuteRows.toLocaleString('en')} minute buckets\n`);
    out.write(`  minute buckets only, one upsert per contribution (baseline)  ${plainMs.toFixed(0).padStart(9)} ms  (${Math.round(contributions.length / (plainMs / 1000)).toLocaleString('en')} contributions/s)\n`);
    out.write(`  metrics.add: merged minute + hour + day buckets              ${withMs.toFixed(0).padStart(9)} ms  (${Math.round(contributions.length / (withMs / 1000)).toLocaleString('en')} contributions/s, ${(withMs / plainMs).toFixed(2)}x the baseline)\n`);

    const metrics = createMetricsService({ store, now: () => now });
    const groupMinutes = store.db.prepare(`
      SELECT bucket_start - bucket_start % @res AS bucketStart, SUM(n) AS n, SUM(sum_w) AS sumW, SUM(sum_wscore) AS sumWScore, MAX(max_score) AS maxScore
      FROM metric_buckets WHERE scope = @scope AND bucket_start >= @from AND bucket_start < @to GROUP BY bucketStart ORDER BY bucketStart`);

    out.write('history (GET /api/metrics/history):\n');
    for (const [label, from, res, resolution] of [
      [`${days} days at day resolution`, now - days * DAY_MS, DAY_MS, 'day'],
      ['30 days at hour resolution', now - 30 * DAY_MS, HOUR_MS, 'hour'],
    ] as const) {
      const base = timeIt(() => groupMinutes.all({ scope: 'global', from: Math.floor(from / res) * res, to: now, res }), 5);
      const fast = timeIt(() => metrics.history({ scope: 'global', from, to: now, resolution }), 20);
      const a = base.result as Array<{ n: number }>;
      const b = fast.result as Array<{ count: number }>;
      if (a.length !== b.length || a.reduce((s, p) => s + p.n, 0) !== b.reduce((s, p) => s + p.count, 0)) throw new Error(`${label}: rollup and minute results differ`);
      out.write(row(`${label}, minute buckets grouped (baseline)`, base.ms));
      out.write(row(`${label}, rollup tables (${b.length} points)`, fast.ms, base.ms));
    }

    out.write('current() for one scope (1 h, 24 h, 7 d, each with its trend):\n');
    const minutesOnly = () => {
      const buckets = store.metrics.range('global', now - 14 * DAY_MS, now + 1);
      return [HOUR_MS, DAY_MS, 7 * DAY_MS].map((w) => trendOf(windowValue(buckets, now, w, 3), windowValue(buckets, now - w, w, 3)));
    };
    const base = timeIt(minutesOnly, 10);
    const fast = timeIt(() => metrics.current('global'), 50);
    out.write(row('minute buckets only (baseline)', base.ms));
    out.write(row('minute cache (the same minutes, read once, kept exact)', fast.ms, base.ms));

    const alerts = createAlertService({ store, metrics, logger: createSilentLogger(), now: () => now });
    for (let i = 0; i < 20; i++) {
      const r = await alerts.createRule({
        name: `rule ${i}`,
        scope: ['global', 'actor:A', 'actor:B', 'category:threat'][i % 4],
        window: ['1h', '24h', '7d'][i % 3],
        metric: ['index', 'max', 'count'][i % 3],
        threshold: 95,
        recoverBelow: 90,
      });
      if (!r.ok) throw new Error(r.message);
    }
    const evaluation = timeIt(() => alerts.evaluate(now), 20);
    out.write(row('alert evaluation, 20 rules (one transaction)', evaluation.ms));
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--days');
  await run(i > 0 ? Number(process.argv[i + 1]) : 365);
}
