import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { createNotifier } from '../../server/alerts/notifier.ts';
import { createSilentLogger } from '../../server/config/logger.ts';
import { assessHealth, type HealthFacts, type HealthThresholds } from '../../server/health/assess-health.ts';
import { createHealthService, type HealthView } from '../../server/health/health-service.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { createFeedService } from '../../server/ingest/feed-service.ts';
import { createIngestService } from '../../server/ingest/ingest-service.ts';
import { createUrlGuard } from '../../server/ingest/url-guard.ts';
import { createScoreWorker } from '../../server/jobs/score-job.ts';
import { createHealthQueries } from '../../server/store/health-queries.ts';
import { createFeedsRepo } from '../../server/store/feeds-repo.ts';
import { ensureStatusCounts } from '../../server/store/status-counts.ts';
import { createTestAlerts, addScored, MIN } from '../alerts/fixtures.ts';
import { startFeedServer } from '../ingest/feed-test-server.ts';
import { testLanguageGate, testScorer } from '../helpers/test-app.ts';
import { createTempStore, TEST_STORE } from '../helpers/temp-store.ts';

const T: HealthThresholds = { scoreLagSeconds: 120, deliveryLagSeconds: 600, minFreeBytes: 1 << 20, deadWindowMs: 86_400_000 };
const NOW = Date.UTC(2026, 5, 1, 12);
const facts = (over: Partial<HealthFacts> = {}): HealthFacts => ({
  now: NOW,
  database: { file: '/d/brinkwatch.db', probe: { ok: true } },
  oldestPending: null,
  feeds: { total: 2, failing: [] },
  deliveries: { pending: 0, oldestPendingAt: null, retrying: 0, deadSince: 0, lastError: null },
  disk: { path: '/d', freeBytes: 10 << 20, totalBytes: 100 << 20 },
  ...over,
});

describe('assessHealth(): status and reasons from facts', () => {
  const rows: Array<[string, Partial<HealthFacts>, string, string[]]> = [
    ['nothing wrong is ok', {}, 'ok', []],
    ['a database that refuses writes is failing', { database: { file: '/d/x.db', probe: { ok: false, code: 'SQLITE_READONLY', message: 'attempt to write a readonly database' } } }, 'failing', ['database-not-writable']],
    ['a busy database (another writer) is not a finding', { database: { file: '/d/x.db', probe: { ok: 'busy' } } }, 'ok', []],
    ['a pending statement within the lag is ok', { oldestPending: { id: 7, receivedAt: NOW - 120_000 } }, 'ok', []],
    ['a pending statement older than the lag is degraded', { oldestPending: { id: 7, receivedAt: NOW - 120_001 } }, 'degraded', ['scoring-behind']],
    ['a failing feed is degraded', { feeds: { total: 3, failing: [{ id: 1, name: 'Wire', consecutiveFailures: 2, lastErrorCode: 'http-error', lastError: 'HTTP 500', lastErrorAt: NOW }] } }, 'degraded', ['feeds-failing']],
    ['a dead delivery is degraded', { deliveries: { pending: 0, oldestPendingAt: null, retrying: 0, deadSince: 1, lastError: 'HTTP 500' } }, 'degraded', ['deliveries-dead']],
    ['a retrying delivery is degraded', { deliveries: { pending: 1, oldestPendingAt: NOW - 1000, retrying: 1, deadSince: 0, lastError: 'ECONNREFUSED' } }, 'degraded', ['deliveries-backlog']],
    ['a delivery waiting past the lag is degraded', { deliveries: { pending: 4, oldestPendingAt: NOW - 600_001, retrying: 0, deadSince: 0, lastError: null } }, 'degraded', ['deliveries-backlog']],
    ['a fresh delivery is ok', { deliveries: { pending: 4, oldestPendingAt: NOW - 5000, retrying: 0, deadSince: 0, lastError: null } }, 'ok', []],
    ['a nearly full disk is degraded', { disk: { path: '/d', freeBytes: (1 << 20) - 1, totalBytes: 100 << 20 } }, 'degraded', ['disk-nearly-full']],
    ['an unreadable disk is degraded', { disk: { path: '/d', error: 'ENOENT' } }, 'degraded', ['disk-unknown']],
    ['failing wins over degraded, and every reason is listed', {
      database: { file: '/d/x.db', probe: { ok: false, code: 'SQLITE_FULL', message: 'database or disk is full' } },
      disk: { path: '/d', freeBytes: 0, totalBytes: 100 << 20 },
    }, 'failing', ['database-not-writable', 'disk-nearly-full']],
  ];
  for (const [name, over, status, codes] of rows) {
    it(name, () => {
      const a = assessHealth(facts(over), T);
      assert.equal(a.status, status);
      assert.deepEqual(a.reasons.map((r) => r.code), codes);
      for (const r of a.reasons) assert.ok(r.message.length > 20, `a message a person can read: ${r.message}`);
    });
  }
  it('names the feeds and the figures in the messages', () => {
    const a = assessHealth(facts({ feeds: { total: 3, failing: [{ id: 1, name: 'Broken Wire', consecutiveFailures: 3, lastErrorCode: 'parse-error', lastError: 'x', lastErrorAt: NOW }] } }), T);
    assert.equal(a.reasons[0]!.message, '1 of 3 feeds failing: Broken Wire (parse-error, 3 failures in a row).');
    const lag = assessHealth(facts({ oldestPending: { id: 9, receivedAt: NOW - 600_000 } }), T);
    assert.match(lag.reasons[0]!.message, /#9\) has waited 10 min \(more than 2 min\)/);
  });
});

/** A real local webhook receiver answering every request with `status`. */
async function startReceiver(status: number) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status).end('no'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function chattr(flag: '+i' | '-i', ...files: string[]): string | null {
  const r = spawnSync('chattr', [flag, ...files], { encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr || r.error?.message || `exit ${r.status}`).trim();
}

describe('GET /api/health on a real store', () => {
  const t = createTempStore();
  after(() => t.cleanup());
  const clock = { now: Date.now() };
  const pushed: HealthView[] = [];
  const health = createHealthService({
    queries: createHealthQueries(t.store.db),
    databaseFile: t.store.file,
    dataDir: t.dir,
    thresholds: { ...T, minFreeBytes: 0 },
    logger: createSilentLogger(),
    now: () => clock.now,
    onChanged: (v) => pushed.push(v),
  });
  const app = createHttpApp({
    logger: createSilentLogger(),
    clientDir: '/nonexistent',
    routers: [],
    health: () => ({ ...health.current(), statements: health.statementCounts() }),
  });
  const codes = (v: { reasons: Array<{ code: string }> }) => v.reasons.map((r) => r.code);

  it('is ok on a fresh database, with exact counts by status', async () => {
    assert.equal(health.refresh().status, 'ok');
    const res = await request(app).get('/api/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ok');
    assert.deepEqual(res.body.reasons, []);
    assert.deepEqual(res.body.statements, { pending: 0, scored: 0, failed: 0 });
    assert.equal(res.body.checks.database.writable, true);
    assert.equal(res.body.checks.database.engine, TEST_STORE);
    if (TEST_STORE === 'postgres') {
      // No file to check: the server's URL (no password), its size, and the disk check marked as not run.
      assert.match(res.body.checks.database.file, /^postgres:\/\//);
      assert.ok(res.body.checks.database.sizeBytes > 1_000_000, `pg_database_size: ${res.body.checks.database.sizeBytes}`);
      assert.deepEqual(res.body.checks.disk, { path: 'postgres', checked: false, freeBytes: null, totalBytes: null, thresholdBytes: 0 });
    } else {
      assert.equal(res.body.checks.database.file, t.store.file);
      assert.equal(res.body.checks.database.sizeBytes, null);
      assert.equal(res.body.checks.disk.checked, true);
    }
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('counts by status equal a full GROUP BY after inserts, scoring, failures, deletes and a lost trigger', async () => {
    const ingest = createIngestService({ store: t.store, now: () => clock.now });
    const items = Array.from({ length: 40 }, (_, i) => ({ text: `Statement ${i} warns of strikes.`, externalId: `count-${i}` }));
    ingest.ingest(items, { origin: 'api' });
    ingest.ingest(items.slice(0, 5), { origin: 'api' }); // duplicates change nothing
    await createScoreWorker({ store: t.store, scorer: testScorer(), language: testLanguageGate(), logger: createSilentLogger(), now: () => clock.now }).runOnce();
    ingest.ingest([{ text: 'Still pending.', externalId: 'count-p' }], { origin: 'api' });
    // By its external id: PostgreSQL spends a sequence number on each duplicate the insert skips.
    const stillPending = t.store.db.prepare(`SELECT id FROM statements WHERE external_id = 'count-p'`).pluck().get() as number;
    t.store.statements.markFailed(stillPending, 'test');
    t.store.db.prepare('DELETE FROM statements WHERE id IN (1, 2)').run();
    const brute = () => {
      const out: Record<string, number> = { pending: 0, scored: 0, failed: 0 };
      for (const r of t.store.db.prepare('SELECT status, COUNT(*) AS n FROM statements GROUP BY status').all() as Array<{ status: string; n: number }>) out[r.status] = r.n;
      return out;
    };
    assert.deepEqual(health.statementCounts(), brute());
    assert.deepEqual(health.statementCounts(), { pending: 0, scored: 38, failed: 1 });
    // A SQLite migration that rebuilds the table drops its triggers: the next open recounts.
    // (PostgreSQL's counting triggers live in its own schema, 001-schema.sql, and no migration rebuilds a table.)
    if (TEST_STORE === 'sqlite') {
      t.store.db.exec('DROP TRIGGER statements_lang_count_update');
      assert.equal(ensureStatusCounts(t.store.db), true);
    }
    ingest.ingest([{ text: 'After the repair.', externalId: 'count-r' }], { origin: 'api' });
    assert.deepEqual(health.statementCounts(), brute());
    await createScoreWorker({ store: t.store, scorer: testScorer(), language: testLanguageGate(), logger: createSilentLogger(), now: () => clock.now }).runOnce();
    assert.deepEqual(health.statementCounts(), { pending: 0, scored: 39, failed: 1 });
  });

  it('is degraded while the oldest pending statement has waited longer than the lag, ok once scored', async () => {
    const ingest = createIngestService({ store: t.store, now: () => clock.now - 10 * MIN });
    ingest.ingest([{ text: 'Waiting for the scorer.', externalId: 'lag-1' }], { origin: 'api' });
    const v = health.refresh();
    assert.equal(v.status, 'degraded');
    assert.deepEqual(codes(v), ['scoring-behind']);
    assert.equal(v.checks.scoring.lagSeconds, 600);
    const res = await request(app).get('/api/health');
    assert.equal(res.status, 200, 'degraded still answers 200');
    assert.equal(res.body.reasons[0].code, 'scoring-behind');
    await createScoreWorker({ store: t.store, scorer: testScorer(), language: testLanguageGate(), logger: createSilentLogger() }).runOnce();
    assert.equal(health.refresh().status, 'ok');
  });

  it('is degraded by a feed whose server serves garbage, and ok again once it recovers', async () => {
    const feedServer = await startFeedServer();
    try {
      const feeds = createFeedService({ store: t.store, ingest: createIngestService({ store: t.store }), guard: createUrlGuard({ enabled: false }), logger: createSilentLogger() });
      const added = feeds.add({ name: 'Garbage Wire', url: feedServer.url('/garbage'), intervalSeconds: 60 });
      assert.ok(added.ok);
      feedServer.override('/garbage', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end('\u0000\u00ff this is not XML <<<');
      });
      await feeds.pollDue();
      const v = health.refresh();
      assert.equal(v.status, 'degraded');
      assert.deepEqual(codes(v), ['feeds-failing']);
      assert.match(v.reasons[0]!.message, /1 of 1 feed failing: Garbage Wire \(/);
      assert.equal(pushed.at(-1)!.status, 'degraded', 'the change is pushed');
      feedServer.override('/garbage', null);
      feedServer.override('/garbage', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>');
      });
      createFeedsRepo(t.store.db).list().forEach((f) => t.store.db.prepare('UPDATE feeds SET next_attempt_at = 0 WHERE id = ?').run(f.id));
      await feeds.pollDue();
      assert.equal(health.refresh().status, 'ok');
      t.store.db.prepare('DELETE FROM feeds').run();
    } finally {
      await feedServer.close();
    }
  });

  it('is degraded while a webhook receiver fails (backlog), then by the dead delivery', async () => {
    const receiver = await startReceiver(500);
    try {
      const { alerts, clock: alertClock } = createTestAlerts(t.store);
      alertClock.now = clock.now;
      const rule = await alerts.createRule({ name: 'hook', scope: 'global', window: '1h', threshold: 50, recoverBelow: 40, minStatements: 1, channels: [{ type: 'webhook', url: receiver.url }] });
      assert.ok(rule.ok);
      addScored(t.store, { occurredAt: clock.now - MIN, score: 90 });
      assert.equal(alerts.evaluate().deliveries, 1);
      const notifier = createNotifier({ store: t.store, logger: createSilentLogger(), now: () => clock.now, options: { baseDelayMs: 1000, maxDelayMs: 1000, maxAttempts: 2, timeoutMs: 2000 } });
      assert.equal(health.refresh().status, 'ok', 'a fresh delivery waiting is normal');
      assert.deepEqual(await notifier.runOnce(), { delivered: 0, retry: 1, dead: 0 });
      let v = health.refresh();
      assert.deepEqual(codes(v), ['deliveries-backlog']);
      assert.match(v.reasons[0]!.message, /1 alert notification waiting, 1 failed and retrying/);
      clock.now += 1000;
      assert.deepEqual(await notifier.runOnce(), { delivered: 0, retry: 0, dead: 1 });
      v = health.refresh();
      assert.equal(v.status, 'degraded');
      assert.deepEqual(codes(v), ['deliveries-dead']);
      assert.match(v.reasons[0]!.message, /HTTP 500/);
      assert.equal(v.checks.deliveries.deadRecently, 1);
      // A dead delivery counts for 24 hours, not forever.
      clock.now += 86_400_000 + 1;
      assert.equal(health.refresh().status, 'ok');
      notifier.close();
    } finally {
      await receiver.close();
    }
  });

  it('a connection busy iterating a query is not an unwritable database', () => {
    const before = health.refresh();
    const cursor = t.store.db.prepare('SELECT id FROM statements').iterate();
    cursor.next();
    try {
      const v = health.refresh();
      assert.equal(v.status, before.status);
      assert.deepEqual(codes(v), codes(before));
    } finally {
      cursor.return?.();
    }
    health.stop();
  });

  it('is degraded when the data folder has less free space than the threshold (real statfs)', { skip: TEST_STORE === 'postgres' ? 'SQLite only: on PostgreSQL the database is not in the data folder (see the next test)' : false }, () => {
    const tight = createHealthService({
      queries: createHealthQueries(t.store.db),
      databaseFile: t.store.file,
      dataDir: t.dir,
      thresholds: { ...T, minFreeBytes: Number.MAX_SAFE_INTEGER },
      logger: createSilentLogger(),
    });
    const v = tight.refresh();
    assert.ok(codes(v).includes('disk-nearly-full'), codes(v).join());
    assert.ok((v.checks.disk.freeBytes ?? 0) > 0);
  });

  it('on PostgreSQL: no disk check, and failing (503) while the server refuses writes (a read-only session, as on a standby)', { skip: TEST_STORE === 'postgres' ? false : 'PostgreSQL only' }, async () => {
    const tight = createHealthService({
      queries: createHealthQueries(t.store.db),
      databaseFile: '/not/used/on/postgres.db',
      dataDir: t.dir,
      thresholds: { ...T, minFreeBytes: Number.MAX_SAFE_INTEGER },
      logger: createSilentLogger(),
      now: () => clock.now,
    });
    const v = tight.refresh();
    assert.deepEqual(codes(v), [], 'a huge free-space threshold does not matter: the disk is the PostgreSQL server\'s');
    assert.equal(v.checks.disk.checked, false);
    assert.equal(v.checks.database.file, t.store.file);
    t.store.db.exec('SET default_transaction_read_only = on');
    try {
      const failing = health.refresh();
      assert.equal(failing.status, 'failing');
      assert.deepEqual(codes(failing), ['database-not-writable']);
      assert.match(failing.reasons[0]!.message, /does not take writes \(25006: .*read-only.*Check the PostgreSQL server/);
      const res = await request(app).get('/api/health');
      assert.equal(res.status, 503);
      assert.equal(res.body.checks.database.writable, false);
      assert.equal(pushed.at(-1)!.status, 'failing');
    } finally {
      t.store.db.exec('SET default_transaction_read_only = off');
    }
    assert.equal(health.refresh().status, 'ok');
  });

  // Root ignores permission bits, so an immutable database file (chattr +i, ext2/3/4, XFS,
  // btrfs) is what really refuses writes here: the kernel refuses them even through the file
  // descriptors SQLite already holds.
  const blocked = TEST_STORE === 'postgres' ? 'SQLite only: the database is not a file here' : chattr('+i', t.store.file);
  if (blocked === null) chattr('-i', t.store.file);
  it('turns failing (503) when the database stops taking writes while running, ok again after', { skip: blocked ? (TEST_STORE === 'postgres' ? blocked : `chattr +i is not available here (${blocked}): cannot make the database unwritable`) : false }, async () => {
    const files = [t.store.file, `${t.store.file}-wal`];
    assert.equal(chattr('+i', ...files), null);
    try {
      const v = health.refresh();
      assert.equal(v.status, 'failing');
      assert.deepEqual(codes(v), ['database-not-writable']);
      assert.match(v.reasons[0]!.message, /does not take writes \(SQLITE_/);
      const res = await request(app).get('/api/health');
      assert.equal(res.status, 503);
      assert.equal(res.body.status, 'failing');
      assert.equal(res.body.checks.database.writable, false);
      assert.equal(pushed.at(-1)!.status, 'failing');
    } finally {
      chattr('-i', ...files);
    }
    assert.equal(health.refresh().status, 'ok');
  });
});
