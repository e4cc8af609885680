import type { CurrentMetrics } from '../metrics/metrics-service.ts';
import type { StatementView } from '../store/statement-types.ts';
import type { ServerToClient } from './realtime-server.ts';

/** What a committed scoring batch tells the pages: every id, and the statements when few. */
export interface ScoredStatements {
  /** Every statement the batch scored, in id order. */
  ids: number[];
  /** The same statements in full when the batch is small enough to push one by one, else []. */
  statements: StatementView[];
}

/**
 * One scored batch as one push (the `batchScored` event): its ids first (a reader that wants
 * only them finds them at the start), the statements in full when few, and the metrics the
 * batch moved. Pages that ask for it (handshake query `push=batch`) get this one message per
 * batch instead of a statementScored per statement plus a metricsUpdated.
 */
export interface ScoredPush extends ScoredStatements {
  metrics: { current: CurrentMetrics; scopes: string[] };
}

type Emit = <E extends keyof ServerToClient>(event: E, ...args: Parameters<ServerToClient[E]>) => void;

/**
 * Tells every open page about every statement a batch scored, once: a small batch as one
 * `statementScored` per statement, a large one (an API batch of hundreds, a backfill's
 * thousands) as one `statementsScoredInBulk` with its ids, which the page turns into a
 * "N new statements" marker that loads them. Pushing thousands of full statements would cost
 * every client megabytes and its page seconds of rendering for rows a bounded feed cannot
 * keep; ids cost a few bytes each and nothing is dropped silently. Call after the commit.
 */
export function publishScoredBatch(emit: Emit, batch: ScoredStatements): void {
  if (batch.ids.length === 0) return;
  if (batch.statements.length === batch.ids.length) {
    for (const s of batch.statements) emit('statementScored', s);
    return;
  }
  emit('statementsScoredInBulk', { ids: batch.ids });
}

/** The same batch as the events pages that did not ask for `batchScored` know: statements (or their ids), then the metrics. */
export function publishScoredPushAsEvents(emit: Emit, push: ScoredPush): void {
  publishScoredBatch(emit, push);
  emit('metricsUpdated', push.metrics);
}

/** A ScoredPush that came from another node (through Redis or PostgreSQL), checked before it reaches any page. */
export function isScoredPush(x: unknown): x is ScoredPush {
  const p = x as Partial<ScoredPush> | null;
  return (
    typeof p === 'object' && p !== null && Array.isArray(p.ids) && p.ids.every((id) => Number.isInteger(id)) &&
    Array.isArray(p.statements) && typeof p.metrics === 'object' && p.metrics !== null && Array.isArray(p.metrics.scopes)
  );
}
