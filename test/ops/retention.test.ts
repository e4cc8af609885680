import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createIngestService } from '../../server/ingest/ingest-service.ts';
import { createScoreWorker } from '../../server/jobs/score-job.ts';
import { createMetricsService } from '../../server/metrics/metrics-service.ts';
import { createRetention } from '../../server/ops/retention.ts';
import { createRetentionRepo } from '../../server/store/retention-repo.ts';
import { createStatusCounts } from '../../server/store/status-counts.ts';
import { addScored } from '../alerts/fixtures.ts';
import { isPostgres, PgDatabase } from '../../server/store/pg/pg-database.ts';
import { createTempStore, TEST_DATABASE_URL } from '../helpers/temp-store.ts';
import { testLanguageGate, testScorer } from '../helpers/test-app.ts';
import { insertAlert, insertRule } from './ops-fixtures.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const TEXTS = [
  'Russia threatened to strike NATO supply lines in Poland if the deliveries continue.',
  'China warned the United States of decisive action against any provocation near Taiwan.',
  'Both sides agreed to a ceasefire and to exchange prisoners, Ukraine said.',
  'Если войска НАТО появятся на украинской земле, они будут считаться комбатантами.',
  'Iran accused Israel of an attack on its embassy and vowed revenge.',
  'North Korea fired a ballistic missile toward Japan, Seoul said.',
];

describe('retention: old rows go in short batches, every number stays exact', () => {
  const t = createTempStore();
  const db = t.store.db;
  const clock = { now: NOW };
  const metrics = createMetricsService({ store: t.store, now: () => clock.now });
  after(() => t.cleanup());
  const dump = (table: string) => db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
  const brute = () => ({
    status: Object.fromEntries((db.prepare('SELECT status, COUNT(*) AS n FROM statements GROUP BY status').all() as Array<{ status: string; n: number }>).map((r) => [r.status, r.n])),
    lang: db.prepare(`SELECT status, COALESCE(lang, '') AS lang, COUNT(*) AS n FROM statements GROUP BY 1, 2 ORDER BY 1, 2`).all(),
  });
  const ids: Record<string, number> = {};
  /** SQLite: enforcement is back on after the batches, and no reference is broken. PostgreSQL enforces them always: no orphan rows. */
  const assertForeignKeysHold = () => {
    if (!isPostgres(db)) {
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys back on');
      assert.deepEqual(db.pragma('foreign_key_check'), []);
      return;
    }
    const orphans = db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM statement_feedback WHERE statement_id NOT IN (SELECT id FROM statements))
              + (SELECT COUNT(*) FROM alert_events WHERE alert_id NOT IN (SELECT id FROM alerts))
              + (SELECT COUNT(*) FROM alert_deliveries WHERE alert_id NOT IN (SELECT id FROM alerts))`,
      )
      .pluck()
      .get();
    assert.equal(orphans, 0);
  };

  before(async () => {
    // Real statements said 10 and 1 days ago, scored by the real worker (speakers, targets, categories, languages).
    const ingest = createIngestService({ store: t.store, now: () => clock.now });
    const worker = createScoreWorker({ store: t.store, scorer: testScorer(), language: testLanguageGate(), logger: createSilentLogger(), now: () => clock.now });
    for (const age of [10, 1]) {
      const r = ingest.ingest(TEXTS.map((text, i) => ({ text: `${text} (${age}d)`, publishedAt: new Date(NOW - age * DAY - i * 60_000).toISOString() })), { origin: 'api' });
      assert.equal(r.accepted.length, TEXTS.length);
    }
    await worker.runOnce();
    // Many more old ones (several batches), and an old one still pending (never deleted before scoring).
    for (let i = 0; i < 25; i++) addScored(t.store, { occurredAt: NOW - 8 * DAY - i * 3_600_000, score: 20 + i * 3, speaker: 'Russia', targets: ['Ukraine', 'Poland'], categories: ['threat', 'mobilization'] });
    ingest.ingest([{ text: 'An old statement still waiting for the score job.', publishedAt: new Date(NOW - 20 * DAY).toISOString() }], { origin: 'api' });

    const rule = insertRule(db, NOW - 30 * DAY);
    ids.oldDone = insertAlert(db, { ruleId: rule, startedAt: NOW - 20 * DAY, resolvedAt: NOW - 19 * DAY, deliveries: [{ status: 'delivered', at: NOW - 20 * DAY }, { status: 'dead', at: NOW - 19 * DAY }] }).alertId;
    ids.oldWaiting = insertAlert(db, { ruleId: rule, startedAt: NOW - 20 * DAY, resolvedAt: NOW - 19 * DAY, deliveries: [{ status: 'pending', at: NOW - 19 * DAY }] }).alertId;
    ids.recent = insertAlert(db, { ruleId: rule, startedAt: NOW - 2 * DAY, resolvedAt: NOW - DAY, deliveries: [{ status: 'delivered', at: NOW - DAY }] }).alertId;
    const firing = insertAlert(db, { ruleId: rule, startedAt: NOW - 40 * DAY, resolvedAt: null, deliveries: [{ status: 'delivered', at: NOW - 40 * DAY }, { status: 'delivered', at: NOW - 2 * DAY }] });
    ids.firing = firing.alertId;
    ids.firingOldDelivery = firing.deliveryIds[0]!;
    ids.firingNewDelivery = firing.deliveryIds[1]!;
  });

  it('deletes statements said before the limit, in batches that release the lock, keeping metrics, buckets and counts exact', async () => {
    const buckets = ['metric_buckets', 'metric_buckets_hour', 'metric_buckets_day'].map(dump);
    const current = metrics.current();
    const history = metrics.history({ scope: 'global', from: NOW - 15 * DAY, to: NOW, resolution: 'day' });
    const actorHistory = metrics.history({ scope: 'actor:Russia', from: NOW - 15 * DAY, to: NOW, resolution: 'hour' });
    const before = db.prepare('SELECT COUNT(*) FROM statements').pluck().get() as number;
    const oldDeletable = db.prepare(`SELECT COUNT(*) FROM statements WHERE occurred_at < ? AND status <> 'pending'`).pluck().get(NOW - 5 * DAY) as number;
    assert.ok(oldDeletable >= 31, `old statements: ${oldDeletable}`);

    // Feedback on an old statement goes with it; feedback on a recent one stays.
    const addFeedback = db.prepare(`INSERT INTO statement_feedback (statement_id, suggested, reason, author, created_at) VALUES (?, 'low', 'test', 'tester', ?)`);
    const oldId = db.prepare(`SELECT id FROM statements WHERE occurred_at < ? AND status <> 'pending' LIMIT 1`).pluck().get(NOW - 5 * DAY) as number;
    const recentId = db.prepare(`SELECT id FROM statements WHERE occurred_at >= ? LIMIT 1`).pluck().get(NOW - 5 * DAY) as number;
    addFeedback.run(oldId, NOW);
    addFeedback.run(recentId, NOW);

    // Between batches, another connection writes without waiting (SQLite: busy timeout 0;
    // PostgreSQL: a lock wait over 10 ms fails the statement): no long lock.
    const other = isPostgres(db) ? new PgDatabase(TEST_DATABASE_URL, { schema: db.options.schema }) : new Database(t.store.file, { timeout: 0 });
    if (isPostgres(other)) other.exec(`SET lock_timeout = '10ms'`);
    let pauses = 0;
    const retention = createRetention({
      repo: createRetentionRepo(db),
      policy: { statementsDays: 5, eventsDays: null, deliveriesDays: null },
      now: () => clock.now,
      batchSize: 7,
      pause: async () => {
        pauses++;
        other.prepare('INSERT INTO health_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at').run(pauses);
      },
    });
    const counts = await retention.runOnce();
    other.close();
    assert.equal(counts.statements, oldDeletable);
    assert.equal(counts.batches, Math.ceil(oldDeletable / 7));
    assert.equal(pauses, Math.floor(oldDeletable / 7));
    assert.ok(counts.children > oldDeletable, 'actor and category rows went with them');

    assert.equal(db.prepare('SELECT COUNT(*) FROM statements').pluck().get(), before - oldDeletable);
    assert.equal(db.prepare(`SELECT COUNT(*) FROM statements WHERE occurred_at < ? AND status <> 'pending'`).pluck().get(NOW - 5 * DAY), 0);
    assert.equal(db.prepare(`SELECT COUNT(*) FROM statements WHERE status = 'pending'`).pluck().get(), 1, 'the old pending one waits for scoring');
    assert.equal(db.prepare('SELECT COUNT(*) FROM statement_actors WHERE statement_id NOT IN (SELECT id FROM statements)').pluck().get(), 0, 'no orphan actor rows');
    assert.equal(db.prepare('SELECT COUNT(*) FROM statement_categories WHERE statement_id NOT IN (SELECT id FROM statements)').pluck().get(), 0, 'no orphan category rows');
    assert.ok((db.prepare('SELECT COUNT(*) FROM statement_actors').pluck().get() as number) > 0, 'the recent ones keep theirs');
    assert.deepEqual(db.prepare('SELECT statement_id FROM statement_feedback').pluck().all(), [recentId], 'feedback went with its old statement only');
    assertForeignKeysHold();

    // Counts maintained by triggers = a brute-force count.
    const b = brute();
    assert.deepEqual(createStatusCounts(db).byStatus(), { pending: 0, scored: 0, failed: 0, ...b.status });
    assert.deepEqual(db.prepare('SELECT status, lang, n FROM statement_lang_counts WHERE n <> 0 ORDER BY 1, 2').all(), b.lang);
    // Aggregates untouched: every metric is what it was.
    assert.deepEqual(['metric_buckets', 'metric_buckets_hour', 'metric_buckets_day'].map(dump), buckets);
    assert.deepEqual(metrics.current(), current);
    assert.deepEqual(metrics.history({ scope: 'global', from: NOW - 15 * DAY, to: NOW, resolution: 'day' }), history);
    assert.deepEqual(metrics.history({ scope: 'actor:Russia', from: NOW - 15 * DAY, to: NOW, resolution: 'hour' }), actorHistory);
    const tenDaysAgo = history.find((p) => p.t === new Date(Math.floor((NOW - 10 * DAY) / DAY) * DAY).toISOString());
    assert.ok(tenDaysAgo && tenDaysAgo.count >= 4, 'the day whose statements are gone still has its numbers');

    const again = await retention.runOnce();
    assert.equal(again.statements, 0, 'a second run finds nothing');
  });

  it('deletes finished deliveries and closed alerts past their limits, keeping what is open or still waiting', async () => {
    const retention = createRetention({ repo: createRetentionRepo(db), policy: { statementsDays: null, eventsDays: 10, deliveriesDays: 30 }, now: () => clock.now, batchSize: 2 });
    const counts = await retention.runOnce();
    assert.deepEqual({ alerts: counts.alerts, deliveries: counts.deliveries }, { alerts: 1, deliveries: 1 });
    const alertIds = db.prepare('SELECT id FROM alerts ORDER BY id').pluck().all();
    assert.deepEqual(alertIds, [ids.oldWaiting, ids.recent, ids.firing]);
    assert.equal(db.prepare('SELECT COUNT(*) FROM alert_events WHERE alert_id = ?').pluck().get(ids.oldDone), 0);
    assert.equal(db.prepare('SELECT COUNT(*) FROM alert_deliveries WHERE alert_id = ?').pluck().get(ids.oldDone), 0);
    const deliveries = db.prepare('SELECT id FROM alert_deliveries WHERE alert_id = ? ORDER BY id').pluck().all(ids.firing);
    assert.deepEqual(deliveries, [ids.firingNewDelivery], 'the 40-day-old delivered one went, with its attempt');
    assert.equal(db.prepare('SELECT COUNT(*) FROM alert_delivery_attempts WHERE delivery_id = ?').pluck().get(ids.firingOldDelivery), 0);
    assert.equal(db.prepare('SELECT COUNT(*) FROM alert_delivery_attempts WHERE delivery_id NOT IN (SELECT id FROM alert_deliveries)').pluck().get(), 0);
    assert.equal(db.prepare('SELECT COUNT(*) FROM alert_events WHERE alert_id = ?').pluck().get(ids.firing), 3, 'an open alert keeps its events');
    assertForeignKeysHold();
  });

  it('does nothing without limits, and stops between batches on shutdown', async () => {
    const none = createRetention({ repo: createRetentionRepo(db), policy: { statementsDays: null, eventsDays: null, deliveriesDays: null } });
    assert.equal(none.enabled(), false);
    assert.deepEqual(await none.runOnce(), { statements: 0, alerts: 0, deliveries: 0, children: 0, batches: 0 });
    for (let i = 0; i < 6; i++) addScored(t.store, { occurredAt: NOW - 50 * DAY - i * 60_000, score: 40 });
    let r: ReturnType<typeof createRetention> | null = null;
    r = createRetention({ repo: createRetentionRepo(db), policy: { statementsDays: 30, eventsDays: null, deliveriesDays: null }, now: () => clock.now, batchSize: 2, pause: async () => r!.stop() });
    const c = await r.runOnce();
    assert.equal(c.statements, 2, 'one batch, then stopped');
  });
});
