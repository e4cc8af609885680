import type { Logger } from '../config/logger.ts';
import type { LanguageGate } from '../ingest/statement-language.ts';
import { contributionsFor, type Contribution, type ScoredForMetrics } from '../metrics/risk-index.ts';
import type { Scorer } from '../scoring/index.ts';
import type { ScoredFields, StatementView } from '../store/statements-repo.ts';
import type { Store } from '../store/store.ts';
import { scoreInLanguage } from './score-statement.ts';

export interface ScoredBatch {
  /** Every statement this batch scored, as ids in id order. */
  ids: number[];
  /**
   * The same statements as stored, in id order, when there are at most `pushLimit` of them
   * (pushed one by one); empty for a larger batch, which is announced by its ids alone.
   */
  statements: StatementView[];
  /** How many statements this batch scored (a backfill batch holds far more than it pushes). */
  scored: number;
  /** How many it found in a language the scorer does not read (status 'unsupported': no score, no metrics). */
  unsupported: number;
  /** Metric scopes whose buckets changed. */
  scopes: string[];
  failed: number;
  /**
   * The batch's row in score_announcements (with `announceAs`): pass it to
   * `store.announcements.done` once the push has left; null when nothing was recorded.
   */
  announcement: number | null;
}

/**
 * Claims pending statements in batches, scores them and stores score, evidence and metric
 * buckets in one transaction per batch. Only after the commit does it hand the batch to
 * `onScored` (realtime push, alert evaluation): persist, then publish.
 */
export function createScoreWorker(deps: {
  store: Store;
  scorer: Scorer;
  /** Decides each statement's language; one the scorer does not read is marked unsupported, not scored. */
  language: LanguageGate;
  logger: Logger;
  now?: () => number;
  batchSize?: number;
  /** Stop claiming new batches after this long in one run; the rest waits for the next tick. */
  runBudgetMs?: number;
  onScored?: (batch: ScoredBatch) => void | Promise<void>;
  /** The largest batch whose statements are read back for `onScored` (pushed one by one). */
  pushLimit?: number;
  /**
   * This node's id: each batch is recorded in score_announcements in its own transaction, so that
   * if this node dies before its push leaves, the leader announces the batch (announce-sweep.ts).
   * Unset (CLIs, tests): nothing is recorded.
   */
  announceAs?: string;
}) {
  const now = deps.now ?? Date.now;
  const batchSize = deps.batchSize ?? 1000;
  const budget = deps.runBudgetMs ?? 1500;
  const pushLimit = deps.pushLimit ?? 100;

  function scoreBatch(): ScoredBatch | null {
    const scopes = new Set<string>();
    const contributions: Contribution[] = [];
    const ids: number[] = [];
    let failed = 0;
    let unsupported = 0;
    let announcement: number | null = null;
    // One transaction per batch; on PostgreSQL the claim is part of it (several nodes score).
    const claimed = deps.store.statements.withClaimedPending(batchSize, (pending) => {
      const scoredAt = now();
      const toSave: Array<{ id: number; fields: ScoredFields; forMetrics: ScoredForMetrics }> = [];
      for (const p of pending) {
        const scored = scoreInLanguage(deps.scorer, deps.language, p, scoredAt);
        if (scored.ok === 'unsupported') {
          // Shown in the feed ("not scored: language not supported"), counted in no metric.
          if (deps.store.statements.markUnsupported(p.id, { lang: scored.lang, decidedAt: scoredAt })) {
            ids.push(p.id);
            unsupported++;
          }
          continue;
        }
        if (!scored.ok) {
          failed++;
          deps.store.statements.markFailed(p.id, scored.error);
          deps.logger.error({ err: scored.cause, statementId: p.id }, 'scorer threw');
          continue;
        }
        toSave.push({ id: p.id, fields: scored.fields, forMetrics: scored.forMetrics });
      }
      // Saved together (one set of statements for the batch on PostgreSQL), still in this transaction.
      const saved = deps.store.statements.saveScoredMany(toSave);
      toSave.forEach((s, i) => {
        // Scored meanwhile by another process: its metrics are already counted.
        if (!saved[i]) return;
        ids.push(s.id);
        for (const c of contributionsFor(s.forMetrics)) {
          scopes.add(c.scope);
          contributions.push(c);
        }
      });
      ids.sort((a, b) => a - b); // (unsupported ones were added first)
      deps.store.metrics.add(contributions);
      if (deps.announceAs !== undefined && ids.length > 0) announcement = deps.store.announcements.record(deps.announceAs, scoredAt, ids, [...scopes]);
      return true;
    });
    if (claimed === null) return null;
    const statements = ids.length > pushLimit ? [] : deps.store.statements.getMany(ids);
    return { ids, statements, scored: ids.length - unsupported, unsupported, scopes: [...scopes], failed, announcement };
  }

  return {
    /** Scores until nothing is pending or the run budget is spent. */
    async runOnce(): Promise<{ scored: number; unsupported: number; failed: number; batches: number }> {
      const started = performance.now();
      let scored = 0;
      let unsupported = 0;
      let failed = 0;
      let batches = 0;
      while (performance.now() - started < budget) {
        const batch = scoreBatch();
        if (!batch) break;
        batches++;
        scored += batch.scored;
        unsupported += batch.unsupported;
        failed += batch.failed;
        if (deps.onScored) {
          try {
            await deps.onScored(batch);
          } catch (err) {
            deps.logger.error({ err }, 'after-commit handler failed');
          }
        }
      }
      return { scored, unsupported, failed, batches };
    },
  };
}

export type ScoreWorker = ReturnType<typeof createScoreWorker>;
