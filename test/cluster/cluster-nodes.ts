import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import type pg from 'pg';
import { createClient } from 'redis';
import { io as connect, type Socket } from 'socket.io-client';
import { startServerProcess, type ServerProcess } from '../../scripts/lib/server-process.ts';
import { serverBundle } from '../helpers/spawn-server.ts';
import { DEFAULT_LEADER_LOCK_KEY, LOCK_HOLDER_SQL, lockKeyParts, toLeaderInfo } from '../../server/cluster/leader-lock.ts';

/**
 * Pieces of the multi-node tests (test/cluster/three-nodes.test.ts): real server processes on
 * one PostgreSQL database and one Redis, a socket.io "browser" per node, a webhook receiver.
 */

export const REDIS_URL = process.env.BRINKWATCH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Skips `t` when Redis does not answer a PING (fails instead under BRINKWATCH_REQUIRE_SERVICES=1). */
export async function requireRedis(t: TestContext): Promise<boolean> {
  const client = createClient({ url: REDIS_URL, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => {}); // the failed connect() below reports it
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (err) {
    const reason = `Redis not reachable at ${new URL(REDIS_URL).host} (${(err as Error).message})`;
    if (process.env.BRINKWATCH_REQUIRE_SERVICES === '1') throw new Error(`${reason}; BRINKWATCH_REQUIRE_SERVICES=1 makes it mandatory`);
    t.skip(reason);
    return false;
  } finally {
    await client.close().catch(() => client.destroy());
  }
}

/** A node of the multi-node tests: `stop()` sends SIGTERM, then SIGKILL after 10 s, and resolves with the exit code (null when killed). */
export type NodeProcess = ServerProcess & { nodeId: string };

/**
 * Starts a node as `npm start` runs the server (the server/dist bundle, built once for all test
 * files: test/helpers/spawn-server.ts) on port 0 with its own data folder; resolves once it
 * prints its URL (scripts/lib/server-process.ts).
 */
export async function startNode(nodeId: string, env: Record<string, string>, timeoutMs = 60_000): Promise<NodeProcess> {
  const node = await startServerProcess({
    name: nodeId,
    args: ['--enable-source-maps', await serverBundle()],
    env: { BRINKWATCH_HOST: '127.0.0.1', BRINKWATCH_NODE_ID: nodeId, ...env },
    timeoutMs,
  });
  return { ...node, nodeId };
}

/** What one socket.io client saw: scored statements of this run by id (with how often), bulk ids, disconnects. */
export interface Browser {
  nodeId: string;
  socket: Socket;
  scored: Map<number, number>;
  /** When the first statementScored of each id arrived (ms since epoch). */
  scoredAt: Map<number, number>;
  bulkIds: number[];
  /** statementScored events of statements not posted by this run (another test on the same Redis). */
  foreign: number;
  disconnects: string[];
}

/**
 * A "browser" on one node: the dashboard's socket.io connection, recording statementScored and
 * statementsScoredInBulk. Only statements whose externalId starts with `tag` count: the Redis
 * channels are shared by every Brinkwatch on this Redis (another test running at the same time).
 * No reconnection: a survivor's browser that drops is a finding, not something to paper over.
 */
export async function openBrowser(node: NodeProcess, token: string, tag: string): Promise<Browser> {
  const socket = connect(node.url, { transports: ['websocket'], reconnection: false, extraHeaders: { authorization: `Bearer ${token}` } });
  const b: Browser = { nodeId: node.nodeId, socket, scored: new Map(), scoredAt: new Map(), bulkIds: [], foreign: 0, disconnects: [] };
  socket.on('statementScored', (s: { id: number; externalId: string | null }) => {
    if (!s.externalId?.startsWith(tag)) {
      b.foreign++;
      return;
    }
    b.scored.set(s.id, (b.scored.get(s.id) ?? 0) + 1);
    if (!b.scoredAt.has(s.id)) b.scoredAt.set(s.id, Date.now());
  });
  socket.on('statementsScoredInBulk', (e: { ids: number[] }) => b.bulkIds.push(...e.ids));
  socket.on('disconnect', (reason) => b.disconnects.push(reason));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser on ${node.nodeId} not connected within 15 s`)), 15_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(new Error(`browser on ${node.nodeId} could not connect: ${err.message}`));
    });
  });
  return b;
}

export interface WebhookDelivery {
  deliveryId: string;
  alertId: number | null;
  event: string;
  scope: string;
  at: number;
}

/** A local webhook receiver on port 0 that answers 204 and keeps every request it got. */
export async function startWebhookReceiver(): Promise<{ url: string; received: WebhookDelivery[]; close(): Promise<void> }> {
  const received: WebhookDelivery[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      let parsed: { event?: string; scope?: string; alert?: { id?: number } } = {};
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        // kept with empty fields: the assertions on event and alert id then fail and show it
      }
      received.push({
        deliveryId: String(req.headers['x-brinkwatch-delivery'] ?? ''),
        alertId: typeof parsed.alert?.id === 'number' ? parsed.alert.id : null,
        event: String(parsed.event ?? ''),
        scope: String(parsed.scope ?? ''),
        at: Date.now(),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** The node id of the leader lock's holder as PostgreSQL sees it (pg_locks), undefined when no one holds it. */
export async function leaderNodeId(sql: pg.Client): Promise<string | undefined> {
  const { classid, objid } = lockKeyParts(DEFAULT_LEADER_LOCK_KEY);
  const r = await sql.query(LOCK_HOLDER_SQL, [classid, objid]);
  return r.rows[0] ? toLeaderInfo(r.rows[0]).nodeId : undefined;
}

/** One API call with the bearer token; the JSON answer (null for 204). */
export async function callApi(token: string, base: string, method: string, route: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(base + route, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000), // generous: a loaded 2-core machine
  });
  return { status: res.status, json: res.status === 204 ? null : await res.json() };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
