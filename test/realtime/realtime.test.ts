import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import { createRealtimeServer, type RealtimeServer, type Snapshot } from '../../server/realtime/realtime-server.ts';
import type { StatementView } from '../../server/store/statements-repo.ts';
import { createTestApp } from '../helpers/test-app.ts';

describe('realtime over a real socket.io connection', () => {
  let realtime: RealtimeServer;
  let url: string;
  const clients: Socket[] = [];
  const t = createTestApp({
    onScored: (batch) => {
      for (const s of batch.statements) realtime.emit('statementScored', s);
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

  it('acknowledges a ping request', async () => {
    const c = client();
    const ack = await new Promise<{ ok: boolean }>((resolve) => c.emit('ping', resolve));
    assert.equal(ack.ok, true);
  });
});
