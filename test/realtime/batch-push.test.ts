import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import { createRealtimeServer, type RealtimeServer } from '../../server/realtime/realtime-server.ts';
import type { ScoredPush } from '../../server/realtime/statement-push.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * One push per scored batch (issue 16): a page that connects with push=batch gets one
 * batchScored (ids, statements, metrics) per batch and none of the per-statement events; a page
 * that does not gets those events as before. Real socket.io server and clients, real store.
 */
describe('batchScored: one push per scored batch', () => {
  let realtime: RealtimeServer;
  let url: string;
  let snapshots = 0;
  const sockets: Socket[] = [];
  const t = createTestApp({
    onScored: (batch) => realtime.publishScored({ ids: batch.ids, statements: batch.statements, metrics: { current: t.metrics.current(), scopes: batch.scopes } }),
  });

  before(async () => {
    const server = http.createServer(t.app);
    realtime = createRealtimeServer({
      httpServer: server,
      logger: t.logger,
      snapshotReuseMs: 60_000,
      getSnapshot: () => {
        snapshots++;
        return { statements: t.store.statements.list({ limit: 50 }), metrics: t.metrics.current() };
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const s of sockets) s.disconnect();
    await realtime.close();
    t.cleanup();
  });

  /** A connected client and every event it receives, in order. */
  async function page(query?: Record<string, string>): Promise<Array<[string, unknown]>> {
    const s = connect(url, { transports: ['websocket'], reconnection: false, ...(query ? { query } : {}) });
    sockets.push(s);
    const got: Array<[string, unknown]> = [];
    s.onAny((event: string, payload: unknown) => {
      if (event !== 'snapshot') got.push([event, payload]);
    });
    await new Promise((resolve) => s.once('snapshot', resolve));
    return got;
  }
  const settle = async (got: Array<Array<[string, unknown]>>, n: number) => {
    for (let i = 0; i < 200 && got.some((g) => g.length < n); i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100)); // anything extra would arrive within this
  };

  it('a small batch: one batchScored with the statements and metrics; per-statement events for the others', async () => {
    const batch = await page({ push: 'batch' });
    const each = await page();
    const other = await page({ push: 'something-else' });
    const r = t.ingest.ingest(
      [
        { text: 'Russia warned NATO it would strike supply convoys.', speaker: 'Russia' },
        { text: 'Iran accused Israel of an attack on its embassy.', speaker: 'Iran' },
      ],
      { origin: 'api' },
    );
    const ids = r.accepted.map((a) => a.id);
    await t.worker.runOnce();
    await settle([batch, each, other], 3);
    assert.deepEqual(batch.map(([e]) => e), ['batchScored']);
    const push = batch[0]![1] as ScoredPush;
    assert.deepEqual(push.ids, ids);
    assert.deepEqual(push.statements.map((s) => [s.id, s.status]), ids.map((id) => [id, 'scored']));
    assert.equal(push.metrics.current.windows['24h']!.count, 2);
    assert.ok(push.metrics.scopes.includes('global'));
    assert.equal(Object.keys(push)[0], 'ids', 'ids first: a reader that wants only them finds them at the start');
    for (const g of [each, other]) {
      assert.deepEqual(g.map(([e]) => e), ['statementScored', 'statementScored', 'metricsUpdated']);
      assert.deepEqual(g[2]![1], push.metrics);
    }
  });

  it('a batch over the push limit: ids only, in the one message', async () => {
    const batch = await page({ push: 'batch' });
    const each = await page();
    const r = t.ingest.ingest(
      Array.from({ length: 150 }, (_, i) => ({ text: `Bulk ${i}: China warned Taiwan over drills.`, speaker: 'China' })),
      { origin: 'cli' },
    );
    await t.worker.runOnce();
    await settle([batch, each], 2);
    assert.deepEqual(batch.map(([e]) => e), ['batchScored']);
    const push = batch[0]![1] as ScoredPush;
    assert.deepEqual(push.ids, r.accepted.map((a) => a.id));
    assert.deepEqual(push.statements, []);
    assert.deepEqual(each.map(([e]) => e), ['statementsScoredInBulk', 'metricsUpdated']);
  });

  it('pages connecting together share a snapshot until the next push, which makes a new one', async () => {
    const s1 = connect(url, { transports: ['websocket'], reconnection: false });
    const s2 = connect(url, { transports: ['websocket'], reconnection: false });
    sockets.push(s1, s2);
    const before = snapshots;
    const [a, b] = await Promise.all([s1, s2].map((s) => new Promise<{ statements: Array<{ id: number }> }>((resolve) => s.once('snapshot', resolve))));
    assert.equal(snapshots - before, 1, 'one snapshot built for both');
    assert.deepEqual(a, b);
    const r = t.ingest.ingest([{ text: 'NATO warned Russia over the drills.', speaker: 'NATO' }], { origin: 'api' });
    await t.worker.runOnce(); // its push drops the shared snapshot
    const s3 = connect(url, { transports: ['websocket'], reconnection: false });
    sockets.push(s3);
    const c = await new Promise<{ statements: Array<{ id: number }> }>((resolve) => s3.once('snapshot', resolve));
    assert.equal(snapshots - before, 2);
    assert.equal(c.statements[0]!.id, r.accepted[0]!.id, 'the new page sees the statement just pushed');
  });

  it('an empty batch pushes nothing', async () => {
    const batch = await page({ push: 'batch' });
    realtime.publishScored({ ids: [], statements: [], metrics: { current: t.metrics.current(), scopes: [] } });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(batch, []);
  });
});
