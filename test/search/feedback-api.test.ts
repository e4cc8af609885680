import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { auth, createSearchApp } from './search-helpers.ts';

const now = Date.UTC(2026, 10, 26, 12, 0, 0);

describe('"This score is wrong": POST /api/statements/:id/feedback, counts and CSV', () => {
  const t = createSearchApp({ now: () => now });
  after(() => t.cleanup());
  let ids: number[] = [];
  before(async () => {
    ids = await t.seed([
      { text: 'Russia warned it will strike the convoy with missiles immediately.', speaker: 'Russia', publishedAt: new Date(now - 60_000).toISOString() },
      { text: 'Both sides agreed to a ceasefire and the release of prisoners.', speaker: 'Ukraine', publishedAt: new Date(now - 30_000).toISOString() },
    ]);
  });

  it('needs the token, stores level, reason, who and when with the score at that time, and shows it on the statement', async () => {
    const none = await request(t.app).post(`/api/statements/${ids[0]}/feedback`).send({ level: 'low', reason: 'rhetoric only' });
    assert.equal(none.status, 401);
    const before_ = t.store.statements.get(ids[0]!)!;
    const res = await request(t.app).post(`/api/statements/${ids[0]}/feedback`).set(auth).send({ level: 'low', reason: '  rhetoric only, no capability  ' });
    assert.equal(res.status, 201);
    assert.equal(res.body.feedback.suggestedLevel, 'low');
    assert.equal(res.body.feedback.reason, 'rhetoric only, no capability');
    assert.equal(res.body.feedback.author, 'token');
    assert.equal(res.body.feedback.createdAt, new Date(now).toISOString());
    assert.equal(res.body.feedback.scoreAtTime, before_.score);
    assert.equal(res.body.feedback.levelAtTime, before_.level);
    const one = await request(t.app).get(`/api/statements/${ids[0]}`);
    assert.deepEqual(one.body.statement.feedback.map((f: { reason: string }) => f.reason), ['rhetoric only, no capability']);
    const list = await request(t.app).get('/api/statements');
    const row = list.body.statements.find((s: { id: number }) => s.id === ids[0]);
    assert.equal(row.feedback.length, 1);
    assert.deepEqual(list.body.statements.find((s: { id: number }) => s.id === ids[1]).feedback, []);
    const own = await request(t.app).get(`/api/statements/${ids[0]}/feedback`);
    assert.equal(own.body.feedback.length, 1);
  });

  it('records the signed-in user when an auth middleware set res.locals.user', async () => {
    const u = createSearchApp({ now: () => now, user: { id: 7, name: 'Ana Analyst', role: 'analyst' } });
    try {
      const [id] = await u.seed([{ text: 'The army will attack the port at dawn.', speaker: 'Russia' }]);
      const res = await request(u.app).post(`/api/statements/${id}/feedback`).set(auth).send({ level: 'high', reason: 'explicit and imminent' });
      assert.equal(res.status, 201);
      assert.equal(res.body.feedback.author, 'Ana Analyst');
    } finally {
      u.cleanup();
    }
  });

  it('rejects a bad level, an empty or over-long reason, unknown fields and unknown statements, naming what was wrong', async () => {
    for (const [body, field] of [
      [{ level: 'apocalyptic', reason: 'xx yy' }, 'level'],
      [{ level: 'low', reason: ' ' }, 'reason'],
      [{ level: 'low', reason: 'x'.repeat(2001) }, 'reason'],
      [{ level: 'low', reason: 'fine', score: 3 }, 'score'],
      [{ reason: 'no level' }, 'level'],
    ] as const) {
      const res = await request(t.app).post(`/api/statements/${ids[1]}/feedback`).set(auth).send(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error.message, new RegExp(field));
    }
    assert.equal((await request(t.app).post('/api/statements/999999/feedback').set(auth).send({ level: 'low', reason: 'nothing' })).status, 404);
    assert.equal((await request(t.app).post('/api/statements/abc/feedback').set(auth).send({ level: 'low', reason: 'nothing' })).status, 400);
    assert.equal((await request(t.app).get(`/api/statements/${ids[1]}/feedback`)).body.feedback.length, 0);
  });

  it('counts feedback per category, higher and lower than scored', async () => {
    await request(t.app).post(`/api/statements/${ids[1]}/feedback`).set(auth).send({ level: 'severe', reason: 'the ceasefire is a ruse' });
    const res = await request(t.app).get('/api/feedback/categories');
    assert.equal(res.status, 200);
    assert.equal(res.body.total, 2);
    const cats = t.store.db.prepare('SELECT category FROM statement_categories WHERE statement_id = ?').pluck().all(ids[0]) as string[];
    assert.ok(cats.length > 0);
    for (const c of cats) {
      const row = res.body.categories.find((r: { category: string }) => r.category === c);
      assert.ok(row, c);
      assert.ok(row.lower >= 1, `${c}: "low" is below the threat's level`);
    }
  });

  it('exports every piece of feedback as CSV with formulas neutralised', async () => {
    await request(t.app).post(`/api/statements/${ids[1]}/feedback`).set(auth).send({ level: 'calm', reason: '=HYPERLINK("http://evil","x")' });
    const res = await request(t.app).get('/api/export/feedback.csv');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'] ?? '', /text\/csv/);
    assert.match(res.headers['content-disposition'] ?? '', /attachment; filename="brinkwatch-feedback-2026-11-26\.csv"/);
    const rows = parse(res.text, { columns: true }) as Array<Record<string, string>>;
    assert.equal(rows.length, 3);
    assert.equal(rows[0]!.suggested_level, 'low');
    assert.equal(rows[0]!.author, 'token');
    assert.equal(rows[0]!.statement_id, String(ids[0]));
    assert.equal(rows[2]!.reason, `'=HYPERLINK("http://evil","x")`);
    assert.equal((await request(t.app).get('/api/export/feedback.csv?from=1')).status, 400);
  });
});
