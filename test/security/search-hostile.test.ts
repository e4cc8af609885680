import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { buildFtsQuery, MAX_QUERY_CHARS } from '../../server/store/fts-query.ts';
import { createSearchApp } from '../search/search-helpers.ts';

/**
 * Search text is hostile: FTS5 has its own query language (AND OR NOT NEAR, column filters,
 * ^, *, +, parentheses, quotes). Whatever arrives in q= must be a valid query or a named 400,
 * never a 500 and never FTS5 syntax acting on the index.
 */
describe('hostile search input', () => {
  const t = createSearchApp();
  after(() => t.cleanup());

  function random(seed: number) {
    let a = seed;
    return () => ((a = (a * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  }
  const ALPHABET = ['"', "'", '*', '(', ')', '-', '+', '^', ':', '{', '}', 'NEAR', 'AND', 'OR', 'NOT', ' ', ' ', 'a', 'missiles', '\\', '\u0000', '\u202e', 'é', '😀', ',', '.', '/', '%', '_', '[', ']'];

  it('any mix of FTS5 operators and odd characters is a valid query or a 400 naming q (2,000 random inputs, run against the index)', () => {
    const rnd = random(42);
    let refused = 0;
    for (let i = 0; i < 2000; i++) {
      const q = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => ALPHABET[Math.floor(rnd() * ALPHABET.length)]).join('');
      const built = buildFtsQuery(q);
      if (!built.ok) {
        refused++;
        assert.match(built.message, /^q: /);
        continue;
      }
      // Through the repository, as the API counts matches: FTS5 on SQLite (prefixes read as
      // words, fts-prefix.ts), search_query() over the tsvector on PostgreSQL.
      assert.doesNotThrow(() => t.store.statements.matchesMoreThan(built.match, 1), `input ${JSON.stringify(q)} gave ${built.match}`);
    }
    assert.ok(refused < 2000, 'most inputs hold a word');
  });

  it('answers 200 or a named 400 over HTTP, never 500', async () => {
    await t.seed([{ text: 'The ministry warned of missiles near the border.', speaker: 'Russia' }]);
    for (const q of ['"', '""', '*', 'NEAR(a b)', 'a OR b', 'NOT a', '-missiles', 'text:missiles', '{text speaker}: x', '^missiles', 'missiles*', '"unclosed', "' OR 1=1 --", '\u0000missiles', '%', '_']) {
      const res = await request(t.app).get(`/api/statements?q=${encodeURIComponent(q)}`);
      assert.ok(res.status === 200 || res.status === 400, `${JSON.stringify(q)}: ${res.status}`);
      if (res.status === 400) assert.match(res.body.error.message, /^q: /);
    }
    // Operators are words, not operators: "NOT missiles" finds nothing rather than everything else.
    const not = await request(t.app).get('/api/statements?q=NOT%20missiles');
    assert.deepEqual(not.body.statements, []);
    const col = await request(t.app).get('/api/statements?q=speaker%3Arussia');
    assert.equal(col.status, 200);
    assert.deepEqual(col.body.statements, [], '"speaker:russia" is the phrase "speaker russia", not a column filter (which would find the Russian statement)');
  });

  it('refuses an over-long query with a clear 400, not a slow one', async () => {
    const res = await request(t.app).get(`/api/statements?q=${'a'.repeat(MAX_QUERY_CHARS + 1)}`);
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, new RegExp(`q: must be at most ${MAX_QUERY_CHARS} characters`));
    const huge = await request(t.app).get(`/api/statements?q=${'a%20'.repeat(300)}`);
    assert.equal(huge.status, 400);
  });

  it('refuses bad filter values and unknown parameters, naming them', async () => {
    for (const [qs, name] of [
      ['level=%3Cscript%3E', 'level'],
      ['origin=api%27--', 'origin'],
      ['dyad=%3E', 'dyad'],
      ['lang=english', 'lang'],
      ['minScore=NaN', 'minScore'],
      ['maxScore=-1', 'maxScore'],
      ['from=yesterday', 'from'],
      ['__proto__=1', '__proto__'],
      ['constructor=1', 'constructor'],
    ] as const) {
      const res = await request(t.app).get(`/api/statements?${qs}`);
      assert.equal(res.status, 400, qs);
      assert.match(res.body.error.message, new RegExp(name.replace(/_/g, '_')), qs);
    }
  });
});
