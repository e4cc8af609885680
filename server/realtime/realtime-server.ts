import type { Server as HttpServer } from 'node:http';
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
}

/** Requests from the browser: imperative, acknowledged. */
export interface ClientToServer {
  ping: (ack: (r: { ok: true; at: string }) => void) => void;
}

export type RealtimeServer = ReturnType<typeof createRealtimeServer>;

export function createRealtimeServer(deps: { httpServer: HttpServer; logger: Logger; getSnapshot: () => Snapshot }) {
  const io = new Server<ClientToServer, ServerToClient>(deps.httpServer, {
    serveClient: false,
    // Same-origin dashboard only; the bundle connects to the page's own host.
    cors: { origin: false },
    maxHttpBufferSize: 64 * 1024,
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
  return {
    io,
    clientCount: () => io.engine.clientsCount,
    emit<E extends keyof ServerToClient>(event: E, ...args: Parameters<ServerToClient[E]>): void {
      io.emit(event, ...args);
    },
    /** Closes socket.io and, with it, the http server. */
    close(): Promise<void> {
      return new Promise((resolve) => {
        void io.close(() => resolve());
      });
    },
  };
}
