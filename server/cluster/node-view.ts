import type { Leadership } from './leadership.ts';

/** `node` in GET /api/health: which node answered, whether it leads, and how it is wired. */
export interface NodeView {
  /** BRINKWATCH_NODE_ID (default hostname:pid). */
  id: string;
  /** Whether this node runs the one-at-a-time jobs now, as it believes (see leadership.ts). */
  leader: boolean;
  /** When it last became leader (ISO 8601); null while it is not. */
  leaderSince: string | null;
  store: 'sqlite' | 'postgres';
  /** How its live stream meets the other nodes' ('memory': it does not, one node). */
  realtime: 'memory' | 'redis' | 'postgres';
}

/**
 * The `node` object of every health answer. Behind a load balancer an operator cannot otherwise
 * tell which node answered or whether it leads. Built from plain reads only (the leadership's
 * state, the store's kind, the socket adapter's kind): health is polled often and must not
 * query the database, so who else leads (currentLeader(), a query) is not asked here.
 * `realtime` is a getter because the cluster adapter is attached after the app is built.
 */
export function createNodeView(deps: {
  nodeId: string;
  leadership: Pick<Leadership, 'isLeader' | 'leaderSince'>;
  store: NodeView['store'];
  realtime: () => NodeView['realtime'];
}): () => NodeView {
  return () => {
    const since = deps.leadership.leaderSince();
    return {
      id: deps.nodeId,
      leader: deps.leadership.isLeader(),
      leaderSince: since === null ? null : new Date(since).toISOString(),
      store: deps.store,
      realtime: deps.realtime(),
    };
  };
}
