import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createSilentLogger } from '../../server/config/logger.ts';
import { parseConfig } from '../../server/config/config.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { createFeedsRoutes } from '../../server/http/feeds-routes.ts';
import { bearerMatches, requireToken } from '../../server/http/require-token.ts';
import { publicFeedError } from '../../server/ingest/feed-errors.ts';
import { fetchFeed } from '../../server/ingest/feed-fetcher.ts';
import { createFeedService, type FeedView } from '../../server/ingest/feed-service.ts';
import { createIngestService } from '../../server/ingest/ingest-service.ts';
import { createUrlGuard } from '../../server/ingest/url-guard.ts';
import { createTempStore } from '../helpers/temp-store.ts';
import { createTestAlerts } from '../alerts/fixtures.ts';
import { startFeedServer } from '../ingest/feed-test-server.ts';

const TOKEN = 'private-urls-token-0123456789';

async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The guard exactly as main.ts builds it from an environment. */
function guardFrom(env: Record<string, string>) {
  const r = parseConfig(env);
  assert.ok(r.ok, JSON.stringify(r));
  return { config: r.config, guard: createUrlGuard({ enabled: r.config.blockPrivateUrls, allow: r.config.allowPrivateUrls }) };
}

describe('private-address blocking is on by default (BRINKWATCH_BLOCK_PRIVATE_URLS)', () => {
  let server: Awaited<ReturnType<typeof startFeedServer>>;
  before(async () => {
    server = await startFeedServer();
  });
  after(() => server.close());

  it('with no configuration, refuses cloud metadata, private and loopback targets for feeds, before connecting', async () => {
    const { config, guard } = guardFrom({});
    assert.equal(config.blockPrivateUrls, true);
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/feed', 'http://192.168.1.1/rss', server.url('/rss2'), `http://localhost:${server.port}/rss2`, 'http://[::ffff:169.254.169.254]/']) {
      const r = await fetchFeed(url, { guard, timeoutMs: 2000 });
      assert.ok(!r.ok && r.code === 'private-address', `${url}: ${JSON.stringify(r)}`);
    }
    assert.equal(server.hits('/rss2'), 0, 'nothing reached the local server');
  });

  it('refuses a metadata webhook at save time with the default configuration', async () => {
    const t = createTempStore();
    try {
      const { config, guard } = guardFrom({});
      const { alerts } = createTestAlerts(t.store, { blockPrivateUrls: config.blockPrivateUrls, guard });
      const r = await alerts.createRule({
        name: 'metadata', scope: 'global', window: '1h', threshold: 50, recoverBelow: 40,
        channels: [{ type: 'webhook', url: 'http://169.254.169.254/latest/meta-data/iam' }],
      });
      assert.ok(!r.ok && r.code === 'invalid-rule' && /private, loopback or link-local/.test(r.message), JSON.stringify(r));
    } finally {
      t.cleanup();
    }
  });

  it('BRINKWATCH_ALLOW_PRIVATE_URLS lets named hosts, addresses and CIDR blocks through, and nothing else', async () => {
    const byAddress = guardFrom({ BRINKWATCH_ALLOW_PRIVATE_URLS: '127.0.0.1' }).guard;
    assert.ok((await fetchFeed(server.url('/rdf'), { guard: byAddress })).ok, 'a listed address');
    const byCidr = guardFrom({ BRINKWATCH_ALLOW_PRIVATE_URLS: '10.0.0.0/8, 127.0.0.0/8' }).guard;
    assert.ok((await fetchFeed(server.url('/rdf'), { guard: byCidr })).ok, 'an address in a listed block');
    const metadata = await fetchFeed('http://169.254.169.254/latest/', { guard: byCidr, timeoutMs: 2000 });
    assert.ok(!metadata.ok && metadata.code === 'private-address', 'the metadata address stays refused');

    const byHost = guardFrom({ BRINKWATCH_ALLOW_PRIVATE_URLS: 'LOCALHOST' }).guard;
    assert.ok((await fetchFeed(`http://localhost:${server.port}/rdf`, { guard: byHost })).ok, 'a listed host name, whatever it resolves to');
    const literal = await fetchFeed(server.url('/rdf'), { guard: byHost });
    assert.ok(!literal.ok && literal.code === 'private-address', 'the host name does not allow its address by another name');
    // A listed intranet host redirecting to an address not listed: every hop is checked.
    server.override('/to-metadata', (_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${server.port}/rdf` }).end());
    const hop = await fetchFeed(`http://localhost:${server.port}/to-metadata`, { guard: byHost });
    assert.ok(!hop.ok && hop.code === 'private-address', JSON.stringify(hop));
    server.override('/to-metadata', null);
  });

  it('refuses an allow list that is not hosts, addresses and CIDR blocks, naming the variable', () => {
    for (const bad of ['10.0.0.0/33', 'http://intranet/', 'intra net', '1.2.3.4/x', '*']) {
      const r = parseConfig({ BRINKWATCH_ALLOW_PRIVATE_URLS: bad });
      assert.ok(!r.ok && /BRINKWATCH_ALLOW_PRIVATE_URLS/.test(r.errors.join()), bad);
    }
    const off = parseConfig({ BRINKWATCH_BLOCK_PRIVATE_URLS: 'false' });
    assert.ok(off.ok && off.config.blockPrivateUrls === false, 'it can still be turned off');
  });
});

describe('feed errors readable without the token say what failed in general terms', () => {
  let server: Awaited<ReturnType<typeof startFeedServer>>;
  const t = createTempStore();
  const pushed: FeedView[] = [];
  let app: ReturnType<typeof createHttpApp>;
  let feeds: ReturnType<typeof createFeedService>;
  let refusedPort: number;
  before(async () => {
    server = await startFeedServer();
    refusedPort = await closedPort();
    // An internal service that answers with a banner and a body nobody outside should read.
    server.override('/internal', (_req, res) => {
      res.statusMessage = 'Secret-Banner-v9';
      res.writeHead(503, { 'content-type': 'text/plain' }).end('db password: hunter2');
    });
    server.override('/internal-xml', (_req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end('<adminConsole><user>root</user></adminConsole>'));
    server.override('/to-metadata', (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end());
    feeds = createFeedService({
      store: t.store,
      ingest: createIngestService({ store: t.store }),
      guard: createUrlGuard({ enabled: true, allow: ['127.0.0.1'] }),
      logger: createSilentLogger(),
      fetchOptions: { timeoutMs: 2000 },
      onChanged: (f) => pushed.push(f),
    });
    app = createHttpApp({
      logger: createSilentLogger(),
      clientDir: '/nonexistent',
      routers: [createFeedsRoutes({ feeds, requireToken: requireToken(TOKEN), canSeeSecrets: bearerMatches(TOKEN) })],
      health: () => ({}),
    });
  });
  after(async () => {
    await server.close();
    t.cleanup();
  });

  it('GET /api/feeds without the token: the kind of failure only; with it: the detail', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['/internal', 'HTTP 503', /Secret-Banner-v9/],
      ['/error', 'HTTP 500', /HTTP 500/],
      ['/not-a-feed', 'not an RSS or Atom feed', /root element: html/],
      ['/internal-xml', 'not an RSS or Atom feed', /adminConsole/],
      ['/malformed', 'not well-formed XML', /line \d+/],
      ['/to-metadata', 'refused: the address is private, loopback or link-local', /169\.254\.169\.254/],
    ];
    const ids = new Map<number, [string, RegExp]>();
    for (const [p, general, detail] of cases) {
      const r = feeds.add({ name: p, url: server.url(p), intervalSeconds: 300 });
      assert.ok(r.ok);
      ids.set(r.feed.id, [general, detail]);
    }
    const refused = feeds.add({ name: 'closed port', url: `http://127.0.0.1:${refusedPort}/rss`, intervalSeconds: 300 });
    assert.ok(refused.ok);
    ids.set(refused.feed.id, ['connection refused', /ECONNREFUSED.*127\.0\.0\.1/]);
    const polled = await feeds.pollDue();
    assert.equal(polled.failed, ids.size, JSON.stringify(feeds.list()));

    const anon = await request(app).get('/api/feeds');
    const admin = await request(app).get('/api/feeds').set('Authorization', `Bearer ${TOKEN}`);
    for (const f of anon.body.feeds as FeedView[]) {
      const [general] = ids.get(f.id)!;
      assert.equal(f.health.lastError, general, f.name);
      assert.equal(f.health.status, 'failing');
    }
    for (const f of admin.body.feeds as FeedView[]) assert.match(f.health.lastError ?? '', ids.get(f.id)![1], `admin sees the detail of ${f.name}`);
    const text = JSON.stringify(anon.body);
    for (const secret of ['Secret-Banner', 'hunter2', 'adminConsole', '169.254.169.254', `:${refusedPort} `, 'ECONNREFUSED', 'line ']) {
      assert.equal(text.includes(secret), false, `GET /api/feeds without the token echoes ${secret}`);
    }
    const one = await request(app).get(`/api/feeds/${refused.feed.id}`);
    assert.equal(one.body.feed.health.lastError, 'connection refused');
  });

  it('feedChanged pushes (read by any socket) carry the general text only', () => {
    assert.ok(pushed.length >= 7);
    const text = JSON.stringify(pushed);
    for (const secret of ['Secret-Banner', 'hunter2', 'adminConsole', '169.254.169.254', 'ECONNREFUSED']) assert.equal(text.includes(secret), false, secret);
  });

  it('publicFeedError never echoes its input', () => {
    assert.equal(publicFeedError(null, null, null), null);
    assert.equal(publicFeedError('network-error', null, 'ENOTFOUND: getaddrinfo ENOTFOUND intranet.corp'), 'host name not found');
    assert.equal(publicFeedError('network-error', null, 'ERR_TLS_CERT_ALTNAME_INVALID: Hostname/IP does not match'), 'TLS error (certificate or handshake)');
    assert.equal(publicFeedError('network-error', null, '<script>alert(1)</script>'), 'network error');
    assert.equal(publicFeedError('http-error', 418, 'HTTP 418 I am a teapot at 10.0.0.5'), 'HTTP 418');
    assert.equal(publicFeedError('made-up-code', null, 'secret detail'), 'the feed could not be read');
    assert.equal(publicFeedError('__proto__', null, 'x'), 'the feed could not be read');
  });
});
