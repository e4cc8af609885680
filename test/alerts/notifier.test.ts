import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createNotifier } from '../../server/alerts/notifier.ts';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createStore, type Store } from '../../server/store/store.ts';
import { createTempSchema, TEST_DATABASE_URL, TEST_STORE } from '../helpers/temp-store.ts';
import { addScored, createTestAlerts, MIN } from './fixtures.ts';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real local webhook receiver that can answer with a chosen status. */
function startReceiver(port = 0, status = 200): Promise<{ server: http.Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      if (status >= 300 && status < 400) res.setHeader('location', 'http://127.0.0.1:1/elsewhere');
      res.writeHead(status).end('ok');
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, received })));
}

/**
 * Stores that can be closed and opened again on the same data (the restart test): a SQLite file
 * per name, or a PostgreSQL schema per name under BRINKWATCH_TEST_STORE=postgres.
 */
function reopenableStores(): { open: (name: string) => Store; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-notifier-'));
  const schemas = new Map<string, ReturnType<typeof createTempSchema>>();
  return {
    open(name) {
      if (TEST_STORE === 'sqlite') return createStore(path.join(dir, `${name}.db`));
      let s = schemas.get(name);
      if (!s) schemas.set(name, (s = createTempSchema()));
      return createStore(TEST_DATABASE_URL, { pg: { schema: s.schema } });
    },
    cleanup() {
      for (const s of schemas.values()) s.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const close = (s: http.Server) => new Promise<void>((r) => s.close(() => r()));

async function fireWebhookAlert(store: Store, url: string, format?: 'json' | 'slack') {
  const t = createTestAlerts(store);
  const rule = await t.alerts.createRule({
    name: `hook ${url}`,
    scope: 'global',
    window: '1h',
    threshold: 50,
    recoverBelow: 40,
    minStatements: 1,
    forSeconds: 0,
    channels: [{ type: 'webhook', url, ...(format ? { format } : {}) }],
  });
  assert.ok(rule.ok, JSON.stringify(rule));
  const ids = [addScored(store, { occurredAt: t.clock.now - MIN, score: 88, speaker: 'A <b>&' })];
  assert.equal(t.alerts.evaluate().deliveries, 1);
  assert.equal(t.alerts.listAlerts({ ruleId: rule.value.id })[0]!.dashboard, false, 'webhook only: no dashboard banner');
  return { ...t, ruleId: rule.value.id, statementIds: ids };
}

describe('notifier: webhook outbox with retries', () => {
  const stores = reopenableStores();
  after(() => stores.cleanup());

  it('delivers exactly once after the receiver comes back, across a restart', async () => {
    // Reserve a port, then take the receiver down: deliveries fail with connection refused.
    const probe = await startReceiver();
    const port = probe.port;
    await close(probe.server);

    let store = stores.open('restart');
    const { alerts } = await fireWebhookAlert(store, `http://127.0.0.1:${port}/hook`);
    const clock = { now: Date.now() };
    const options = { baseDelayMs: 1000, maxDelayMs: 4000, leaseMs: 60_000, timeoutMs: 2000, maxAttempts: 10 };
    let notifier = createNotifier({ store, logger: createSilentLogger(), now: () => clock.now, options });

    assert.deepEqual(await notifier.runOnce(), { delivered: 0, retry: 1, dead: 0 });
    assert.deepEqual(await notifier.runOnce(), { delivered: 0, retry: 0, dead: 0 }, 'not due yet: backoff');
    clock.now += 1000;
    assert.deepEqual(await notifier.runOnce(), { delivered: 0, retry: 1, dead: 0 });
    const [pending] = alerts.deliveries({});
    assert.equal(pending!.status, 'pending');
    assert.equal(pending!.attempts, 2);
    assert.equal(pending!.nextAttemptAt, clock.now + 2000, 'exponential backoff: 1 s, then 2 s');
    assert.match(pending!.lastError ?? '', /ECONNREFUSED/);

    // Restart: a new store and notifier on the same database; the outbox survived.
    notifier.close();
    store.close();
    store = stores.open('restart');
    notifier = createNotifier({ store, logger: createSilentLogger(), now: () => clock.now, options });
    const receiver = await startReceiver(port);
    try {
      clock.now += 1999;
      assert.deepEqual(await notifier.runOnce(), { delivered: 0, retry: 0, dead: 0 });
      clock.now += 1;
      assert.deepEqual(await notifier.runOnce(), { delivered: 1, retry: 0, dead: 0 });
      clock.now += 3_600_000;
      assert.deepEqual(await notifier.runOnce(), { delivered: 0, retry: 0, dead: 0 });
      assert.equal(receiver.received.length, 1, 'exactly one request reached the receiver');
      const body = JSON.parse(receiver.received[0]!.body);
      assert.equal(body.event, 'firing');
      assert.equal(body.level, 'warning');
      assert.equal(body.scope, 'global');
      assert.equal(body.value, 88);
      assert.equal(body.topStatements[0].score, 88);
      assert.equal(receiver.received[0]!.headers['content-type'], 'application/json');
      const [delivery] = createTestAlerts(store).alerts.deliveries({});
      assert.equal(receiver.received[0]!.headers['x-brinkwatch-delivery'], String(delivery!.id));
      assert.equal(delivery!.status, 'delivered');
      assert.deepEqual(delivery!.log.map((a) => a.ok), [false, false, true], 'every attempt is in the delivery log');
      assert.equal(delivery!.log[2]!.statusCode, 200);
    } finally {
      notifier.close();
      store.close();
      await close(receiver.server);
    }
  });

  it('a send that outlived its lease and then failed does not re-queue the delivery a later claim delivered; failure texts hold no NUL', async () => {
    const store = stores.open('lease');
    try {
      const { clock } = await fireWebhookAlert(store, 'http://127.0.0.1:1/never-called');
      const t0 = clock.now;
      const [first] = store.alerts.claimDueDeliveries(t0, 10, 1000);
      assert.ok(first, 'claimed once');
      assert.deepEqual(store.alerts.claimDueDeliveries(t0 + 999, 10, 1000), [], 'leased');
      store.alerts.markFailed(first.id, 'SMTP said "\u0000"', t0 + 1000, t0 + 500);
      assert.equal(store.alerts.listDeliveries({ limit: 1 })[0]!.lastError, 'SMTP said "\uFFFD"', 'NUL kept out (PostgreSQL text cannot hold it)');
      const [second] = store.alerts.claimDueDeliveries(t0 + 1000, 10, 1000);
      assert.equal(second?.id, first.id, 'the lease ran out: claimed again');
      assert.equal(second.attempts, 2);
      store.alerts.markDelivered(second.id, t0 + 1001);
      store.alerts.markFailed(first.id, 'the slow first send failed at last', t0 + 5000, t0 + 1002);
      const [row] = store.alerts.listDeliveries({ limit: 10 });
      assert.equal(row!.status, 'delivered');
      assert.equal(row!.lastError, null);
      assert.deepEqual(store.alerts.claimDueDeliveries(t0 + 60_000, 10, 1000), [], 'not queued again');
    } finally {
      store.close();
    }
  });

  it('gives up after maxAttempts (dead), does not follow redirects, sends Slack bodies', async () => {
    const store = stores.open('b');
    const failing = await startReceiver(0, 500);
    const redirecting = await startReceiver(0, 302);
    const slack = await startReceiver(0, 200);
    try {
      await fireWebhookAlert(store, `http://127.0.0.1:${failing.port}/x`);
      await fireWebhookAlert(store, `http://127.0.0.1:${redirecting.port}/x`);
      await fireWebhookAlert(store, `http://127.0.0.1:${slack.port}/x`, 'slack');
      const clock = { now: Date.now() };
      const notifier = createNotifier({ store, logger: createSilentLogger(), now: () => clock.now, options: { baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 2 } });
      assert.deepEqual(await notifier.runOnce(), { delivered: 1, retry: 2, dead: 0 });
      clock.now += 100;
      assert.deepEqual(await notifier.runOnce(), { delivered: 0, retry: 0, dead: 2 });
      clock.now += 100;
      assert.deepEqual(await notifier.runOnce(), { delivered: 0, retry: 0, dead: 0 });
      assert.equal(failing.received.length, 2);
      assert.equal(redirecting.received.length, 2);
      const dead = createTestAlerts(store).alerts.deliveries({ status: 'dead' });
      assert.equal(dead.length, 2);
      assert.ok(dead.some((d) => /redirects are not followed/.test(d.lastError ?? '')));
      assert.ok(dead.some((d) => /HTTP 500/.test(d.lastError ?? '')));
      const text = JSON.parse(slack.received[0]!.body).text as string;
      assert.match(text, /^\*Brinkwatch\* FIRING warning/);
      assert.match(text, /A &lt;b&gt;&amp;/, 'Slack markup in statement fields is escaped');
    } finally {
      store.close();
      await Promise.all([close(failing.server), close(redirecting.server), close(slack.server)]);
    }
  });

  it('with BRINKWATCH_BLOCK_PRIVATE_URLS, refuses loopback webhooks at save and at delivery', async () => {
    const store = stores.open('c');
    const receiver = await startReceiver();
    try {
      const blocking = createTestAlerts(store, { blockPrivateUrls: true });
      const refused = await blocking.alerts.createRule({
        name: 'x', scope: 'global', window: '1h', threshold: 50, recoverBelow: 40,
        channels: [{ type: 'webhook', url: `http://127.0.0.1:${receiver.port}/x` }],
      });
      assert.ok(!refused.ok);
      assert.match(refused.fields?.['channels.0.url']?.[0] ?? '', /loopback/);
      const byName = await blocking.alerts.createRule({
        name: 'y', scope: 'global', window: '1h', threshold: 50, recoverBelow: 40,
        channels: [{ type: 'dashboard' }, { type: 'webhook', url: `http://localhost:${receiver.port}/x` }],
      });
      assert.ok(!byName.ok);
      assert.match(byName.fields?.['channels.1.url']?.[0] ?? '', /localhost resolves to .*loopback/);
      // A rule saved while the flag was off is still refused when delivering.
      await fireWebhookAlert(store, `http://127.0.0.1:${receiver.port}/x`);
      const notifier = createNotifier({ store, logger: createSilentLogger(), blockPrivateUrls: true });
      assert.deepEqual(await notifier.runOnce(), { delivered: 0, retry: 0, dead: 1 });
      assert.equal(receiver.received.length, 0);
    } finally {
      store.close();
      await close(receiver.server);
    }
  });
});

describe('notifier: e-mail over SMTP', () => {
  const stores = reopenableStores();
  after(() => stores.cleanup());

  it('a real local SMTP server receives the alert e-mail', async () => {
    const messages: Array<{ to: string[]; data: string }> = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, cb) {
        let data = '';
        stream.setEncoding('utf8');
        stream.on('data', (c: string) => (data += c));
        stream.on('end', () => {
          messages.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    const port = (smtp.server.address() as AddressInfo).port;
    const store = stores.open('smtp');
    try {
      const t = createTestAlerts(store, { emailConfigured: true });
      const rule = await t.alerts.createRule({
        name: 'Mail me', scope: 'global', window: '1h', threshold: 50, recoverBelow: 40, minStatements: 1,
        channels: [{ type: 'email', to: 'desk@example.org' }],
      });
      assert.ok(rule.ok, JSON.stringify(rule));
      addScored(store, { occurredAt: t.clock.now - MIN, score: 77 });
      assert.equal(t.alerts.evaluate().deliveries, 1);
      const notifier = createNotifier({ store, logger: createSilentLogger(), smtp: { url: `smtp://127.0.0.1:${port}`, from: 'brinkwatch@example.org' } });
      assert.deepEqual(await notifier.runOnce(), { delivered: 1, retry: 0, dead: 0 });
      notifier.close();
      assert.equal(messages.length, 1);
      assert.deepEqual(messages[0]!.to, ['desk@example.org']);
      assert.match(messages[0]!.data, /Subject: \[Brinkwatch\] FIRING warning: Mail me/);
      assert.match(messages[0]!.data, /Value: 77/);
    } finally {
      store.close();
      await new Promise<void>((r) => smtp.close(() => r()));
    }
  });

  it('refuses e-mail channels when SMTP is not configured', async () => {
    const store = stores.open('no-smtp');
    try {
      const t = createTestAlerts(store, { emailConfigured: false });
      const r = await t.alerts.createRule({ name: 'm', scope: 'global', window: '1h', threshold: 50, recoverBelow: 40, channels: [{ type: 'email', to: 'a@b.org' }] });
      assert.ok(!r.ok);
      assert.match(r.fields?.['channels.0.to']?.[0] ?? '', /BRINKWATCH_SMTP_URL/);
    } finally {
      store.close();
    }
  });
});
