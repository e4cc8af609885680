import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fetchFeed } from '../../server/ingest/feed-fetcher.ts';
import { createUrlGuard, isPrivateAddress } from '../../server/ingest/url-guard.ts';
import { startFeedServer } from './feed-test-server.ts';

const open = createUrlGuard({ enabled: false });

describe('fetchFeed against a local server', () => {
  let server: Awaited<ReturnType<typeof startFeedServer>>;
  before(async () => {
    server = await startFeedServer();
  });
  after(() => server.close());

  it('fetches a feed and returns its validators; sends them back and gets 304', async () => {
    const first = await fetchFeed(server.url('/rss2'), { guard: open });
    assert.ok(first.ok && first.status === 200);
    assert.equal(first.etag, '"rss2-v1"');
    assert.match(first.body.toString(), /Brinkwatch Test Wire/);
    const second = await fetchFeed(server.url('/rss2'), { guard: open, etag: first.etag });
    assert.ok(second.ok && second.status === 304);
    assert.equal(server.conditional.etagHits, 1);

    const atom = await fetchFeed(server.url('/atom'), { guard: open });
    assert.ok(atom.ok && atom.status === 200);
    const again = await fetchFeed(server.url('/atom'), { guard: open, lastModified: atom.lastModified });
    assert.ok(again.ok && again.status === 304);
    assert.equal(server.conditional.modifiedSinceHits, 1);
  });

  it('reports an HTTP error with its status', async () => {
    const r = await fetchFeed(server.url('/error'), { guard: open });
    assert.deepEqual(r, { ok: false, code: 'http-error', message: 'HTTP 500 Internal Server Error', httpStatus: 500 });
  });

  it('gives up on a feed that does not answer in time', async () => {
    const started = Date.now();
    const r = await fetchFeed(server.url('/hang'), { guard: open, timeoutMs: 300 });
    assert.ok(!r.ok && r.code === 'timeout', JSON.stringify(r));
    assert.ok(Date.now() - started < 3000);
  });

  it('aborts a 20 MB download once past the cap, and refuses a declared size over it at once', async () => {
    const r = await fetchFeed(server.url('/huge'), { guard: open, maxBytes: 5 * 1024 * 1024 });
    assert.ok(!r.ok && r.code === 'too-large', JSON.stringify(r));
    await new Promise((res) => setTimeout(res, 50));
    assert.ok(server.hugeBytesSent() < 12 * 1024 * 1024, `server stopped early (${server.hugeBytesSent()} bytes sent)`);
    const declared = await fetchFeed(server.url('/huge-declared'), { guard: open });
    assert.ok(!declared.ok && declared.code === 'too-large' && /20971520 bytes/.test(declared.message));
  });

  it('follows redirects up to the limit, detects loops, and refuses a redirect without Location', async () => {
    const ok = await fetchFeed(server.url('/chain/4'), { guard: open });
    assert.ok(ok.ok && ok.status === 200 && ok.finalUrl === server.url('/rdf'));
    const tooMany = await fetchFeed(server.url('/chain/6'), { guard: open });
    assert.ok(!tooMany.ok && tooMany.code === 'too-many-redirects');
    const loop = await fetchFeed(server.url('/loop-a'), { guard: open });
    assert.ok(!loop.ok && loop.code === 'redirect-loop', JSON.stringify(loop));
    const none = await fetchFeed(server.url('/no-location'), { guard: open });
    assert.ok(!none.ok && none.code === 'bad-redirect');
  });

  it('decompresses gzip and reports the Content-Type for charset handling', async () => {
    const gz = await fetchFeed(server.url('/gzip'), { guard: open });
    assert.ok(gz.ok && gz.status === 200);
    assert.match(gz.body.toString(), /Prisoners released/);
    const latin = await fetchFeed(server.url('/latin1'), { guard: open });
    assert.ok(latin.ok && latin.status === 200 && latin.contentType === 'text/xml; charset=iso-8859-1');
  });

  it('reports refused connections and bad URLs without throwing', async () => {
    const closed = await fetchFeed('http://127.0.0.1:1/feed', { guard: open });
    assert.ok(!closed.ok && closed.code === 'network-error' && /ECONNREFUSED/.test(closed.message));
    const bad = await fetchFeed('ftp://example.org/feed', { guard: open });
    assert.ok(!bad.ok && bad.code === 'invalid-url');
  });
});

describe('URL guard (BRINKWATCH_BLOCK_PRIVATE_URLS)', () => {
  let server: Awaited<ReturnType<typeof startFeedServer>>;
  before(async () => {
    server = await startFeedServer();
  });
  after(() => server.close());

  it('classifies addresses', () => {
    const priv = ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1'];
    const pub = ['8.8.8.8', '93.184.216.34', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'];
    for (const ip of priv) assert.equal(isPrivateAddress(ip), true, ip);
    for (const ip of pub) assert.equal(isPrivateAddress(ip), false, ip);
  });

  it('refuses a literal loopback URL, and a host name that resolves to one (checked at connect time)', async () => {
    const guard = createUrlGuard({ enabled: true });
    const literal = await fetchFeed(server.url('/rss2'), { guard });
    assert.ok(!literal.ok && literal.code === 'private-address', JSON.stringify(literal));
    const decimal = await fetchFeed(`http://2130706433:${server.port}/rss2`, { guard });
    assert.ok(!decimal.ok && decimal.code === 'private-address', 'decimal IPv4 spelling of 127.0.0.1');
    const named = await fetchFeed(`http://localhost:${server.port}/rss2`, { guard });
    assert.ok(!named.ok && named.code === 'private-address', JSON.stringify(named));
    assert.equal(server.hits('/rss2'), 0, 'no request reached the server');
  });

  it('checks the address a name resolves to when connecting (DNS rebinding) and on every redirect hop', async () => {
    // feed.test resolves to 127.0.0.1; only 127.0.0.2 is "private" for this guard.
    const resolve = (_h: string, _o: unknown, cb: (e: null, a: Array<{ address: string; family: number }>) => void) => cb(null, [{ address: '127.0.0.1', family: 4 }]);
    const allowing = createUrlGuard({ enabled: true, block: (ip) => ip === '127.0.0.2', resolve });
    const viaName = await fetchFeed(`http://feed.test:${server.port}/rdf`, { guard: allowing });
    assert.ok(viaName.ok && viaName.status === 200, 'the custom lookup was used for the connection');

    const rebinding = createUrlGuard({ enabled: true, resolve });
    const refused = await fetchFeed(`http://feed.test:${server.port}/rdf`, { guard: rebinding });
    assert.ok(!refused.ok && refused.code === 'private-address' && /feed\.test resolves to 127\.0\.0\.1/.test(refused.message));

    server.override('/to-private', (_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.2:${server.port}/rdf` });
      res.end();
    });
    const redirected = await fetchFeed(server.url('/to-private'), { guard: allowing });
    assert.ok(!redirected.ok && redirected.code === 'private-address', JSON.stringify(redirected));
  });

  it('lets everything through when disabled', async () => {
    const r = await fetchFeed(server.url('/rdf'), { guard: createUrlGuard({ enabled: false }) });
    assert.ok(r.ok);
  });
});
