import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Router } from 'express';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { openApiDocument } from '../../server/http/openapi-document.ts';
import { createOpenApiRoutes, listRoutes, undocumentedRoutes } from '../../server/http/openapi-routes.ts';
import { ROOT, startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';
import { validate } from '../helpers/json-schema-check.ts';
import { exerciseAccounts } from '../helpers/openapi-accounts-flow.ts';
import { createOpenApiCaller, type Doc } from '../helpers/openapi-call.ts';

describe('the OpenAPI description knows every route', () => {
  it('undocumentedRoutes lists a route the description lacks, with nested routers and path parameters', () => {
    const extra = Router();
    extra.get('/api/statements/:id', (_q, s) => void s.end()); // documented
    extra.patch('/api/statements/:id', (_q, s) => void s.end()); // not documented
    extra.get('/api/secret-new-thing', (_q, s) => void s.end());
    extra.get(['/api/statements', '/api/also-this'], (_q, s) => void s.end()); // one route, two paths
    const app = createHttpApp({ logger: createSilentLogger(), clientDir: '/nonexistent', routers: [extra, createOpenApiRoutes({ version: 't' })] });
    assert.ok(listRoutes(app).includes('GET /api/statements/{id}'));
    assert.ok(listRoutes(app).includes('GET /api/openapi.json'));
    assert.deepEqual(undocumentedRoutes(app), ['GET /api/also-this', 'GET /api/secret-new-thing', 'PATCH /api/statements/{id}']);
  });

  it('the validator refuses an undocumented field, a wrong type, a missing field and a bad date', () => {
    const doc = openApiDocument('t') as unknown as Record<string, unknown>;
    const feed = { id: 1, name: 'x', url: 'https://e.org/f', intervalSeconds: 300, origin: 'api', health: { status: 'ok', lastAttemptAt: null, lastSuccessAt: '2026-01-01T00:00:00.000Z', lastErrorAt: null, lastError: null, lastErrorCode: null, lastHttpStatus: 200, consecutiveFailures: 0, nextAttemptAt: '2026-01-01T00:05:00.000Z', itemsStored: 3, lastItemCount: 3 } };
    const schema = { $ref: '#/components/schemas/Feed' };
    assert.deepEqual(validate(feed, schema, doc), []);
    assert.deepEqual(validate({ ...feed, secret: 1 }, schema, doc), ['$: "secret" is not documented']);
    assert.deepEqual(validate({ ...feed, id: '1' }, schema, doc), ['$.id: expected integer, got string']);
    const { name: _name, ...noName } = feed;
    assert.deepEqual(validate(noName, schema, doc), ['$: missing required "name"']);
    assert.deepEqual(validate({ ...feed, health: { ...feed.health, nextAttemptAt: 'soon' } }, schema, doc), ['$.health.nextAttemptAt: "soon" is not an ISO 8601 date-time']);
  });

  it('every operation has responses with a schema or a non-JSON media type, and every $ref resolves', () => {
    const doc = openApiDocument('t') as unknown as Doc;
    assert.equal((doc as unknown as { openapi: string }).openapi, '3.1.0');
    const text = JSON.stringify(doc);
    for (const m of text.matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)) assert.ok(doc.components[m[1]!]?.[m[2]!], `unresolved ${m[0]}`);
    for (const [p, ops] of Object.entries(doc.paths)) {
      const templated = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        assert.ok(Object.keys(op.responses).length > 0, `${method} ${p}`);
        const declared = ((op as { parameters?: Array<{ in: string; name: string; required?: boolean }> }).parameters ?? []).filter((x) => x.in === 'path');
        assert.deepEqual(declared.map((x) => x.name), templated, `${method} ${p}: path parameters`);
        assert.ok(declared.every((x) => x.required === true), `${method} ${p}: path parameters are required`);
      }
    }
  });
});

describe('GET /api/openapi.json against the real server process: every documented operation called, every answer valid', () => {
  let server: RunningServer;
  let receiver: http.Server;
  let hooks = 0;
  let doc: Doc;
  const called = new Set<string>();

  before(async () => {
    receiver = http.createServer((req, res) => {
      if (req.method === 'POST') hooks++;
      req.resume();
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss version="2.0"><channel><title>t</title></channel></rss>');
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    server = await startServerProcess({
      BRINKWATCH_DEMO: 'auto',
      BRINKWATCH_ALERT_CRON: '*/1 * * * * *',
      BRINKWATCH_NOTIFY_CRON: '*/1 * * * * *',
      BRINKWATCH_ALLOW_PRIVATE_URLS: '127.0.0.1',
    });
  });
  after(async () => {
    await server?.stop();
    receiver?.close();
  });
  const hook = () => `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  const call = createOpenApiCaller(() => server, () => doc, called);

  it('describes the routes the running server registers (no start-up warning) and serves itself', async () => {
    const res = await fetch(`${server.url}/api/openapi.json`);
    assert.equal(res.status, 200);
    doc = (await res.json()) as Doc;
    assert.doesNotMatch(server.output(), /routes missing from \/api\/openapi\.json/);
    await call('GET', '/api/openapi.json');
    await call('GET', '/');
    await call('GET', '/index.html', { token: false });
    const metrics = await call('GET', '/metrics', { token: false });
    assert.match(String(metrics.body), /brinkwatch_statements\{status="scored",lang="en"\} \d+/);
    assert.match(String(metrics.body), /process_cpu_user_seconds_total \d/, 'process defaults');
    assert.match(String(metrics.body), /brinkwatch_http_request_duration_seconds_count\{method="GET",route="\/api\/openapi\.json",status="200"\} [1-9]/);
    await call('GET', '/api/health');
  });

  it('statements: submit, list, read, and their errors', async () => {
    assert.equal((await call('POST', '/api/statements', { body: { text: 'Russia threatened to strike NATO supply lines in Poland.', speaker: 'Russia', publishedAt: new Date().toISOString() } })).status, 202);
    assert.equal((await call('POST', '/api/statements', { body: { statements: [{ text: 'China warned of decisive action near Taiwan.' }, { text: '' }] } })).status, 202);
    assert.equal((await call('POST', '/api/statements', { body: { statements: [{ text: '' }] } })).status, 422);
    assert.equal((await call('POST', '/api/statements', { body: { text: 'x' }, token: false })).status, 401);
    assert.equal((await call('POST', '/api/statements', { body: 'text', contentType: 'text/plain' })).status, 415);
    assert.equal((await call('POST', '/api/statements', { body: { statements: 'no' } })).status, 400);
    const list = await call('GET', '/api/statements', { query: 'limit=3' });
    assert.equal(list.status, 200);
    assert.equal((await call('GET', '/api/statements', { query: 'minScore=400' })).status, 400);
    const id = list.body.statements[0].id as number;
    assert.equal((await call('GET', '/api/statements/{id}', { path: `/api/statements/${id}` })).status, 200);
    assert.equal((await call('GET', '/api/statements/{id}', { path: '/api/statements/99999999' })).status, 404);
    // A Russian conditional threat: its signal carries the condition and target spans (languages other than English).
    const ru = await call('POST', '/api/statements', { body: { text: 'Если войска НАТО появятся на украинской земле, они будут считаться комбатантами и станут целью', speaker: 'Russia' } });
    const ruPath = `/api/statements/${ru.body.accepted[0].id}`;
    let scored: { status: string; lang: string; signals: Array<{ condition?: unknown; target?: unknown }> } = { status: 'pending', lang: '', signals: [] };
    for (let i = 0; i < 80 && scored.status === 'pending'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      scored = (await call('GET', '/api/statements/{id}', { path: ruPath })).body.statement;
    }
    assert.equal(scored.lang, 'ru');
    assert.ok(scored.signals.some((x) => x.condition && x.target), 'a signal with its condition and target');
    assert.equal((await call('GET', '/api/statements', { query: 'lang=ru&limit=5' })).status, 200);
  });

  it('metrics: current, top, rolling, history', async () => {
    assert.equal((await call('GET', '/api/metrics/current')).status, 200);
    assert.equal((await call('GET', '/api/metrics/current', { query: 'scope=nonsense' })).status, 400);
    assert.equal((await call('GET', '/api/metrics/top', { query: 'limit=3' })).status, 200);
    assert.equal((await call('GET', '/api/metrics/rolling', { query: 'span=6h&step=30m' })).status, 200);
    assert.equal((await call('GET', '/api/metrics/history', { query: 'bucket=hour' })).status, 200);
  });

  it('feeds: add, list, read, remove, and their errors', async () => {
    const feedUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/feed.xml`;
    const added = await call('POST', '/api/feeds', { body: { name: 'Local wire', url: feedUrl, intervalSeconds: 60 } });
    assert.equal(added.status, 201);
    assert.equal((await call('POST', '/api/feeds', { body: { name: 'Again', url: feedUrl } })).status, 409);
    assert.equal((await call('POST', '/api/feeds', { body: { name: 'Bad', url: 'ftp://x' } })).status, 400);
    assert.equal((await call('GET', '/api/feeds')).status, 200);
    const path = `/api/feeds/${added.body.feed.id}`;
    assert.equal((await call('GET', '/api/feeds/{id}', { path })).status, 200);
    assert.equal((await call('DELETE', '/api/feeds/{id}', { path })).status, 204);
    assert.equal((await call('DELETE', '/api/feeds/{id}', { path })).status, 404);
    assert.equal((await call('GET', '/api/feeds/{id}', { path: '/api/feeds/abc' })).status, 400);
  });

  it('alert rules, alerts, deliveries and acknowledgement through a real firing alert', async () => {
    assert.equal((await call('GET', '/api/alert-rules')).status, 200);
    const rule = { name: 'Anything (test)', scope: 'global', window: '24h', metric: 'max', threshold: 1, recoverBelow: 0, forSeconds: 0, minStatements: 1, severity: 'critical', channels: [{ type: 'dashboard' }, { type: 'webhook', url: hook() }] };
    const created = await call('POST', '/api/alert-rules', { body: rule });
    assert.equal(created.status, 201);
    assert.equal((await call('POST', '/api/alert-rules', { body: { ...rule, threshold: 'high' } })).status, 400);
    const path = `/api/alert-rules/${created.body.rule.id}`;
    assert.equal((await call('GET', '/api/alert-rules/{id}', { path })).status, 200);
    assert.equal((await call('PUT', '/api/alert-rules/{id}', { path, body: { ...rule, name: 'Anything (test, edited)' } })).status, 200);
    assert.equal((await call('POST', '/api/alert-rules/{id}/silence', { path: `${path}/silence`, body: { until: new Date(Date.now() + 3_600_000).toISOString(), reason: 'maintenance' } })).status, 200);
    assert.equal((await call('DELETE', '/api/alert-rules/{id}/silence', { path: `${path}/silence` })).status, 200);
    assert.equal((await call('GET', '/api/alert-rules/{id}', { path: '/api/alert-rules/999999' })).status, 404);

    // The alert job (every second) fires it; the notifier (every second) delivers to the receiver.
    let deliveries: Array<{ alertId: number; status: string }> = [];
    for (let i = 0; i < 120 && !deliveries.some((d) => d.status === 'delivered'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      deliveries = (await call('GET', '/api/deliveries')).body.deliveries;
    }
    assert.ok(hooks > 0 && deliveries.some((d) => d.status === 'delivered'), 'a webhook was delivered');
    const alertId = deliveries[0]!.alertId;
    assert.equal((await call('GET', '/api/deliveries', { query: 'status=delivered', token: false })).status, 200);
    assert.equal((await call('GET', '/api/deliveries', { query: 'status=lost' })).status, 400);
    assert.equal((await call('GET', '/api/alerts', { query: 'state=firing' })).status, 200);
    assert.equal((await call('GET', '/api/alerts', { query: 'limit=0' })).status, 400);
    assert.equal((await call('GET', '/api/alerts/{id}', { path: `/api/alerts/${alertId}` })).status, 200);
    assert.equal((await call('GET', '/api/alerts/{id}', { path: '/api/alerts/999999' })).status, 404);
    assert.equal((await call('GET', '/api/alerts/{id}/events', { path: `/api/alerts/${alertId}/events` })).status, 200);
    assert.equal((await call('GET', '/api/alerts/{id}/deliveries', { path: `/api/alerts/${alertId}/deliveries`, token: false })).status, 200);
    const ack = `/api/alerts/${alertId}/ack`;
    assert.equal((await call('POST', '/api/alerts/{id}/ack', { path: ack, body: {} })).status, 400);
    assert.equal((await call('POST', '/api/alerts/{id}/ack', { path: ack, body: { reason: 'seen, tracking', by: 'ops test' } })).status, 200);
    assert.equal((await call('POST', '/api/alerts/{id}/ack', { path: ack, body: { reason: 'again' } })).status, 409);
    assert.equal((await call('DELETE', '/api/alert-rules/{id}', { path })).status, 204);
    assert.equal((await call('DELETE', '/api/alert-rules/{id}', { path, token: false })).status, 401);
  });

  it('exports as CSV, and their errors', async () => {
    assert.equal((await call('GET', '/api/export/history.csv', { query: 'bucket=hour&scope=global&scope=actor:Russia' })).status, 200);
    assert.equal((await call('GET', '/api/export/statements.csv', { query: 'bom=1' })).status, 200);
    assert.equal((await call('GET', '/api/export/statements.csv', { query: 'status=lost' })).status, 400);
  });

  it('search and score feedback: ranked matches with highlights, feedback on a statement, per category, as CSV', async () => {
    const found = await call('GET', '/api/statements', { query: `q=${encodeURIComponent('Taiwan')}&limit=5` });
    assert.equal(found.body.sort, 'relevance');
    const hit = found.body.statements[0] as { id: number; highlights: { text: unknown[] }; rank: number };
    assert.ok(hit && hit.highlights.text.length > 0 && typeof hit.rank === 'number', 'a ranked match with its highlights');
    assert.equal((await call('GET', '/api/statements', { query: 'q=Taiwan&sort=newest&level=high&origin=api&maxScore=100&dyad=China>Taiwan' })).status, 200);
    assert.equal((await call('GET', '/api/statements', { query: 'sort=relevance' })).status, 400, 'relevance needs q');
    assert.equal((await call('GET', '/api/export/statements.csv', { query: 'q=Taiwan&level=severe' })).status, 200);
    const fbPath = `/api/statements/${hit.id}/feedback`;
    const given = await call('POST', '/api/statements/{id}/feedback', { path: fbPath, body: { level: 'low', reason: 'a routine statement, not a threat' } });
    assert.equal(given.status, 201);
    assert.equal(given.body.feedback.author, 'api-token');
    assert.equal((await call('POST', '/api/statements/{id}/feedback', { path: fbPath, body: { level: 'dire', reason: 'x' } })).status, 400);
    assert.equal((await call('POST', '/api/statements/{id}/feedback', { path: fbPath, token: false, body: { level: 'low', reason: 'anonymous' } })).status, 401);
    assert.equal((await call('POST', '/api/statements/{id}/feedback', { path: '/api/statements/99999999/feedback', body: { level: 'low', reason: 'no such' } })).status, 404);
    assert.equal((await call('GET', '/api/statements/{id}/feedback', { path: fbPath })).body.feedback.length, 1);
    assert.equal((await call('GET', '/api/statements/{id}/feedback', { path: '/api/statements/x/feedback' })).status, 400);
    assert.equal((await call('GET', '/api/statements/{id}', { path: `/api/statements/${hit.id}` })).body.statement.feedback[0].reason, 'a routine statement, not a threat');
    assert.equal((await call('GET', '/api/feedback/categories')).body.total, 1);
    assert.match(String((await call('GET', '/api/export/feedback.csv', { query: 'bom=1' })).body), /a routine statement, not a threat/);
    assert.equal((await call('GET', '/api/export/feedback.csv', { query: 'from=1' })).status, 400);
  });

  it('accounts: first admin by the setup link, sign-in, sessions, users, tokens, the audit log', async () => {
    await exerciseAccounts(call, server.output());
  });

  it('drill-down, scope search, pages and annotations', async () => {
    const [actor] = (await call('GET', '/api/scopes', { query: 'kind=actor&limit=5' })).body.scopes as Array<{ scope: string }>;
    assert.ok(actor, 'the demo data has actors');
    assert.equal((await call('GET', '/api/scopes', { query: 'kind=planet' })).status, 400);
    const drill = await call('GET', '/api/drill', { query: `scope=${encodeURIComponent(actor.scope)}` });
    assert.equal(drill.status, 200);
    assert.equal((await call('GET', '/api/drill', { query: 'scope=actor:Nowhere%20Land' })).status, 404);
    assert.equal((await call('GET', '/api/drill', { query: 'scope=global' })).status, 400);
    const built = fs.existsSync(path.join(ROOT, 'client/dist/drill.html'));
    const name = actor.scope.slice('actor:'.length);
    assert.equal((await call('GET', '/actor/{name}', { token: false, path: `/actor/${encodeURIComponent(name)}` })).status, built ? 200 : 503);
    assert.equal((await call('GET', '/actor/{name}', { token: false, path: '/actor/Nowhere' })).status, built ? 404 : 503);
    const [category] = (await call('GET', '/api/scopes', { query: 'kind=category' })).body.scopes as Array<{ scope: string }>;
    assert.equal((await call('GET', '/category/{name}', { token: false, path: `/category/${encodeURIComponent(category!.scope.slice(9))}` })).status, built ? 200 : 503);
    const [dyad] = (await call('GET', '/api/scopes', { query: 'kind=dyad' })).body.scopes as Array<{ scope: string }>;
    const [speaker, target] = dyad!.scope.slice(5).split('>');
    assert.equal((await call('GET', '/dyad/{speaker}/{target}', { token: false, path: `/dyad/${encodeURIComponent(speaker!)}/${encodeURIComponent(target!)}` })).status, built ? 200 : 503);
    assert.equal((await call('GET', '/alert/{id}', { token: false, path: '/alert/1' })).status, built ? 200 : 503);

    const added = await call('POST', '/api/annotations', { body: { at: new Date().toISOString(), note: '=cmd|ceasefire talks', scope: actor.scope } });
    assert.equal(added.status, 201);
    assert.equal(added.body.annotation.createdBy, 'api-token');
    assert.equal((await call('POST', '/api/annotations', { body: { at: 'yesterday', note: '' } })).status, 400);
    assert.equal((await call('POST', '/api/annotations', { token: false, body: { at: Date.now(), note: 'x' } })).status, 401);
    assert.equal((await call('POST', '/api/annotations', { body: 'x', contentType: 'text/plain' })).status, 415);
    assert.equal((await call('GET', '/api/annotations', { query: `scope=${encodeURIComponent(actor.scope)}` })).body.annotations.length, 1);
    assert.equal((await call('GET', '/api/annotations', { query: 'limit=0' })).status, 400);
    assert.match(String((await call('GET', '/api/export/annotations.csv')).body), /'=cmd\|ceasefire talks/);
    assert.equal((await call('GET', '/api/export/annotations.csv', { query: 'bom=1' })).status, 400);
    const annPath = `/api/annotations/${added.body.annotation.id}`;
    assert.equal((await call('DELETE', '/api/annotations/{id}', { path: annPath })).status, 204);
    assert.equal((await call('DELETE', '/api/annotations/{id}', { path: annPath })).status, 404);
  });

  it('every documented operation was called for real', () => {
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    assert.deepEqual(documented.filter((o) => !called.has(o)), []);
  });
});
