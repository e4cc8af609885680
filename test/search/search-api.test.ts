import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createSearchApp } from './search-helpers.ts';

const now = Date.UTC(2026, 10, 26, 12, 0, 0);
const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();

describe('GET /api/statements?q= (full-text search)', () => {
  const t = createSearchApp({ now: () => now });
  after(() => t.cleanup());
  let ids: number[] = [];
  before(async () => {
    ids = await t.seed([
      { text: 'Russia warned it will strike the convoy with missiles immediately.', speaker: 'Russia', source: 'TASS', publishedAt: at(50) },
      { text: 'The ministry announced new missile tests near the border.', speaker: 'North Korea', source: 'KCNA', publishedAt: at(40) },
      { text: 'Both sides agreed to a ceasefire and the release of prisoners.', speaker: 'Ukraine', source: 'Ukrinform', publishedAt: at(30) },
      { text: 'Le ministère a condamné les frappes de missile sur Kharkiv.', speaker: 'France', source: 'AFP', publishedAt: at(20) },
      { text: 'Missiles, missiles and more missiles: the escalation continues against Ukraine.', speaker: 'Russia', source: 'RIA', publishedAt: at(10) },
    ]);
  });

  it('finds statements by a word in the text, newest first on request, with highlighted ranges', async () => {
    const res = await request(t.app).get('/api/statements?q=missiles&sort=newest');
    assert.equal(res.status, 200);
    const found = res.body.statements.map((s: { id: number }) => s.id);
    assert.deepEqual(found, [ids[4], ids[0]], 'the exact word: "missile" (singular) is another word');
    const first = res.body.statements[0];
    assert.ok(first.highlights.text.length >= 3);
    for (const [a, b] of first.highlights.text) assert.equal(first.text.slice(a, b).toLowerCase(), 'missiles');
  });

  it('ranks by bm25 relevance by default and pages with a rank cursor', async () => {
    const res = await request(t.app).get('/api/statements?q=missiles&limit=1');
    assert.equal(res.status, 200);
    assert.equal(res.body.statements[0].id, ids[4], 'three occurrences rank above one');
    assert.equal(typeof res.body.statements[0].rank, 'number');
    assert.ok(res.body.nextCursor);
    const page2 = await request(t.app).get(`/api/statements?q=missiles&limit=1&cursor=${res.body.nextCursor}`);
    assert.equal(page2.status, 200);
    assert.deepEqual(page2.body.statements.map((s: { id: number }) => s.id), [ids[0]]);
    assert.equal(page2.body.nextCursor, null);
    const wrongKind = await request(t.app).get(`/api/statements?q=missiles&cursor=${res.body.nextCursor}&sort=newest`);
    assert.equal(wrongKind.status, 400);
  });

  it('matches prefixes, phrases, speakers, sources and accents loosely', async () => {
    const ids1 = async (q: string) =>
      (await request(t.app).get(`/api/statements?sort=newest&q=${encodeURIComponent(q)}`)).body.statements.map((s: { id: number }) => s.id);
    assert.deepEqual(await ids1('missil*'), [ids[4], ids[3], ids[1], ids[0]]);
    assert.deepEqual(await ids1('"release of prisoners"'), [ids[2]]);
    assert.deepEqual(await ids1('"prisoners release"'), [], 'a phrase keeps its word order');
    assert.deepEqual(await ids1('kcna'), [ids[1]]);
    assert.deepEqual(await ids1('ministere'), [ids[3]], 'diacritics are folded');
    const speaker = await request(t.app).get('/api/statements?q=korea');
    const hl = speaker.body.statements[0].highlights;
    assert.equal(speaker.body.statements[0].speaker.slice(hl.speaker[0][0], hl.speaker[0][1]), 'Korea');
  });

  it('highlights a matching target by its position in targets', async () => {
    const res = await request(t.app).get('/api/statements?q=ukraine&sort=newest');
    const row = res.body.statements.find((s: { id: number }) => s.id === ids[4]);
    assert.ok(row, 'the statement against Ukraine is found');
    const i = row.targets.indexOf('Ukraine');
    assert.ok(i >= 0, `targets ${JSON.stringify(row.targets)}`);
    assert.deepEqual(row.highlights.targets[i], [[0, 7]]);
  });

  it('combines q with filters: actor, dyad, level, score range, lang, origin, dates', async () => {
    const get = async (qs: string) => {
      const res = await request(t.app).get(`/api/statements?${qs}`);
      assert.equal(res.status, 200, `${qs}: ${JSON.stringify(res.body)}`);
      return res.body.statements as Array<{ id: number; score: number; level: string; lang: string }>;
    };
    assert.deepEqual((await get('q=missiles&actor=Russia&sort=newest')).map((s) => s.id), [ids[4], ids[0]]);
    assert.deepEqual((await get('q=missiles&dyad=Russia>Ukraine')).map((s) => s.id), [ids[4]]);
    assert.deepEqual((await get(`q=missiles&from=${encodeURIComponent(at(15))}`)).map((s) => s.id), [ids[4]]);
    assert.deepEqual((await get(`q=missiles&to=${encodeURIComponent(at(15))}`)).map((s) => s.id), [ids[0]]);
    assert.deepEqual((await get('q=ministere&lang=fr')).map((s) => s.id), [ids[3]]);
    assert.deepEqual(await get('q=missiles&origin=feed'), []);
    assert.equal((await get('q=missiles&origin=api')).length, 2);
    const all = await get('limit=50');
    const top = all.reduce((a, b) => (a.score >= b.score ? a : b));
    assert.ok((await get(`maxScore=${top.score - 0.001}`)).every((s) => s.id !== top.id));
    assert.ok((await get(`minScore=${top.score}&maxScore=100`)).some((s) => s.id === top.id));
    assert.ok((await get(`level=${top.level}`)).every((s) => s.level === top.level));
  });

  it('treats any text as words: FTS5 syntax never reaches the index', async () => {
    for (const q of ['"', '*', 'NEAR(', 'missiles -russia', 'missiles OR ceasefire', 'text:missiles', '^missiles', '(missiles', 'a"b"c"', '{text}: x', 'AND', "'; DROP TABLE statements; --"]) {
      const res = await request(t.app).get(`/api/statements?q=${encodeURIComponent(q)}`);
      assert.ok(res.status === 200 || res.status === 400, `${q}: ${res.status}`);
      if (res.status === 400) assert.equal(res.body.error.code, 'invalid-query', q);
    }
    const or = await request(t.app).get('/api/statements?q=missiles%20OR%20ceasefire');
    assert.deepEqual(or.body.statements, [], 'OR is a word to find, not an operator');
    assert.equal(t.store.statements.count(), 5);
  });

  it('answers 400 naming the parameter for unknown parameters and bad filters', async () => {
    for (const [qs, param] of [
      ['colour=red', 'colour'],
      ['q=x&minscore=3', 'minscore'],
      [`q=${'a'.repeat(201)}`, 'q'],
      ['q=%22%22', 'q'],
      ['q=' + Array.from({ length: 17 }, (_, i) => `w${i}`).join('+'), 'q'],
      ['level=extreme', 'level'],
      ['origin=moon', 'origin'],
      ['dyad=Russia', 'dyad'],
      ['minScore=60&maxScore=20', 'minScore'],
      ['maxScore=101', 'maxScore'],
      ['sort=relevance', 'sort'],
      ['sort=best&q=x', 'sort'],
      ['q=a&q=b', 'q'],
    ] as const) {
      const res = await request(t.app).get(`/api/statements?${qs}`);
      assert.equal(res.status, 400, qs);
      assert.equal(res.body.error.code, 'invalid-query', qs);
      assert.match(res.body.error.message, new RegExp(param), qs);
    }
  });
});

describe('a search with more matches than can be ranked', () => {
  const t = createSearchApp({ now: () => now, maxRankedMatches: 2 });
  after(() => t.cleanup());

  it('answers newest first with a note, and pages on with time cursors', async () => {
    const ids = await t.seed([1, 2, 3].map((i) => ({ text: `Missiles were fired at the port, report ${i}.`, speaker: 'Russia', publishedAt: at(10 * i) })));
    const res = await request(t.app).get('/api/statements?q=missiles&limit=2');
    assert.equal(res.status, 200);
    assert.equal(res.body.sort, 'newest');
    assert.match(res.body.note, /more than 2 statements match: shown newest first/);
    assert.deepEqual(res.body.statements.map((s: { id: number }) => s.id), [ids[0], ids[1]]);
    const next = await request(t.app).get(`/api/statements?q=missiles&limit=2&cursor=${res.body.nextCursor}`);
    assert.deepEqual(next.body.statements.map((s: { id: number }) => s.id), [ids[2]]);
    const few = await request(t.app).get('/api/statements?q=missiles%20report%202');
    assert.equal(few.body.sort, 'relevance');
    assert.equal(few.body.note, undefined);
  });
});
