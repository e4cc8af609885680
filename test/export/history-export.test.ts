import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { createMetricsService } from '../../server/metrics/metrics-service.ts';
import { levelForScore } from '../../server/scoring/index.ts';
import { createTempStore } from '../helpers/temp-store.ts';
import { createExportApp, DAY, HOUR, MINUTE, seedStatements, type SeedStatement } from './export-fixtures.ts';

const T0 = Date.UTC(2026, 10, 1); // 2026-11-01T00:00:00Z
const NOW = Date.UTC(2026, 10, 3, 12);
const HEADER = ['bucket_start', 'scope', 'risk_index', 'statements', 'max_score', 'level', 'firing_alerts'];

const t = createTempStore();
const { app } = createExportApp(t.store, { now: () => NOW });
const metrics = createMetricsService({ store: t.store, now: () => NOW });

before(() => {
  const items: SeedStatement[] = [];
  // Two days, a statement every 37 minutes, speakers and categories varying.
  for (let i = 0; i < 2 * 24 * 60; i += 37) {
    items.push({
      text: `statement ${i}`,
      occurredAt: T0 + i * MINUTE + 17_000,
      score: (i * 7) % 101,
      speaker: i % 2 === 0 ? 'Russia' : '=Iran', // a hostile name lands in a scope column
      targets: i % 3 === 0 ? ['Ukraine'] : [],
      signals: i % 5 === 0 ? [{ category: 'threat-of-force', text: 'strike', weight: 2 }] : [],
    });
  }
  seedStatements(t.store, items);
});
after(() => t.cleanup());

async function getCsv(url: string) {
  const res = await request(app).get(url).buffer(true);
  return { status: res.status, headers: res.headers, text: res.text, rows: parse(res.text, { bom: true, record_delimiter: '\r\n' }) as string[][] };
}

test('history.csv per hour for one scope equals GET /api/metrics/history point for point', async () => {
  const { status, headers, rows } = await getCsv('/api/export/history.csv?from=2026-11-01&to=2026-11-03&bucket=hour&scope=actor:Russia');
  assert.equal(status, 200);
  assert.equal(headers['content-type'], 'text/csv; charset=utf-8');
  assert.equal(headers['content-disposition'], 'attachment; filename="brinkwatch-history-2026-11-01_2026-11-02.csv"');
  assert.deepEqual(rows[0], HEADER);
  const points = metrics.history({ scope: 'actor:Russia', from: T0, to: T0 + 2 * DAY, resolution: 'hour' });
  assert.ok(points.length > 20);
  assert.deepEqual(
    rows.slice(1),
    points.map((p) => [p.t, 'actor:Russia', String(p.index), String(p.count), String(p.maxScore), levelForScore(p.index!), '']),
  );
});

test('counts add up to the statements stored, for minute, hour and day buckets', async () => {
  const stored = t.store.statements.list({ from: T0, to: T0 + 2 * DAY }).length;
  for (const bucket of ['minute', 'hour', 'day']) {
    const { rows } = await getCsv(`/api/export/history.csv?from=2026-11-01&to=2026-11-03&bucket=${bucket}&scope=global`);
    const total = rows.slice(1).reduce((n, r) => n + Number(r[3]), 0);
    assert.equal(total, stored, bucket);
    for (const r of rows.slice(1)) assert.equal(Number(r[3]) > 0, true, 'empty buckets are not rows');
  }
  // Hour rows (read from the hour rollup) agree with the minute rows summed per hour.
  const minutes = (await getCsv('/api/export/history.csv?from=2026-11-01&to=2026-11-03&bucket=minute&scope=all')).rows.slice(1);
  const hours = (await getCsv('/api/export/history.csv?from=2026-11-01&to=2026-11-03&bucket=hour&scope=all')).rows.slice(1);
  const perHour = new Map<string, { n: number; max: number }>();
  for (const r of minutes) {
    const key = `${r[0]!.slice(0, 13)}:00:00.000Z ${r[1]}`;
    const acc = perHour.get(key) ?? { n: 0, max: -1 };
    perHour.set(key, { n: acc.n + Number(r[3]), max: Math.max(acc.max, Number(r[4])) });
  }
  assert.equal(hours.length, perHour.size);
  for (const r of hours) assert.deepEqual(perHour.get(`${r[0]} ${r[1]}`), { n: Number(r[3]), max: Number(r[4]) }, `${r[0]} ${r[1]}`);
  const days = (await getCsv('/api/export/history.csv?from=2026-11-01&to=2026-11-03&bucket=day')).rows.slice(1);
  assert.deepEqual(days.map((r) => r[0]), ['2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z']);
});

test('scope=all gives every scope with data, ordered by bucket then scope; repeated scope gives those scopes', async () => {
  const all = (await getCsv('/api/export/history.csv?from=2026-11-01&to=2026-11-02&bucket=day&scope=all')).rows.slice(1);
  const scopes = all.map((r) => r[1]);
  assert.deepEqual(scopes, [...scopes].sort(), 'sorted by scope within the bucket');
  assert.ok(scopes.includes('global') && scopes.includes('actor:Russia') && scopes.includes('dyad:Russia>Ukraine') && scopes.includes('category:threat-of-force'));
  assert.ok(scopes.includes('actor:=Iran'), 'a scope that starts with a letter is not prefixed');

  const two = (await getCsv('/api/export/history.csv?from=2026-11-01&to=2026-11-02&bucket=hour&scope=global&scope=actor:Russia')).rows.slice(1);
  assert.deepEqual([...new Set(two.map((r) => r[1]))].sort(), ['actor:Russia', 'global']);
  for (let i = 1; i < two.length; i++) assert.ok(two[i - 1]![0]! <= two[i]![0]!, 'time order');
});

test('buckets are whole: a range starting mid-hour is widened to the hour', async () => {
  const { headers, rows } = await getCsv('/api/export/history.csv?from=2026-11-01T10:30:00Z&to=2026-11-01T12:10:00Z&bucket=hour');
  assert.deepEqual(rows.slice(1).map((r) => r[0]), ['2026-11-01T10:00:00.000Z', '2026-11-01T11:00:00.000Z', '2026-11-01T12:00:00.000Z']);
  const first = metrics.history({ scope: 'global', from: T0 + 10 * HOUR, to: T0 + 11 * HOUR, resolution: 'hour' })[0]!;
  assert.equal(rows[1]![3], String(first.count), 'the 10:00 row counts the whole hour');
  assert.equal(headers['content-disposition'], 'attachment; filename="brinkwatch-history-2026-11-01T1000Z_2026-11-01T1300Z.csv"');
});

test('an empty range gives the header row only; defaults are the last 24 h by minute', async () => {
  const empty = await getCsv('/api/export/history.csv?from=2025-01-01&to=2025-01-02');
  assert.equal(empty.text, `${HEADER.join(',')}\r\n`);
  const dflt = await getCsv('/api/export/history.csv');
  assert.equal(dflt.headers['content-disposition'], 'attachment; filename="brinkwatch-history-2026-11-02T1200Z_2026-11-03T1200Z.csv"');
  assert.ok(dflt.rows.length > 1);
});

test('bad parameters get a 400 naming the parameter', async () => {
  const cases: Array<[string, RegExp]> = [
    ['bucket=week', /^bucket: must be minute, hour or day/],
    ['from=2026-11-05&to=2026-11-01', /^from: must be before to/],
    ['from=2024-01-01&to=2026-01-01', /^to: .*366 days/],
    ['from=31/12/2026', /^from: .*not a valid date/],
    ['scope=everyone', /^scope: /],
    ['scope=all&scope=global', /^scope: "all"/],
    ['bom=2', /^bom: /],
  ];
  for (const [query, message] of cases) {
    const res = await request(app).get(`/api/export/history.csv?${query}`);
    assert.equal(res.status, 400, query);
    assert.equal(res.body.error.code, 'invalid-query', query);
    assert.match(res.body.error.message, message, query);
  }
});

test('firing_alerts names the rules whose alert fired during the bucket, on that scope', async () => {
  // Through the alerts repo (issue 5), as the alert service stores episodes.
  const repo = t.store.alerts;
  const rule = (name: string, scope: string) =>
    repo.insertRule(
      { name, scope, window: '1h', metric: 'index', threshold: 50, recoverBelow: 40, forSeconds: 0, repeatSeconds: 0,
        minStatements: 1, severity: 'warning', channels: [{ type: 'dashboard' }], enabled: true },
      T0,
    );
  const episode = (ruleId: number, scope: string, startedAt: number, firedAt: number | null, resolvedAt: number | null) => {
    const id = repo.insertAlert({ ruleId, state: firedAt === null ? 'pending' : 'firing', scope, window: '1h', metric: 'index',
      severity: 'warning', threshold: 50, value: 60, startedAt, firedAt });
    if (resolvedAt !== null) repo.updateAlert(id, { state: firedAt === null ? 'cancelled' : 'resolved', resolvedAt, updatedAt: resolvedAt });
  };
  const r1 = rule('Russia, "hot"', 'actor:Russia');
  const r2 = rule('=Global alarm', 'global');
  const r3 = rule('Never fired', 'global');
  // Russia: fired 02:10, resolved 04:00 exactly (not firing during 04:00-05:00); fired again 20:30, still firing.
  episode(r1, 'actor:Russia', T0 + 2 * HOUR, T0 + 2 * HOUR + 10 * MINUTE, T0 + 4 * HOUR);
  episode(r1, 'actor:Russia', T0 + 20 * HOUR, T0 + 20 * HOUR + 30 * MINUTE, null);
  episode(r2, 'global', T0 + 3 * HOUR, T0 + 3 * HOUR + 59 * MINUTE, T0 + 6 * HOUR);
  episode(r3, 'global', T0 + 1 * HOUR, null, T0 + 2 * HOUR);
  // Editing a rule's scope later does not move the alerts it already raised.
  repo.updateRule(r2, { ...repo.getRule(r2)!, scope: 'actor:=Iran' }, T0 + DAY);

  const rows = (await getCsv('/api/export/history.csv?from=2026-11-01&to=2026-11-02&bucket=hour&scope=all')).rows.slice(1);
  const alertsAt = (scope: string, hour: number) => rows.find((r) => r[1] === scope && r[0] === new Date(T0 + hour * HOUR).toISOString())?.[6];
  assert.equal(alertsAt('actor:Russia', 1), '');
  assert.equal(alertsAt('actor:Russia', 2), 'Russia, "hot"');
  assert.equal(alertsAt('actor:Russia', 3), 'Russia, "hot"');
  assert.equal(alertsAt('actor:Russia', 4), '');
  assert.equal(alertsAt('actor:Russia', 20), 'Russia, "hot"');
  assert.equal(alertsAt('actor:Russia', 23), 'Russia, "hot"');
  assert.equal(alertsAt('global', 1), '', 'an alert that never fired is not listed');
  assert.equal(alertsAt('global', 3), "'=Global alarm", 'alert names are neutralised');
  assert.equal(alertsAt('global', 5), "'=Global alarm");
  assert.equal(alertsAt('global', 6), '');
  assert.equal(alertsAt('actor:=Iran', 3), '', 'another scope has none');
  const day = (await getCsv('/api/export/history.csv?from=2026-11-01&to=2026-11-02&bucket=day&scope=global')).rows[1]!;
  assert.equal(day[6], "'=Global alarm");
});
