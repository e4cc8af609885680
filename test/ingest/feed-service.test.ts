import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSilentLogger } from '../../server/config/logger.ts';
import { backoffMs, createFeedService, itemExternalId, itemText, type FeedView } from '../../server/ingest/feed-service.ts';
import { createIngestService } from '../../server/ingest/ingest-service.ts';
import { MAX_TEXT_CHARS } from '../../server/ingest/statement-input.ts';
import { createUrlGuard } from '../../server/ingest/url-guard.ts';
import { createFeedJob } from '../../server/jobs/feed-job.ts';
import { createTempStore } from '../helpers/temp-store.ts';
import { startFeedServer } from './feed-test-server.ts';

function setup(server: Awaited<ReturnType<typeof startFeedServer>>, opts: { now?: () => number } = {}) {
  const t = createTempStore('bw-feeds-');
  const changed: FeedView[] = [];
  const feeds = createFeedService({
    store: t.store,
    ingest: createIngestService({ store: t.store }),
    guard: createUrlGuard({ enabled: false }),
    logger: createSilentLogger(),
    // Store writes block this thread (PostgreSQL round trips; SQLite under a loaded CI machine):
    // a timer due meanwhile fires before the waiting responses are read, so a short timeout
    // would fail feeds that answered in time. Only /hang waits this long.
    fetchOptions: { timeoutMs: 2000 },
    now: opts.now,
    onChanged: (f) => changed.push(f),
  });
  const add = (name: string, p: string, intervalSeconds = 300) => {
    const r = feeds.add({ name, url: server.url(p), intervalSeconds });
    assert.ok(r.ok);
    return r.feed.id;
  };
  const statements = () =>
    t.store.db.prepare('SELECT text, source, url, published_at AS publishedAt, external_id AS externalId, origin FROM statements ORDER BY id').all() as Array<
      Record<string, unknown>
    >;
  return { ...t, feeds, add, statements, changed };
}

describe('feed polling', () => {
  let server: Awaited<ReturnType<typeof startFeedServer>>;
  before(async () => {
    server = await startFeedServer();
  });
  after(() => server.close());

  it('turns RSS 2.0, Atom and RDF items into statements; a broken feed never stops the others', async () => {
    const env = setup(server);
    try {
      const rss = env.add('Test Wire', '/rss2');
      const atom = env.add('Atom Test', '/atom');
      const rdf = env.add('RDF Test', '/rdf');
      const broken = [env.add('Down', '/error'), env.add('Slow', '/hang'), env.add('Garbage', '/malformed'), env.add('Huge', '/huge-declared')];
      const r = await env.feeds.pollDue();
      assert.deepEqual(r, { polled: 7, ok: 3, failed: 4, stored: 4 + 2 + 2 });

      const rows = env.statements();
      const first = rows.find((s) => s.externalId === 'wire-0001' || String(s.externalId).endsWith(':wire-0001'));
      assert.deepEqual(first, {
        text: 'Minister warns of "consequences"\n\nThe minister said troops will be deployed & ready.',
        source: 'Test Wire',
        url: 'https://wire.example/a/1',
        publishedAt: Date.parse('2026-01-05T10:00:00Z'),
        externalId: `127.0.0.1:${server.port}:wire-0001`,
        origin: 'feed',
      });
      assert.ok(rows.some((s) => s.text === 'Border closed' && s.source === 'RDF Test'), 'a title-only item');
      assert.ok(rows.some((s) => s.externalId === 'tag:atom.example,2026:1' && s.url === 'https://atom.example/news/posts/embassy'));

      const views = new Map(env.feeds.list().map((f) => [f.id, f]));
      for (const id of [rss, atom, rdf]) {
        const h = views.get(id)!.health;
        assert.equal(h.status, 'ok');
        assert.equal(h.consecutiveFailures, 0);
        assert.ok(h.lastSuccessAt);
      }
      assert.equal(views.get(rss)!.health.itemsStored, 4);
      const codes = broken.map((id) => views.get(id)!.health.lastErrorCode);
      assert.deepEqual(codes, ['http-error', 'timeout', 'malformed-xml', 'too-large']);
      assert.equal(views.get(broken[0]!)!.health.lastHttpStatus, 500);
      assert.equal(env.changed.length, 7, 'feedChanged after each poll');
    } finally {
      env.cleanup();
    }
  });

  it('uses conditional GET: a 304 stores nothing, and a re-fetched unchanged feed stores nothing twice', async () => {
    let clock = Date.parse('2026-02-01T00:00:00Z');
    const env = setup(server, { now: () => clock });
    try {
      const rss = env.add('Test Wire', '/rss2', 60);
      const rdf = env.add('RDF Test', '/rdf', 60);
      await env.feeds.pollDue();
      const count = env.statements().length;
      assert.equal((await env.feeds.pollDue()).polled, 0, 'not due again before its interval');
      clock += 61_000;
      const etagHits = server.conditional.etagHits;
      const again = await env.feeds.pollDue();
      assert.deepEqual(again, { polled: 2, ok: 2, failed: 0, stored: 0 });
      assert.equal(server.conditional.etagHits, etagHits + 1, 'If-None-Match sent and answered 304');
      assert.equal(env.statements().length, count);
      assert.equal(env.feeds.get(rss)!.health.lastHttpStatus, 304);
      assert.equal(env.feeds.get(rdf)!.health.lastHttpStatus, 200);
      assert.equal(env.feeds.get(rdf)!.health.itemsStored, 2);
    } finally {
      env.cleanup();
    }
  });

  it('backs off exponentially while a feed fails and resets once it recovers', async () => {
    let clock = Date.parse('2026-02-01T00:00:00Z');
    const env = setup(server, { now: () => clock });
    try {
      let failing = true;
      server.override('/flaky', (_req, res) => {
        if (failing) {
          res.writeHead(503);
          res.end();
        } else {
          res.writeHead(200, { 'content-type': 'application/rss+xml' });
          res.end('<rss><channel><item><title>Back</title><guid>flaky:1</guid></item></channel></rss>');
        }
      });
      const id = env.add('Flaky', '/flaky', 60);
      const waits: number[] = [];
      for (let i = 0; i < 4; i++) {
        await env.feeds.pollDue();
        const h = env.feeds.get(id)!.health;
        waits.push(Date.parse(h.nextAttemptAt) - clock);
        clock = Date.parse(h.nextAttemptAt);
      }
      assert.deepEqual(waits, [60_000, 120_000, 240_000, 480_000]);
      assert.equal(env.feeds.get(id)!.health.consecutiveFailures, 4);
      assert.equal(env.feeds.get(id)!.health.status, 'failing');
      assert.match(env.feeds.get(id)!.health.lastError ?? '', /HTTP 503/);
      failing = false;
      await env.feeds.pollDue();
      const h = env.feeds.get(id)!.health;
      assert.deepEqual([h.status, h.consecutiveFailures, Date.parse(h.nextAttemptAt) - clock], ['ok', 0, 60_000]);
      assert.equal(h.lastError, 'HTTP 503 Service Unavailable', 'the last error stays visible after recovery');
    } finally {
      server.override('/flaky', null);
      env.cleanup();
    }
  });

  it('records a refused item once, not again on every poll', async () => {
    let clock = Date.parse('2026-02-01T00:00:00Z');
    const env = setup(server, { now: () => clock });
    try {
      server.override('/podcast', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end('<rss><channel><item><guid>pod:1</guid><enclosure url="https://a.example/1.mp3"/></item><item><title>Episode 2</title><guid>pod:2</guid></item></channel></rss>');
      });
      const id = env.add('Podcast', '/podcast', 60);
      for (let i = 0; i < 3; i++) {
        const r = await env.feeds.pollDue();
        assert.equal(r.ok, 1);
        clock += 61_000;
      }
      const rows = env.store.db.prepare('SELECT source, line, code, message FROM ingest_rejections').all();
      assert.deepEqual(rows, [{ source: `feed:${id}`, line: null, code: 'empty-text', message: 'item pod:1: text is empty' }]);
      assert.equal(env.statements().length, 1);
    } finally {
      server.override('/podcast', null);
      env.cleanup();
    }
  });

  it('reads a latin-1 feed labelled only by Content-Type and a gzip-encoded one', async () => {
    const env = setup(server);
    try {
      env.add('Latin', '/latin1');
      env.add('Gzip', '/gzip');
      await env.feeds.pollDue();
      const texts = env.statements().map((s) => s.text);
      assert.ok(texts.includes('Governo anuncia acordo de cessar-fogo em Moçambique'), texts.join(' | '));
      assert.ok(texts.includes('Prisoners released\n\nBoth sides released prisoners.'));
    } finally {
      env.cleanup();
    }
  });

  it('runs as a scheduled job that reports counts and signals stored statements', async () => {
    const env = setup(server);
    try {
      env.add('RDF', '/rdf');
      let stored = 0;
      const job = createFeedJob({ feeds: env.feeds, cron: '*/5 * * * * *', logger: createSilentLogger(), onStored: (n) => (stored += n) });
      const counts = await job.runNow();
      assert.deepEqual(counts, { polled: 1, ok: 1, failed: 0, stored: 2 });
      assert.equal(stored, 2);
      await job.stop();
    } finally {
      env.cleanup();
    }
  });
});

describe('feed configuration', () => {
  it('syncs feeds.json at start: the file wins for its feeds, removed entries go, API feeds stay, bad entries are reported', () => {
    const env = setup({ url: (p: string) => `https://example.org${p}` } as Awaited<ReturnType<typeof startFeedServer>>);
    try {
      const file = path.join(env.dir, 'feeds.json');
      const api = env.feeds.add({ name: 'From API', url: 'https://api.example/feed', intervalSeconds: 120 });
      assert.ok(api.ok);
      fs.writeFileSync(
        file,
        JSON.stringify({
          feeds: [
            { name: 'Wire', url: 'https://wire.example/rss', intervalSeconds: 600 },
            { name: 'Atom', url: 'https://atom.example/feed' },
            { name: 'Bad', url: 'ftp://nope' },
            { name: '', url: 'https://x.example/', intervalSeconds: 5 },
          ],
        }),
      );
      const first = env.feeds.syncFromFile(file);
      assert.deepEqual([first.added, first.updated, first.removed], [2, 0, 0]);
      assert.equal(first.errors.length, 2);
      assert.match(first.errors[0]!, /feeds\[2\]: url must be an absolute http\(s\) URL/);
      assert.match(first.errors[1]!, /feeds\[3\]: name must not be empty; intervalSeconds must be at least 30/);
      assert.deepEqual(
        env.feeds.list().map((f) => [f.name, f.origin, f.intervalSeconds]),
        [
          ['From API', 'api', 120],
          ['Wire', 'config', 600],
          ['Atom', 'config', 300],
        ],
      );

      fs.writeFileSync(file, JSON.stringify([{ name: 'Wire (renamed)', url: 'https://wire.example/rss', intervalSeconds: 900 }]));
      const second = env.feeds.syncFromFile(file);
      assert.deepEqual([second.added, second.updated, second.removed], [0, 1, 1]);
      assert.deepEqual(
        env.feeds.list().map((f) => [f.name, f.origin]),
        [
          ['From API', 'api'],
          ['Wire (renamed)', 'config'],
        ],
      );

      fs.writeFileSync(file, '{ not json');
      const broken = env.feeds.syncFromFile(file);
      assert.match(broken.errors[0]!, /not valid JSON.*feeds left unchanged/);
      assert.equal(env.feeds.list().length, 2, 'a broken file removes nothing');

      const wire = env.feeds.list().find((f) => f.origin === 'config')!;
      assert.equal(env.feeds.remove(wire.id), 'declared-in-config');
      assert.equal(env.feeds.remove(api.feed.id), 'removed');
      assert.equal(env.feeds.remove(9999), 'not-found');
      assert.deepEqual(env.feeds.syncFromFile(path.join(env.dir, 'missing.json')), { added: 0, updated: 0, removed: 0, errors: [] });
    } finally {
      env.cleanup();
    }
  });

  it('refuses a private address when the guard is on and a duplicate URL', () => {
    const t = createTempStore('bw-feeds-guard-');
    try {
      const feeds = createFeedService({ store: t.store, ingest: createIngestService({ store: t.store }), guard: createUrlGuard({ enabled: true }), logger: createSilentLogger() });
      const priv = feeds.add({ name: 'Router', url: 'http://192.168.1.1/feed', intervalSeconds: 300 });
      assert.ok(!priv.ok && priv.code === 'private-address');
      assert.ok(feeds.add({ name: 'A', url: 'https://a.example/feed', intervalSeconds: 300 }).ok);
      const dup = feeds.add({ name: 'B', url: 'https://a.example/feed', intervalSeconds: 300 });
      assert.ok(!dup.ok && dup.code === 'duplicate-url');
    } finally {
      t.cleanup();
    }
  });
});

describe('feed item helpers', () => {
  it('joins title and summary without repeating the title, and shortens whole articles', () => {
    assert.equal(itemText({ id: null, title: 'T', summary: 'S', link: null, publishedAt: null }), 'T\n\nS');
    assert.equal(itemText({ id: null, title: 'Breaking: X', summary: 'Breaking: X happened', link: null, publishedAt: null }), 'Breaking: X happened');
    const long = itemText({ id: null, title: 'T', summary: 'word '.repeat(10_000), link: null, publishedAt: null });
    assert.ok(long.length <= MAX_TEXT_CHARS && long.endsWith('…'));
  });

  it('qualifies short guids with the feed host and hashes overlong ids', () => {
    const base = { title: 't', summary: '', link: null, publishedAt: null };
    assert.equal(itemExternalId({ ...base, id: 'FL4339' }, 'https://gdacs.example/rss'), 'gdacs.example:FL4339');
    assert.equal(itemExternalId({ ...base, id: 'https://a.example/1' }, 'https://gdacs.example/rss'), 'https://a.example/1');
    assert.match(itemExternalId({ ...base, id: `https://a.example/${'x'.repeat(600)}` }, 'https://f.example/') ?? '', /^sha256:[0-9a-f]{64}$/);
  });

  it('computes the backoff: interval, doubling, capped at 6 hours (or the interval when longer)', () => {
    assert.deepEqual([1, 2, 3].map((n) => backoffMs(300, n)), [300_000, 600_000, 1_200_000]);
    assert.equal(backoffMs(300, 30), 6 * 3600_000);
    assert.equal(backoffMs(86_400, 3), 86_400_000);
  });
});
