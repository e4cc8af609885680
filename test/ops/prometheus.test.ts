import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { createPrometheusRoutes } from '../../server/http/prometheus-routes.ts';
import { bearerMatches, requireToken } from '../../server/http/require-token.ts';
import { createStatementsRoutes } from '../../server/http/statements-routes.ts';
import { createIngestService } from '../../server/ingest/ingest-service.ts';
import { createScoreWorker } from '../../server/jobs/score-job.ts';
import { createPrometheus } from '../../server/ops/prometheus.ts';
import { createOpsQueries } from '../../server/store/ops-queries.ts';
import { createTempStore } from '../helpers/temp-store.ts';
import { TEST_TOKEN, testLanguageGate, testScorer } from '../helpers/test-app.ts';
import { insertAlert, insertFeed, insertRule, parseExposition } from './ops-fixtures.ts';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const auth = { authorization: `Bearer ${TEST_TOKEN}` };
const TEXTS = [
  'Russia threatened to strike NATO supply lines if the deliveries continue.',
  'Both sides agreed to a ceasefire and to exchange prisoners.',
  'China warned of decisive action against any provocation near Taiwan.',
  'Если войска НАТО появятся на украинской земле, они будут считаться комбатантами.',
  'La France a annoncé de nouvelles sanctions contre le régime et rappelé son ambassadeur.',
  'Iran said talks with the agency would resume next week in Vienna.',
  // Greek: a language the scorer has no data for, so it is stored `unsupported`.
  'Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για την οικονομία, τις εξαγωγές και τις μεταφορές της χώρας.',
];

describe('GET /metrics', () => {
  const t = createTempStore();
  let clock = NOW;
  let sockets = 3;
  const prometheus = createPrometheus({ queries: createOpsQueries(t.store.db), clientCount: () => sockets, now: () => clock, processMetrics: false });
  const ingest = createIngestService({ store: t.store, now: () => clock });
  const worker = createScoreWorker({ store: t.store, scorer: testScorer(), language: testLanguageGate(), logger: createSilentLogger(), now: () => clock });
  const build = (isPublic: boolean) =>
    createHttpApp({
      logger: createSilentLogger(),
      clientDir: '/nonexistent',
      observe: prometheus.observeHttp,
      routers: [
        createStatementsRoutes({ ingest, statements: t.store.statements, requireToken: requireToken(TEST_TOKEN) }),
        createPrometheusRoutes({ prometheus, public: isPublic, authorized: bearerMatches(TEST_TOKEN) }),
      ],
    });
  const app = build(false);
  after(() => t.cleanup());

  before(async () => {
    // Real ingest over HTTP, scored by the real worker; then more that stay pending.
    const first = await request(app).post('/api/statements').set(auth).send({ statements: TEXTS.map((text) => ({ text })) });
    assert.equal(first.status, 202);
    await worker.runOnce();
    clock = NOW + 90_000;
    const later = await request(app).post('/api/statements').set(auth).send({ statements: [{ text: 'Late one about troops at the border.' }, { text: 'Another late one: the fleet left port.' }] });
    assert.equal(later.status, 202);
    clock = NOW + 150_000; // the pending ones are 60 s old
    const rule = insertRule(t.store.db, NOW);
    insertAlert(t.store.db, { ruleId: rule, startedAt: NOW - 5000, resolvedAt: null, deliveries: [{ status: 'pending', at: NOW }, { status: 'delivered', at: NOW }, { status: 'delivered', at: NOW }, { status: 'dead', at: NOW }] });
    insertFeed(t.store.db, { name: 'Wire "A"', lastSuccessAt: NOW + 30_000, failures: 0, items: 12 });
    insertFeed(t.store.db, { name: 'Broken', lastSuccessAt: null, failures: 4, items: 0 });
  });

  it('reports exactly what a brute-force count of the database gives', async () => {
    const res = await request(app).get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
    const m = parseExposition(res.text);
    const db = t.store.db;
    const brute = db.prepare(`SELECT status, COALESCE(lang, '') AS lang, COUNT(*) AS n FROM statements GROUP BY 1, 2`).all() as Array<{ status: string; lang: string; n: number }>;
    assert.ok(brute.length >= 3, `expected several status/lang pairs, got ${JSON.stringify(brute)}`);
    assert.ok(brute.some((r) => r.status === 'unsupported'));
    const reported = [...m].filter(([k]) => k.startsWith('brinkwatch_statements{'));
    assert.equal(reported.length, brute.length);
    for (const r of brute) assert.equal(m.get(`brinkwatch_statements{status="${r.status}",lang="${r.lang}"}`), r.n, `${r.status}/${r.lang}`);
    const pending = db.prepare(`SELECT COUNT(*) AS n, MIN(received_at) AS oldest FROM statements WHERE status = 'pending'`).get() as { n: number; oldest: number };
    assert.equal(pending.n, 2);
    assert.equal(m.get('brinkwatch_score_pending_statements'), pending.n);
    assert.equal(m.get('brinkwatch_score_oldest_pending_age_seconds'), (clock - pending.oldest) / 1000);
    for (const r of db.prepare('SELECT status, COUNT(*) AS n FROM alert_deliveries GROUP BY status').all() as Array<{ status: string; n: number }>) {
      assert.equal(m.get(`brinkwatch_alert_deliveries{state="${r.status}"}`), r.n, r.status);
    }
    assert.equal(m.get('brinkwatch_alert_deliveries{state="delivered"}'), 2);
    assert.equal(m.get('brinkwatch_alerts_open{state="firing"}'), 1);
    assert.equal(m.get('brinkwatch_feed_last_success_age_seconds{feed_id="1",feed="Wire \\"A\\""}'), 120);
    assert.equal(m.get('brinkwatch_feed_consecutive_failures{feed_id="2",feed="Broken"}'), 4);
    assert.equal(m.has('brinkwatch_feed_last_success_age_seconds{feed_id="2",feed="Broken"}'), false, 'never succeeded: no age');
    assert.equal(m.get('brinkwatch_feed_items_stored{feed_id="1",feed="Wire \\"A\\""}'), 12);
    assert.equal(m.get('brinkwatch_realtime_clients'), 3);
  });

  it('follows the database as it changes (scored, deleted, sockets gone)', async () => {
    await worker.runOnce();
    t.store.db.prepare(`DELETE FROM statements WHERE id IN (SELECT id FROM statements WHERE status = 'scored' LIMIT 2)`).run();
    sockets = 0;
    const m = parseExposition((await request(app).get('/metrics')).text);
    const brute = t.store.db.prepare(`SELECT status, COALESCE(lang, '') AS lang, COUNT(*) AS n FROM statements GROUP BY 1, 2`).all() as Array<{ status: string; lang: string; n: number }>;
    for (const r of brute) assert.equal(m.get(`brinkwatch_statements{status="${r.status}",lang="${r.lang}"}`), r.n);
    assert.equal([...m].filter(([k]) => k.startsWith('brinkwatch_statements{')).length, brute.length, 'emptied pairs are left out');
    assert.equal(m.get('brinkwatch_score_pending_statements'), 0);
    assert.equal(m.get('brinkwatch_score_oldest_pending_age_seconds'), 0);
    assert.equal(m.get('brinkwatch_realtime_clients'), 0);
  });

  it('labels HTTP latency by route template, never by raw path', async () => {
    await request(app).get('/api/nothing/here-12345');
    await request(app).post('/api/statements').send({ text: 'x' }); // 401
    const text = (await request(app).get('/metrics')).text;
    const m = parseExposition(text);
    assert.ok((m.get('brinkwatch_http_request_duration_seconds_count{method="POST",route="/api/statements",status="202"}') ?? 0) >= 2, text.slice(0, 2000));
    assert.equal(m.get('brinkwatch_http_request_duration_seconds_count{method="POST",route="/api/statements",status="401"}'), 1);
    assert.equal(m.get('brinkwatch_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}'), 1);
    assert.ok((m.get('brinkwatch_http_request_duration_seconds_count{method="GET",route="/metrics",status="200"}') ?? 0) >= 2);
    assert.doesNotMatch(text, /here-12345/);
  });

  it('needs the token when the request is not local (forwarded by a proxy); loopback or public passes', async () => {
    const forwarded = { 'x-forwarded-for': '203.0.113.9' };
    const denied = await request(app).get('/metrics').set(forwarded);
    assert.equal(denied.status, 401);
    assert.equal(denied.body.error.code, 'unauthorized');
    const wrong = await request(app).get('/metrics').set(forwarded).set({ authorization: 'Bearer wrong-token-0123456789' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.message, 'the bearer token is not valid');
    const withToken = await request(app).get('/metrics').set(forwarded).set(auth);
    assert.equal(withToken.status, 200);
    assert.match(withToken.text, /brinkwatch_statements/);
    assert.equal((await request(app).get('/metrics')).status, 200, 'loopback without a token');
    assert.equal((await request(build(true)).get('/metrics').set(forwarded)).status, 200, 'BRINKWATCH_METRICS_PUBLIC=true');
  });

  it('refuses a scrape that really arrives from another address without the token', async (t) => {
    const external = Object.values(os.networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4');
    if (!external) return t.skip('this machine has no non-loopback IPv4 address to connect from');
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, external.address, r));
    try {
      const url = `http://${external.address}:${(server.address() as AddressInfo).port}/metrics`;
      const denied = await fetch(url);
      assert.equal(denied.status, 401);
      assert.equal(((await denied.json()) as { error: { code: string } }).error.code, 'unauthorized');
      const allowed = await fetch(url, { headers: auth });
      assert.equal(allowed.status, 200);
    } finally {
      server.close();
    }
  });
});
