import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createLeadership, type Leadership } from '../../server/cluster/leadership.ts';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createTestDatabase } from './pg-test-database.ts';
import { startProxy } from './tcp-proxy.ts';

const logger = createSilentLogger();
const here = path.dirname(fileURLToPath(import.meta.url));

/** A random advisory key per test: runs in parallel on one server never compete. */
function randomKey(): bigint {
  return crypto.randomBytes(8).readBigInt64BE();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 10 ms; resolves with the time it took, or rejects after `limitMs`. */
async function waitFor(cond: () => boolean, limitMs: number, what: string): Promise<number> {
  const started = performance.now();
  while (!cond()) {
    if (performance.now() - started > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await sleep(10);
  }
  return Math.round(performance.now() - started);
}

test('without a database this node always leads and no pg connection is made', async () => {
  const changes: boolean[] = [];
  const l = createLeadership({ nodeId: 'solo', logger, onChange: (v) => changes.push(v) });
  assert.equal(l.isLeader(), false, 'not before start');
  await l.start();
  assert.equal(l.isLeader(), true);
  assert.deepEqual(await l.currentLeader(), { nodeId: 'solo', pid: process.pid, connectedAt: l.leaderSince() });
  await l.stop();
  assert.equal(l.isLeader(), false);
  assert.deepEqual(changes, [true, false]);
});

test('refuses a node id PostgreSQL would truncate or a key outside int64', () => {
  assert.throws(() => createLeadership({ nodeId: 'x'.repeat(53), logger }), /invalid node id/);
  assert.throws(() => createLeadership({ nodeId: 'a b', logger }), /invalid node id/);
  assert.throws(() => createLeadership({ nodeId: 'ok', logger, lockKey: 2 ** 63 }), /safe integer/);
  assert.throws(() => createLeadership({ nodeId: 'ok', logger, lockKey: 2n ** 63n }), /64-bit/);
});

test('three nodes: exactly one leads; when its session is killed another leads within 2 checks', async (t) => {
  const db = await createTestDatabase(t, 'bw_leader');
  if (!db) return;
  const checkEveryMs = 300;
  const lockKey = randomKey();
  const nodes: Leadership[] = ['node-a', 'node-b', 'node-c'].map((nodeId) => createLeadership({ databaseUrl: db.url, lockKey, nodeId, logger, checkEveryMs }));
  const admin = new pg.Client({ connectionString: db.url });
  admin.on('error', () => {});
  // Sampled all along: never two leaders at once, as this process sees them.
  let maxLeaders = 0;
  const sampler = setInterval(() => (maxLeaders = Math.max(maxLeaders, nodes.filter((n) => n.isLeader()).length)), 5);
  try {
    await Promise.all(nodes.map((n) => n.start()));
    await admin.connect();
    const leaders = nodes.filter((n) => n.isLeader());
    assert.equal(leaders.length, 1, 'exactly one leader after start');
    const first = leaders[0]!;
    await sleep(checkEveryMs * 3);
    assert.equal(nodes.filter((n) => n.isLeader()).length, 1, 'still one after followers retried');
    assert.equal(first.isLeader(), true, 'the leader keeps the lead while its session lives');

    // Every node, and PostgreSQL itself, names the same leader.
    for (const n of nodes) assert.equal((await n.currentLeader())?.nodeId, first.nodeId);
    const holder = await first.currentLeader();
    const seen = await admin.query<{ application_name: string }>('SELECT application_name FROM pg_stat_activity WHERE pid = $1', [holder!.pid]);
    assert.equal(seen.rows[0]?.application_name, `brinkwatch:${first.nodeId}`);

    // The leader's session dies under it (as when its database connection breaks).
    assert.equal(maxLeaders, 1, 'never two leaders at once before the kill');
    await admin.query('SELECT pg_terminate_backend($1)', [holder!.pid]);
    const tookMs = await waitFor(() => nodes.some((n) => n !== first && n.isLeader()), checkEveryMs * 2, 'a follower takes over');
    t.diagnostic(`takeover after pg_terminate_backend: ${tookMs} ms (checkEveryMs ${checkEveryMs})`);
    assert.equal(first.isLeader(), false, 'the old leader knows it lost the lead');
    const second = nodes.find((n) => n.isLeader())!;

    // The old leader reconnects as a follower; the new one stays.
    await sleep(checkEveryMs * 4);
    assert.equal(nodes.filter((n) => n.isLeader()).length, 1);
    assert.equal(second.isLeader(), true);
    const reconnected = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1`, [`brinkwatch:${first.nodeId}`]);
    assert.equal(reconnected.rows[0]!.n, '1', 'the old leader reconnected');

    // A clean stop hands over at once (the session ends, the lock is free for the next check).
    await second.stop();
    assert.equal(second.isLeader(), false);
    await waitFor(() => nodes.some((n) => n !== second && n.isLeader()), checkEveryMs * 2, 'takeover after a clean stop');
    assert.equal(maxLeaders, 1, 'never two leaders at once');
  } finally {
    clearInterval(sampler);
    await Promise.all(nodes.map((n) => n.stop()));
    await admin.end().catch(() => {});
    await db.drop();
  }
});

test('a SIGKILLed leader process is replaced within 10 s', async (t) => {
  const db = await createTestDatabase(t, 'bw_leader_kill');
  if (!db) return;
  const lockKey = randomKey();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures', 'hold-leadership.ts')], {
    env: { ...process.env, LEADER_TEST_DATABASE_URL: db.url, LEADER_TEST_LOCK_KEY: String(lockKey), LEADER_TEST_NODE_ID: 'child-node' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let childOut = '';
  child.stdout.on('data', (d: Buffer) => (childOut += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  // The production default check interval: the issue promises a takeover within 10 s with it.
  const follower = createLeadership({ databaseUrl: db.url, lockKey, nodeId: 'survivor', logger });
  try {
    await waitFor(() => childOut.includes('leader\n'), 20_000, 'the child process leads');
    await follower.start();
    assert.equal(follower.isLeader(), false, 'the follower waits while the child leads');
    assert.equal((await follower.currentLeader())?.nodeId, 'child-node');

    child.kill('SIGKILL');
    const killedAt = performance.now();
    assert.equal(await exited, 'SIGKILL');
    await waitFor(() => follower.isLeader(), 10_000, 'the survivor takes over');
    const tookMs = Math.round(performance.now() - killedAt);
    t.diagnostic(`takeover after SIGKILL: ${tookMs} ms (checkEveryMs 2000)`);
    assert.ok(tookMs < 10_000);
    assert.equal((await follower.currentLeader())?.nodeId, 'survivor');
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await follower.stop();
    await db.drop();
  }
});

test('through a failing network: waits while unreachable, steps down when cut off or blackholed, reconnects', async (t) => {
  const db = await createTestDatabase(t, 'bw_leader_net');
  if (!db) return;
  const direct = new URL(db.url);
  const proxy = await startProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const viaProxy = new URL(db.url);
  viaProxy.port = String(proxy.port);
  const checkEveryMs = 200;
  const lockKey = randomKey();
  const changes: boolean[] = [];
  const flaky = createLeadership({ databaseUrl: viaProxy.toString(), lockKey, nodeId: 'flaky', logger, checkEveryMs, onChange: (v) => changes.push(v) });
  const steady = createLeadership({ databaseUrl: db.url, lockKey, nodeId: 'steady', logger, checkEveryMs });
  try {
    proxy.mode('refuse');
    await flaky.start(); // resolves: an unreachable database is retried, not thrown
    assert.equal(flaky.isLeader(), false);
    await sleep(600);
    proxy.mode('pass');
    t.diagnostic(`leader ${await waitFor(() => flaky.isLeader(), 5000, 'leads once the database is reachable')} ms after the network came back`);

    await steady.start();
    assert.equal(steady.isLeader(), false);
    // Cut: both ends see the close, so PostgreSQL frees the lock and the other node takes it.
    proxy.cut();
    await waitFor(() => !flaky.isLeader(), 100, 'steps down at once on a closed connection');
    // Within a few checks: PostgreSQL must first end the cut session, which on a loaded machine
    // (CI with other suites running) took longer than 600 ms once.
    await waitFor(() => steady.isLeader(), 3000, 'the other node takes over');
    await sleep(1500); // flaky reconnects (backoff from 250 ms) and stays a follower
    assert.equal(flaky.isLeader(), false);
    assert.equal((await steady.currentLeader())?.nodeId, 'steady');

    // Slow, not lost, with flaky leading: one check answered after its 1 s timeout is ridden
    // out (the session still holds the lock); flaky keeps leading and steady stays a follower.
    await steady.stop();
    await waitFor(() => flaky.isLeader(), 5000, 'flaky leads again');
    await steady.start();
    proxy.mode('delay', 1300);
    const slowUntil = Date.now() + 1600;
    while (Date.now() < slowUntil) {
      assert.equal(flaky.isLeader(), true, 'a slow check does not make the leader step down');
      assert.equal(steady.isLeader(), false);
      await sleep(20);
    }
    proxy.mode('pass');
    await sleep(2000); // the held answers drain (in order) and a check succeeds again
    assert.equal(flaky.isLeader(), true);
    assert.equal(steady.isLeader(), false);

    // Blackhole with flaky leading: its checks time out, so after the tolerated ones it stops
    // believing it leads even though PostgreSQL, which still sees a live socket, has not freed the lock.
    await steady.stop();
    proxy.mode('blackhole');
    const steppedDown = await waitFor(() => !flaky.isLeader(), 3 * (checkEveryMs + 1000) + 500, 'steps down when its checks hang');
    t.diagnostic(`stepped down ${steppedDown} ms into the blackhole (check every ${checkEveryMs} ms, query timeout 1000 ms, 2 slow checks tolerated)`);
    assert.ok(steppedDown >= 2 * 1000, `two timed-out checks are ridden out before stepping down (stepped down after ${steppedDown} ms)`);
    assert.deepEqual(changes, [true, false, true, false]);
  } finally {
    await Promise.all([flaky.stop(), steady.stop()]);
    await proxy.close();
    await db.drop();
  }
});
