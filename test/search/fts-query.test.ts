import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFtsQuery } from '../../server/store/fts-query.ts';
import { matchRanges, termsOfMatch } from '../../server/store/search-highlights.ts';

describe('buildFtsQuery() turns typed text into a safe FTS5 expression', () => {
  const match = (q: string) => {
    const r = buildFtsQuery(q);
    assert.ok(r.ok, q);
    return r.match;
  };
  it('quotes every word and keeps phrases and prefixes', () => {
    assert.equal(match('russia  missiles'), '"russia" "missiles"');
    assert.equal(match('"release of prisoners" talks'), '"release of prisoners" "talks"');
    assert.equal(match('escal*'), '"escal" *');
    assert.equal(match('e*'), '"e"', 'a one-letter prefix is a word');
    assert.equal(match('say "hi'), '"say" "hi"', 'an unbalanced quote is a space');
    assert.equal(match('a""b'), '"a" "b"');
    assert.equal(match('NEAR(x'), '"NEAR(x"');
  });
  it('refuses input with no word, too long, or too many terms', () => {
    assert.equal((buildFtsQuery('*** -- ""') as { code: string }).code, 'no-terms');
    assert.equal((buildFtsQuery('x'.repeat(201)) as { code: string }).code, 'query-too-long');
    assert.equal((buildFtsQuery(Array.from({ length: 17 }, (_, i) => `w${i}`).join(' ')) as { code: string }).code, 'too-many-terms');
  });
});

describe('matchRanges() marks where the terms match, as the tokenizer reads words', () => {
  const terms = (q: string) => termsOfMatch((buildFtsQuery(q) as { match: string }).match);
  it('finds words case- and accent-insensitively, phrases in order, prefixes', () => {
    assert.deepEqual(matchRanges('Missiles, missiles!', terms('missiles')), [[0, 8], [10, 18]]);
    assert.deepEqual(matchRanges('Le ministère a parlé', terms('ministere')), [[3, 12]]);
    assert.deepEqual(matchRanges('the release of prisoners and release', terms('"release of prisoners"')), [[4, 24]]);
    assert.deepEqual(matchRanges('escalation escalating scale', terms('escal*')), [[0, 10], [11, 21]]);
    assert.deepEqual(matchRanges('missile', terms('missiles')), []);
    assert.deepEqual(matchRanges(null, terms('x')), []);
  });
});
