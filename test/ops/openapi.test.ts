import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Router } from 'express';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { openApiDocument } from '../../server/http/openapi-document.ts';
import { createOpenApiRoutes, listRoutes, undocumentedRoutes } from '../../server/http/openapi-routes.ts';
import { startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';
import { validate } from '../helpers/json-schema-check.ts';

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: Record<string, { schema: Record<string, unknown> }> }> }>>; components: Record<string, Record<string, unknown>> };

describe('the OpenAPI description knows every route', () => {
  it('undocumentedRoutes lists a route the description lacks, with nested routers and path parameters', () => {
    const extra = Router();
    extra.get('/api/statements/:id', (_q, s) => void s.end()); // documented
    extra.patch('/api/statements/:id', (_q, s) => void s.end()); // not documented
    extra.get('/api/secret-new-thing', (_q, s) => void s.end());
    const app = createHttpApp({ logger: createSilentLogger(), clientDir: '/nonexistent', routers: [extra, createOpenApiRoutes({ version: 't' })] });
    assert.ok(listRoutes(app).includes('GET /api/statements/{id}'));
    assert.ok(listRoutes(app).includes('GET /api/openapi.json'));
    assert.deepEqual(undocumentedRoutes(app), ['GET /api/secret-new-thing', 'PATCH /api/statements/{id}']);
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

  /** Calls the server and checks the answer against the description: status documented, body valid. */
  async function call(method: string, template: string, opts: { path?: string; query?: string; body?: unknown; token?: boolean; contentType?: string } = {}) {
    const url = `${server.url}${opts.path ?? template}${opts.query ? `?${opts.query}` : ''}`;
    const headers: Record<string, string> = {};
    if (opts.token !== false) headers.authorization = `Bearer ${server.token}`;
    if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    const res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) });
    const op = doc.paths[template]?.[method.toLowerCase()];
    assert.ok(op, `${method} ${template} is not documented`);
    let response = op.responses[String(res.status)];
    assert.ok(response, `${method} ${template} answered ${res.status}, which is not documented`);
    if (response.$ref) response = doc.components.responses![response.$ref.split('/').pop()!] as typeof response;
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const text = await res.text();
    if (res.status !== 204) {
      assert.ok(response.content?.[mediaType], `${method} ${template} ${res.status} answered ${mediaType}, not documented (${Object.keys(response.content ?? {}).join(', ')})`);
      if (mediaType === 'application/json') {
        const problems = validate(JSON.parse(text), response.content![mediaType]!.schema, doc as unknown as Record<string, unknown>);
        assert.deepEqual(problems, [], `${method} ${template} ${res.status}: ${problems.slice(0, 10).join('\n')}`);
      }
    }
    called.add(`${method} ${template}`);
    return { status: res.status, body: mediaType === 'application/json' ? JSON.parse(text) : text };
  }

  it('describes the routes the running server registers (no start-up warning) and serves itself', async () => {
    const res = await fetch(`${server.url}/api/openapi.json`);
    assert.equal(res.status, 200);
    doc = (await res.json()) as Doc;
    assert.doesNotMatch(server.output(), /routes missing from \/api\/openapi\.json/);
    await call('GET', '/api/openapi.json');
    await call('GET', '/');
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

  it('every documented operation was called for real', () => {
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    assert.deepEqual(documented.filter((o) => !called.has(o)), []);
  });
});
