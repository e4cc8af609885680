import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { firingAlertsBetween } from '../../server/store/alerts-repo.ts';
import { createTempStore } from '../helpers/temp-store.ts';
import { addScored, createTestAlerts, MIN } from './fixtures.ts';

const baseRule = {
  name: 'Global high',
  scope: 'global',
  window: '1h',
  metric: 'index',
  threshold: 60,
  recoverBelow: 50,
  forSeconds: 120,
  repeatSeconds: 600,
  minStatements: 3,
  severity: 'critical',
  channels: [{ type: 'dashboard' }, { type: 'webhook', url: 'http://receiver.example/hook' }],
};

describe('alert service lifecycle on a real store', () => {
  const t = createTempStore();
  after(() => t.cleanup());

  it('seeds the default rules once, and never again after they are deleted', () => {
    const { alerts } = createTestAlerts(t.store);
    assert.equal(alerts.seedDefaults(), 3);
    assert.equal(alerts.seedDefaults(), 0);
    for (const r of alerts.listRules()) assert.equal(alerts.deleteRule(r.id).ok, true);
    assert.equal(alerts.listRules().length, 0);
    assert.equal(alerts.seedDefaults(), 0);
  });

  it('goes pending -> firing -> repeat -> acknowledged -> resolved, with evidence and outbox rows', async () => {
    const { alerts, clock, changes } = createTestAlerts(t.store);
    const created = await alerts.createRule(baseRule);
    assert.ok(created.ok);
    const ruleId = created.value.id;
    const t0 = clock.now;
    const hot = [85, 80, 90].map((score, i) => addScored(t.store, { occurredAt: t0 - (3 - i) * MIN, score }));

    assert.deepEqual(alerts.evaluate(t0), { rules: 1, changed: 1, deliveries: 0 });
    const [pending] = alerts.listAlerts({ state: 'open' });
    assert.equal(pending!.state, 'pending');
    assert.equal(pending!.ruleId, ruleId);

    assert.equal(alerts.evaluate(t0 + 60_000).changed, 0, 'still inside forSeconds');
    assert.equal(alerts.evaluate(t0 + 120_000).deliveries, 1, 'one webhook delivery when it fires');
    const firing = alerts.getAlert(pending!.id)!;
    assert.equal(firing.state, 'firing');
    assert.equal(firing.firedAt, t0 + 120_000);
    assert.ok(firing.value! >= 60);

    const events = alerts.events(firing.id)!;
    assert.deepEqual(events.map((e) => e.kind), ['pending', 'firing']);
    assert.equal(events[1]!.window, '1h');
    assert.equal(events[1]!.count, 3);
    assert.deepEqual(events[1]!.topStatements.map((s) => s.id), [hot[2], hot[0], hot[1]], 'top statements by score, with ids');

    const deliveries = alerts.deliveries({ alertId: firing.id });
    assert.equal(deliveries.length, 1);
    const payload = JSON.parse(t.store.db.prepare('SELECT payload FROM alert_deliveries WHERE id = ?').pluck().get(deliveries[0]!.id) as string);
    assert.equal(payload.event, 'firing');
    assert.equal(payload.level, 'critical');
    assert.equal(payload.scope, 'global');
    assert.equal(payload.topStatements[0].id, hot[2]);

    assert.equal(alerts.evaluate(t0 + 120_000 + 599_000).deliveries, 0, 'no repeat before repeatSeconds');
    assert.equal(alerts.evaluate(t0 + 120_000 + 600_000).deliveries, 1, 'repeat after repeatSeconds');

    const acked = alerts.ack(firing.id, { reason: 'known exercise', by: 'ana' });
    assert.ok(acked.ok);
    assert.deepEqual(acked.value.ack && { by: acked.value.ack.by, reason: acked.value.ack.reason }, { by: 'ana', reason: 'known exercise' });
    assert.equal(acked.value.acknowledged, true);
    const again = alerts.ack(firing.id, { reason: 'twice' });
    assert.equal(!again.ok && again.code, 'already-acknowledged');
    assert.equal(alerts.evaluate(t0 + 120_000 + 1_300_000).deliveries, 0, 'acknowledged: repeats stop');

    // Calm statements pull the index below recoverBelow.
    clock.now = t0 + 25 * MIN;
    for (let i = 0; i < 12; i++) addScored(t.store, { occurredAt: clock.now - i * 1000, score: 5 });
    alerts.evaluate(clock.now);
    const resolved = alerts.getAlert(firing.id)!;
    assert.equal(resolved.state, 'resolved');
    assert.equal(resolved.endReason, 'recovered');
    assert.equal(resolved.acknowledged, false, 'the acknowledgement ends with the episode');
    assert.equal(resolved.ack?.reason, 'known exercise', 'but stays on record');
    assert.deepEqual(alerts.events(firing.id)!.map((e) => e.kind), ['pending', 'firing', 'repeat', 'acknowledged', 'resolved']);
    assert.deepEqual(alerts.deliveries({ alertId: firing.id }).map((d) => JSON.parse(t.store.db.prepare('SELECT payload FROM alert_deliveries WHERE id = ?').pluck().get(d.id) as string).event), ['resolved', 'repeat', 'firing']);

    // A new breach is a new episode, not acknowledged.
    clock.now = t0 + 26 * MIN;
    for (let i = 0; i < 30; i++) addScored(t.store, { occurredAt: clock.now - i * 100, score: 99 });
    alerts.evaluate(clock.now);
    const next = alerts.listAlerts({ state: 'open' })[0]!;
    assert.notEqual(next.id, firing.id);
    assert.equal(next.ack, null);
    assert.equal(alerts.deleteRule(ruleId).ok, true);
    assert.equal(alerts.getAlert(next.id)!.state, 'cancelled', 'deleting the rule closes its open episode');
    assert.ok(changes.some((c) => c.id === firing.id && c.change === 'acknowledged'));
  });

  it('does not resolve a firing alert on thin data; resolves it once the window is empty', async () => {
    const { alerts, clock } = createTestAlerts(t.store);
    const r = await alerts.createRule({ ...baseRule, name: 'Actor X', scope: 'actor:X', forSeconds: 0, repeatSeconds: 0 });
    assert.ok(r.ok);
    const t0 = clock.now + 3 * 3_600_000;
    // Said just before t0: a window read at a whole minute covers the statements said before it.
    for (let i = 0; i < 3; i++) addScored(t.store, { occurredAt: t0 - i * MIN - 1, score: 90, speaker: 'X' });
    alerts.evaluate(t0);
    const a = alerts.listAlerts({ state: 'firing', ruleId: r.value.id })[0]!;
    assert.ok(a);
    addScored(t.store, { occurredAt: t0 + 50 * MIN, score: 90, speaker: 'X' });
    alerts.evaluate(t0 + 61 * MIN); // only the later statement is left: 1 < minStatements
    const thin = alerts.getAlert(a.id)!;
    assert.equal(thin.state, 'firing');
    assert.equal(thin.value, null);
    assert.equal(thin.noDataSince, t0 + 61 * MIN);
    alerts.evaluate(t0 + 62 * MIN);
    assert.deepEqual(alerts.events(a.id)!.map((e) => e.kind), ['firing', 'no-data'], 'no-data recorded once');
    alerts.evaluate(t0 + 111 * MIN);
    const gone = alerts.getAlert(a.id)!;
    assert.equal(gone.state, 'resolved');
    assert.equal(gone.endReason, 'window-empty');
  });

  it('a silenced rule changes state without notifying, and notifies once the silence ends', async () => {
    const { alerts, clock } = createTestAlerts(t.store);
    const r = await alerts.createRule({ ...baseRule, name: 'Silenced', scope: 'actor:S', forSeconds: 0 });
    assert.ok(r.ok);
    const t0 = clock.now + 10 * 3_600_000;
    clock.now = t0;
    const s = alerts.silenceRule(r.value.id, t0 + 30 * MIN, 'maintenance');
    assert.ok(s.ok && s.value.silencedUntil === t0 + 30 * MIN);
    for (let i = 0; i < 4; i++) addScored(t.store, { occurredAt: t0 - i * MIN, score: 95, speaker: 'S' });
    assert.equal(alerts.evaluate(t0).deliveries, 0);
    const a = alerts.listAlerts({ state: 'firing', ruleId: r.value.id })[0]!;
    assert.match(alerts.events(a.id)![0]!.note ?? '', /suppressed: rule silenced/);
    assert.equal(alerts.evaluate(t0 + 29 * MIN).deliveries, 0);
    assert.equal(alerts.evaluate(t0 + 30 * MIN).deliveries, 1, 'silence over: the firing alert notifies');
    assert.equal(alerts.getAlert(a.id)!.notifyCount, 1);
  });

  it('a count that flaps between recoverBelow and threshold notifies once, then once on recovery', async () => {
    const { alerts, clock } = createTestAlerts(t.store);
    const r = await alerts.createRule({
      ...baseRule, name: 'Flapping count', scope: 'actor:F', window: '10m', metric: 'count', threshold: 5, recoverBelow: 3, forSeconds: 0, repeatSeconds: 0,
    });
    assert.ok(r.ok);
    const t0 = clock.now + 20 * 3_600_000;
    const add = (at: number) => addScored(t.store, { occurredAt: at, score: 50, speaker: 'F' });
    // Five statements one minute apart: count reaches 5 at t0 + 4 min.
    for (let i = 0; i < 5; i++) add(t0 + i * MIN);
    const counts: Array<number | null> = [];
    for (let minute = 4; minute <= 24; minute++) {
      const at = t0 + minute * MIN + 30_000;
      if (minute === 11) (add(at - 2000), add(at - 1000)); // top the count back up while it sags
      alerts.evaluate(at);
      counts.push(alerts.listAlerts({ ruleId: r.value.id, limit: 1 })[0]!.value);
    }
    // 5, sags to 4 as statements leave the 10-minute window, back to 5, sags to 4 and 3, then 2.
    const runs = counts.filter((c, i) => i === 0 || c !== counts[i - 1]);
    assert.deepEqual(runs, [5, 4, 5, 4, 3, 2], `counts: ${counts.join(',')}`);
    const [episode] = alerts.listAlerts({ ruleId: r.value.id });
    assert.equal(alerts.listAlerts({ ruleId: r.value.id }).length, 1, 'one episode');
    assert.equal(episode!.state, 'resolved');
    assert.equal(alerts.deliveries({ alertId: episode!.id }).length, 2, 'one firing and one resolved notification');
    assert.deepEqual(alerts.events(episode!.id)!.map((e) => e.kind), ['firing', 'resolved']);
  });

  it('a count rule with recoverBelow 0 resolves once its window is empty instead of repeating "still firing, 0"', async () => {
    const { alerts, clock } = createTestAlerts(t.store);
    const r = await alerts.createRule({
      ...baseRule, name: 'Any statement from E', scope: 'actor:E', window: '10m', metric: 'count', threshold: 1, recoverBelow: 0,
      forSeconds: 0, repeatSeconds: 60, channels: [{ type: 'webhook', url: 'http://receiver.example/e' }],
    });
    assert.ok(r.ok, JSON.stringify(r));
    const t0 = clock.now + 40 * 3_600_000;
    addScored(t.store, { occurredAt: t0, score: 40, speaker: 'E' });
    alerts.evaluate(t0 + 1000);
    const [episode] = alerts.listAlerts({ ruleId: r.value.id });
    assert.equal(episode!.state, 'firing');
    alerts.evaluate(t0 + 5 * MIN); // still in the window: one repeat (repeatSeconds 60)
    for (let m = 11; m <= 30; m++) alerts.evaluate(t0 + m * MIN); // the window emptied at t0 + 10 min
    const after = alerts.getAlert(episode!.id)!;
    assert.equal(after.state, 'resolved');
    assert.equal(after.endReason, 'window-empty');
    assert.equal(after.resolvedAt, t0 + 11 * MIN, 'resolved at the first evaluation with an empty window');
    assert.deepEqual(alerts.events(episode!.id)!.map((e) => [e.kind, e.value]), [['firing', 1], ['repeat', 1], ['resolved', 0]]);
    assert.equal(alerts.listAlerts({ ruleId: r.value.id }).length, 1, 'no new episode on the empty window');
    assert.equal(alerts.deliveries({ alertId: episode!.id }).length, 3, 'firing, one repeat, resolved: nothing more');
  });

  it('refuses a count rule with threshold 0 (it would fire on an empty window)', async () => {
    const { alerts } = createTestAlerts(t.store);
    const r = await alerts.createRule({ ...baseRule, metric: 'count', threshold: 0, recoverBelow: 0 });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.fields!.threshold!.join() : '', /at least 1 for metric "count"/);
  });

  it('firingAlertsBetween lists the alerts firing in a range, for the CSV export', () => {
    const all = firingAlertsBetween(t.store.db, 0, Number.MAX_SAFE_INTEGER);
    assert.ok(all.length >= 3, `alerts that fired in the tests above: ${all.length}`);
    for (const a of all) {
      assert.ok(a.firedAt > 0, `alert ${a.id} firedAt ${a.firedAt}`);
      assert.ok(typeof a.ruleName === 'string' && a.ruleName.length > 0, `alert ${a.id} has its rule's name`);
    }
    const first = all[0]!;
    assert.ok(firingAlertsBetween(t.store.db, first.firedAt, first.firedAt + 1).some((a) => a.id === first.id), 'firing at its firedAt');
    if (first.resolvedAt !== null) {
      assert.ok(!firingAlertsBetween(t.store.db, first.resolvedAt, first.resolvedAt + 1000).some((a) => a.id === first.id), 'not after it resolved');
    }
    assert.ok(!firingAlertsBetween(t.store.db, 0, first.firedAt).some((a) => a.id === first.id), 'not before it fired');
    assert.deepEqual(
      firingAlertsBetween(t.store.db, 0, Number.MAX_SAFE_INTEGER, 'actor:X').map((a) => a.scope),
      all.filter((a) => a.scope === 'actor:X').map((a) => a.scope),
    );
  });
});

describe('alertChanged is published after commit', () => {
  const t = createTempStore();
  after(() => t.cleanup());
  let reader: ReturnType<typeof t.store.openReader>;
  before(() => {
    reader = t.store.openReader();
  });
  after(() => reader.close());

  it('a separate connection already sees the alert row when the handler runs', async () => {
    const seen: Array<string | undefined> = [];
    const { alerts, clock } = createTestAlerts(t.store, {
      onAlertChanged: (a) => seen.push(reader.prepare('SELECT state FROM alerts WHERE id = ?').pluck().get(a.id) as string | undefined),
    });
    const r = await alerts.createRule({ ...baseRule, forSeconds: 0 });
    assert.ok(r.ok);
    // Said just before now: a window read at a whole minute covers the statements said before it.
    for (let i = 0; i < 3; i++) addScored(t.store, { occurredAt: clock.now - i * MIN - 1, score: 90 });
    alerts.evaluate();
    assert.deepEqual(seen, ['firing']);
  });
});
