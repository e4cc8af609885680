import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { parseConfig } from '../../server/config/config.ts';
import { createLogger, createSilentLogger } from '../../server/config/logger.ts';
import { ClusterAdapterError, maskUrl, type ClusterAdapterOptions } from '../../server/realtime/cluster-adapter.ts';
import { createRealtimeServer, type RealtimeServer, type Snapshot } from '../../server/realtime/realtime-server.ts';

/**
 * Three socket.io servers in one process, each on its own port, joined through real Redis and
 * real PostgreSQL (issue 16). Services unreachable: skipped with the reason, unless
 * BRINKWATCH_REQUIRE_SERVICES=1 (CI), where that is a failure.
 */

const REDIS_URL = process.env.BRINKWATCH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PG_ADMIN_URL = process.env.BRINKWATCH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REQUIRE = process.env.BRINKWATCH_REQUIRE_SERVICES === '1';

const hex = () => randomBytes(6).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function reachable(url: string): Promise<boolean> {
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

/** Skips the suite's tests (or fails them under BRINKWATCH_REQUIRE_SERVICES=1) when `url` does not answer. */
async function requireService(name: string, url: string): Promise<string | null> {
  if (await reachable(url)) return null;
  const why = `${name} not reachable at ${maskUrl(url)}`;
  if (REQUIRE) throw new Error(`${why} (BRINKWATCH_REQUIRE_SERVICES=1)`);
  return why;
}

/** A port nothing listens on (it was free a moment ago). */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const snapshot = (): Snapshot => ({ statements: [], metrics: {} as Snapshot['metrics'] });

interface Node {
  realtime: RealtimeServer;
  url: string;
}

/** Warnings and errors the nodes logged, as parsed pino lines. */
const logged: Array<Record<string, unknown>> = [];
const captureLogger = () => createLogger('warn', { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) });

async function startNode(options: Omit<ClusterAdapterOptions, 'logger'>): Promise<Node> {
  const httpServer = http.createServer();
  const realtime = createRealtimeServer({ httpServer, logger: captureLogger(), getSnapshot: snapshot });
  await realtime.attachCluster(options);
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  return { realtime, url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}` };
}

const sockets: Socket[] = [];
async function client(node: Node): Promise<Socket> {
  const c = connect(node.url, { transports: ['websocket'], reconnection: false });
  sockets.push(c);
  await new Promise((resolve) => c.once('snapshot', resolve));
  return c;
}

/** Collects every `annotationsChanged` a client receives. */
function record(c: Socket): Array<{ id: number }> {
  const got: Array<{ id: number }> = [];
  c.on('annotationsChanged', (a: { id: number }) => got.push(a));
  return got;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** The same checks for each adapter that joins nodes. */
function clusterSuite(name: 'redis' | 'postgres', setup: () => Promise<{ skip: string | null; options: Omit<ClusterAdapterOptions, 'logger'>; cleanup: () => Promise<void> }>) {
  describe(`three nodes joined through the ${name} adapter`, () => {
    let skip: string | null = null;
    let cleanup = async () => {};
    const nodes: Node[] = [];
    const guard = (t: TestContext) => {
      if (skip) t.skip(skip);
      return skip !== null;
    };

    before(async () => {
      const s = await setup();
      skip = s.skip;
      cleanup = s.cleanup;
      if (skip) return;
      for (let i = 0; i < 3; i++) nodes.push(await startNode(s.options));
      // Each node knows the other two (PostgreSQL: heartbeats, at most 5 s apart).
      await until('three nodes in each adapter', async () => {
        const counts = await Promise.all(nodes.map((n) => n.realtime.io.of('/').adapter.serverCount()));
        return counts.every((c) => c === 3);
      });
    });
    after(async () => {
      for (const c of sockets.splice(0)) c.disconnect();
      for (const n of nodes) await n.realtime.close();
      await cleanup();
    });

    it(`attaches the ${name} adapter`, (t) => {
      if (guard(t)) return;
      for (const n of nodes) assert.equal(n.realtime.clusterKind(), name);
    });

    it('a browser on C receives a push emitted on A exactly once, a local push stays on A', async (t) => {
      if (guard(t)) return;
      const [a, b, c] = nodes as [Node, Node, Node];
      const clients = [await client(a), await client(b), await client(c)];
      const got = clients.map(record);
      a.realtime.emit('annotationsChanged', { id: 41, change: 'added' });
      a.realtime.emitLocal('annotationsChanged', { id: 42, change: 'added' });
      await until('the push on every node', () => got.every((g) => g.some((x) => x.id === 41)));
      await sleep(300); // a duplicate would arrive within this
      assert.deepEqual(got.map((g) => g.filter((x) => x.id === 41).length), [1, 1, 1], 'each browser gets the cluster push once');
      assert.deepEqual(got.map((g) => g.filter((x) => x.id === 42).length), [1, 0, 0], 'the local push reaches only A');
      // And the other way round: C's push reaches A.
      c.realtime.emit('annotationsChanged', { id: 43, change: 'deleted' });
      await until('C push on A', () => got[0]!.some((x) => x.id === 43));
      await sleep(200);
      assert.deepEqual(got.map((g) => g.filter((x) => x.id === 43).length), [1, 1, 1]);
    });

    it('broadcastToNodes from A reaches the handlers of B and C, not A', async (t) => {
      if (guard(t)) return;
      const seen: Array<Array<unknown>> = nodes.map(() => []);
      const stops = nodes.map((n, i) => n.realtime.onNodeEvent('metric-buckets-changed', (p) => void seen[i]!.push(p)));
      const payload = { scopes: ['global', 'actor:7'], at: '2026-12-01T21:00:00.000Z' };
      nodes[0]!.realtime.broadcastToNodes('metric-buckets-changed', payload);
      await until('B and C handlers', () => seen[1]!.length > 0 && seen[2]!.length > 0);
      await sleep(300);
      assert.deepEqual(seen, [[], [payload], [payload]]);
      for (const stop of stops) stop();
      nodes[1]!.realtime.broadcastToNodes('metric-buckets-changed', payload);
      await sleep(300);
      assert.deepEqual(seen[0], [], 'a stopped handler hears nothing');
    });

    it('a node event handler that throws is logged, and the node carries on', async (t) => {
      if (guard(t)) return;
      const got: unknown[] = [];
      const stopBad = nodes[1]!.realtime.onNodeEvent('explode', () => {
        throw new Error('handler bug');
      });
      const stopGood = nodes[1]!.realtime.onNodeEvent('explode', (p) => void got.push(p));
      nodes[0]!.realtime.broadcastToNodes('explode', 1);
      await until('the second handler', () => got.length === 1);
      assert.ok(logged.some((l) => l.msg === 'node event handler failed' && l.event === 'explode'), 'the failure is logged with its event');
      stopBad();
      stopGood();
    });

    it('counts clients per node and across the cluster', async (t) => {
      if (guard(t)) return;
      const perNode = nodes.map((n) => n.realtime.clientCount());
      assert.ok(perNode.every((n) => n >= 1), `every node has its own browsers (${perNode.join(', ')})`);
      const total = await nodes[2]!.realtime.clusterClientCount();
      assert.deepEqual(total, { clients: perNode.reduce((x, y) => x + y, 0), nodes: 3, complete: true });
    });
  });
}

clusterSuite('redis', async () => {
  const skip = await requireService('Redis', REDIS_URL);
  // A key of its own: parallel test runs on one Redis never hear each other.
  return { skip, options: { redisUrl: REDIS_URL, redisKey: `bw-test-${hex()}` }, cleanup: async () => {} };
});

/** A database of its own: NOTIFY channels are per database, and the adapter adds a table. */
async function createTestDatabase(): Promise<{ database: string; url: string; admin: pg.Client; drop: () => Promise<void> }> {
  const database = `bw_rt_${hex()}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  };
  return { database, url: url.toString(), admin, drop };
}

clusterSuite('postgres', async () => {
  const skip = await requireService('PostgreSQL', PG_ADMIN_URL);
  if (skip) return { skip, options: {}, cleanup: async () => {} };
  const db = await createTestDatabase();
  return { skip: null, options: { databaseUrl: db.url }, cleanup: db.drop };
});

describe('PostgreSQL connections lost', () => {
  // A timeout: an unreleased dead listener made close() wait for ever (see cluster-adapter.ts).
  it('every node keeps serving its own browsers, and the listeners come back', { timeout: 30_000 }, async (t) => {
    const skip = await requireService('PostgreSQL', PG_ADMIN_URL);
    if (skip) return t.skip(skip);
    const db = await createTestDatabase();
    const nodes: Node[] = [];
    try {
      nodes.push(await startNode({ databaseUrl: db.url }), await startNode({ databaseUrl: db.url }));
      const [a, b] = nodes as [Node, Node];
      const onA = record(await client(a));
      const onB = record(await client(b));
      // Every session on the database ends, the listening ones included: what a restart does.
      const killed = await db.admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.database]);
      assert.ok(killed.rowCount! >= 2, 'both listeners were ended');
      for (let i = 0; i < 5; i++) a.realtime.emit('annotationsChanged', { id: 200 + i, change: 'added' });
      await until('local pushes on A', () => onA.length === 5, 2000);
      // The adapter listens again within about 2 s (its own reconnection timer).
      await until('a push from A on B after the listeners came back', () => {
        a.realtime.emit('annotationsChanged', { id: 999, change: 'added' });
        return onB.some((x) => x.id === 999);
      });
    } finally {
      for (const c of sockets.splice(0)) c.disconnect();
      for (const n of nodes) await n.realtime.close();
      await db.drop();
    }
  });
});

describe('the in-memory adapter (no Redis, no PostgreSQL)', () => {
  const nodes: Node[] = [];
  after(async () => {
    for (const c of sockets.splice(0)) c.disconnect();
    for (const n of nodes) await n.realtime.close();
  });

  it('stays a single node: pushes reach its own browsers only, node events are a no-op', async () => {
    nodes.push(await startNode({}), await startNode({}));
    const [a, b] = nodes as [Node, Node];
    assert.equal(a.realtime.clusterKind(), 'memory');
    const onA = record(await client(a));
    const onB = record(await client(b));
    const heard: unknown[] = [];
    b.realtime.onNodeEvent('metric-buckets-changed', (p) => void heard.push(p));
    a.realtime.onNodeEvent('metric-buckets-changed', (p) => void heard.push(p));
    a.realtime.broadcastToNodes('metric-buckets-changed', { scopes: ['global'] });
    a.realtime.emit('annotationsChanged', { id: 7, change: 'added' });
    await until('the push on A', () => onA.length === 1);
    await sleep(200);
    assert.deepEqual(onB, [], 'two memory nodes share nothing');
    assert.deepEqual(heard, []);
    assert.deepEqual(await a.realtime.clusterClientCount(), { clients: 1, nodes: 1, complete: true });
  });

  it('refuses node event names that are empty, spaced, too long or not strings', () => {
    const r = nodes[0]!.realtime;
    assert.throws(() => r.broadcastToNodes('', {}), /node event names/);
    assert.throws(() => r.onNodeEvent('a b', () => {}), /node event names/);
    assert.throws(() => r.onNodeEvent(`a${'x'.repeat(64)}`, () => {}), /node event names/);
    assert.throws(() => r.onNodeEvent(7 as unknown as string, () => {}), /node event names/);
  });
});

describe('Redis unreachable or lost', () => {
  it('a Redis URL on a closed port fails the attach at once with one clear error', async () => {
    const port = await freePort();
    const httpServer = http.createServer();
    const realtime = createRealtimeServer({ httpServer, logger: createSilentLogger(), getSnapshot: snapshot });
    const started = Date.now();
    await assert.rejects(realtime.attachCluster({ redisUrl: `redis://:secret@127.0.0.1:${port}` }), (err: Error) => {
      assert.ok(err instanceof ClusterAdapterError);
      assert.match(err.message, new RegExp(`^Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} cannot be reached \\(.*ECONNREFUSED.*\\): start Redis or fix BRINKWATCH_REDIS_URL$`));
      assert.doesNotMatch(err.message, /secret/);
      return true;
    });
    assert.ok(Date.now() - started < 3000, 'no hang');
    assert.equal(realtime.clusterKind(), 'memory');
    await realtime.close();
  });

  it('a lost Redis leaves every node serving its own browsers, and they rejoin when it is back', { timeout: 30_000 }, async (t) => {
    if (spawnSync('redis-server', ['--version']).status !== 0) return t.skip('redis-server is not installed: cannot stop and restart a Redis of our own');
    const port = await freePort();
    const startRedis = async (): Promise<ChildProcess> => {
      const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await until('our Redis', () => reachable(`redis://127.0.0.1:${port}`), 5000);
      return child;
    };
    let redis = await startRedis();
    const nodes: Node[] = [];
    try {
      const options = { redisUrl: `redis://127.0.0.1:${port}`, redisKey: `bw-test-${hex()}` };
      nodes.push(await startNode(options), await startNode(options));
      const [a, b] = nodes as [Node, Node];
      const onA = record(await client(a));
      const onB = record(await client(b));
      redis.kill('SIGKILL');
      await new Promise((r) => redis.once('exit', r));
      await sleep(200);
      for (let i = 0; i < 20; i++) a.realtime.emit('annotationsChanged', { id: 100 + i, change: 'added' });
      a.realtime.broadcastToNodes('metric-buckets-changed', { scopes: ['global'] });
      await until('local pushes on A', () => onA.length === 20, 2000);
      assert.equal(onB.length, 0, 'B cannot hear A without Redis');
      redis = await startRedis();
      // The clients reconnect (capped backoff, 3 s) and the subscriptions come back with them.
      await until(
        'a push from A on B after Redis came back',
        () => {
          a.realtime.emit('annotationsChanged', { id: 999, change: 'added' });
          return onB.some((x) => x.id === 999);
        },
        10_000,
      );
    } finally {
      for (const c of sockets.splice(0)) c.disconnect();
      for (const n of nodes) await n.realtime.close();
      redis.kill('SIGKILL');
    }
  });
});

describe('BRINKWATCH_REDIS_URL and BRINKWATCH_DATABASE_URL', () => {
  it('accepts redis://, rediss://, postgres:// and postgresql:// URLs', () => {
    const r = parseConfig({ BRINKWATCH_REDIS_URL: 'rediss://:pw@redis.internal:6380/2', BRINKWATCH_DATABASE_URL: 'postgresql://bw:pw@db:5432/brinkwatch' });
    assert.ok(r.ok);
    assert.equal(r.config.redisUrl, 'rediss://:pw@redis.internal:6380/2');
    assert.equal(r.config.databaseUrl, 'postgresql://bw:pw@db:5432/brinkwatch');
    const none = parseConfig({});
    assert.ok(none.ok);
    assert.equal(none.config.redisUrl, undefined);
    assert.equal(none.config.databaseUrl, undefined);
  });

  it('names each bad URL with the schemes it wants', () => {
    const r = parseConfig({ BRINKWATCH_REDIS_URL: 'http://redis:6379', BRINKWATCH_DATABASE_URL: 'mysql://db/x' });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.errors.length, 2);
    assert.match(r.errors.join('\n'), /BRINKWATCH_REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    assert.match(r.errors.join('\n'), /BRINKWATCH_DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
    assert.equal(parseConfig({ BRINKWATCH_REDIS_URL: 'redis://' }).ok, false, 'a URL without a host');
  });
});
