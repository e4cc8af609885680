import { randomBytes } from 'node:crypto';
import type { Server } from 'socket.io';
import type { Logger } from '../config/logger.ts';

/**
 * Which socket.io adapter joins this node to the others (issue 16): with BRINKWATCH_REDIS_URL the
 * official Redis adapter (pub/sub), else with BRINKWATCH_DATABASE_URL the official PostgreSQL
 * adapter (LISTEN/NOTIFY on the store's own server: no extra service, but every push is a
 * NOTIFY, so Redis is the better choice for many screens), else socket.io's in-memory adapter
 * (one node, as before). The Redis and pg packages are imported only when chosen: a single-node
 * start loads nothing more than it did.
 */

export type ClusterAdapterKind = 'memory' | 'redis' | 'postgres';

export interface ClusterAdapter {
  kind: ClusterAdapterKind;
  /** Ends the adapter's connections; call after io.close() (the adapters unsubscribe on close). */
  close(): Promise<void>;
}

export interface ClusterAdapterOptions {
  redisUrl?: string | undefined;
  databaseUrl?: string | undefined;
  logger: Logger;
  /**
   * Prefix of the Redis channels (`<key>#/#`, `<key>-request#/#`...): nodes of one installation
   * share it; tests use a random one so that parallel runs on one Redis never meet.
   */
  redisKey?: string;
  /** Prefix of the PostgreSQL NOTIFY channel (channels are per database already). */
  postgresChannelPrefix?: string;
  /** How long the first connection may take before the start is refused, in ms. */
  connectTimeoutMs?: number;
}

/**
 * The Redis channel prefix of one installation: its database (host, port and name, never the
 * password), so that two installations sharing a Redis (staging and production, a benchmark and
 * a test) never push statements to each other's browsers, while every node of one database meets.
 */
export function installationRedisKey(databaseUrl: string | undefined): string {
  if (!databaseUrl) return 'brinkwatch';
  try {
    const u = new URL(databaseUrl);
    return `brinkwatch:${u.hostname}:${u.port || '5432'}${u.pathname || '/'}`;
  } catch {
    return 'brinkwatch';
  }
}

/** Broken infrastructure at start (Redis or PostgreSQL unreachable): main refuses to start with this message. */
export class ClusterAdapterError extends Error {
  override name = 'ClusterAdapterError';
}

/** Large or binary cluster messages go through this table (NOTIFY payloads stop at 8000 bytes). */
export const POSTGRES_ATTACHMENTS_TABLE = 'socket_io_attachments';

/** A URL with its password replaced, safe for logs and error messages. */
export function maskUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, (_m, auth: string) => `//${auth.includes(':') ? `${auth.split(':')[0]}:***` : '***'}@`);
}

export async function attachClusterAdapter(io: Server<any, any, any, any>, opts: ClusterAdapterOptions): Promise<ClusterAdapter> {
  if (opts.redisUrl) {
    const why = opts.databaseUrl ? 'BRINKWATCH_REDIS_URL is set (it wins over BRINKWATCH_DATABASE_URL)' : 'BRINKWATCH_REDIS_URL is set';
    const adapter = await attachRedis(io, opts.redisUrl, opts);
    opts.logger.info({ adapter: 'redis', url: maskUrl(opts.redisUrl), why }, 'realtime: nodes joined through the Redis adapter');
    return adapter;
  }
  if (opts.databaseUrl) {
    const adapter = await attachPostgres(io, opts.databaseUrl, opts);
    opts.logger.info(
      { adapter: 'postgres', url: maskUrl(opts.databaseUrl), why: 'BRINKWATCH_DATABASE_URL is set and BRINKWATCH_REDIS_URL is not' },
      'realtime: nodes joined through the PostgreSQL adapter (LISTEN/NOTIFY); set BRINKWATCH_REDIS_URL for many screens',
    );
    return adapter;
  }
  opts.logger.info({ adapter: 'memory', why: 'neither BRINKWATCH_REDIS_URL nor BRINKWATCH_DATABASE_URL is set' }, 'realtime: single node (in-memory adapter)');
  return { kind: 'memory', close: async () => {} };
}

/**
 * Logs a failing connection once per `everyMs` with how many failures it stood for: a lost
 * Redis fails every push, and one line per push would bury the log.
 */
function throttledWarn(logger: Logger, what: string, everyMs = 10_000) {
  let last = 0;
  let suppressed = 0;
  return (err: unknown) => {
    const now = Date.now();
    if (now - last < everyMs) {
      suppressed += 1;
      return;
    }
    const e = err as { code?: string; message?: string };
    logger.warn({ code: e?.code, error: e?.message ?? String(err), suppressed }, `${what}: cross-node pushes fail, local sockets still served`);
    last = now;
    suppressed = 0;
  };
}

async function attachRedis(io: Server<any, any, any, any>, url: string, opts: ClusterAdapterOptions): Promise<ClusterAdapter> {
  const [{ createClient }, { createAdapter }] = await Promise.all([import('redis'), import('@socket.io/redis-adapter')]);
  const warn = throttledWarn(opts.logger, 'Redis unreachable');
  // Before a client's first connection a failure ends connect() (the start is refused with one
  // line, no hang); once it has been up it retries for ever with a capped backoff.
  const clientOptions = () => {
    let wasReady = false;
    return {
      url,
      // While Redis is away a push fails at once instead of queueing without bound in memory.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: opts.connectTimeoutMs ?? 5000,
        reconnectStrategy: (retries: number, cause: Error) => (wasReady ? Math.min(100 * 2 ** retries, 3000) : cause),
      },
      markReady: () => {
        wasReady = true;
      },
    };
  };
  const pubOptions = clientOptions();
  const subOptions = clientOptions();
  const { markReady: pubReady, ...pubConfig } = pubOptions;
  const { markReady: subReady, ...subConfig } = subOptions;
  const pub = createClient(pubConfig);
  const sub = pub.duplicate(subConfig);
  let lost = false;
  for (const [client, ready] of [[pub, pubReady], [sub, subReady]] as const) {
    client.on('error', (err: unknown) => {
      lost = true;
      warn(err);
    });
    client.on('ready', () => {
      ready();
      if (lost) opts.logger.info({ url: maskUrl(url) }, 'Redis reachable again: cross-node pushes resumed');
      lost = false;
    });
  }
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch (err) {
    await Promise.allSettled([pub, sub].map(async (c) => c.destroy()));
    const e = err as { code?: string; message?: string };
    throw new ClusterAdapterError(`Redis at ${maskUrl(url)} cannot be reached (${e.message ?? e.code ?? String(err)}): start Redis or fix BRINKWATCH_REDIS_URL`);
  }
  const key = opts.redisKey ?? 'brinkwatch';
  io.adapter(createAdapter(swallowRejections(pub, warn), swallowRejections(sub, warn), { key }));
  // The adapter subscribes without waiting. Commands on one connection are answered in order,
  // so once a subscription sent after its own is confirmed, this node receives cluster events.
  const probe = `${key}-ready#${randomBytes(6).toString('hex')}`;
  await sub.subscribe(probe, () => {});
  await sub.unsubscribe(probe);
  return {
    kind: 'redis',
    close: async () => {
      // close() waits for queued commands (the adapter's unsubscribes); with Redis away there is nothing to wait for.
      await Promise.allSettled([pub, sub].map(async (c) => (c.isReady ? c.close() : c.destroy())));
    },
  };
}

/** Adapter calls that the Redis adapter fires without awaiting: their rejections are logged, not fatal. */
const FIRE_AND_FORGET = new Set(['publish', 'subscribe', 'unsubscribe', 'pSubscribe', 'pUnsubscribe']);

/**
 * The Redis adapter publishes and (un)subscribes without catching: with Redis away each push
 * would be an unhandled rejection, which ends a Node 20 process. This view of the client
 * catches those calls and leaves the rest as it is (methods bound to the real client, whose
 * private fields a Proxy receiver cannot reach).
 */
function swallowRejections<T extends object>(client: T, onError: (err: unknown) => void): T {
  return new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const bound = (value as (...a: unknown[]) => unknown).bind(target);
      if (typeof prop !== 'string' || !FIRE_AND_FORGET.has(prop)) return bound;
      return (...args: unknown[]) => {
        const result = bound(...args);
        return result instanceof Promise ? result.catch(onError) : result;
      };
    },
  });
}

async function attachPostgres(io: Server<any, any, any, any>, url: string, opts: ClusterAdapterOptions): Promise<ClusterAdapter> {
  const [{ default: pg }, { createAdapter }] = await Promise.all([import('pg'), import('@socket.io/postgres-adapter')]);
  // A name of its own lets the readiness check below find this pool's listening session.
  const applicationName = `brinkwatch-realtime-${process.pid}-${randomBytes(4).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: url, max: 5, application_name: applicationName, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000 });
  const warn = throttledWarn(opts.logger, 'PostgreSQL unreachable');
  // An error on an idle or checked-out client (the LISTEN one) is an 'error' event: unhandled, it
  // would end the process; the adapter itself reconnects its listener.
  pool.on('error', warn);
  // The adapter drops its listening client when that connection ends and listens on a new one,
  // but never gives the dead one back: the pool would count it for ever (one connection fewer
  // per outage until pushes wait for a free one, and pool.end() waits for it). It is given back
  // here once nothing else did; queries on a dead connection fail, and release, at once.
  const checkedOut = new Set<import('pg').PoolClient>();
  pool.on('acquire', (client) => checkedOut.add(client));
  pool.on('release', (_err, client) => checkedOut.delete(client));
  pool.on('connect', (client) => {
    client.on('error', warn);
    client.once('end', () => {
      setTimeout(() => {
        if (checkedOut.has(client)) client.release(new Error('connection ended'));
      }, 1000).unref();
    });
  });
  try {
    await createAttachmentsTable(pool);
  } catch (err) {
    await pool.end().catch(() => {});
    const e = err as { code?: string; message?: string };
    throw new ClusterAdapterError(`PostgreSQL at ${maskUrl(url)} cannot be used by the realtime adapter (${e.code ?? 'error'}: ${e.message ?? String(err)}): start it or fix BRINKWATCH_DATABASE_URL`);
  }
  io.adapter(createAdapter(pool, { channelPrefix: opts.postgresChannelPrefix ?? 'brinkwatch', tableName: POSTGRES_ATTACHMENTS_TABLE, errorHandler: warn }));
  try {
    await waitForListener(pool, applicationName, opts.connectTimeoutMs ?? 5000);
  } catch (err) {
    io.of('/').adapter.close();
    await pool.end().catch(() => {});
    throw err;
  }
  return {
    kind: 'postgres',
    close: async () => {
      await pool.end();
    },
  };
}

/**
 * The adapter's table for messages over NOTIFY's 8000-byte limit, created on first use. Nodes
 * start together: the advisory lock keeps two CREATE TABLE IF NOT EXISTS from racing on the
 * catalog (which fails one with a duplicate-key error).
 */
async function createAttachmentsTable(pool: import('pg').Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('brinkwatch:socket.io-attachments'))");
    await client.query(`CREATE TABLE IF NOT EXISTS ${POSTGRES_ATTACHMENTS_TABLE} (id bigserial UNIQUE, created_at timestamptz DEFAULT now(), payload bytea)`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * The adapter LISTENs on a pooled session in the background and says nothing when it is done;
 * this node receives cluster events only from then on. Its session is the one of this pool
 * whose last statement was the LISTEN.
 */
async function waitForListener(pool: import('pg').Pool, applicationName: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await pool.query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN %' AND state = 'idle'", [applicationName]);
    if (r.rowCount) return;
    if (Date.now() > deadline) throw new ClusterAdapterError(`the PostgreSQL adapter did not start listening within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
