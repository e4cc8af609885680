import type { Db } from './database.ts';
import { createBucketMerger, type MetricsRepo } from './metrics-repo.ts';
import { isPostgres } from './pg/pg-database.ts';
import type { StoredSignal } from './statement-types.ts';

const DAY_MS = 86_400_000;

/** What a purge removed. */
export interface DemoPurge {
  /** Demo statements deleted (with their actor and category rows). */
  statements: number;
  /** Alerts raised before the first real statement arrived, deleted with their events and deliveries. */
  alerts: number;
  /** UTC days whose metric buckets were rebuilt from the real statements in them. */
  days: number;
  /** Real scored statements those buckets were rebuilt from (0 when demo data stood alone). */
  rebuiltFrom: number;
}

interface ScoredRow {
  occurredAt: number;
  score: number;
  actor: string | null;
  targets: string | null;
  signals: string | null;
}

/**
 * Demo rows (is_demo = 1) never mix with real data in any number: they are purged, together
 * with every metric bucket they fed and the alerts raised from them, in the transaction that
 * stores the first real statement (ingest-service.ts), at start when BRINKWATCH_DEMO=off, and by
 * `npm run demo -- purge`. Until then every bucket is demo-only; for a database where both
 * were already mixed (before this rule), the buckets of the days the demo rows touched are
 * rebuilt from the real statements of those days, so every number is then exactly what the
 * real statements give. Call inside a transaction.
 */
export function createDemoData(db: Db, metrics: MetricsRepo) {
  // Through the partial index statements_demo (migration 009): only demo rows are in it.
  const anyDemo = db.prepare('SELECT EXISTS (SELECT 1 FROM statements INDEXED BY statements_demo WHERE is_demo = 1)').pluck();
  const span = db.prepare(
    'SELECT COUNT(*) AS n, MIN(occurred_at) AS first, MAX(occurred_at) AS last FROM statements INDEXED BY statements_demo WHERE is_demo = 1',
  );
  // The first real statement by id: rows are stored in arrival order, so the scan stops at once.
  const firstRealAt = db.prepare('SELECT received_at FROM statements WHERE is_demo = 0 ORDER BY id LIMIT 1').pluck();
  const demoAlerts = 'SELECT id FROM alerts WHERE started_at < @before';
  const deleteAlerts = [
    `DELETE FROM alert_delivery_attempts WHERE delivery_id IN (SELECT id FROM alert_deliveries WHERE alert_id IN (${demoAlerts}))`,
    `DELETE FROM alert_deliveries WHERE alert_id IN (${demoAlerts})`,
    `DELETE FROM alert_events WHERE alert_id IN (${demoAlerts})`,
    'DELETE FROM alerts WHERE started_at < @before',
  ].map((sql) => db.prepare(sql));
  const deleteBuckets = ['metric_buckets', 'metric_buckets_hour', 'metric_buckets_day'].map((t) =>
    db.prepare(`DELETE FROM ${t} WHERE bucket_start >= ? AND bucket_start < ?`),
  );
  const realScored = db.prepare(`
    SELECT occurred_at AS occurredAt, score, actor, targets, signals FROM statements
    WHERE occurred_at >= ? AND occurred_at < ? AND status = 'scored' AND is_demo = 0`);

  function deleteDemoStatements(): number {
    // statement_actors and statement_categories have no index by statement_id (migration 006
    // dropped them for write speed), so the ON DELETE CASCADE of each statement would scan
    // them whole: indexed for the length of this transaction only. (The PostgreSQL schema has
    // both indexes for good: pg migration 001.)
    if (isPostgres(db)) return db.prepare('DELETE FROM statements WHERE is_demo = 1').run().changes;
    db.exec(`CREATE INDEX statement_actors_purge ON statement_actors (statement_id);
             CREATE INDEX statement_categories_purge ON statement_categories (statement_id);`);
    const n = db.prepare('DELETE FROM statements WHERE is_demo = 1').run().changes;
    db.exec('DROP INDEX statement_actors_purge; DROP INDEX statement_categories_purge;');
    return n;
  }

  /** Rebuilds every bucket of [from, to) from the real scored statements in it, as the score worker added them. */
  function rebuildBuckets(from: number, to: number): number {
    for (const d of deleteBuckets) d.run(from, to);
    const merger = createBucketMerger();
    let n = 0;
    for (const r of realScored.iterate(from, to) as IterableIterator<ScoredRow>) {
      const signals = r.signals ? (JSON.parse(r.signals) as StoredSignal[]) : [];
      const targets = r.targets ? (JSON.parse(r.targets) as string[]) : [];
      // As scoreStatement() derives them: the distinct categories, in order of the evidence.
      merger.addStatement({ occurredAt: r.occurredAt, score: r.score, actor: r.actor, targets, categories: [...new Set(signals.map((s) => s.category))] });
      n++;
    }
    metrics.addMerged(merger.rows());
    return n;
  }

  return {
    /** True while any demo statement is stored: then every number shown includes demo rows. */
    present(): boolean {
      return anyDemo.get() === 1;
    },

    /** How many demo statements are stored. */
    count(): number {
      return (span.get() as { n: number }).n;
    },

    /** Deletes the demo rows, their buckets and the alerts raised from them; a no-op without demo rows. */
    purge(): DemoPurge {
      const s = span.get() as { n: number; first: number | null; last: number | null };
      if (s.n === 0 || s.first === null || s.last === null) return { statements: 0, alerts: 0, days: 0, rebuiltFrom: 0 };
      const before = (firstRealAt.get() as number | undefined) ?? Number.MAX_SAFE_INTEGER;
      let alerts = 0;
      deleteAlerts.forEach((d, i) => {
        const changes = d.run({ before }).changes;
        if (i === deleteAlerts.length - 1) alerts = changes;
      });
      const statements = deleteDemoStatements();
      const from = Math.floor(s.first / DAY_MS) * DAY_MS;
      const to = Math.floor(s.last / DAY_MS) * DAY_MS + DAY_MS;
      const rebuiltFrom = rebuildBuckets(from, to);
      return { statements, alerts, days: (to - from) / DAY_MS, rebuiltFrom };
    },
  };
}

export type DemoData = ReturnType<typeof createDemoData>;
