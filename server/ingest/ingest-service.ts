import type { ScoredForMetrics } from '../metrics/risk-index.ts';
import type { InsertOutcome, NewStatement } from '../store/statements-repo.ts';
import type { DemoPurge } from '../store/demo-data.ts';
import type { Store } from '../store/store.ts';
import { createBucketMerger } from '../store/metrics-repo.ts';
import { prepareBatch, type PrepareContext, type PreparedBatch } from './prepare-batch.ts';
import type { Rejection } from './statement-input.ts';

export type { PreparedBatch } from './prepare-batch.ts';

export interface IngestResult {
  /**
   * status, of a statement stored by this call: 'pending' (the score worker scores it),
   * 'scored' (scored while ingesting), 'unsupported' (in a language the scorer does not read)
   * or 'failed' (the scorer threw). A duplicate has none: the statement stored before is left
   * as it was.
   */
  accepted: Array<{ index: number; id: number; duplicate: boolean; status?: 'pending' | 'scored' | 'unsupported' | 'failed' }>;
  rejected: Array<{ index: number } & Rejection>;
  /** Set when this batch, the first with a real statement, purged the demo data (store/demo-data.ts). */
  demoPurged?: DemoPurge;
}

export type IngestContext = PrepareContext;

/**
 * The one way statements enter the store, whatever the source. A batch is validated item by
 * item (a bad item rejects that item only) and the good ones are committed in one transaction
 * before anything is acknowledged.
 */
export function createIngestService(deps: { store: Store; now?: () => number }) {
  const now = deps.now ?? Date.now;

  /** Validates, and with ctx.scorer scores, a batch: pure CPU, no write lock held. */
  function prepare(items: unknown[], ctx: IngestContext): PreparedBatch {
    return prepareBatch(items, ctx, now());
  }

  /**
   * Stores a prepared batch in one transaction (a savepoint inside the caller's). Scored
   * statements that are new add their metric contributions, merged, in the same transaction;
   * a duplicate adds nothing, whatever its stored state.
   */
  function store(prepared: PreparedBatch): IngestResult {
    const result: IngestResult = { accepted: [], rejected: prepared.rejected };
    const { statements, metrics } = deps.store;
    const accept = (index: number, o: InsertOutcome, status: 'pending' | 'scored' | 'unsupported' | 'failed') =>
      result.accepted.push(o.duplicate ? { index, ...o } : { index, ...o, status });
    deps.store.transaction(() => {
      // Demo data never mixes with real data: demo statements are stored only while no real
      // one is, and the first real statement purges them (and the buckets and alerts they
      // fed) in its own transaction, before it is stored.
      if (prepared.isDemo) {
        if (statements.hasRealStatements()) return;
      } else if (deps.store.demo.present()) {
        let anyValid = false;
        for (const _ of prepared.valid) {
          anyValid = true;
          break;
        }
        if (anyValid) result.demoPurged = deps.store.demo.purge();
      }
      // Without merged rows from prepare (a backfill's worker leaves merging to this thread),
      // each new statement is merged as it is stored, so that nothing of it but its metric
      // fields outlives its insert. With them, they hold only while no duplicate turns up.
      const merger = prepared.merged ? null : createBucketMerger();
      const added: ScoredForMetrics[] = [];
      let duplicates = false;
      // Consecutive pending statements are stored together (one statement on PostgreSQL, the
      // same row-by-row inserts on SQLite), before anything that follows them: same order, same ids.
      const run: Array<{ index: number; statement: NewStatement }> = [];
      const flush = () => {
        if (run.length === 0) return;
        const outcomes = statements.insertMany(run.map((r) => r.statement));
        run.forEach((r, i) => accept(r.index, outcomes[i]!, 'pending'));
        run.length = 0;
      };
      for (const { index, statement, score } of prepared.valid) {
        if (score === null) {
          run.push({ index, statement });
          continue;
        }
        flush();
        if (score.ok === 'unsupported') {
          // No score, no metric contributions: the scorer does not read its language.
          accept(index, statements.insertUnsupported(statement, { lang: score.lang, decidedAt: statement.receivedAt, exportHead: score.exportHead }), 'unsupported');
        } else if (score.ok) {
          const { row } = score;
          const outcome = statements.insertSerialized(statement, row);
          if (outcome.duplicate) {
            duplicates = true;
          } else {
            const m = { occurredAt: statement.occurredAt, score: row.score, actor: row.actor, targets: row.targets, categories: row.categories };
            if (merger) merger.addStatement(m);
            else added.push(m);
          }
          accept(index, outcome, 'scored');
        } else {
          // The scorer threw (a bug): park the statement as failed, as the score worker does.
          const outcome = statements.insert(statement);
          if (!outcome.duplicate) statements.markFailed(outcome.id, score.error);
          accept(index, outcome, 'failed');
        }
      }
      flush();
      if (merger) {
        metrics.addMerged(merger.rows());
      } else if (prepared.merged && !duplicates) {
        metrics.addMerged(prepared.merged);
      } else if (added.length > 0) {
        // A duplicate adds nothing: only the new statements' contributions are merged.
        const redo = createBucketMerger();
        for (const m of added) redo.addStatement(m);
        metrics.addMerged(redo.rows());
      }
    });
    return result;
  }

  return {
    prepare,
    store,
    ingest(items: unknown[], ctx: IngestContext): IngestResult {
      return store(prepare(items, ctx));
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
