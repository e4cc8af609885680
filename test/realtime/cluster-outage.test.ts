import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { describe, it } from 'node:test';
import { createSilentLogger } from '../../server/config/logger.ts';
import { ClusterAdapterError } from '../../server/realtime/cluster-adapter.ts';
import { createRealtimeServer } from '../../server/realtime/realtime-server.ts';
import { client, createTestDatabase, freePort, hex, PG_ADMIN_URL, reachable, record, requireService, skipOrFail, sleep, snapshot, sockets, startNode, until, type Node } from './cluster-services.ts';

/**
 * Redis or PostgreSQL unreachable at start (a clear error, no hang) or lost later (every node
 * keeps serving its own browsers, and they rejoin): issue 16.
 */

describe('PostgreSQL connections lost', () => {
  // A timeout: an unreleased dead listener made close() wait for ever (see cluster-adapter.ts).
  it('every node keeps serving its own browsers, and the listeners come back', { timeout: 30_000 }, async (t) => {
    const skip = await requireService('PostgreSQL', PG_ADMIN_URL);
    if (skip) return skipOrFail(t, skip);
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

describe('Redis unreachable or lost', () => {
  it('a Redis URL on a closed port fails the attach at once with one clear error', async () => {
    const port = await freePort();
    const httpServer = http.createServer();
    const realtime = createRealtimeServer({ httpServer, logger: createSilentLogger(), getSnapshot: snapshot });
    await import('redis'); // loaded once (seconds on a busy machine): not part of what is timed
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
