import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiQuery, isActive, readSearchState, writeSearchState } from '../../client/src/search-state.ts';

describe('search state in the page URL (client/src/search-state.ts)', () => {
  it('reads and writes the search keys, leaving other views\' keys alone', () => {
    const s = readSearchState('?range=7d&q=missiles&actor=Russia&level=high&since=2026-11-01&sort=newest&bogus=1');
    assert.deepEqual(s, { q: 'missiles', actor: 'Russia', level: 'high', since: '2026-11-01', sort: 'newest' });
    assert.equal(writeSearchState('?range=7d&q=old&scope=actor%3AIran', { q: 'new words', dyad: 'Russia>Ukraine' }), '?range=7d&scope=actor%3AIran&q=new+words&dyad=Russia%3EUkraine');
    assert.equal(writeSearchState('?q=x', {}), '');
    assert.equal(isActive({ sort: 'newest' }), false);
    assert.equal(isActive({ min: '40' }), true);
  });
  it('maps the URL keys to the API parameters; an until day includes that whole day', () => {
    const url = new URL(apiQuery({ q: 'a', min: '10', max: '90', since: '2026-11-01', until: '2026-11-02', origin: 'feed', sort: 'newest' }, 25, 'abc'), 'http://x');
    const p = Object.fromEntries(url.searchParams);
    assert.deepEqual(p, { q: 'a', minScore: '10', maxScore: '90', origin: 'feed', from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z', sort: 'newest', limit: '25', cursor: 'abc' });
    assert.equal(new URL(apiQuery({ actor: 'Iran', sort: 'newest' }, 25), 'http://x').searchParams.get('sort'), null, 'sort only with a query');
  });
});
