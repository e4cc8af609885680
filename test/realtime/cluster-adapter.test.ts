import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { parseConfig } from '../../server/config/config.ts';
import type { ClusterAdapterOptions } from '../../server/realtime/cluster-adapter.ts';
import type { StatementView } from '../../server/store/statement-types.ts';
import { client, createTestDatabase, hex, logged, PG_ADMIN_URL, record, REDIS_URL, requireService, skipOrFail, sleep, sockets, startNode, until, type Node } from './cluster-services.ts';

/**
 * Three socket.io servers in one process, each on its own port, joined through real Redis and
 * real PostgreSQL (issue 16); and the in-memory adapter, unchanged. Outages: cluster-outage.test.ts.
 */

/** The same checks for each adapter that joins nodes. */
function clusterSuite(name: 'redis' | 'postgres', setup: () => Promise<{ skip: string | null; options: Omit<ClusterAdapterOptions, 'logger'>; cleanup: () => Promise<void> }>) {
  describe(`three nodes joined through the ${name} adapter`, () => {
    let skip: string | null = null;
    let cleanup = async () => {};
    const nodes: Node[] = [];
    const guard = (t: TestContext) => {
      if (skip) skipOrFail(t, skip);
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

    it('a scored batch published on A reaches every browser once, in the form each asked for', async (t) => {
      if (guard(t)) return;
      const [a, , c] = nodes as [Node, Node, Node];
      const batchOnA = await client(a, 'batch');
      const batchOnC = await client(c, 'batch');
      const eachOnC = await client(c);
      const batches = [batchOnA, batchOnC].map((s) => {
        const got: Array<{ ids: number[]; metrics: { scopes: string[] } }> = [];
        s.on('batchScored', (b: (typeof got)[number]) => got.push(b));
        s.on('statementScored', () => got.push({ ids: [-1], metrics: { scopes: [] } }));
        return got;
      });
      const each: string[] = [];
      eachOnC.on('statementScored', (s: { id: number }) => each.push(`statement ${s.id}`));
      eachOnC.on('metricsUpdated', (m: { scopes: string[] }) => each.push(`metrics ${m.scopes.join(',')}`));
      eachOnC.on('batchScored', () => each.push('batch'));
      const metrics = { current: { at: '2026-12-01T21:00:00.000Z', scope: 'global', minStatements: 3, windows: {} }, scopes: ['global'] };
      const statement = { id: 901, text: 'x' } as unknown as StatementView;
      a.realtime.publishScored({ ids: [901], statements: [statement], metrics });
      await until('the batch on A and C, the events on C', () => batches.every((g) => g.length > 0) && each.length >= 2);
      await sleep(300); // a duplicate would arrive within this
      for (const got of batches) assert.deepEqual(got.map((b) => [b.ids, b.metrics.scopes]), [[[901], ['global']]], 'one batchScored, no statementScored');
      assert.deepEqual(each, ['statement 901', 'metrics global'], 'a page that did not ask for batches gets the per-statement events, in order');
    });

    it('a scored batch leaves for the other nodes before A writes it to its own pages', async (t) => {
      if (guard(t)) return;
      const a = nodes[0]!;
      await client(a, 'batch');
      // The adapter's two doors: serverSideEmit (to the other nodes) and broadcast (to this node's sockets).
      type Door = (this: unknown, ...args: any[]) => unknown;
      const adapter = a.realtime.io.of('/').adapter as unknown as { serverSideEmit: Door; broadcast: Door };
      const { serverSideEmit, broadcast } = adapter;
      const order: string[] = [];
      adapter.serverSideEmit = function (...args) {
        if ((args[0] as unknown[])[0] === 'node:scored') order.push('other nodes');
        return serverSideEmit.apply(this, args);
      };
      adapter.broadcast = function (...args) {
        if ((args[0] as { data?: unknown[] }).data?.[0] === 'batchScored') order.push('own pages');
        return broadcast.apply(this, args);
      };
      try {
        const metrics = { current: { at: '2026-12-01T21:00:00.000Z', scope: 'global', minStatements: 3, windows: {} }, scopes: ['global'] };
        a.realtime.publishScored({ ids: [902], statements: [{ id: 902, text: 'x' } as unknown as StatementView], metrics });
        await until('the push to A\'s own pages', () => order.includes('own pages'));
        assert.deepEqual(order, ['other nodes', 'own pages']);
      } finally {
        adapter.serverSideEmit = serverSideEmit;
        adapter.broadcast = broadcast;
      }
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

clusterSuite('postgres', async () => {
  const skip = await requireService('PostgreSQL', PG_ADMIN_URL);
  if (skip) return { skip, options: {}, cleanup: async () => {} };
  const db = await createTestDatabase();
  return { skip: null, options: { databaseUrl: db.url }, cleanup: db.drop };
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

it('installations sharing a Redis get channels of their own database (host, port, name; never the password)', async () => {
  const { installationRedisKey } = await import('../../server/realtime/cluster-adapter.ts');
  assert.equal(installationRedisKey('postgres://u:secret@db.internal:5433/brink'), 'brinkwatch:db.internal:5433/brink');
  assert.equal(installationRedisKey('postgres://db.internal/other'), 'brinkwatch:db.internal:5432/other');
  assert.notEqual(installationRedisKey('postgres://db/a'), installationRedisKey('postgres://db/b'));
  assert.equal(installationRedisKey(undefined), 'brinkwatch');
});

