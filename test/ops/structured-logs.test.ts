import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { createLogger } from '../../server/config/logger.ts';
import { createExportService } from '../../server/export/export-service.ts';
import { createExportRoutes } from '../../server/http/export-routes.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { createPrometheusRoutes } from '../../server/http/prometheus-routes.ts';
import { bearerMatches, requireToken } from '../../server/http/require-token.ts';
import { createStatementsRoutes } from '../../server/http/statements-routes.ts';
import { createIngestService } from '../../server/ingest/ingest-service.ts';
import { createPrometheus } from '../../server/ops/prometheus.ts';
import { createOpsQueries } from '../../server/store/ops-queries.ts';
import { addScored, createTestAlerts, MIN } from '../alerts/fixtures.ts';
import { createTempStore } from '../helpers/temp-store.ts';
import { TEST_TOKEN } from '../helpers/test-app.ts';

/** The real logger (redaction included) writing its JSON lines into memory. */
function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter((l) => l !== ''));
      done();
    },
  });
  const logger = createLogger('info', sink);
  return { logger, raw: () => lines.join('\n'), events: (name: string) => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.event === name) };
}

const SECRET_GUESS = 'leaked-guess-7c1d0e9f-0123456789';

describe('structured log lines for the operator', () => {
  const t = createTempStore();
  after(() => t.cleanup());
  const log = capturedLogger();
  const app = createHttpApp({
    logger: log.logger,
    clientDir: '/nonexistent',
    routers: [
      createStatementsRoutes({ ingest: createIngestService({ store: t.store }), statements: t.store.statements, requireToken: requireToken(TEST_TOKEN) }),
      createPrometheusRoutes({ prometheus: createPrometheus({ queries: createOpsQueries(t.store.db), clientCount: () => 0, processMetrics: false }), public: false, authorized: bearerMatches(TEST_TOKEN) }),
      createExportRoutes({
        exports: createExportService({ openReader: () => t.store.openReader() }),
        limits: { maxRangeMs: 366 * 86_400_000 },
        logger: log.logger,
        requester: (req) => ({ ip: req.ip, credential: bearerMatches(TEST_TOKEN)(req) ? 'admin-token' : 'none' }),
      }),
    ],
  });

  it('logs each auth failure (where, why, from whom) and never the token, wrong or right', async () => {
    const noToken = await request(app).post('/api/statements').send({ text: 'x' });
    assert.equal(noToken.status, 401);
    const wrong = await request(app).post('/api/statements').set('authorization', `Bearer ${SECRET_GUESS}`).send({ text: 'x' });
    assert.equal(wrong.status, 401);
    const scrape = await request(app).get('/metrics').set({ 'x-forwarded-for': '198.51.100.7', authorization: `Bearer ${SECRET_GUESS}` });
    assert.equal(scrape.status, 401);
    const ok = await request(app).post('/api/statements').set('authorization', `Bearer ${TEST_TOKEN}`).send({ text: 'Troops massed at the border overnight.' });
    assert.equal(ok.status, 202);

    const failures = log.events('auth-failure');
    assert.equal(failures.length, 3);
    assert.deepEqual(
      failures.map((f) => [f.status, f.method, f.path, f.code]),
      [
        [401, 'POST', '/api/statements', 'unauthorized'],
        [401, 'POST', '/api/statements', 'unauthorized'],
        [401, 'GET', '/metrics', 'unauthorized'],
      ],
    );
    assert.match(String(failures[1]!.reason), /not valid/);
    assert.match(String(failures[0]!.ip), /127\.0\.0\.1/);
    assert.equal(failures[0]!.level, 40, 'warn');
    assert.ok(!log.raw().includes(SECRET_GUESS), 'a wrong token is never logged');
    assert.ok(!log.raw().includes(TEST_TOKEN), 'the right token is never logged');
  });

  it('masks a token or authorization header logged by mistake', () => {
    log.logger.info({ token: TEST_TOKEN, req: { headers: { authorization: `Bearer ${TEST_TOKEN}`, cookie: 'sid=abc' } }, nested: { authorization: TEST_TOKEN } }, 'oops');
    assert.ok(!log.raw().includes(TEST_TOKEN));
    assert.ok(!log.raw().includes('sid=abc'));
    assert.match(log.raw(), /\[Redacted\]/);
  });

  it('logs each export: who, what, rows and duration', async () => {
    const res = await request(app).get('/api/export/statements.csv?status=pending').set('authorization', `Bearer ${TEST_TOKEN}`);
    assert.equal(res.status, 200);
    const anonymous = await request(app).get('/api/export/history.csv?bucket=hour');
    assert.equal(anonymous.status, 200);
    const [statements, history] = log.events('export');
    assert.equal((statements!.who as Record<string, unknown>).credential, 'admin-token');
    assert.match(String((statements!.who as Record<string, unknown>).ip), /127\.0\.0\.1/);
    assert.equal((statements!.what as Record<string, unknown>).kind, 'statements');
    assert.equal((statements!.what as Record<string, unknown>).status, 'pending');
    assert.equal(statements!.rows, 1);
    assert.equal(statements!.completed, true);
    assert.equal(typeof statements!.ms, 'number');
    assert.deepEqual([(history!.what as Record<string, unknown>).kind, (history!.what as Record<string, unknown>).bucket], ['history', 'hour']);
    assert.equal((history!.who as Record<string, unknown>).credential, 'none');
    assert.equal(typeof history!.rows, 'number');
    assert.ok(!log.raw().includes(TEST_TOKEN));
  });

  it('logs each alert transition with ids, state and value, no statement text', async () => {
    const a = capturedLogger();
    const { alerts, clock } = createTestAlerts(t.store, { logger: a.logger });
    const rule = await alerts.createRule({ name: 'Hot', scope: 'global', window: '1h', metric: 'index', threshold: 60, recoverBelow: 50, forSeconds: 60, repeatSeconds: 0, minStatements: 3, severity: 'critical', channels: [{ type: 'dashboard' }] });
    assert.ok(rule.ok);
    const t0 = clock.now;
    for (const score of [90, 85, 95]) addScored(t.store, { occurredAt: t0 - 2 * MIN, score, text: 'SECRET STATEMENT TEXT' });
    alerts.evaluate(t0);
    alerts.evaluate(t0 + 61_000);
    const transitions = a.events('alert-transition');
    assert.deepEqual(transitions.map((e) => [e.change, e.state, e.ruleId]), [['pending', 'pending', rule.value.id], ['firing', 'firing', rule.value.id]]);
    assert.equal(transitions[1]!.severity, 'critical');
    assert.ok((transitions[1]!.value as number) >= 60);
    assert.ok(!a.raw().includes('SECRET STATEMENT TEXT'));
  });
});
