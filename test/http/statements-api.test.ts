import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { createTestApp, TEST_TOKEN } from '../helpers/test-app.ts';

const auth = { authorization: `Bearer ${TEST_TOKEN}` };

describe('POST /api/statements', () => {
  const t = createTestApp();
  after(() => t.cleanup());

  it('refuses writes without a valid bearer token (401) and stores nothing', async () => {
    const none = await request(t.app).post('/api/statements').send({ text: 'x' });
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'unauthorized');
    const wrong = await request(t.app).post('/api/statements').set('authorization', 'Bearer nope').send({ text: 'x' });
    assert.equal(wrong.status, 401);
    assert.equal(t.store.statements.count(), 0);
  });

  it('answers 415 for a body that is not JSON and 400 for malformed JSON', async () => {
    const text = await request(t.app).post('/api/statements').set(auth).set('content-type', 'text/plain').send('hello');
    assert.equal(text.status, 415);
    assert.equal(text.body.error.code, 'unsupported-media-type');
    const bad = await request(t.app).post('/api/statements').set(auth).set('content-type', 'application/json').send('{"text": ');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'malformed-json');
    const arr = await request(t.app).post('/api/statements').set(auth).send([{ text: 'a' }]);
    assert.equal(arr.status, 400);
  });

  it('stores one statement as pending (202) and a retry of it only once', async () => {
    const body = { text: 'Russia warned NATO it would strike any convoy.', speaker: 'Russia', externalId: 'retry-1' };
    const first = await request(t.app).post('/api/statements').set(auth).send(body);
    assert.equal(first.status, 202);
    assert.equal(first.body.accepted.length, 1);
    assert.equal(first.body.accepted[0].duplicate, false);
    const retry = await request(t.app).post('/api/statements').set(auth).send(body);
    assert.equal(retry.status, 202);
    assert.equal(retry.body.accepted[0].id, first.body.accepted[0].id);
    assert.equal(retry.body.accepted[0].duplicate, true);
    const row = t.store.statements.get(first.body.accepted[0].id);
    assert.equal(row?.status, 'pending');
    assert.equal(row?.text, body.text);
  });

  it('takes a batch, rejecting only the bad items with index, code and message', async () => {
    const res = await request(t.app)
      .post('/api/statements')
      .set(auth)
      .send({ statements: [{ text: 'Ceasefire agreed in the north.' }, { speaker: 'no text' }, { text: 'Talks resume', publishedAt: 'soon' }, 'str'] });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body.accepted.map((a: { index: number }) => a.index), [0]);
    assert.deepEqual(
      res.body.rejected.map((r: { index: number; code: string }) => [r.index, r.code]),
      [[1, 'missing-text'], [2, 'invalid-date'], [3, 'not-an-object']],
    );
  });

  it('answers 413 for a batch over 1,000 items and 422 when every item is rejected', async () => {
    const big = await request(t.app).post('/api/statements').set(auth).send({ statements: Array.from({ length: 1001 }, (_, i) => ({ text: `s${i}` })) });
    assert.equal(big.status, 413);
    const allBad = await request(t.app).post('/api/statements').set(auth).send({ statements: [{ text: '' }] });
    assert.equal(allBad.status, 422);
    assert.equal(allBad.body.rejected[0].code, 'empty-text');
  });
});

describe('GET /api/statements and metrics after scoring', () => {
  const now = Date.UTC(2026, 10, 26, 12, 0, 0);
  const t = createTestApp({ now: () => now });
  after(() => t.cleanup());

  it('lists scored statements newest first with score, level, signals and a working cursor', async () => {
    const statements = [
      { text: 'The ministry said it will attack the convoy immediately.', speaker: 'Russia', publishedAt: new Date(now - 3600_000).toISOString() },
      { text: 'Both sides agreed to a ceasefire and the release of prisoners.', speaker: 'Ukraine', publishedAt: new Date(now - 1800_000).toISOString() },
      { text: 'The football league announced its new schedule.', speaker: 'France', publishedAt: new Date(now - 600_000).toISOString() },
    ];
    const post = await request(t.app).post('/api/statements').set(auth).send({ statements });
    assert.equal(post.status, 202);
    const run = await t.worker.runOnce();
    assert.equal(run.scored, 3);

    const page1 = await request(t.app).get('/api/statements?limit=2');
    assert.equal(page1.status, 200);
    assert.equal(page1.body.statements.length, 2);
    assert.equal(page1.body.statements[0].text, statements[2]!.text);
    for (const s of page1.body.statements) {
      assert.equal(s.status, 'scored');
      assert.equal(typeof s.score, 'number');
      assert.ok(Array.isArray(s.signals));
    }
    assert.ok(page1.body.nextCursor);
    const page2 = await request(t.app).get(`/api/statements?limit=2&cursor=${page1.body.nextCursor}`);
    assert.equal(page2.body.statements.length, 1);
    assert.equal(page2.body.statements[0].text, statements[0]!.text);
    assert.equal(page2.body.nextCursor, null);

    const threat = page2.body.statements[0];
    const calm = page1.body.statements[0];
    assert.ok(threat.score > calm.score, `threat ${threat.score} > sports ${calm.score}`);
    const sig = threat.signals[0];
    assert.equal(threat.text.slice(sig.start, sig.end), sig.text, 'evidence span points into the text');

    const high = await request(t.app).get('/api/statements?minScore=40');
    assert.ok(high.body.statements.every((s: { score: number }) => s.score >= 40));
  });

  it('answers 400 naming the parameter for bad filters', async () => {
    for (const [q, param] of [
      ['from=notadate', 'from'],
      ['limit=0', 'limit'],
      ['minScore=abc', 'minScore'],
      ['cursor=%%%', 'cursor'],
      ['from=2026-02-01&to=2026-01-01', 'from'],
    ] as const) {
      const res = await request(t.app).get(`/api/statements?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.error.code, 'invalid-query');
      assert.match(res.body.error.message, new RegExp(param));
    }
  });

  it('serves current metrics and minute history from the stored buckets', async () => {
    const current = await request(t.app).get('/api/metrics/current');
    assert.equal(current.status, 200);
    assert.equal(current.body.windows['24h'].count, 3);
    assert.equal(typeof current.body.windows['24h'].index, 'number');
    const history = await request(t.app).get(`/api/metrics/history?bucket=minute&from=${now - 86_400_000}&to=${now}`);
    assert.equal(history.status, 200);
    assert.equal(history.body.points.length, 3);
    assert.equal(history.body.points.reduce((n: number, p: { count: number }) => n + p.count, 0), 3);
    const rolling = await request(t.app).get(`/api/metrics/rolling?window=1h&step=5m&from=${now - 2 * 3600_000}&to=${now}`);
    assert.equal(rolling.status, 200);
    assert.equal(rolling.body.points.length, 25, 'every 5 minutes over 2 h, plus the end');
    const end = rolling.body.points.at(-1);
    assert.equal(end.t, new Date(now).toISOString());
    assert.equal(end.count, 3, 'the window [now - 1 h, now) holds all three, the one said exactly an hour before included');
    assert.equal(end.index, current.body.windows['1h'].index, 'the chart ends at the number on the 1 h card');
    assert.equal(rolling.body.points[0].count, 0);
    assert.equal(rolling.body.points[0].index, null);
    for (const [q, param] of [['window=forever', 'window'], ['step=0m', 'step'], [`step=1m&from=0&to=${now}`, 'step']]) {
      const r = await request(t.app).get(`/api/metrics/rolling?${q}`);
      assert.equal(r.status, 400, q);
      assert.match(r.body.error.message, new RegExp(param));
    }
    const bad = await request(t.app).get('/api/metrics/history?bucket=week');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /bucket/);
  });

  it('answers health and a JSON 404 for unknown API routes', async () => {
    const health = await request(t.app).get('/api/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'ok');
    const missing = await request(t.app).get('/api/nothing-here');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not-found');
  });
});
