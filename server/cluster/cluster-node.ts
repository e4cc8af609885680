import type { Logger } from '../config/logger.ts';
import { ClusterAdapterError, installationRedisKey } from '../realtime/cluster-adapter.ts';
import type { RealtimeServer } from '../realtime/realtime-server.ts';
import { createLeadership, type Leadership } from './leadership.ts';
import { createNodeView, type NodeView } from './node-view.ts';

/**
 * How this node joins the others of one database (issue 16), wired in one place for main.ts:
 * its leadership (who runs the one-at-a-time jobs: a PostgreSQL advisory lock), the `node` view
 * of GET /api/health, and its live stream's join through the cluster adapter (Redis, else
 * PostgreSQL). Without BRINKWATCH_DATABASE_URL: one node that always leads, in-memory adapter.
 */
export function createClusterNode(deps: {
  config: { databaseUrl?: string | undefined; redisUrl?: string | undefined; nodeId: string };
  logger: Logger;
  store: NodeView['store'];
  /** The realtime server, created after this (the view reads its adapter's kind at each answer). */
  realtime: () => Pick<RealtimeServer, 'clusterKind' | 'attachCluster'>;
}): { leadership: Leadership; view: () => NodeView; joinRealtime(): Promise<string | null> } {
  const { databaseUrl, redisUrl, nodeId } = deps.config;
  const leadership = createLeadership({ databaseUrl, nodeId, logger: deps.logger });
  return {
    leadership,
    // `node` in /api/health: which node answered behind a load balancer, and whether it leads.
    view: createNodeView({ nodeId, leadership, store: deps.store, realtime: () => deps.realtime().clusterKind() }),
    /**
     * Joins the live stream to the other nodes' (BRINKWATCH_REDIS_URL / BRINKWATCH_DATABASE_URL;
     * server/realtime/cluster-adapter.ts). Null when done, else the message the start stops
     * with: the chosen service cannot be reached.
     */
    async joinRealtime(): Promise<string | null> {
      try {
        await deps.realtime().attachCluster({ redisUrl, databaseUrl, redisKey: installationRedisKey(databaseUrl) });
        return null;
      } catch (err) {
        if (err instanceof ClusterAdapterError) return err.message;
        throw err;
      }
    },
  };
}
