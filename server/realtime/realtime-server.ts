import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Logger } from '../config/logger.ts';
import type { CurrentMetrics } from '../metrics/metrics-service.ts';
import type { StatementView } from '../store/statements-repo.ts';
import { isScoredPush, publishScoredPushAsEvents, type ScoredPush } from './statement-push.ts';
import { attachClusterAdapter, type ClusterAdapter, type ClusterAdapterKind, type ClusterAdapterOptions } from './cluster-adapter.ts';

export interface Snapshot {
  statements: StatementView[];
  metrics: CurrentMetrics;
  [extra: string]: unknown;
}

/** Events the server pushes: past-tense facts, sent only after their transaction committed. */
export interface ServerToClient {
  snapshot: (s: Snapshot) => void;
  statementScored: (s: StatementView) => void;
  /** A batch too large to push one by one: every id it scored (server/realtime/statement-push.ts). */
  statementsScoredInBulk: (b: { ids: number[] }) => void;
  metricsUpdated: (m: { current: CurrentMetrics; scopes: string[] }) => void;
  /** A scored batch in one message (ids, statements when few, metrics), for pages that connect with `push=batch`. */
  batchScored: (b: ScoredPush) => void;
  alertChanged: (a: Record<string, unknown>) => void;
  feedChanged: (f: Record<string, unknown>) => void;
  /** The server's health changed status or reasons (the body of GET /api/health, less the counts). */
  healthChanged: (h: { status: string; reasons: Array<{ code: string; severity: string; message: string }>; checkedAt: string; [k: string]: unknown }) => void;
  /** A chart annotation was added or deleted (pages re-read the annotations of their range). */
  annotationsChanged: (a: { id: number; change: 'added' | 'deleted' }) => void;
}

/** Requests from the browser: imperative, acknowledged. */
export interface ClientToServer {
  ping: (ack: (r: { ok: true; at: string }) => void) => void;
}

/**
 * Messages between nodes (realtime.broadcastToNodes / onNodeEvent), never sent to browsers:
 * one JSON payload each (the Redis adapter sends them as JSON).
 */
export type NodeEvents = Record<string, (...args: any[]) => void>;

export type RealtimeServer = ReturnType<typeof createRealtimeServer>;

/** Node events travel under this prefix so that no name given by a caller meets socket.io's own ("connection"). */
const NODE_EVENT_PREFIX = 'node:';
/** The internal request each node answers with its client count (clusterClientCount). */
const CLIENT_COUNT_REQUEST = 'realtime:client-count';
const NODE_EVENT_NAME = /^[a-z][a-zA-Z0-9.-]{0,63}$/;
/** The node event carrying a scored batch to the other nodes (each turns it into its pages' events). */
const SCORED_NODE_EVENT = 'scored';
/**
 * Rooms by the push a page asked for at its handshake: `push=batch` one batchScored per scored
 * batch, anything else the per-statement events (statementScored / statementsScoredInBulk, then
 * metricsUpdated), as before.
 */
const BATCH_ROOM = 'push:batch';
const EACH_ROOM = 'push:each';

function nodeEventName(event: string): string {
  if (typeof event !== 'string' || !NODE_EVENT_NAME.test(event)) {
    throw new TypeError(`node event names are 1-64 letters, digits, dots or dashes starting with a lower-case letter (got ${JSON.stringify(String(event)).slice(0, 70)})`);
  }
  return NODE_EVENT_PREFIX + event;
}

/**
 * Whether a socket.io handshake may proceed, by its Origin header. CORS does not cover
 * WebSockets: without this any page the analyst visits could open ws://<brinkwatch>/socket.io/
 * from its own origin and read every statement. Allowed: an Origin whose host (name and port) is
 * the request's Host, i.e. the dashboard itself, and the origins listed in
 * BRINKWATCH_ALLOWED_ORIGINS. A request without Origin is not a browser page (curl, scripts,
 * socket.io-client in Node) and is let through until the socket gets its own authentication.
 */
export function originAllowed(req: Pick<IncomingMessage, 'headers'>, allowedOrigins: readonly string[] = []): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file:) and garbage
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (allowedOrigins.includes(parsed.origin)) return true;
  const host = req.headers.host?.toLowerCase();
  return host !== undefined && host === parsed.host;
}

export function createRealtimeServer(deps: {
  httpServer: HttpServer;
  logger: Logger;
  getSnapshot: () => Snapshot;
  /** BRINKWATCH_ALLOWED_ORIGINS: browser origins besides the server's own allowed to connect. */
  allowedOrigins?: readonly string[];
  /** Whether the handshake carries a session cookie or token (always true when reads are public). */
  authorize?: (req: IncomingMessage) => boolean;
  /** How often open sockets are checked again (a revoked session or token, a sign-out), in ms. */
  reauthorizeMs?: number;
  /** How long one snapshot serves further connections, unless a push comes first (ms; 0: never). */
  snapshotReuseMs?: number;
}) {
  // Pages that connect together (a wall of screens, every page of a restarted node reconnecting)
  // share one snapshot instead of each costing the store its reads: reused for at most
  // snapshotReuseMs, and never across a push (a scored batch from any node, or any emit here),
  // so a page never misses a statement between its snapshot and its first push.
  const reuseMs = deps.snapshotReuseMs ?? 1000;
  let memo: { at: number; value: Snapshot } | null = null;
  const snapshot = (): Snapshot => {
    const t = performance.now();
    if (memo && t - memo.at < reuseMs) return memo.value;
    const value = deps.getSnapshot();
    memo = { at: t, value };
    return value;
  };
  const io = new Server<ClientToServer, ServerToClient, NodeEvents>(deps.httpServer, {
    serveClient: false,
    // Same-origin dashboard only; the bundle connects to the page's own host.
    cors: { origin: false },
    maxHttpBufferSize: 64 * 1024,
    // No compression: a broadcast is then framed once and the same bytes written to every
    // socket; deflating would cost CPU per socket and per message (engine.io's default, stated).
    perMessageDeflate: false,
    allowRequest: (req, callback) => {
      if (!originAllowed(req, deps.allowedOrigins)) {
        deps.logger.warn({ origin: String(req.headers.origin).slice(0, 200) }, 'socket.io handshake refused: foreign Origin');
        return callback('origin not allowed', false);
      }
      if (deps.authorize && !deps.authorize(req)) {
        deps.logger.warn({ reason: 'no session or token' }, 'socket.io handshake refused: not signed in');
        return callback('sign in first', false);
      }
      callback(null, true);
    },
  });
  io.on('connection', (socket) => {
    void socket.join(socket.handshake.query.push === 'batch' ? BATCH_ROOM : EACH_ROOM);
    try {
      socket.emit('snapshot', snapshot());
    } catch (err) {
      deps.logger.error({ err }, 'snapshot failed');
    }
    socket.on('ping', (ack) => {
      if (typeof ack === 'function') ack({ ok: true, at: new Date().toISOString() });
    });
  });
  // A socket outlives its handshake: every minute its credentials (the handshake's cookie or
  // token) are checked again, and a socket whose session ended or token was revoked is closed.
  const authorize = deps.authorize;
  const recheck = authorize
    ? setInterval(() => {
        for (const socket of io.sockets.sockets.values()) {
          if (!authorize(socket.request)) socket.disconnect(true);
        }
      }, deps.reauthorizeMs ?? 60_000)
    : null;
  recheck?.unref();
  // Other nodes ask for this node's count (clusterClientCount); the in-memory adapter never asks.
  io.on(CLIENT_COUNT_REQUEST, (ack: unknown) => {
    if (typeof ack === 'function') ack(io.engine.clientsCount);
  });
  let cluster: ClusterAdapter = { kind: 'memory', close: async () => {} };
  /** A scored batch to this node's pages, each in the form it asked for; a room with no page here costs nothing. */
  const deliverScored = (push: ScoredPush) => {
    memo = null;
    const rooms = io.sockets.adapter.rooms;
    if ((rooms.get(BATCH_ROOM)?.size ?? 0) > 0) io.local.to(BATCH_ROOM).emit('batchScored', push);
    if ((rooms.get(EACH_ROOM)?.size ?? 0) > 0) {
      const each = io.local.to(EACH_ROOM);
      publishScoredPushAsEvents((event, ...args) => each.emit(event, ...args), push);
    }
  };
  io.on(NODE_EVENT_PREFIX + SCORED_NODE_EVENT, (push: unknown) => {
    if (isScoredPush(push)) deliverScored(push);
    else deps.logger.warn('a scored batch from another node was malformed; dropped');
  });
  return {
    io,
    /** Sockets connected to THIS node (each node of a cluster counts its own; see clusterClientCount). */
    clientCount: () => io.engine.clientsCount,
    /** Every browser of every node (through the cluster adapter when one is attached). */
    emit<E extends keyof ServerToClient>(event: E, ...args: Parameters<ServerToClient[E]>): void {
      memo = null;
      io.emit(event, ...args);
    },
    /**
     * A committed scored batch to every page of every node, as ONE message between nodes (not a
     * broadcast per statement): each node then sends its pages batchScored, or the per-statement
     * events to pages that did not ask for batches. Call after the commit.
     */
    publishScored(push: ScoredPush): void {
      if (push.ids.length === 0) return;
      if (cluster.kind === 'memory') return deliverScored(push);
      // The other nodes first: the adapter's publish leaves on the next turn of the event loop
      // (node-redis writes on setImmediate), and this node's loop over its own sockets (a
      // thousand writes) would otherwise run before it, delaying every other node's pages by
      // that much. The local push follows on the same turn, in publish order.
      memo = null;
      io.serverSideEmit(NODE_EVENT_PREFIX + SCORED_NODE_EVENT, push);
      setImmediate(() => deliverScored(push));
    },
    /** Only this node's browsers: facts about this node (its health), or pushes every node makes itself. */
    emitLocal<E extends keyof ServerToClient>(event: E, ...args: Parameters<ServerToClient[E]>): void {
      memo = null;
      io.local.emit(event, ...args);
    },
    /**
     * Joins the other nodes through Redis or PostgreSQL (server/realtime/cluster-adapter.ts); with
     * neither URL it stays the in-memory adapter. Throws ClusterAdapterError when the chosen
     * service cannot be reached: the start should stop there.
     */
    async attachCluster(options: Omit<ClusterAdapterOptions, 'logger'>): Promise<ClusterAdapterKind> {
      if (cluster.kind !== 'memory') throw new Error(`a ${cluster.kind} cluster adapter is already attached`);
      cluster = await attachClusterAdapter(io, { ...options, logger: deps.logger });
      return cluster.kind;
    },
    clusterKind: (): ClusterAdapterKind => cluster.kind,
    /**
     * Tells every OTHER node (not this one) `event` with a JSON payload, e.g. "metric buckets of
     * these scopes changed, drop your cache". Fire and forget: a node that is down or
     * disconnected from Redis misses it. A no-op on a single node.
     */
    broadcastToNodes(event: string, payload: unknown): void {
      const name = nodeEventName(event);
      if (cluster.kind === 'memory') return;
      io.serverSideEmit(name, payload);
    },
    /** Runs `handler` for `event` sent by another node; returns the function that stops it. */
    onNodeEvent(event: string, handler: (payload: unknown) => void | Promise<void>): () => void {
      const name = nodeEventName(event);
      const fail = (err: unknown) => deps.logger.error({ err, event }, 'node event handler failed');
      const listener = (payload: unknown) => {
        try {
          const r = handler(payload);
          if (r instanceof Promise) r.catch(fail);
        } catch (err) {
          fail(err);
        }
      };
      io.on(name, listener);
      return () => void io.off(name, listener);
    },
    /**
     * Sockets on all nodes: each node answers with its own engine count (cheaper than
     * io.fetchSockets(), which ships every socket's handshake). `complete` is false when a node
     * did not answer within the adapter's 5 s; `clients` then counts those that did.
     */
    clusterClientCount(): Promise<{ clients: number; nodes: number; complete: boolean }> {
      const local = io.engine.clientsCount;
      if (cluster.kind === 'memory') return Promise.resolve({ clients: local, nodes: 1, complete: true });
      return new Promise((resolve) => {
        io.serverSideEmit(CLIENT_COUNT_REQUEST, (err: Error | null, responses: unknown[]) => {
          const counts = (responses ?? []).filter((n): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0);
          resolve({ clients: local + counts.reduce((a, b) => a + b, 0), nodes: 1 + counts.length, complete: !err });
        });
      });
    },
    /** Closes socket.io and, with it, the http server, then the cluster adapter's connections. */
    async close(): Promise<void> {
      if (recheck) clearInterval(recheck);
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      await cluster.close();
    },
  };
}
