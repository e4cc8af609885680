import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createAlertRoutes } from '../../server/http/alert-routes.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { requireToken } from '../../server/http/require-token.ts';
import { createWriteRateLimit } from '../../server/http/write-rate-limit.ts';
import { createTempStore } from '../helpers/temp-store.ts';
import { addScored, createTestAlerts, MIN } from './fixtures.ts';

const TOKEN = 'alerts-test-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };

const validRule = {
  name: 'Russia high',
  scope: 'actor:Russia',
  window: '24h',
  metric: 'index',
  threshold: 70,
  recoverBelow: 60,
  forSeconds: 0,
  repeatSeconds: 3600,
  minStatements: 2,
  severity: 'critical',
  channels: [{ type: 'dashboard' }, { type: 'webhook', url: 'https://hooks.example.org/x', format: 'slack' }],
  enabled: true,
};

describe('alert routes', () => {
  const t = createTempStore();
  const { alerts, clock } = createTestAlerts(t.store);
  const app = createHttpApp({
    logger: createSilentLogger(),
    clientDir: '/nonexistent',
    routers: [createAlertRoutes({ alerts, requireToken: requireToken(TOKEN) })],
    health: () => ({}),
  });
  after(() => t.cleanup());
  const ruleCount = () => t.store.db.prepare('SELECT COUNT(*) FROM alert_rules').pluck().get() as number;

  it('POST /api/alert-rules needs the token and stores nothing without it', async () => {
    const res = await request(app).post('/api/alert-rules').send(validRule);
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthorized');
    const wrong = await request(app).post('/api/alert-rules').set('Authorization', 'Bearer nope-nope-nope-nope').send(validRule);
    assert.equal(wrong.status, 401);
    assert.equal(ruleCount(), 0);
  });

  it('refuses an invalid rule with 400 and a message per field', async () => {
    const res = await request(app)
      .post('/api/alert-rules')
      .set(auth)
      .send({ name: ' ', scope: 'planet:Mars', window: '1y', metric: 'mean', threshold: 'high', recoverBelow: -1, forSeconds: 1.5, severity: 'doom', channels: [{ type: 'webhook', url: 'javascript:alert(1)' }, { type: 'email', to: 'x' }] });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'invalid-rule');
    const fields = res.body.error.details.fields as Record<string, string[]>;
    assert.deepEqual(Object.keys(fields).sort(), ['channels.0.url', 'channels.1.to', 'forSeconds', 'metric', 'name', 'recoverBelow', 'scope', 'severity', 'threshold', 'window']);
    assert.match(fields.scope![0]!, /actor:NAME/);
    assert.match(res.body.error.message, /threshold: is required and must be a number/);
    const cross = await request(app).post('/api/alert-rules').set(auth).send({ ...validRule, threshold: 120, recoverBelow: 130 });
    assert.equal(cross.status, 400);
    assert.deepEqual(Object.keys(cross.body.error.details.fields).sort(), ['recoverBelow', 'threshold']);
    const unknown = await request(app).post('/api/alert-rules').set(auth).send({ ...validRule, for_seconds: 5 });
    assert.match(unknown.body.error.details.fields.body[0], /unknown field\(s\): for_seconds/);
    assert.equal(ruleCount(), 0);
  });

  it('refuses bodies that are not JSON', async () => {
    const text = await request(app).post('/api/alert-rules').set(auth).set('Content-Type', 'text/plain').send('x');
    assert.equal(text.status, 415);
    const broken = await request(app).post('/api/alert-rules').set(auth).set('Content-Type', 'application/json').send('{"name":');
    assert.equal(broken.status, 400);
    assert.equal(broken.body.error.code, 'malformed-json');
    const list = await request(app).post('/api/alert-rules').set(auth).send([1, 2]);
    assert.equal(list.status, 400);
    assert.ok(list.body.error.details.fields.body);
  });

  let ruleId = 0;
  it('creates, reads, updates and deletes a rule', async () => {
    const created = await request(app).post('/api/alert-rules').set(auth).send(validRule);
    assert.equal(created.status, 201);
    ruleId = created.body.rule.id;
    assert.deepEqual({ ...created.body.rule, id: 0, createdAt: 0, updatedAt: 0 }, { ...validRule, id: 0, silencedUntil: null, silenceReason: null, createdAt: 0, updatedAt: 0 });
    const row = t.store.db.prepare('SELECT scope, time_window, threshold FROM alert_rules WHERE id = ?').get(ruleId);
    assert.deepEqual(row, { scope: 'actor:Russia', time_window: '24h', threshold: 70 });

    const list = await request(app).get('/api/alert-rules');
    assert.deepEqual(list.body.rules.map((r: { id: number }) => r.id), [ruleId]);

    const minimal = await request(app).post('/api/alert-rules').set(auth).send({ name: 'm', scope: 'global', window: '1h', threshold: 50, recoverBelow: 45 });
    assert.equal(minimal.status, 201);
    assert.deepEqual(
      { metric: minimal.body.rule.metric, channels: minimal.body.rule.channels, severity: minimal.body.rule.severity, minStatements: minimal.body.rule.minStatements },
      { metric: 'index', channels: [{ type: 'dashboard' }], severity: 'warning', minStatements: 3 },
    );

    const updated = await request(app).put(`/api/alert-rules/${ruleId}`).set(auth).send({ ...validRule, threshold: 75 });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.rule.threshold, 75);
    const badPut = await request(app).put(`/api/alert-rules/${ruleId}`).set(auth).send({ ...validRule, window: 'soon' });
    assert.equal(badPut.status, 400);
    assert.ok(badPut.body.error.details.fields.window);
    assert.equal((await request(app).put('/api/alert-rules/9999').set(auth).send(validRule)).status, 404);
    assert.equal((await request(app).put(`/api/alert-rules/${ruleId}`).send(validRule)).status, 401);
    assert.equal((await request(app).get('/api/alert-rules/abc')).status, 400);

    assert.equal((await request(app).delete(`/api/alert-rules/${minimal.body.rule.id}`)).status, 401);
    assert.equal((await request(app).delete(`/api/alert-rules/${minimal.body.rule.id}`).set(auth)).status, 204);
    assert.equal((await request(app).get(`/api/alert-rules/${minimal.body.rule.id}`)).status, 404);
    assert.equal((await request(app).delete(`/api/alert-rules/${minimal.body.rule.id}`).set(auth)).status, 404);
    assert.ok(t.store.db.prepare('SELECT deleted_at FROM alert_rules WHERE id = ?').pluck().get(minimal.body.rule.id));
  });

  it('silences a rule until a time and lifts the silence', async () => {
    const past = await request(app).post(`/api/alert-rules/${ruleId}/silence`).set(auth).send({ until: clock.now - 1000 });
    assert.equal(past.status, 400);
    const bad = await request(app).post(`/api/alert-rules/${ruleId}/silence`).set(auth).send({ until: 'tomorrow-ish' });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.error.details.fields.until);
    const until = new Date(clock.now + 3_600_000).toISOString();
    const ok = await request(app).post(`/api/alert-rules/${ruleId}/silence`).set(auth).send({ until, reason: 'drill' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.rule.silencedUntil, clock.now + 3_600_000);
    assert.equal(ok.body.rule.silenceReason, 'drill');
    const lifted = await request(app).delete(`/api/alert-rules/${ruleId}/silence`).set(auth);
    assert.equal(lifted.body.rule.silencedUntil, null);
  });

  it('rate-limits writes before the token check', async () => {
    const limited = createHttpApp({
      logger: createSilentLogger(),
      clientDir: '/nonexistent',
      routers: [createAlertRoutes({ alerts, requireToken: requireToken(TOKEN), writeLimit: createWriteRateLimit(2) })],
      health: () => ({}),
    });
    assert.equal((await request(limited).post('/api/alerts/1/ack').send({ reason: 'x' })).status, 401);
    assert.equal((await request(limited).delete('/api/alert-rules/1')).status, 401);
    const third = await request(limited).post('/api/alert-rules').send(validRule);
    assert.equal(third.status, 429);
    assert.equal(third.body.error.code, 'rate-limited');
    assert.equal((await request(limited).get('/api/alert-rules')).status, 200, 'reads are not limited');
  });

  it('lists alerts with filters, shows events and deliveries, and acknowledges with a reason', async () => {
    for (let i = 0; i < 3; i++) addScored(t.store, { occurredAt: clock.now - i * MIN - 1, score: 95, speaker: 'Russia' });
    alerts.evaluate();
    const firing = await request(app).get('/api/alerts?state=firing');
    assert.equal(firing.status, 200);
    assert.equal(firing.body.alerts.length, 1);
    const alert = firing.body.alerts[0];
    assert.equal(alert.ruleId, ruleId);
    assert.equal(alert.state, 'firing');
    assert.equal(alert.ack, null);
    assert.equal(alert.dashboard, true, 'the rule has a dashboard channel: the dashboard shows a banner');
    for (const k of ['id', 'ruleId', 'state', 'value', 'startedAt', 'resolvedAt', 'ack']) assert.ok(k in alert, k);
    assert.equal((await request(app).get('/api/alerts?state=resolved')).body.alerts.length, 0);
    assert.equal((await request(app).get('/api/alerts?state=nonsense')).status, 400);

    const events = await request(app).get(`/api/alerts/${alert.id}/events`);
    assert.equal(events.body.events[0].kind, 'firing');
    assert.equal(events.body.events[0].topStatements.length, 3);
    const deliveries = await request(app).get(`/api/alerts/${alert.id}/deliveries`);
    assert.equal(deliveries.body.deliveries.length, 1);
    assert.equal(deliveries.body.deliveries[0].format, 'slack');
    assert.equal((await request(app).get('/api/deliveries?status=pending')).body.deliveries.length, 1);
    assert.equal((await request(app).get('/api/alerts/999/events')).status, 404);

    assert.equal((await request(app).post(`/api/alerts/${alert.id}/ack`).send({ reason: 'x' })).status, 401);
    const noReason = await request(app).post(`/api/alerts/${alert.id}/ack`).set(auth).send({ by: 'ana' });
    assert.equal(noReason.status, 400);
    assert.match(noReason.body.error.details.fields.reason[0], /say why/);
    const acked = await request(app).post(`/api/alerts/${alert.id}/ack`).set(auth).send({ reason: 'Known drill', by: 'ana' });
    assert.equal(acked.status, 200);
    assert.equal(acked.body.alert.acknowledged, true);
    assert.deepEqual({ by: acked.body.alert.ack.by, reason: acked.body.alert.ack.reason }, { by: 'ana', reason: 'Known drill' });
    assert.deepEqual(t.store.db.prepare('SELECT ack_by, ack_reason FROM alerts WHERE id = ?').get(alert.id), { ack_by: 'ana', ack_reason: 'Known drill' });
    assert.equal((await request(app).post(`/api/alerts/${alert.id}/ack`).set(auth).send({ reason: 'again' })).status, 409);
    assert.equal((await request(app).get('/api/alerts?state=acknowledged')).body.alerts.length, 1);
    assert.equal((await request(app).post('/api/alerts/424242/ack').set(auth).send({ reason: 'x' })).status, 404);

    // Editing the threshold keeps the episode open under the new threshold.
    const raised = await request(app).put(`/api/alert-rules/${ruleId}`).set(auth).send({ ...validRule, threshold: 80, recoverBelow: 60 });
    assert.equal(raised.status, 200);
    const kept = await request(app).get(`/api/alerts/${alert.id}`);
    assert.deepEqual([kept.body.alert.state, kept.body.alert.threshold], ['firing', 80]);

    // Disabling the rule resolves its firing alert; a resolved alert cannot be acknowledged.
    const disabled = await request(app).put(`/api/alert-rules/${ruleId}`).set(auth).send({ ...validRule, enabled: false });
    assert.equal(disabled.status, 200);
    const closed = await request(app).get(`/api/alerts/${alert.id}`);
    assert.equal(closed.body.alert.state, 'resolved');
    assert.equal(closed.body.alert.endReason, 'rule-disabled');
    const late = await request(app).post(`/api/alerts/${alert.id}/ack`).set(auth).send({ reason: 'late' });
    assert.equal(late.status, 409);
    assert.equal(late.body.error.code, 'not-firing');
  });
});
