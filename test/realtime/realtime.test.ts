import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import { createRealtimeServer, type RealtimeServer, type Snapshot } from '../../server/realtime/realtime-server.ts';
import { publishScoredBatch } from '../../server/realtime/statement-push.ts';
import type { StatementView } from '../../server/store/statements-repo.ts';
import request from 'supertest';
import { TEST_TOKEN } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

describe('realtime over a real socket.io connection', () => {
  let realtime: RealtimeServer;
  let url: string;
  const clients: Socket[] = [];
  const t = createTestApp({
    onScored: (batch) => {
      publishScoredBatch(realtime.emit, batch);
      realtime.emit('metricsUpdated', { current: t.metrics.current(), scopes: batch.scopes });
    },
  });

  before(async () => {
    const server = http.createServer(t.app);
    realtime = createRealtimeServer({
      httpServer: server,
      logger: t.logger,
      getSnapshot: () => ({ statements: t.store.statements.list({ limit: 50 }), metrics: t.metrics.current() }),
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await realtime.close();
    t.cleanup();
  });

  const client = () => {
    const c = connect(url, { transports: ['websocket'], reconnection: false });
    clients.push(c);
    return c;
  };

  it('sends a snapshot first to a new client', async () => {
    t.ingest.ingest([{ text: 'Existing statement before connect.' }], { origin: 'api' });
    await t.worker.runOnce();
    const c = client();
    const snap = await new Promise<Snapshot>((resolve) => c.once('snapshot', resolve));
    assert.equal(snap.statements.length, 1);
    assert.equal(snap.statements[0]!.status, 'scored');
    assert.equal(snap.metrics.windows['24h']!.count, 1);
  });

  it('pushes statementScored and metricsUpdated after the row is committed', async () => {
    const c = client();
    await new Promise((resolve) => c.once('snapshot', resolve));
    const scored = new Promise<StatementView>((resolve) => c.once('statementScored', resolve));
    const metrics = new Promise<{ scopes: string[] }>((resolve) => c.once('metricsUpdated', resolve));
    const { accepted } = t.ingest.ingest([{ text: 'The army will attack the bridge at dawn.', speaker: 'Ruritania' }], { origin: 'api' });
    await t.worker.runOnce();
    const s = await scored;
    assert.equal(s.id, accepted[0]!.id);
    assert.equal(s.status, 'scored');
    assert.equal(t.store.statements.get(s.id)!.score, s.score, 'the pushed score is the stored one');
    const m = await metrics;
    assert.ok(m.scopes.includes('global'));
  });

  /** Collects every id a client learns of, one by one or in bulk, until `until` resolves. */
  function collectIds(c: Socket) {
    const ids: number[] = [];
    const full: StatementView[] = [];
    c.on('statementScored', (s) => {
      ids.push(s.id);
      full.push(s);
    });
    c.on('statementsScoredInBulk', (b: { ids: number[] }) => ids.push(...b.ids));
    return { ids, full };
  }

  async function connected(): Promise<Socket> {
    const c = client();
    await new Promise((resolve) => c.once('snapshot', resolve));
    return c;
  }

  it('a 600-statement POST reaches the client in full: every id, once', async () => {
    const c = await connected();
    const seen = collectIds(c);
    const statements = Array.from({ length: 600 }, (_, i) => ({ text: `Statement ${i}: Russia warned Poland it would strike, officials said.`, speaker: 'Russia' }));
    const res = await request(t.app).post('/api/statements').set('authorization', `Bearer ${TEST_TOKEN}`).send({ statements });
    assert.equal(res.status, 202);
    const accepted = (res.body.accepted as Array<{ id: number }>).map((a) => a.id);
    assert.equal(accepted.length, 600);
    const metrics = new Promise((resolve) => c.once('metricsUpdated', resolve));
    const run = await t.worker.runOnce();
    assert.equal(run.scored, 600);
    await metrics; // emitted after the statements of its batch: everything has arrived
    assert.deepEqual([...seen.ids].sort((a, b) => a - b), [...accepted].sort((a, b) => a - b), 'every id');
    assert.equal(new Set(seen.ids).size, seen.ids.length, 'each once');
    // Every id announced is a committed, scored row.
    for (const id of seen.ids) assert.equal(t.store.statements.get(id)!.status, 'scored');
  });

  it('a small batch is pushed one by one, in full', async () => {
    const c = await connected();
    const seen = collectIds(c);
    const { accepted } = t.ingest.ingest(
      Array.from({ length: 7 }, (_, i) => ({ text: `Small batch ${i}: talks resume in Geneva.` })),
      { origin: 'api' },
    );
    const metrics = new Promise((resolve) => c.once('metricsUpdated', resolve));
    await t.worker.runOnce();
    await metrics;
    assert.deepEqual(seen.full.map((s) => s.id), accepted.map((a) => a.id));
    assert.ok(seen.full.every((s) => s.status === 'scored' && s.text.startsWith('Small batch')));
  });

  it('a backfill of 10,000 pending statements reaches the client in full, in bulk, every id once', async () => {
    const c = await connected();
    const seen = collectIds(c);
    const ids: number[] = [];
    for (let k = 0; k < 10; k++) {
      const r = t.ingest.ingest(
        Array.from({ length: 1000 }, (_, i) => ({ text: `Backfill ${k * 1000 + i}: Iran accused Israel of an attack.`, speaker: 'Iran' })),
        { origin: 'cli' },
      );
      ids.push(...r.accepted.map((a) => a.id));
    }
    let scored = 0;
    let updates = 0;
    c.on('metricsUpdated', () => updates++);
    let batches = 0;
    while (scored < 10_000) {
      const run = await t.worker.runOnce();
      assert.ok(run.scored > 0, 'the worker makes progress');
      scored += run.scored;
      batches += run.batches;
    }
    // One metricsUpdated per batch, each emitted after its batch's ids.
    for (let i = 0; i < 200 && updates < batches; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(updates, batches);
    assert.equal(seen.full.length, 0, 'no full statement pushed for a batch of 1,000');
    assert.deepEqual([...seen.ids].sort((a, b) => a - b), ids);
    assert.equal(new Set(seen.ids).size, 10_000);
  });

  it('acknowledges a ping request', async () => {
    const c = client();
    const ack = await new Promise<{ ok: boolean }>((resolve) => c.emit('ping', resolve));
    assert.equal(ack.ok, true);
  });
});
