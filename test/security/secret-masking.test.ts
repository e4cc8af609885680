import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { maskDeliveryView, maskUrl, restoreMaskedUrls, type DeliveryView } from '../../server/alerts/alert-views.ts';
import { createNotifier } from '../../server/alerts/notifier.ts';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createAlertRoutes } from '../../server/http/alert-routes.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { bearerMatches, requireToken } from '../../server/http/require-token.ts';
import { createTempStore } from '../helpers/temp-store.ts';
import { addScored, createTestAlerts, MIN } from '../alerts/fixtures.ts';

const TOKEN = 'masking-test-token-0123456789';
const SECRET = 'T0001/B0002/s3cr3tW3bh00kK3y';

/** A port with nothing listening: deliveries to it fail with "connection refused", no network. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('webhook URLs are secrets: masked for everyone without the admin token', async () => {
  const t = createTempStore();
  const pushed: string[] = [];
  const { alerts, clock } = createTestAlerts(t.store, { onAlertChanged: (a, change) => pushed.push(JSON.stringify({ ...a, change })) });
  const app = createHttpApp({
    logger: createSilentLogger(),
    clientDir: '/nonexistent',
    routers: [createAlertRoutes({ alerts, requireToken: requireToken(TOKEN), canSeeSecrets: bearerMatches(TOKEN) })],
    health: () => ({}),
  });
  after(() => t.cleanup());
  const port = await closedPort();
  const hook = `http://127.0.0.1:${port}/services/${SECRET}?token=${SECRET}`;
  const masked = `http://127.0.0.1:${port}/…`;
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const leaks = (body: unknown) => JSON.stringify(body).includes(SECRET) || JSON.stringify(body).includes('/services/');

  const created = await request(app)
    .post('/api/alert-rules')
    .set(auth)
    .send({
      name: 'Global high',
      scope: 'global',
      window: '1h',
      threshold: 50,
      recoverBelow: 40,
      minStatements: 1,
      channels: [{ type: 'dashboard' }, { type: 'webhook', url: hook, format: 'slack' }],
    });
  const ruleId = created.body.rule.id as number;

  it('the write that sets it (token) answers with the URL in full', () => {
    assert.equal(created.status, 201);
    assert.equal(created.body.rule.channels[1].url, hook);
  });

  it('GET /api/alert-rules and /api/alert-rules/:id: scheme and host only, unless the token is sent', async () => {
    for (const path of ['/api/alert-rules', `/api/alert-rules/${ruleId}`]) {
      const anon = await request(app).get(path);
      assert.equal(anon.status, 200);
      assert.equal(leaks(anon.body), false, `${path} leaks the webhook URL`);
      const rule = path === '/api/alert-rules' ? anon.body.rules.find((r: { id: number }) => r.id === ruleId) : anon.body.rule;
      assert.deepEqual(rule.channels, [{ type: 'dashboard' }, { type: 'webhook', url: masked, format: 'slack' }]);
      const wrong = await request(app).get(path).set('Authorization', 'Bearer not-the-token-at-all-000');
      assert.equal(leaks(wrong.body), false, 'a wrong token sees the masked URL');
      const admin = await request(app).get(path).set(auth);
      assert.ok(JSON.stringify(admin.body).includes(hook), 'the admin sees it in full');
    }
  });

  it('GET /api/deliveries and /api/alerts/:id/deliveries mask the target and the errors; socket pushes never carry it', async () => {
    addScored(t.store, { occurredAt: clock.now - MIN, score: 90 });
    assert.equal(alerts.evaluate().deliveries, 1);
    const notifier = createNotifier({ store: t.store, logger: createSilentLogger(), now: () => clock.now, options: { timeoutMs: 2000 } });
    assert.equal((await notifier.runOnce()).retry, 1, 'the delivery failed (connection refused) and logged an attempt');
    const alertId = alerts.listAlerts({ ruleId })[0]!.id;
    for (const path of ['/api/deliveries', `/api/alerts/${alertId}/deliveries`, '/api/deliveries?status=pending']) {
      const anon = await request(app).get(path);
      assert.equal(anon.status, 200);
      assert.equal(anon.body.deliveries.length, 1, path);
      assert.equal(anon.body.deliveries[0].target, masked);
      assert.ok(anon.body.deliveries[0].log.length >= 1);
      assert.equal(leaks(anon.body), false, `${path} leaks the webhook URL`);
      const admin = await request(app).get(path).set(auth);
      assert.equal(admin.body.deliveries[0].target, hook);
    }
    assert.ok(pushed.length > 0, 'alertChanged was pushed');
    for (const p of pushed) assert.equal(p.includes(SECRET), false, 'an alertChanged push carries the webhook URL');
  });

  it('a rule edited from the masked view keeps its stored URL; a new URL replaces it', async () => {
    const anon = await request(app).get(`/api/alert-rules/${ruleId}`);
    const edited = { ...anon.body.rule, threshold: 55 };
    for (const k of ['id', 'createdAt', 'updatedAt', 'silencedUntil', 'silenceReason']) delete edited[k];
    const put = await request(app).put(`/api/alert-rules/${ruleId}`).set(auth).send(edited);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.rule.threshold, 55);
    assert.equal(put.body.rule.channels[1].url, hook, 'the masked URL did not overwrite the stored one');
    const other = `http://127.0.0.1:${port}/services/other`;
    const replaced = await request(app)
      .put(`/api/alert-rules/${ruleId}`)
      .set(auth)
      .send({ ...edited, channels: [{ type: 'webhook', url: other }] });
    assert.equal(replaced.body.rule.channels[0].url, other);
  });
});

describe('maskUrl and friends on hostile input', () => {
  it('keeps scheme, host and port only, drops user info, never throws', () => {
    assert.equal(maskUrl('https://hooks.slack.com/services/T/B/secret'), 'https://hooks.slack.com/…');
    assert.equal(maskUrl('https://user:pass@example.org:8443/x?y=1#z'), 'https://example.org:8443/…');
    assert.equal(maskUrl('http://[::1]:9/a'), 'http://[::1]:9/…');
    for (const bad of ['', 'not a url', '://', 'x'.repeat(100_000)]) assert.equal(maskUrl(bad), '…');
  });

  it('scrubs the URL out of delivery error texts, and leaves e-mail deliveries alone', () => {
    const url = 'https://hooks.example.org/services/T/B/secret?x=1';
    const d: DeliveryView = {
      id: 1, alertId: 1, eventId: 1, channel: 'webhook', target: url, format: 'json', status: 'dead', attempts: 1, nextAttemptAt: null,
      lastError: `request to ${url} failed; path /services/T/B/secret?x=1`, createdAt: 0, deliveredAt: null,
      log: [{ id: 1, deliveryId: 1, at: 0, ok: false, statusCode: null, error: `Invalid URL ${new URL(url).href}`, durationMs: 1 }],
    };
    const m = maskDeliveryView(d);
    assert.doesNotMatch(JSON.stringify(m), /secret/);
    assert.equal(m.target, 'https://hooks.example.org/…');
    const mail = { ...d, channel: 'email' as const, target: 'ops@example.org', lastError: 'e-mail failed', log: [] };
    assert.deepEqual(maskDeliveryView(mail), mail);
  });

  it('restoreMaskedUrls only restores exact masks of stored URLs, each once', () => {
    const stored = [{ type: 'webhook' as const, url: 'https://a.example/1' }, { type: 'webhook' as const, url: 'https://a.example/2' }];
    const input = { channels: [{ type: 'webhook', url: 'https://a.example/…' }, { type: 'webhook', url: 'https://a.example/…' }, { type: 'webhook', url: 'https://a.example/…' }, { type: 'webhook', url: 'https://b.example/…' }] };
    const out = restoreMaskedUrls(input, stored) as { channels: Array<{ url: string }> };
    assert.deepEqual(out.channels.map((c) => c.url), ['https://a.example/1', 'https://a.example/2', 'https://a.example/…', 'https://b.example/…']);
    for (const hostile of [null, 'x', 42, [], { channels: 'no' }, { channels: [null, 1, { type: 'webhook', url: 7 }] }]) {
      assert.doesNotThrow(() => restoreMaskedUrls(hostile, stored));
    }
  });
});
