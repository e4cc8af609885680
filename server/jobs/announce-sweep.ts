import type { Logger } from '../config/logger.ts';
import type { ScoredPush } from '../realtime/statement-push.ts';
import type { Store } from '../store/store.ts';

/** A batch whose push has not left this long after its commit belongs to a node that died. */
export const ANNOUNCE_STALE_MS = 10_000;

/**
 * The leader's sweep of score_announcements (migration 014): every scored batch is recorded in
 * its scoring transaction and its row deleted once its push has left the node. A row that
 * outlives ANNOUNCE_STALE_MS is the batch of a node that died between its commit and its push
 * (SIGKILL, power): the sweep pushes that batch to every page of every node, as the dead node
 * would have, so no page misses a statement. A node merely busy for that long is not expected
 * (its push leaves within milliseconds of the commit); if it were, its pages would get the
 * batch twice, and they place statements by id.
 */
export function createAnnounceSweep(deps: {
  store: Store;
  publish: (push: ScoredPush) => void;
  /** The current metrics, sent with each announced batch as with every push. */
  metrics: () => ScoredPush['metrics']['current'];
  logger: Logger;
  now?: () => number;
  staleMs?: number;
  /** The largest batch pushed with its statements in full (as the score worker's pushLimit). */
  pushLimit?: number;
}) {
  const now = deps.now ?? Date.now;
  const staleMs = deps.staleMs ?? ANNOUNCE_STALE_MS;
  const pushLimit = deps.pushLimit ?? 100;
  return {
    runOnce(): { announced: number; statements: number } {
      const stale = deps.store.announcements.takeStale(now() - staleMs, 100);
      let statements = 0;
      for (const a of stale) {
        const rows = a.ids.length > pushLimit ? [] : deps.store.statements.getMany(a.ids);
        deps.publish({ ids: a.ids, statements: rows, metrics: { current: deps.metrics(), scopes: a.scopes } });
        statements += a.ids.length;
        deps.logger.warn({ announcement: a.id, node: a.nodeId, statements: a.ids.length, ageMs: now() - a.createdAt }, 'announced a scored batch whose node did not push it');
      }
      return { announced: stale.length, statements };
    },
  };
}
