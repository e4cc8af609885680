import type { StatementView } from '../store/statement-types.ts';
import type { ServerToClient } from './realtime-server.ts';

/** What a committed scoring batch tells the pages: every id, and the statements when few. */
export interface ScoredStatements {
  /** Every statement the batch scored, in id order. */
  ids: number[];
  /** The same statements in full when the batch is small enough to push one by one, else []. */
  statements: StatementView[];
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
