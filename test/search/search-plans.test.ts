import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { actorNamesSql } from '../../server/store/actor-filter.ts';
import { expandPrefixes, PREFIX_WORDS_MAX } from '../../server/store/fts-prefix.ts';
import { buildFtsQuery } from '../../server/store/fts-query.ts';
import { SEARCH_LOOKUP_MAX } from '../../server/store/scope-filter.ts';
import { newestByRowid } from '../../server/store/search-newest.ts';
import { buildStatementQuery, ROW_COLUMNS } from '../../server/store/statement-query.ts';
import type { StatementFilter } from '../../server/store/statement-types.ts';
import { createTempStore, TEST_STORE } from '../helpers/temp-store.ts';

/**
 * The fast plans of a search (the 'rowid' walk of a newest-first page, server/store/search-newest.ts;
 * prefix terms read as words, fts-prefix.ts; the actor filter through the index, actor-filter.ts)
 * must give exactly the rows of the plain query: every page is compared with the 'lookup' plan
 * (every match read and sorted), on statements whose ids follow time loosely, then not at all.
 */
describe('search plans give the same rows', { skip: TEST_STORE === 'postgres' ? 'SQLite plans (FTS5); PostgreSQL plans itself' : false }, () => {
  const t = createTempStore();
  after(() => t.cleanup());
  const { store } = t;
  const n = SEARCH_LOOKUP_MAX + 700; // more matches than the lookup plan takes
  const actors = ['Russia', 'RUSSIA', 'russia', 'Rwanda', 'Ukraine', 'China', 'Élodie', 'élodie'];
  const base = { externalId: null, source: 'Wire', url: null, publishedAt: null, origin: 'api' as const, isDemo: false };

  before(() => {
    store.transaction(() => {
      for (let i = 0; i < n; i++) {
        // Ids follow time with jitter, and every 9th statement arrives days late (old occurred_at).
        const at = i % 9 === 0 ? 1_000_000 + i * 7 : 5_000_000 + i * 1000 + ((i * 7919) % 5) * 1500;
        const words = `common ${i % 3 === 0 ? 'third' : 'other'} ${i % 50 === 0 ? 'rare' : ''} minister${i % 4} ministry`;
        store.statements.insertScored(
          { ...base, dedupeKey: `p${i}`, text: `Statement ${i} ${words}`, speaker: actors[i % actors.length]!, receivedAt: at, occurredAt: at },
          {
            score: (i * 37) % 100, level: i % 5 === 0 ? 'severe' : 'low', actor: actors[i % actors.length]!, targets: i % 2 ? ['Ukraine'] : ['China'],
            mentioned: [], signals: [], categories: i % 3 ? ['accusation'] : [], scorerVersion: 't', scoredAt: at,
          },
        );
      }
    });
  });

  const reference = (f: StatementFilter) => {
    const { sql, params } = buildStatementQuery(f, ROW_COLUMNS, 'lookup');
    return (store.db.prepare(sql).all(params) as Array<{ id: number }>).map((r) => r.id);
  };
  const match = (q: string) => (buildFtsQuery(q) as { match: string }).match;

  it('pages newest first exactly as the plain query, with every filter and the cursor', () => {
    const filters: Array<Partial<StatementFilter>> = [
      {},
      { actor: 'russia' },
      { actor: 'ÉLODIE' },
      { dyad: 'Rwanda>Ukraine' },
      { category: 'accusation', level: 'severe' },
      { from: 1_000_000, to: 6_000_000 },
      { minScore: 40, maxScore: 60 },
    ];
    for (const q of ['common', 'common third', 'minis*', '"statement 1"']) {
      for (const extra of filters) {
        let f: StatementFilter = { ...extra, match: match(q), sort: 'newest', limit: 37 };
        for (let page = 0; page < 4; page++) {
          const got = store.statements.list(f).map((s) => s.id);
          assert.deepEqual(got, reference({ ...f, match: match(q) }), `${q} ${JSON.stringify(extra)} page ${page}`);
          const last = store.statements.list(f).at(-1);
          if (!last) break;
          f = { ...f, before: { occurredAt: Date.parse(last.occurredAt), id: last.id } };
        }
      }
    }
  });

  it('walks the matches by rowid to the same page whatever the order of ids, and gives up when told', () => {
    // Statements stored in the opposite order of time: the highest ids are the oldest.
    const late = createTempStore();
    try {
      late.store.transaction(() => {
        for (let i = 0; i < 300; i++) {
          const at = 9_000_000 - i * 1000;
          late.store.statements.insertScored(
            { ...base, dedupeKey: `r${i}`, text: `Late ${i} common`, speaker: 'Russia', receivedAt: at, occurredAt: at },
            { score: 10, level: 'calm', actor: 'Russia', targets: [], mentioned: [], signals: [], scorerVersion: 't', scoredAt: at },
          );
        }
      });
      const f: StatementFilter = { match: match('common'), sort: 'newest', limit: 20 };
      const { sql, params } = buildStatementQuery(f, ROW_COLUMNS, 'lookup');
      const want = (late.store.db.prepare(sql).all(params) as Array<{ id: number }>).map((r) => r.id);
      assert.deepEqual(newestByRowid<{ id: number; occurred_at: number }>(late.store.db, f, ROW_COLUMNS)!.map((r) => r.id), want);
      assert.equal(want[0], 1, 'the oldest id is the newest statement');
      assert.equal(newestByRowid(late.store.db, f, ROW_COLUMNS, 50), null, 'every match must be read: more than 50');
      assert.equal(newestByRowid(store.db, { ...f, limit: 37 }, ROW_COLUMNS, 5), null);
    } finally {
      late.cleanup();
    }
  });

  it('reads a prefix as the words it covers, the same rows, leaving phrases and long lists alone', () => {
    const db = store.db;
    assert.equal(expandPrefixes(db, match('minis*')), '("minister0" OR "minister1" OR "minister2" OR "minister3" OR "ministry")');
    assert.equal(expandPrefixes(db, match('common minis*')), '"common" AND ("minister0" OR "minister1" OR "minister2" OR "minister3" OR "ministry")');
    assert.equal(expandPrefixes(db, match('"statement min"*')), match('"statement min"*'), 'a phrase prefix stays');
    assert.equal(expandPrefixes(db, match('zzq*')), match('zzq*'), 'no word: stays');
    // Statement numbers: 2,700 words start with a digit.
    assert.ok(PREFIX_WORDS_MAX < 100);
    assert.equal(expandPrefixes(db, match('1*')), match('1*'), 'too short to be a prefix at all');
    assert.equal(expandPrefixes(db, match('12*')), match('12*'), 'more than PREFIX_WORDS_MAX words: stays');
    const ids = (m: string) => db.prepare('SELECT rowid FROM statements_fts WHERE statements_fts MATCH ? ORDER BY rowid').pluck().all(m);
    for (const q of ['minis*', 'minister1*', 'rar*', 'common min*']) assert.deepEqual(ids(expandPrefixes(db, match(q))), ids(match(q)), q);
  });

  it('finds every spelling of an actor that NOCASE finds, through the index', () => {
    const names = (actor: string) => {
      const params: Record<string, unknown> = {};
      return (store.db.prepare(actorNamesSql(actor, params)).pluck().all(params) as string[]).sort();
    };
    const nocase = (actor: string) =>
      (store.db.prepare('SELECT DISTINCT actor FROM statement_actors WHERE actor = ? COLLATE NOCASE').pluck().all(actor) as string[]).sort();
    for (const a of ['Russia', 'rUSSIA', 'russia', 'Rwanda', 'rwandA', 'Élodie', 'élodie', 'ÉLODIE', 'Ukraine', 'Nobody', '', '1']) {
      assert.deepEqual(names(a), nocase(a), a);
    }
    assert.deepEqual(names('RUSSIA'), ['RUSSIA', 'Russia', 'russia']);
    const params: Record<string, unknown> = {};
    const plan = store.db.prepare(`EXPLAIN QUERY PLAN ${actorNamesSql('Russia', params)}`).all(params) as Array<{ detail: string }>;
    assert.ok(!plan.some((p) => /^SCAN statement_actors/.test(p.detail)), JSON.stringify(plan));
  });
});
