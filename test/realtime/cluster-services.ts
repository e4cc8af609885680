import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import type pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { adminClient, ADMIN_URL, createScratchDatabase } from '../../scripts/lib/pg-scratch.ts';
import { createLogger } from '../../server/config/logger.ts';
import { maskUrl, type ClusterAdapterOptions } from '../../server/realtime/cluster-adapter.ts';
import { createRealtimeServer, type RealtimeServer, type Snapshot } from '../../server/realtime/realtime-server.ts';

/**
 * Nodes, browsers and services for the cluster tests (cluster-adapter.test.ts,
 * cluster-outage.test.ts): socket.io servers on ports of their own in this process, real Redis
 * and PostgreSQL. Unreachable services skip a test with the reason, unless
 * BRINKWATCH_REQUIRE_SERVICES=1 (CI), where that is a failure.
 */

export const REDIS_URL = process.env.BRINKWATCH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PG_ADMIN_URL = ADMIN_URL;
const REQUIRE = process.env.BRINKWATCH_REQUIRE_SERVICES === '1';

export const hex = () => randomBytes(6).toString('hex');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port) }, () => {
      s.destroy();
      resolve(true);
    });
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(false));
  });
}

/** Why `url` cannot be used (it does not answer), or null. */
export async function requireService(name: string, url: string): Promise<string | null> {
  return (await reachable(url)) ? null : `${name} not reachable at ${maskUrl(url)}`;
}

/**
 * Skips a test whose service is missing, or fails it under BRINKWATCH_REQUIRE_SERVICES=1 (CI):
 * a failure inside the test, which the "# fail" count shows (a failing hook only cancels).
 */
export function skipOrFail(t: TestContext, why: string): void {
  if (REQUIRE) assert.fail(`${why} (BRINKWATCH_REQUIRE_SERVICES=1)`);
  t.skip(why);
}

/** A port nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export const snapshot = (): Snapshot => ({ statements: [], metrics: {} as Snapshot['metrics'] });

export interface Node {
  realtime: RealtimeServer;
  url: string;
}

/** Warnings and errors the nodes logged, as parsed pino lines. */
export const logged: Array<Record<string, unknown>> = [];
const captureLogger = () => createLogger('warn', { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) });

export async function startNode(options: Omit<ClusterAdapterOptions, 'logger'>): Promise<Node> {
  const httpServer = http.createServer();
  const realtime = createRealtimeServer({ httpServer, logger: captureLogger(), getSnapshot: snapshot });
  await realtime.attachCluster(options);
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  return { realtime, url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}` };
}

export const sockets: Socket[] = [];
/** A browser on `node`; `push: 'batch'` asks for one batchScored per scored batch, as the dashboard does. */
export async function client(node: Node, push?: 'batch'): Promise<Socket> {
  const c = connect(node.url, { transports: ['websocket'], reconnection: false, ...(push ? { query: { push } } : {}) });
  sockets.push(c);
  await new Promise((resolve) => c.once('snapshot', resolve));
  return c;
}

/** Collects every `annotationsChanged` a client receives. */
export function record(c: Socket): Array<{ id: number }> {
  const got: Array<{ id: number }> = [];
  c.on('annotationsChanged', (a: { id: number }) => got.push(a));
  return got;
}

export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** A database of its own (NOTIFY channels are per database, and the adapter adds a table), with an admin session on the server. */
export async function createTestDatabase(): Promise<{ database: string; url: string; admin: pg.Client; drop: () => Promise<void> }> {
  const db = await createScratchDatabase('bw_rt_');
  const admin = await adminClient();
  const drop = async () => {
    await db.drop();
    await admin.end();
  };
  return { database: db.name, url: db.url, admin, drop };
}
