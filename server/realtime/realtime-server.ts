import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Logger } from '../config/logger.ts';
import type { CurrentMetrics } from '../metrics/metrics-service.ts';
import type { StatementView } from '../store/statements-repo.ts';

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

export type RealtimeServer = ReturnType<typeof createRealtimeServer>;

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
}) {
  const io = new Server<ClientToServer, ServerToClient>(deps.httpServer, {
    serveClient: false,
    // Same-origin dashboard only; the bundle connects to the page's own host.
    cors: { origin: false },
    maxHttpBufferSize: 64 * 1024,
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
    try {
      socket.emit('snapshot', deps.getSnapshot());
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
  return {
    io,
    clientCount: () => io.engine.clientsCount,
    emit<E extends keyof ServerToClient>(event: E, ...args: Parameters<ServerToClient[E]>): void {
      io.emit(event, ...args);
    },
    /** Closes socket.io and, with it, the http server. */
    close(): Promise<void> {
      if (recheck) clearInterval(recheck);
      return new Promise((resolve) => {
        void io.close(() => resolve());
      });
    },
  };
}
