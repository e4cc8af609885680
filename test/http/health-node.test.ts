import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it, test } from 'node:test';
import { createLeadership, type Leadership } from '../../server/cluster/leadership.ts';
import { createNodeView, type NodeView } from '../../server/cluster/node-view.ts';
import { createSilentLogger } from '../../server/config/logger.ts';
import { assessHealth } from '../../server/health/assess-health.ts';
import { openApiDocument } from '../../server/http/openapi-document.ts';
import { createPrometheus } from '../../server/ops/prometheus.ts';
import { createOpsQueries } from '../../server/store/ops-queries.ts';
import { createTestDatabase } from '../cluster/pg-test-database.ts';
import { createTempStore } from '../helpers/temp-store.ts';
import { validate } from '../helpers/json-schema-check.ts';
import { startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';

const logger = createSilentLogger();
const doc = openApiDocument('t') as unknown as Record<string, unknown>;
const nodeSchema = { $ref: '#/components/schemas/Health/properties/node' };

describe('createNodeView(): the node object of /api/health', () => {
  it('follows the leadership and the realtime adapter at every call, and matches its schema', () => {
    let since: number | null = null;
    let realtime: NodeView['realtime'] = 'memory';
    const view = createNodeView({ nodeId: 'web-1', leadership: { isLeader: () => since !== null, leaderSince: () => since }, store: 'postgres', realtime: () => realtime });
    const follower = view();
    assert.deepEqual(follower, { id: 'web-1', leader: false, leaderSince: null, store: 'postgres', realtime: 'memory' });
    since = Date.UTC(2026, 11, 1, 22, 30);
    realtime = 'redis';
    const leader = view();
    assert.deepEqual(leader, { id: 'web-1', leader: true, leaderSince: '2026-12-01T22:30:00.000Z', store: 'postgres', realtime: 'redis' });
    for (const v of [follower, leader]) assert.deepEqual(validate(v, nodeSchema, doc), []);
    // The schema is closed and strict: it would catch a renamed or mistyped field.
    assert.deepEqual(validate({ ...leader, role: 'leader' }, nodeSchema, doc), ['$: "role" is not documented']);
    assert.deepEqual(validate({ ...leader, realtime: 'sqlite' }, nodeSchema, doc).length, 1);
    assert.deepEqual(validate({ ...leader, leaderSince: 5 }, nodeSchema, doc).length, 1);
  });

  it('a single node (no database URL) leads once started, with its start time', async () => {
    const leadership = createLeadership({ nodeId: 'solo', logger });
    const view = createNodeView({ nodeId: 'solo', leadership, store: 'sqlite', realtime: () => 'memory' });
    assert.equal(view().leader, false, 'not before start');
    const before = Date.now();
    await leadership.start();
    const v = view();
    assert.equal(v.leader, true);
    const at = Date.parse(v.leaderSince!);
    assert.ok(at >= before && at <= Date.now(), v.leaderSince!);
    await leadership.stop();
    assert.deepEqual({ leader: view().leader, leaderSince: view().leaderSince }, { leader: false, leaderSince: null });
  });
});

test('two nodes on PostgreSQL: only the lock holder says it leads; the other does once it takes over', async (t) => {
  const db = await createTestDatabase(t, 'bw_nodeview');
  if (!db) return;
  const lockKey = crypto.randomBytes(8).readBigInt64BE();
  const nodes: Leadership[] = ['nv-a', 'nv-b'].map((nodeId) => createLeadership({ databaseUrl: db.url, lockKey, nodeId, logger, checkEveryMs: 100 }));
  const views = nodes.map((l) => createNodeView({ nodeId: l.nodeId, leadership: l, store: 'postgres', realtime: () => 'postgres' }));
  try {
    await Promise.all(nodes.map((n) => n.start()));
    const holder = (await nodes[0]!.currentLeader())?.nodeId;
    const seen = views.map((v) => v());
    assert.deepEqual(seen.filter((v) => v.leader).map((v) => v.id), [holder], 'exactly the lock holder leads');
    for (const v of seen) assert.equal(v.leaderSince === null, !v.leader);
    const leaderAt = nodes.findIndex((n) => n.nodeId === holder);
    const other = 1 - leaderAt;
    await nodes[leaderAt]!.stop();
    const deadline = Date.now() + 5000;
    while (!views[other]!().leader && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(views[other]!().leader, true, 'the other node took over within 5 s');
    assert.equal(views[leaderAt]!().leader, false);
    assert.deepEqual(validate(views[other]!(), nodeSchema, doc), []);
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await db.drop();
  }
});

test('brinkwatch_leader follows isLeader, and is absent when no leadership is given', async () => {
  const t = createTempStore();
  try {
    let leads = true;
    const prometheus = createPrometheus({ queries: createOpsQueries(t.store.db), clientCount: () => 0, processMetrics: false, isLeader: () => leads });
    assert.match((await prometheus.render()).body, /^brinkwatch_leader 1$/m);
    leads = false;
    assert.match((await prometheus.render()).body, /^brinkwatch_leader 0$/m);
    const without = createPrometheus({ queries: createOpsQueries(t.store.db), clientCount: () => 0, processMetrics: false });
    assert.doesNotMatch((await without.render()).body, /brinkwatch_leader/);
  } finally {
    t.cleanup();
  }
});

describe('the real server (one node, SQLite): GET /api/health says which node answered', () => {
  let server: RunningServer;
  const nodeId = `hn-${crypto.randomBytes(4).toString('hex')}`;
  let startedAt = 0;
  before(async () => {
    startedAt = Date.now();
    server = await startServerProcess({ BRINKWATCH_NODE_ID: nodeId, BRINKWATCH_DEMO: 'off' });
  });
  after(async () => {
    await server?.stop();
  });

  it('node: its id, leader since its start, sqlite, memory; the whole answer valid against the served description', async () => {
    const served = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as Record<string, unknown>;
    const res = await fetch(`${server.url}/api/health`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { node: NodeView; reasons: unknown[] };
    const { leaderSince, ...rest } = body.node;
    assert.deepEqual(rest, { id: nodeId, leader: true, store: 'sqlite', realtime: 'memory' });
    const at = Date.parse(leaderSince ?? '');
    assert.ok(at >= startedAt && at <= Date.now(), `leaderSince ${leaderSince} within the process's life`);
    const health = { $ref: '#/components/schemas/Health' };
    assert.deepEqual(validate(body, health, served), []);
    // Reasons are objects, as assessHealth makes them (a failing answer must validate too).
    const failing = assessHealth({
      now: Date.now(),
      database: { file: '/d/x.db', probe: { ok: false, code: 'SQLITE_FULL', message: 'database or disk is full' } },
      oldestPending: null,
      feeds: { total: 0, failing: [] },
      deliveries: { pending: 0, oldestPendingAt: null, retrying: 0, deadSince: 0, lastError: null },
      disk: { path: '/d', freeBytes: 0, totalBytes: 1 },
    }, { scoreLagSeconds: 1, deliveryLagSeconds: 1, minFreeBytes: 1, deadWindowMs: 1 });
    assert.equal(failing.reasons.length, 2);
    assert.deepEqual(validate({ ...body, status: failing.status, reasons: failing.reasons }, health, served), []);
    const { node: _node, ...noNode } = body;
    assert.deepEqual(validate(noNode, health, served), ['$: missing required "node"']);
  });

  it('GET /metrics (loopback) has brinkwatch_leader 1', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(text, /^brinkwatch_leader 1$/m);
  });
});
