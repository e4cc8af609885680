import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { createMetricsRoutes } from '../../server/http/metrics-routes.ts';
import { createMetricsService } from '../../server/metrics/metrics-service.ts';
import { contributionsFor, DAY_MS, HOUR_MS, MINUTE_MS, windowValue } from '../../server/metrics/risk-index.ts';
import { createTempStore } from '../helpers/temp-store.ts';

const NOW = Date.UTC(2026, 2, 10, 15, 37, 20);

/** A deterministic spread of statements over the last 20 days, several per hour. */
function seed(store: ReturnType<typeof createTempStore>['store']) {
  let x = 12345;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  store.transaction(() => {
    for (let t = NOW - 20 * DAY_MS; t <= NOW; t += 7 * MINUTE_MS + Math.floor(rnd() * 20 * MINUTE_MS)) {
      const score = Math.round(rnd() * 1000) / 10;
      const actor = rnd() < 0.5 ? 'A' : 'B';
      store.metrics.add(contributionsFor({ occurredAt: t, score, actor, targets: rnd() < 0.3 ? ['C'] : [], categories: score > 60 ? ['threat'] : [] }));
    }
  });
}

describe('metrics service over stored buckets', () => {
  const t = createTempStore();
  seed(t.store);
  const metrics = createMetricsService({ store: t.store, now: () => NOW, minStatements: 3 });
  after(() => t.cleanup());

  it('keeps the hour and day rollups equal to the minute buckets', () => {
    type Row = { scope: string; b: number; n: number; s: number; m: number };
    for (const [table, width] of [['metric_buckets_hour', HOUR_MS], ['metric_buckets_day', DAY_MS]] as const) {
      const expected = t.store.db
        .prepare(
          `SELECT scope, (bucket_start / ${width}) * ${width} AS b, SUM(n) AS n, SUM(sum_wscore) AS s, MAX(max_score) AS m
           FROM metric_buckets GROUP BY scope, b ORDER BY scope, b`,
        )
        .all() as Row[];
      const stored = t.store.db.prepare(`SELECT scope, bucket_start AS b, n, sum_wscore AS s, max_score AS m FROM ${table} ORDER BY scope, b`).all() as Row[];
      assert.equal(stored.length, expected.length, table);
      assert.ok(expected.length > 40);
      expected.forEach((e, i) => {
        const r = stored[i]!;
        assert.deepEqual([r.scope, r.b, r.n, r.m], [e.scope, e.b, e.n, e.m], table);
        assert.ok(Math.abs(r.s - e.s) < 1e-6, `${table} ${e.scope} ${e.b}: ${r.s} vs ${e.s}`);
      });
    }
  });

  it('computes 7 d exactly as the minute buckets give it (no rollups in windows)', () => {
    for (const scope of ['global', 'actor:A', 'dyad:B>C']) {
      const fromMinutes = windowValue(t.store.metrics.range(scope, NOW - 8 * DAY_MS, NOW + 1), NOW, 7 * DAY_MS, 3);
      assert.deepEqual(metrics.measure(scope, 7 * DAY_MS, NOW, 3), fromMinutes, scope);
    }
  });

  it('current() gives every window with index, count, max, enough-data flag and trend', () => {
    const c = metrics.current('actor:A');
    assert.deepEqual(Object.keys(c.windows), ['1h', '24h', '7d']);
    for (const w of Object.values(c.windows)) {
      assert.equal(typeof w.count, 'number');
      assert.equal(w.enoughData, w.count >= 3);
      if (w.enoughData) assert.ok(w.index! >= 0 && w.index! <= 100);
      if (w.index !== null && w.trend.previous.index !== null) assert.equal(w.trend.delta, Math.round((w.index - w.trend.previous.index) * 10) / 10);
    }
    const day = c.windows['24h']!;
    const prev = windowValue(t.store.metrics.range('actor:A', NOW - 3 * DAY_MS, NOW), NOW - DAY_MS, DAY_MS, 3);
    assert.equal(day.trend.previous.count, prev.count);
    const none = metrics.current('actor:Nobody');
    assert.deepEqual({ ...none.windows['1h'], trend: undefined }, { window: '1h', windowMs: HOUR_MS, index: null, count: 0, maxScore: null, enoughData: false, trend: undefined });
  });

  it('history at hour and day resolution reads rollups and agrees with grouped minutes', () => {
    const from = NOW - 14 * DAY_MS;
    const days = metrics.history({ scope: 'global', from: Math.floor(from / DAY_MS) * DAY_MS, to: NOW, resolution: 'day' });
    const sumDays = days.reduce((a, p) => a + p.count, 0);
    const minuteCount = t.store.metrics.range('global', Math.floor(from / DAY_MS) * DAY_MS, NOW).reduce((a, b) => a + b.n, 0);
    assert.equal(sumDays, minuteCount);
    const hours = metrics.history({ scope: 'actor:B', from: NOW - 2 * DAY_MS, to: NOW, resolution: 'hour' });
    const hourFromMinutes = new Map<number, number>();
    for (const b of t.store.metrics.range('actor:B', Math.floor((NOW - 2 * DAY_MS) / HOUR_MS) * HOUR_MS, NOW)) {
      const h = Math.floor(b.bucketStart / HOUR_MS) * HOUR_MS;
      hourFromMinutes.set(h, (hourFromMinutes.get(h) ?? 0) + b.n);
    }
    assert.deepEqual(hours.map((p) => [Date.parse(p.t), p.count]), [...hourFromMinutes.entries()]);
  });

  it('top() ranks actor, dyad and category scopes with enough data by index', () => {
    const top = metrics.top({ window: '7d', limit: 5 });
    assert.deepEqual(top.actor.map((a) => a.scope).sort(), ['actor:A', 'actor:B']);
    assert.ok(top.actor[0]!.index! >= top.actor[1]!.index!);
    assert.deepEqual(top.dyad.map((d) => d.name).sort(), ['A>C', 'B>C']);
    assert.deepEqual(top.category.map((c) => c.scope), ['category:threat']);
  });

  it('serves current, top and long history over HTTP, refusing bad parameters by name', async () => {
    const app = createHttpApp({ logger: createSilentLogger(), clientDir: '/nonexistent', routers: [createMetricsRoutes({ metrics, now: () => NOW })], health: () => ({}) });
    const cur = await request(app).get('/api/metrics/current?scope=dyad:A>C');
    assert.equal(cur.status, 200);
    assert.equal(cur.body.scope, 'dyad:A>C');
    assert.ok('trend' in cur.body.windows['24h']);
    const top = await request(app).get('/api/metrics/top?window=24h&limit=2');
    assert.equal(top.status, 200);
    assert.ok(top.body.actor.length <= 2);
    const badTop = await request(app).get('/api/metrics/top?window=3h');
    assert.equal(badTop.status, 400);
    assert.match(badTop.body.error.message, /^window: must be one of 1h, 24h, 7d/);
    const year = await request(app).get(`/api/metrics/history?bucket=day&from=${NOW - 365 * DAY_MS}&to=${NOW}`);
    assert.equal(year.status, 200);
    assert.equal(year.body.points.length, 21);
  });
});
