import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { createFeedsRoutes } from '../../server/http/feeds-routes.ts';
import { bearerMatches, requireToken } from '../../server/http/require-token.ts';
import { createStatementsRoutes, MAX_BATCH } from '../../server/http/statements-routes.ts';
import { createWriteRateLimit } from '../../server/http/write-rate-limit.ts';
import { createFeedService } from '../../server/ingest/feed-service.ts';
import { createIngestService } from '../../server/ingest/ingest-service.ts';
import { createUrlGuard } from '../../server/ingest/url-guard.ts';
import { createTempStore } from '../helpers/temp-store.ts';

const TOKEN = 'ingest-test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

/** The HTTP app as main.ts wires it for ingestion: statements and feeds routes, real SQLite. */
function createApp(opts: { rateLimit?: number; blockPrivate?: boolean } = {}) {
  const t = createTempStore('bw-ingest-api-');
  const ingest = createIngestService({ store: t.store });
  const writeLimit = createWriteRateLimit(opts.rateLimit ?? 0);
  const feeds = createFeedService({ store: t.store, ingest, guard: createUrlGuard({ enabled: opts.blockPrivate ?? false }), logger: createSilentLogger() });
  let accepted = 0;
  const app = createHttpApp({
    logger: createSilentLogger(),
    clientDir: '/nonexistent',
    health: () => ({}),
    routers: [
      createStatementsRoutes({ ingest, statements: t.store.statements, requireToken: requireToken(TOKEN), writeLimit, onAccepted: () => accepted++ }),
      createFeedsRoutes({ feeds, requireToken: requireToken(TOKEN), writeLimit, canSeeSecrets: bearerMatches(TOKEN) }),
    ],
  });
  const count = () => t.store.statements.count();
  return { ...t, app, feeds, count, accepted: () => accepted };
}

describe('POST /api/statements: malformed and hostile requests', () => {
  const env = createApp();
  after(() => env.cleanup());
  const post = () => request(env.app).post('/api/statements').set(auth);

  it('answers 400 for an empty body, null, a number or an empty object, naming the expected shape', async () => {
    for (const raw of ['', 'null', '42', '"text"', '{}']) {
      const r = await post().set('content-type', 'application/json').send(raw);
      assert.equal(r.status, 400, `body ${JSON.stringify(raw)}`);
      assert.equal(r.body.error.code, 'invalid-body');
      assert.match(r.body.error.message, /statement object or \{"statements": \[\.\.\.\]\}/);
    }
    assert.equal(env.count(), 0);
  });

  it('answers 400 when statements is not a non-empty array', async () => {
    const notArray = await post().send({ statements: { text: 'a' } });
    assert.deepEqual([notArray.status, notArray.body.error.message], [400, 'statements must be an array']);
    const empty = await post().send({ statements: [] });
    assert.deepEqual([empty.status, empty.body.error.message], [400, 'statements is empty']);
  });

  it('answers 415 for a missing or wrong content type and for a non-UTF charset', async () => {
    const none = await post().send(Buffer.from('{"text":"a"}'));
    assert.equal(none.status, 415);
    const form = await post().type('form').send('text=a');
    assert.equal(form.status, 415);
    assert.equal(form.body.error.code, 'unsupported-media-type');
    const latin1 = await post().set('content-type', 'application/json; charset=latin1').send('{"text":"a"}');
    assert.equal(latin1.status, 415);
    assert.equal(latin1.body.error.code, 'unsupported-encoding');
  });

  it('answers 413 for a body over the size limit before parsing it, and for a batch over the item limit', async () => {
    const big = await post().set('content-type', 'application/json').send(JSON.stringify({ text: 'x'.repeat(11 * 1024 * 1024) }));
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, 'payload-too-large');
    const many = await post().send({ statements: Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({ text: `t${i}` })) });
    assert.equal(many.status, 413);
    assert.equal(many.body.error.code, 'batch-too-large');
    const atLimit = await post().send({ statements: Array.from({ length: MAX_BATCH }, (_, i) => ({ text: `limit ${i}` })) });
    assert.equal(atLimit.status, 202);
    assert.equal(atLimit.body.accepted.length, MAX_BATCH);
  });

  it('answers 400 for malformed JSON and does not fall over on deep nesting or __proto__ keys', async () => {
    const bad = await post().set('content-type', 'application/json').send('{"statements": [{"text": "a"},');
    assert.deepEqual([bad.status, bad.body.error.code], [400, 'malformed-json']);
    const deep = await post().set('content-type', 'application/json').send(`${'['.repeat(50_000)}${']'.repeat(50_000)}`);
    assert.equal(deep.status, 400);
    const proto = await post().set('content-type', 'application/json').send('{"__proto__": {"text": "polluted"}}');
    assert.equal(proto.status, 422);
    assert.equal(proto.body.rejected[0].code, 'missing-text');
    assert.equal(({} as { text?: string }).text, undefined, 'Object.prototype untouched');
  });

  it('checks the token before reading the body: 401 for a wrong token even with a malformed body', async () => {
    const r = await request(env.app).post('/api/statements').set('authorization', 'Bearer wrong-token-000000').set('content-type', 'application/json').send('{bad');
    assert.equal(r.status, 401);
  });
});

describe('POST /api/statements: idempotency', () => {
  const env = createApp();
  after(() => env.cleanup());

  it('a batch retried after a timeout gets the same ids back, all marked duplicate, and stores nothing new', async () => {
    const batch = {
      statements: [
        { text: 'Iran threatens to close the strait.', speaker: 'Iran', publishedAt: '2026-01-10T08:00:00Z' },
        { text: 'Talks continue in Oman.', externalId: 'oman-1' },
        { text: 'No id, no date, no speaker.' },
      ],
    };
    const first = await request(env.app).post('/api/statements').set(auth).send(batch);
    assert.equal(first.status, 202);
    const retry = await request(env.app).post('/api/statements').set(auth).send(batch);
    assert.equal(retry.status, 202);
    assert.deepEqual(
      retry.body.accepted.map((a: { id: number }) => a.id),
      first.body.accepted.map((a: { id: number }) => a.id),
    );
    assert.ok(retry.body.accepted.every((a: { duplicate: boolean }) => a.duplicate));
    assert.equal(env.count(), 3);
  });

  it('the same statement sent by 20 concurrent requests is stored once', async () => {
    const before = env.count();
    const body = { text: 'Concurrent retry storm.', speaker: 'NATO', externalId: 'storm-1' };
    const answers = await Promise.all(Array.from({ length: 20 }, () => request(env.app).post('/api/statements').set(auth).send(body)));
    assert.ok(answers.every((a) => a.status === 202));
    assert.equal(new Set(answers.map((a) => a.body.accepted[0].id)).size, 1);
    assert.equal(answers.filter((a) => a.body.accepted[0].duplicate === false).length, 1);
    assert.equal(env.count(), before + 1);
  });

  it('an item repeated inside one batch is stored once and reported as a duplicate with the same id', async () => {
    const r = await request(env.app)
      .post('/api/statements')
      .set(auth)
      .send({ statements: [{ text: 'Twice in a batch.' }, { text: 'Twice in a batch.' }] });
    assert.equal(r.body.accepted[0].id, r.body.accepted[1].id);
    assert.deepEqual(r.body.accepted.map((a: { duplicate: boolean }) => a.duplicate), [false, true]);
  });
});

describe('write rate limit', () => {
  it('answers 429 with the error envelope once a client exceeds the limit, also for bad tokens', async () => {
    const env = createApp({ rateLimit: 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) codes.push((await request(env.app).post('/api/statements').set(auth).send({ text: `rl ${i}` })).status);
      const limited = await request(env.app).post('/api/statements').set('authorization', 'Bearer guess-000000000000').send({ text: 'x' });
      assert.deepEqual(codes, [202, 202, 202]);
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error.code, 'rate-limited');
      assert.ok(limited.headers['retry-after']);
      const reads = await request(env.app).get('/api/feeds');
      assert.equal(reads.status, 200, 'reads are not limited');
    } finally {
      env.cleanup();
    }
  });
});

describe('/api/feeds', () => {
  const env = createApp({ blockPrivate: true });
  after(() => env.cleanup());

  it('adds a feed with the token (201), lists it with its health, and refuses bad input with the field named', async () => {
    const noToken = await request(env.app).post('/api/feeds').send({ name: 'Wire', url: 'https://wire.example/rss' });
    assert.equal(noToken.status, 401);
    const created = await request(env.app).post('/api/feeds').set(auth).send({ name: 'Wire', url: 'https://wire.example/rss', intervalSeconds: 120 });
    assert.equal(created.status, 201);
    assert.equal(created.headers.location, `/api/feeds/${created.body.feed.id}`);
    assert.deepEqual(
      { ...created.body.feed, health: undefined, id: undefined },
      { name: 'Wire', url: 'https://wire.example/rss', intervalSeconds: 120, origin: 'api', health: undefined, id: undefined },
    );
    assert.equal(created.body.feed.health.status, 'pending');

    const list = await request(env.app).get('/api/feeds');
    assert.equal(list.status, 200);
    assert.equal(list.body.feeds.length, 1);
    assert.deepEqual(Object.keys(list.body.feeds[0].health).sort(), [
      'consecutiveFailures',
      'itemsStored',
      'lastAttemptAt',
      'lastError',
      'lastErrorAt',
      'lastErrorCode',
      'lastHttpStatus',
      'lastItemCount',
      'lastSuccessAt',
      'nextAttemptAt',
      'status',
    ]);

    const defaults = await request(env.app).post('/api/feeds').set(auth).send({ name: 'Default interval', url: 'https://other.example/atom' });
    assert.equal(defaults.body.feed.intervalSeconds, 300);

    const bad = await request(env.app).post('/api/feeds').set(auth).send({ name: '', url: 'javascript:alert(1)', intervalSeconds: 1.5 });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid-feed');
    assert.match(bad.body.error.message, /name must not be empty/);
    assert.match(bad.body.error.message, /url must be an absolute http\(s\) URL/);
    assert.match(bad.body.error.message, /intervalSeconds must be a whole number/);

    const dup = await request(env.app).post('/api/feeds').set(auth).send({ name: 'Again', url: 'https://wire.example/rss' });
    assert.deepEqual([dup.status, dup.body.error.code], [409, 'duplicate-url']);

    const priv = await request(env.app).post('/api/feeds').set(auth).send({ name: 'Metadata', url: 'http://169.254.169.254/latest' });
    assert.deepEqual([priv.status, priv.body.error.code], [400, 'private-address']);

    const wrongType = await request(env.app).post('/api/feeds').set(auth).type('text').send('name=x');
    assert.equal(wrongType.status, 415);
  });

  it('deletes a feed with the token (204), 404 for an unknown one, 400 for a bad id', async () => {
    const { body } = await request(env.app).get('/api/feeds');
    const id = body.feeds[0].id;
    assert.equal((await request(env.app).delete(`/api/feeds/${id}`)).status, 401);
    assert.equal((await request(env.app).delete(`/api/feeds/${id}`).set(auth)).status, 204);
    const gone = await request(env.app).delete(`/api/feeds/${id}`).set(auth);
    assert.deepEqual([gone.status, gone.body.error.code], [404, 'not-found']);
    assert.equal((await request(env.app).delete('/api/feeds/abc').set(auth)).status, 400);
    assert.equal((await request(env.app).get(`/api/feeds/${id}`)).status, 404);
  });

  it('refuses to delete a feed declared in feeds.json (409) and says where to remove it', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const file = path.join(env.dir, 'feeds.json');
    fs.writeFileSync(file, JSON.stringify({ feeds: [{ name: 'Declared', url: 'https://declared.example/rss' }] }));
    env.feeds.syncFromFile(file);
    const declared = env.feeds.list().find((f) => f.origin === 'config')!;
    const r = await request(env.app).delete(`/api/feeds/${declared.id}`).set(auth);
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'declared-in-config');
    assert.match(r.body.error.message, /feeds\.json/);
  });
});

describe('/api/feeds: hostile targets and hostile readers (network exposure)', () => {
  const env = createApp({ blockPrivate: true });
  after(() => env.cleanup());

  it('refuses every spelling of a private or metadata address at save time, naming the reason', async () => {
    const spellings = [
      'http://169.254.169.254/latest/meta-data/',
      'http://[::ffff:169.254.169.254]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://2852039166/', // 169.254.169.254 as one decimal number
      'http://0xa9.0xfe.0xa9.0xfe/',
      'http://0251.0376.0251.0376/', // octal
      'http://127.1/',
      'http://0/',
      'http://[::1]:3000/rss',
      'http://[fd00::1]/',
      'http://10.0.0.1./feed',
      'http://user:pass@192.168.0.1/',
    ];
    for (const url of spellings) {
      const r = await request(env.app).post('/api/feeds').set(auth).send({ name: 'probe', url });
      assert.equal(r.status, 400, `${url}: ${JSON.stringify(r.body)}`);
      // Credentials in a feed URL are refused before the address is looked at.
      assert.equal(r.body.error.code, url.startsWith('http://user:') ? 'invalid-feed' : 'private-address', url);
    }
    assert.equal(env.feeds.list().length, 0, 'none was stored');
  });

  it('shows error detail only for the exact token: near misses read the general text', async () => {
    const db = env.store.db;
    const id = Number(db.prepare(`INSERT INTO feeds (name, url, interval_seconds, origin, created_at, next_attempt_at) VALUES ('x', 'https://x.example/rss', 300, 'api', 0, 0)`).run().lastInsertRowid);
    db.prepare(`UPDATE feeds SET last_attempt_at = 1, last_error_at = 1, last_error = 'ECONNREFUSED: connect ECONNREFUSED 10.1.2.3:6379', last_error_code = 'network-error', consecutive_failures = 1 WHERE id = ?`).run(id);
    const variants: Array<Record<string, string>> = [
      {},
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` },
      { authorization: TOKEN },
      { authorization: `Bearer ${'A'.repeat(10_000)}` },
      { 'x-api-token': TOKEN },
      { cookie: `token=${TOKEN}` },
    ];
    for (const headers of variants) {
      const r = await request(env.app).get('/api/feeds').set(headers);
      assert.equal(r.status, 200);
      assert.equal(r.body.feeds[0].health.lastError, 'connection refused', JSON.stringify(headers).slice(0, 80));
    }
    const query = await request(env.app).get(`/api/feeds?token=${TOKEN}`);
    assert.equal(query.body.feeds[0].health.lastError, 'connection refused', 'a token in the query string is not a credential');
    for (const header of [`Bearer ${TOKEN}`, `bearer   ${TOKEN}  `]) {
      const admin = await request(env.app).get('/api/feeds').set('authorization', header);
      assert.equal(admin.body.feeds[0].health.lastError, 'ECONNREFUSED: connect ECONNREFUSED 10.1.2.3:6379', 'the admin token sees the detail');
    }
  });
});
