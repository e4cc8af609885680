import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createRealtimeServer, type RealtimeServer } from '../../server/realtime/realtime-server.ts';
import { createTempStore } from '../helpers/temp-store.ts';
import { addScored, createTestAlerts, MIN } from './fixtures.ts';

describe('alertChanged over a real socket.io connection', () => {
  const t = createTempStore();
  const reader = t.store.openReader();
  let realtime: RealtimeServer;
  let client: Socket;
  const { alerts, clock } = createTestAlerts(t.store, {
    onAlertChanged: (a, change) => realtime.emit('alertChanged', { ...a, change }),
  });

  before(async () => {
    const server = http.createServer();
    realtime = createRealtimeServer({
      httpServer: server,
      logger: createSilentLogger(),
      getSnapshot: () => ({ statements: [], metrics: { at: '', scope: 'global', minStatements: 3, windows: {} } }),
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    client = connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { transports: ['websocket'], reconnection: false });
    await new Promise((r) => client.once('snapshot', r));
  });
  after(async () => {
    client.disconnect();
    await realtime.close();
    reader.close();
    t.cleanup();
  });

  it('arrives after the alert row and its event are committed, then again on ack', async () => {
    const r = await alerts.createRule({ name: 'live', scope: 'global', window: '1h', threshold: 50, recoverBelow: 40, forSeconds: 0 });
    assert.ok(r.ok);
    for (let i = 0; i < 3; i++) addScored(t.store, { occurredAt: clock.now - i * MIN - 1, score: 80 });
    const received: Array<{ payload: Record<string, unknown>; row: unknown; events: number }> = [];
    const got = (n: number) =>
      new Promise<void>((resolve) => {
        const on = (payload: Record<string, unknown>) => {
          // Read on a separate connection at the moment the push arrives.
          const row = reader.prepare('SELECT state, ack_reason FROM alerts WHERE id = ?').get(payload.id);
          const events = reader.prepare('SELECT COUNT(*) FROM alert_events WHERE alert_id = ?').pluck().get(payload.id) as number;
          received.push({ payload, row, events });
          if (received.length === n) {
            client.off('alertChanged', on);
            resolve();
          }
        };
        client.on('alertChanged', on);
      });
    const first = got(1);
    alerts.evaluate();
    await first;
    assert.equal(received[0]!.payload.state, 'firing');
    assert.equal(received[0]!.payload.change, 'firing');
    assert.deepEqual(received[0]!.row, { state: 'firing', ack_reason: null });
    assert.equal(received[0]!.events, 1);

    const second = got(2);
    const acked = alerts.ack(received[0]!.payload.id as number, { reason: 'seen it' });
    assert.ok(acked.ok);
    await second;
    assert.equal(received[1]!.payload.change, 'acknowledged');
    assert.deepEqual(received[1]!.row, { state: 'firing', ack_reason: 'seen it' });
  });
});
