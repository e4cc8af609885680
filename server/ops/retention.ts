import type { RetentionRepo } from '../store/retention-repo.ts';

const DAY_MS = 86_400_000;

export interface RetentionPolicy {
  /** BRINKWATCH_RETAIN_STATEMENTS_DAYS: statements said longer ago are deleted (null: kept forever). */
  statementsDays: number | null;
  /** BRINKWATCH_RETAIN_EVENTS_DAYS: closed alerts that ended longer ago go, with their events and deliveries. */
  eventsDays: number | null;
  /** BRINKWATCH_RETAIN_DELIVERIES_DAYS: delivered or dead notifications last changed longer ago go. */
  deliveriesDays: number | null;
}

export interface RetentionCounts extends Record<string, number> {
  statements: number;
  alerts: number;
  deliveries: number;
  /** Rows deleted with them (actor and category rows, alert events, delivery attempts). */
  children: number;
  batches: number;
}

/**
 * The retention run: for each kind with a limit, deletes batch after batch (each one short
 * transaction of at most `batchSize` rows, a few milliseconds) and yields to the event loop
 * between batches, so requests, the score job and other writers (which wait on SQLite's lock)
 * never wait for more than one batch. Stops early when `stop()` is called (shutdown).
 */
export function createRetention(deps: {
  repo: RetentionRepo;
  policy: RetentionPolicy;
  now?: () => number;
  batchSize?: number;
  /** Between batches; setImmediate by default. */
  pause?: () => Promise<void>;
}) {
  const now = deps.now ?? Date.now;
  const batchSize = deps.batchSize ?? 500;
  const pause = deps.pause ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
  let stopping = false;

  async function drain(run: () => { deleted: number; children: number }, counts: RetentionCounts, key: 'statements' | 'alerts' | 'deliveries') {
    while (!stopping) {
      const b = run();
      if (b.deleted > 0) counts.batches++;
      counts[key] += b.deleted;
      counts.children += b.children;
      if (b.deleted < batchSize) return;
      await pause();
    }
  }

  return {
    /** Whether any limit is set (otherwise the job is not scheduled). */
    enabled(): boolean {
      const p = deps.policy;
      return p.statementsDays !== null || p.eventsDays !== null || p.deliveriesDays !== null;
    },
    async runOnce(): Promise<RetentionCounts> {
      stopping = false;
      const counts: RetentionCounts = { statements: 0, alerts: 0, deliveries: 0, children: 0, batches: 0 };
      const at = now();
      const p = deps.policy;
      if (p.deliveriesDays !== null) {
        const cutoff = at - p.deliveriesDays * DAY_MS;
        await drain(() => deps.repo.deleteDeliveries(cutoff, batchSize), counts, 'deliveries');
      }
      if (p.eventsDays !== null) {
        const cutoff = at - p.eventsDays * DAY_MS;
        await drain(() => deps.repo.deleteAlerts(cutoff, batchSize), counts, 'alerts');
      }
      if (p.statementsDays !== null) {
        const cutoff = at - p.statementsDays * DAY_MS;
        await drain(() => deps.repo.deleteStatements(cutoff, batchSize), counts, 'statements');
      }
      return counts;
    },
    stop(): void {
      stopping = true;
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
