import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import { createSilentLogger } from '../../server/config/logger.ts';
import type { CurrentMetrics } from '../../server/metrics/metrics-service.ts';
import { createRealtimeServer, type RealtimeServer } from '../../server/realtime/realtime-server.ts';

/**
 * The socket's own authentication: the handshake needs credentials (authorize), and an open
 * socket is closed once they stop being valid (sign-out, revoked session or token).
 */
describe('socket.io authentication', () => {
  let realtime: RealtimeServer;
  let url = '';
  const valid = new Set(['good', 'revoked-later']);

  before(async () => {
    const server = http.createServer((_req, res) => res.writeHead(404).end());
    realtime = createRealtimeServer({
      httpServer: server,
      logger: createSilentLogger(),
      getSnapshot: () => ({ statements: [], metrics: {} as CurrentMetrics }),
      authorize: (req) => valid.has(String(req.headers.authorization ?? '').replace(/^Bearer /, '')),
      reauthorizeMs: 100,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => realtime.close());

  const open = (token: string | null): Promise<{ socket: Socket; result: string }> =>
    new Promise((resolve) => {
      const socket = connect(url, { transports: ['websocket'], reconnection: false, timeout: 5000, extraHeaders: token ? { authorization: `Bearer ${token}` } : {} });
      socket.once('snapshot', () => resolve({ socket, result: 'snapshot' }));
      socket.once('connect_error', (e) => resolve({ socket, result: `refused: ${e.message}` }));
    });

  it('refuses a handshake without valid credentials, accepts one with', async () => {
    const none = await open(null);
    assert.match(none.result, /refused/);
    none.socket.disconnect();
    const bad = await open('forged');
    assert.match(bad.result, /refused/);
    bad.socket.disconnect();
    const good = await open('good');
    assert.equal(good.result, 'snapshot');
    good.socket.disconnect();
  });

  it('closes an open socket once its credentials are revoked, and keeps the others', async () => {
    const doomed = await open('revoked-later');
    const kept = await open('good');
    assert.equal(doomed.result, 'snapshot');
    const closed = new Promise<string>((resolve) => doomed.socket.once('disconnect', (reason) => resolve(reason)));
    valid.delete('revoked-later');
    assert.equal(await closed, 'io server disconnect');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(kept.socket.connected, true);
    kept.socket.disconnect();
  });
});
