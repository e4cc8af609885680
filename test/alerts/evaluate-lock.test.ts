// engines chosen explicitly (PostgreSQL and/or SQLite whatever BRINKWATCH_TEST_STORE): one-pass
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMetricsService } from '../../server/metrics/metrics-service.ts';
import { PgDatabase } from '../../server/store/pg/pg-database.ts';
import { EVALUATION_LOCK_KEY } from '../../server/store/alerts-repo.ts';
import { createStore, type Store } from '../../server/store/store.ts';
import { POSTGRES_URL, serviceMissing } from '../helpers/services.ts';
import { createTempSchema } from '../helpers/temp-store.ts';
import { createTestAlerts } from './fixtures.ts';

/**
 * Every node evaluates the alert rules after its own scoring batches (issue 16): on PostgreSQL an
 * evaluation holds a transaction-scoped advisory lock, so another node's evaluation waits for it
 * to commit and then decides on the alerts as committed. Seen from a second connection while
 * the evaluation measures its rules. PostgreSQL only (SQLite has one process), whatever
 * BRINKWATCH_TEST_STORE.
 */
describe('alert evaluation on PostgreSQL is serialised across nodes', () => {
  let skip: string | null = null;
  let temp: ReturnType<typeof createTempSchema> | null = null;
  let store: Store | null = null;
  let other: PgDatabase | null = null;
  before(async () => {
    skip = await serviceMissing('postgres');
  });
  after(() => {
    other?.close();
    store?.close();
    temp?.drop();
  });

  it('holds the evaluation lock while it measures, and releases it at commit', async (t) => {
    if (skip) return t.skip(skip);
    temp = createTempSchema();
    store = createStore(POSTGRES_URL, { pg: { schema: temp.schema } });
    other = new PgDatabase(POSTGRES_URL, { schema: temp.schema });
    const tryLock = other.prepare('SELECT pg_try_advisory_xact_lock(CAST(? AS BIGINT))').pluck();
    const clock = { now: Date.UTC(2026, 0, 1, 12) };
    const metrics = createMetricsService({ store, now: () => clock.now });
    const seen: unknown[] = [];
    const { alerts } = createTestAlerts(store, {
      now: () => clock.now,
      metrics: {
        ...metrics,
        measure: (...args: Parameters<typeof metrics.measure>) => {
          seen.push(tryLock.get(EVALUATION_LOCK_KEY)); // another node's attempt, mid-evaluation
          return metrics.measure(...args);
        },
      },
    });
    const rule = await alerts.createRule({ name: 'any', scope: 'global', window: '1h', threshold: 50, recoverBelow: 40 });
    assert.ok(rule.ok, JSON.stringify(rule));
    assert.equal(tryLock.get(EVALUATION_LOCK_KEY), 1, 'free before the evaluation');
    alerts.evaluate();
    assert.deepEqual(seen, [0], 'taken while the rule is measured');
    assert.equal(tryLock.get(EVALUATION_LOCK_KEY), 1, 'free again after commit');
  });
});
