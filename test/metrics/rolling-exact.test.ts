/**
 * Property test: random statement histories (random times, bursts, gaps, statements on minute
 * and window edges and in the unfinished current minute), written through the real bucket
 * writers in random batches interleaved with reads, and every point of the rolling series at
 * every dashboard range, every card and its trend, compared with a brute-force recomputation
 * from the raw statements (test/helpers/brute-index.ts): index to 1e-9 (unrounded) and to the
 * rounding (API), same count, same max, same "not enough data" decision.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { describe, it } from 'node:test';
import request from 'supertest';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { createMetricsRoutes } from '../../server/http/metrics-routes.ts';
import { createMetricsService } from '../../server/metrics/metrics-service.ts';
import { contributionsFor, DAY_MS, HOUR_MS, MINUTE_MS, windowEnd, type ScoredForMetrics } from '../../server/metrics/risk-index.ts';
import { pointTimes, sumsAt } from '../../server/metrics/window-sums.ts';
import { createBucketMerger } from '../../server/store/metrics-repo.ts';
import type { Store } from '../../server/store/store.ts';
import { bruteWindow, mulberry32, randomHistory, sameIndex } from '../helpers/brute-index.ts';
import { PgDatabase } from '../../server/store/pg/pg-database.ts';
import { createTempStore, TEST_DATABASE_URL, TEST_STORE } from '../helpers/temp-store.ts';

const RANGES = [
  { span: DAY_MS, window: HOUR_MS, step: 5 * MINUTE_MS, q: 'span=24h&window=1h&step=5m' },
  { span: 7 * DAY_MS, window: 6 * HOUR_MS, step: HOUR_MS, q: 'span=7d&window=6h&step=1h' },
  { span: 30 * DAY_MS, window: DAY_MS, step: 6 * HOUR_MS, q: 'span=30d&window=24h&step=6h' },
];
const SCOPES = ['global', 'actor:Russia', 'dyad:Russia>Ukraine', 'category:threat', 'actor:Nobody'];
const MIN_STATEMENTS = 3;

/** Writes statements as the two real writers do: score job (add) or backfill (merger + addMerged). */
function write(store: Store, batch: ScoredForMetrics[], viaMerger: boolean): void {
  store.transaction(() => {
    if (!viaMerger) {
      store.metrics.add(batch.flatMap(contributionsFor));
      return;
    }
    const merger = createBucketMerger();
    for (const s of batch) merger.addStatement(s);
    store.metrics.addMerged(merger.rows());
  });
}

type Metrics = ReturnType<typeof createMetricsService>;

function checkSeries(store: Store, metrics: Metrics, said: ScoredForMetrics[], now: number, label: string): number {
  let checked = 0;
  for (const scope of SCOPES) {
    for (const r of RANGES) {
      const points = metrics.rolling({ scope, from: now - r.span, to: now, windowMs: r.window, stepMs: r.step });
      const times = pointTimes(now - r.span, now, r.step);
      assert.deepEqual(points.map((p) => Date.parse(p.t)), times, `${label} ${scope} ${r.q}: point times`);
      const cols = store.metrics.minutes(scope, windowEnd(times[0]!) - r.window, windowEnd(now));
      points.forEach((p, i) => {
        const t = times[i]!;
        const b = bruteWindow(said, scope, t, r.window);
        const where = `${label} ${scope} ${r.q} at ${p.t}`;
        assert.equal(p.count, b.count, `${where}: count`);
        assert.equal(p.maxScore, b.max, `${where}: max`);
        assert.equal(p.enoughData, b.count >= MIN_STATEMENTS, `${where}: enough data`);
        assert.ok(sameIndex(p.index, p.enoughData ? b.raw : null), `${where}: index ${p.index} vs ${b.raw}`);
        const s = sumsAt(cols, t, r.window);
        if (b.raw !== null) assert.ok(Math.abs(s.num / s.den - b.raw) <= 1e-9, `${where}: unrounded ${s.num / s.den} vs ${b.raw}`);
        checked++;
      });
      // The last point is the live one, and it is the card of the same window.
      const last = points.at(-1)!;
      assert.equal(Date.parse(last.t), now);
      if (r.window === HOUR_MS) {
        const card = metrics.current(scope).windows['1h']!;
        assert.deepEqual({ index: last.index, count: last.count, maxScore: last.maxScore, enoughData: last.enoughData }, { index: card.index, count: card.count, maxScore: card.maxScore, enoughData: card.enoughData }, `${label} ${scope}: chart ends at the 1 h card`);
      }
    }
    const cards = metrics.current(scope);
    for (const w of Object.values(cards.windows)) {
      for (const [at, v] of [[now, w], [now - w.windowMs, w.trend.previous]] as const) {
        const b = bruteWindow(said, scope, at, w.windowMs);
        const where = `${label} ${scope} card ${w.window} at ${new Date(at).toISOString()}`;
        assert.equal(v.count, b.count, `${where}: count`);
        assert.equal(v.maxScore, b.max, `${where}: max`);
        assert.equal(v.enoughData, b.count >= MIN_STATEMENTS, `${where}: enough data`);
        assert.ok(sameIndex(v.index, v.enoughData ? b.raw : null), `${where}: index ${v.index} vs ${b.raw}`);
      }
    }
  }
  return checked;
}

describe('rolling index and cards equal a brute-force recomputation from raw statements', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`random history ${seed}: every point at every range, every card and trend, through writes and reads`, () => {
      const random = mulberry32(seed);
      const t = createTempStore();
      try {
        // A time inside a minute, so the live point's unfinished minute is exercised.
        let now = Date.UTC(2026, 4, 1 + seed, Math.floor(random() * 24), Math.floor(random() * 60), Math.floor(random() * 60), Math.floor(random() * 1000));
        const history = randomHistory(random, now, 40);
        // Shuffled into random batches, written by either writer, with reads between, so the
        // cache sees writes into the past, the present and minutes it holds.
        const order = history.map((s) => ({ s, k: random() })).sort((a, b) => a.k - b.k).map((x) => x.s);
        const metrics = createMetricsService({ store: t.store, now: () => now, minStatements: MIN_STATEMENTS });
        const said: ScoredForMetrics[] = [];
        let checked = 0;
        for (let i = 0; i < order.length; ) {
          const n = 1 + Math.floor(random() * order.length * 0.4);
          const batch = order.slice(i, i + n);
          i += n;
          write(t.store, batch, random() < 0.5);
          said.push(...batch);
          checked += checkSeries(t.store, metrics, said, now, `seed ${seed} after ${said.length}`);
        }
        // Time moves on inside and across minutes, with statements arriving as it does.
        for (const dt of [1_000, 17_000, MINUTE_MS, 7 * MINUTE_MS + 3]) {
          now += dt;
          const arriving = { occurredAt: now - Math.floor(random() * 2_000), score: Math.round(random() * 100), actor: 'Russia', targets: ['Ukraine'], categories: ['threat'] };
          write(t.store, [arriving], random() < 0.5);
          said.push(arriving);
          checked += checkSeries(t.store, metrics, said, now, `seed ${seed} at +${dt}`);
        }
        assert.ok(checked > 5_000, `checked ${checked} points`);
      } finally {
        t.cleanup();
      }
    });
  }

  it('a point does not depend on the requested from', () => {
    const random = mulberry32(99);
    const t = createTempStore();
    try {
      const now = Date.UTC(2026, 5, 3, 13, 7, 41, 250);
      write(t.store, randomHistory(random, now, 35), false);
      const metrics = createMetricsService({ store: t.store, now: () => now });
      for (const r of RANGES) {
        const full = new Map(metrics.rolling({ scope: 'global', from: now - r.span, to: now, windowMs: r.window, stepMs: r.step }).map((p) => [p.t, p]));
        for (let k = 0; k < 5; k++) {
          const from = now - Math.floor(random() * r.span);
          for (const p of metrics.rolling({ scope: 'global', from, to: now, windowMs: r.window, stepMs: r.step })) {
            assert.deepEqual(p, full.get(p.t), `${r.q} from ${new Date(from).toISOString()} at ${p.t}`);
          }
        }
      }
    } finally {
      t.cleanup();
    }
  });

  it('sees writes by another connection (a backfill in another process) at the next read', () => {
    const t = createTempStore();
    try {
      const now = Date.UTC(2026, 5, 3, 13, 7, 41);
      const metrics = createMetricsService({ store: t.store, now: () => now, minStatements: 1 });
      const said = randomHistory(mulberry32(7), now, 2);
      write(t.store, said, false);
      const before = metrics.current('global').windows['24h']!.count;
      // PostgreSQL: another node's connection to the same schema.
      const pg = TEST_STORE === 'postgres';
      const other = pg ? new PgDatabase(TEST_DATABASE_URL, { schema: (t.store.db as unknown as PgDatabase).options.schema }) : new Database(t.store.file);
      const extra = { occurredAt: now - 5 * MINUTE_MS, score: 90, actor: 'Russia', targets: [], categories: [] };
      other
        .prepare(
          `INSERT INTO metric_buckets (scope, bucket_start, n, sum_score, sum_w, sum_wscore, max_score) VALUES ('global', ?, 1, 90, ?, ?, 90)
           ON CONFLICT (scope, bucket_start) DO UPDATE SET n = metric_buckets.n + 1, sum_score = metric_buckets.sum_score + 90,
           sum_w = metric_buckets.sum_w + excluded.sum_w, sum_wscore = metric_buckets.sum_wscore + excluded.sum_wscore,
           max_score = ${pg ? 'GREATEST' : 'MAX'}(metric_buckets.max_score, 90)`,
        )
        .run(Math.floor(extra.occurredAt / MINUTE_MS) * MINUTE_MS, 1 + 3 * 0.81, (1 + 3 * 0.81) * 90);
      other.close();
      said.push(extra);
      const after = metrics.current('global').windows['24h']!;
      assert.equal(after.count, before + 1);
      const b = bruteWindow(said, 'global', now, DAY_MS);
      assert.ok(sameIndex(after.index, b.raw));
      // A delete on this connection, by code that knows nothing of the cache, is seen too.
      t.store.db.prepare(`DELETE FROM metric_buckets WHERE scope = 'global' AND bucket_start = ?`).run(Math.floor(extra.occurredAt / MINUTE_MS) * MINUTE_MS);
      assert.ok(metrics.current('global').windows['24h']!.count < after.count);
    } finally {
      t.cleanup();
    }
  });

  it('serves the same numbers over HTTP, refusing reads whose cost is unbounded by name', async () => {
    const random = mulberry32(11);
    const t = createTempStore();
    try {
      const now = Date.UTC(2026, 5, 3, 13, 7, 41, 9);
      const said = randomHistory(random, now, 35);
      write(t.store, said, true);
      const metrics = createMetricsService({ store: t.store, now: () => now, minStatements: MIN_STATEMENTS });
      const app = createHttpApp({ logger: createSilentLogger(), clientDir: '/nonexistent', routers: [createMetricsRoutes({ metrics, now: () => now })], health: () => ({}) });
      const card = (await request(app).get('/api/metrics/current')).body.windows['1h'];
      for (const r of RANGES) {
        const res = await request(app).get(`/api/metrics/rolling?${r.q}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.from, new Date(now - r.span).toISOString());
        assert.equal(res.body.to, new Date(now).toISOString());
        for (const p of res.body.points as Array<{ t: string; index: number | null; count: number; maxScore: number | null }>) {
          const b = bruteWindow(said, 'global', Date.parse(p.t), r.window);
          assert.equal(p.count, b.count, p.t);
          assert.equal(p.maxScore, b.max, p.t);
          assert.ok(sameIndex(p.index, b.count >= MIN_STATEMENTS ? b.raw : null), `${r.q} ${p.t}`);
        }
        if (r.window === HOUR_MS) assert.equal(res.body.points.at(-1).index, card.index, 'the chart ends at the 1 h card');
      }
      const heavy = await request(app).get(`/api/metrics/rolling?from=${now - 31 * DAY_MS}&to=${now}&window=31d&step=30m`);
      assert.equal(heavy.status, 400);
      assert.match(heavy.body.error.message, /points × window may be at most 400 days \(this asks for 1489 points × 31 d = 46159 days\)/);
      const many = await request(app).get(`/api/metrics/rolling?span=30d&window=1m&step=1m`);
      assert.equal(many.status, 400);
      assert.match(many.body.error.message, /at most 2000 points per request/);
      const long = await request(app).get(`/api/metrics/rolling?span=200d&window=1d&step=7d`);
      assert.match(long.body.error.message, /at most 92 days/);
      const both = await request(app).get(`/api/metrics/rolling?span=7d&from=${now - DAY_MS}`);
      assert.match(both.body.error.message, /give from or span, not both/);
    } finally {
      t.cleanup();
    }
  });
});
