import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { io as connect } from 'socket.io-client';
import { createSilentLogger } from '../../server/config/logger.ts';
import type { CurrentMetrics } from '../../server/metrics/metrics-service.ts';
import { createRealtimeServer, originAllowed, type RealtimeServer, type Snapshot } from '../../server/realtime/realtime-server.ts';

/**
 * The socket.io handshake checks the Origin (CORS does not cover WebSockets): a page on a foreign
 * origin must not read the stream. Real socket.io clients over real HTTP, forging Origin headers.
 */
describe('socket.io handshake Origin check', () => {
  let realtime: RealtimeServer;
  let port: number;
  const snapshot: Snapshot = { statements: [], metrics: {} as CurrentMetrics, secretMarker: 'every statement' };

  before(async () => {
    const server = http.createServer((_req, res) => res.writeHead(404).end());
    realtime = createRealtimeServer({
      httpServer: server,
      logger: createSilentLogger(),
      getSnapshot: () => snapshot,
      allowedOrigins: ['https://brinkwatch.example.org'],
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => realtime.close());

  /** Connects with the given Origin (or none) and resolves with the snapshot or the refusal. */
  function attempt(origin: string | undefined, transport: 'websocket' | 'polling'): Promise<{ snapshot: Snapshot | null; error: string | null }> {
    return new Promise((resolve) => {
      const socket = connect(`http://127.0.0.1:${port}`, {
        transports: [transport],
        reconnection: false,
        timeout: 5000,
        extraHeaders: origin === undefined ? {} : { origin },
      });
      const done = (r: { snapshot: Snapshot | null; error: string | null }) => {
        socket.disconnect();
        resolve(r);
      };
      socket.once('snapshot', (s) => done({ snapshot: s, error: null }));
      socket.once('connect_error', (e) => done({ snapshot: null, error: e.message }));
    });
  }

  for (const transport of ['websocket', 'polling'] as const) {
    it(`refuses a forged foreign Origin (${transport}): no snapshot`, async () => {
      const r = await attempt('http://evil.example', transport);
      assert.equal(r.snapshot, null, 'a foreign page read the stream');
      assert.ok(r.error, 'the connection fails');
    });

    it(`accepts the server's own host as Origin, and no Origin at all (${transport})`, async () => {
      const same = await attempt(`http://127.0.0.1:${port}`, transport);
      assert.equal(same.snapshot?.secretMarker, 'every statement');
      const script = await attempt(undefined, transport);
      assert.equal(script.snapshot?.secretMarker, 'every statement', 'non-browser clients stay allowed until the socket has auth');
    });
  }

  it('accepts an origin from BRINKWATCH_ALLOWED_ORIGINS, and refuses one differing only by port or scheme', async () => {
    assert.ok((await attempt('https://brinkwatch.example.org', 'websocket')).snapshot);
    assert.equal((await attempt('https://brinkwatch.example.org:8443', 'websocket')).snapshot, null);
    assert.equal((await attempt('http://brinkwatch.example.org', 'websocket')).snapshot, null);
  });

  it('answers a raw polling handshake from a foreign origin with 403 and no session', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'http://127.0.0.1:1' } });
    assert.equal(res.status, 403);
    assert.doesNotMatch(await res.text(), /"sid"/);
    const ok = await fetch(`http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`, { headers: { origin: `http://127.0.0.1:${port}` } });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /"sid"/);
  });

  it('hostile Origin values are refused, never thrown on', () => {
    const req = (origin: string | undefined, host = 'brinkwatch.lan:3000') => ({ headers: { origin, host } });
    for (const origin of ['null', '', 'garbage', 'file:///etc/passwd', 'javascript:alert(1)', 'http://brinkwatch.lan:3000.evil.example', 'http://evil.example/brinkwatch.lan:3000', 'http://brinkwatch.lan:3001', 'http://user@evil.example', 'x'.repeat(10_000)]) {
      assert.equal(originAllowed(req(origin)), false, `refused: ${origin.slice(0, 60)}`);
    }
    assert.equal(originAllowed(req('http://BRINKWATCH.lan:3000')), true, 'host names compare case-insensitively');
    assert.equal(originAllowed({ headers: { origin: 'http://brinkwatch.lan' } }), false, 'no Host header: only the allow list');
    assert.equal(originAllowed(req('http://brinkwatch.lan', 'brinkwatch.lan')), true, 'default port');
  });
});
