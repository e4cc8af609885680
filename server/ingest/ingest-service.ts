import { scoreStatement, type StatementScore } from '../jobs/score-statement.ts';
import type { Contribution } from '../metrics/risk-index.ts';
import type { Scorer } from '../scoring/index.ts';
import type { InsertOutcome, NewStatement } from '../store/statements-repo.ts';
import type { Store } from '../store/store.ts';
import { normalizeStatement, type Origin, type Rejection } from './statement-input.ts';

export interface IngestResult {
  /**
   * status, of a statement stored by this call: 'pending' (the score worker scores it),
   * 'scored' (scored while ingesting) or 'failed' (the scorer threw). A duplicate has none:
   * the statement stored before is left as it was.
   */
  accepted: Array<{ index: number; id: number; duplicate: boolean; status?: 'pending' | 'scored' | 'failed' }>;
  rejected: Array<{ index: number } & Rejection>;
}

export interface IngestContext {
  origin: Origin;
  isDemo?: boolean;
  /**
   * Score each statement before storing it (backfills: `npm run ingest -- --score`), so that
   * it is written once, already scored, with its evidence and metric buckets in the same
   * transaction. Without it statements are stored pending for the score worker.
   */
  scorer?: Scorer;
}

/** A batch validated (and scored, with a scorer) but not yet stored. */
export interface PreparedBatch {
  valid: Array<{ index: number; statement: NewStatement; score: StatementScore | null }>;
  rejected: IngestResult['rejected'];
}

/**
 * The one way statements enter the store, whatever the source. A batch is validated item by
 * item (a bad item rejects that item only) and the good ones are committed in one transaction
 * before anything is acknowledged.
 */
export function createIngestService(deps: { store: Store; now?: () => number }) {
  const now = deps.now ?? Date.now;

  /** Validates, and with ctx.scorer scores, a batch: pure CPU, no write lock held. */
  function prepare(items: unknown[], ctx: IngestContext): PreparedBatch {
    const receivedAt = now();
    const prepared: PreparedBatch = { valid: [], rejected: [] };
    const scorer = ctx.scorer;
    for (let index = 0; index < items.length; index++) {
      const n = normalizeStatement(items[index], { origin: ctx.origin, receivedAt, isDemo: ctx.isDemo });
      if (!n.ok) {
        prepared.rejected.push({ index, ...n.rejection });
        continue;
      }
      prepared.valid.push({ index, statement: n.value, score: scorer ? scoreStatement(scorer, n.value, receivedAt) : null });
    }
    return prepared;
  }

  /**
   * Stores a prepared batch in one transaction (a savepoint inside the caller's). Scored
   * statements that are new add their metric contributions, merged, in the same transaction;
   * a duplicate adds nothing, whatever its stored state.
   */
  function store(prepared: PreparedBatch): IngestResult {
    const result: IngestResult = { accepted: [], rejected: prepared.rejected };
    const { statements, metrics } = deps.store;
    const accept = (index: number, o: InsertOutcome, status: 'pending' | 'scored' | 'failed') =>
      result.accepted.push(o.duplicate ? { index, ...o } : { index, ...o, status });
    deps.store.transaction(() => {
      const contributions: Contribution[] = [];
      for (const { index, statement, score } of prepared.valid) {
        if (score === null) {
          accept(index, statements.insert(statement), 'pending');
        } else if (score.ok) {
          const outcome = statements.insertScored(statement, score.fields);
          if (!outcome.duplicate) for (const c of score.contributions) contributions.push(c);
          accept(index, outcome, 'scored');
        } else {
          // The scorer threw (a bug): park the statement as failed, as the score worker does.
          const outcome = statements.insert(statement);
          if (!outcome.duplicate) statements.markFailed(outcome.id, score.error);
          accept(index, outcome, 'failed');
        }
      }
      if (contributions.length > 0) metrics.add(contributions);
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
