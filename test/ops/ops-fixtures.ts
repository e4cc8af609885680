import type { Db } from '../../server/store/database.ts';

/** An alert rule row (raw SQL: these tests are about rows and their ages, not the state machine). */
export function insertRule(db: Db, at: number): number {
  return Number(
    db
      .prepare(
        `INSERT INTO alert_rules (name, scope, time_window, metric, threshold, recover_below, for_seconds, repeat_seconds,
           min_statements, severity, channels, enabled, created_at, updated_at)
         VALUES ('r', 'global', '1h', 'index', 50, 40, 0, 0, 1, 'warning', '[]', 1, ?, ?)`,
      )
      .run(at, at).lastInsertRowid,
  );
}

/**
 * An alert with one event per delivery (plus one) and deliveries in the given states, each with
 * one attempt. `resolvedAt` null leaves it firing.
 */
export function insertAlert(
  db: Db,
  o: { ruleId: number; startedAt: number; resolvedAt: number | null; deliveries: Array<{ status: 'pending' | 'delivered' | 'dead'; at: number }> },
): { alertId: number; eventIds: number[]; deliveryIds: number[] } {
  const state = o.resolvedAt === null ? 'firing' : 'resolved';
  const alertId = Number(
    db
      .prepare(
        `INSERT INTO alerts (rule_id, state, scope, time_window, metric, severity, threshold, value, started_at, fired_at, resolved_at, updated_at)
         VALUES (?, ?, 'global', '1h', 'index', 'warning', 50, 60, ?, ?, ?, ?)`,
      )
      .run(o.ruleId, state, o.startedAt, o.startedAt, o.resolvedAt, o.resolvedAt ?? o.startedAt).lastInsertRowid,
  );
  const event = db.prepare(
    `INSERT INTO alert_events (alert_id, at, kind, from_state, to_state, value, time_window, count, threshold)
     VALUES (?, ?, 'firing', 'pending', 'firing', 60, '1h', 3, 50)`,
  );
  const delivery = db.prepare(
    `INSERT INTO alert_deliveries (alert_id, event_id, channel, target, format, payload, status, attempts, next_attempt_at, created_at, delivered_at, updated_at)
     VALUES (?, ?, 'webhook', 'http://127.0.0.1:9/hook', 'json', '{}', ?, 1, ?, ?, ?, ?)`,
  );
  const attempt = db.prepare('INSERT INTO alert_delivery_attempts (delivery_id, at, ok, status_code, duration_ms) VALUES (?, ?, ?, 200, 5)');
  const eventIds = [Number(event.run(alertId, o.startedAt).lastInsertRowid)];
  const deliveryIds: number[] = [];
  for (const d of o.deliveries) {
    const eventId = Number(event.run(alertId, d.at).lastInsertRowid);
    eventIds.push(eventId);
    const id = Number(delivery.run(alertId, eventId, d.status, d.at, d.at, d.status === 'delivered' ? d.at : null, d.at).lastInsertRowid);
    attempt.run(id, d.at, d.status === 'delivered' ? 1 : 0);
    deliveryIds.push(id);
  }
  return { alertId, eventIds, deliveryIds };
}

/** A feed row with the given health facts. */
export function insertFeed(db: Db, o: { name: string; lastSuccessAt: number | null; failures: number; items: number }): number {
  return Number(
    db
      .prepare(
        `INSERT INTO feeds (name, url, interval_seconds, origin, created_at, next_attempt_at, last_success_at, consecutive_failures, items_stored)
         VALUES (?, ?, 300, 'api', 0, 0, ?, ?, ?)`,
      )
      .run(o.name, `https://example.org/${encodeURIComponent(o.name)}.xml`, o.lastSuccessAt, o.failures, o.items).lastInsertRowid,
  );
}

/** Parses the Prometheus text format into `name{labels}` → value (labels as written, sorted by prom-client). */
export function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    out.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return out;
}
