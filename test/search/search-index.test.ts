import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createTempStore, TEST_STORE } from '../helpers/temp-store.ts';

/**
 * The external-content index (migration 011) must always equal what the statements table says:
 * FTS5's integrity-check with rank 1 compares the index with every row of the content table, so
 * it runs whenever no statement is pending (pending ones are not indexed, by design).
 * On PostgreSQL the index is the column statements.search, kept by a trigger (pg migration 001):
 * the same check is that every settled row's vector is exactly what its columns give and every
 * pending row's is NULL.
 */
describe('statements_fts stays consistent with statements', () => {
  const t = createTempStore();
  after(() => t.cleanup());
  const { store } = t;
  const pg = TEST_STORE === 'postgres';
  const pgCheck = () => {
    const wrong = store.db
      .prepare(
        `SELECT id FROM statements WHERE CASE WHEN status = 'pending' THEN search IS NOT NULL
           ELSE search IS DISTINCT FROM statement_search_vector(text, speaker, actor, targets, source) END`,
      )
      .pluck()
      .all();
    assert.deepEqual(wrong, [], 'statements whose search vector does not match their columns');
  };
  // rank 1: also compare the index with the content table (SQLite 3.44+).
  const check = pg ? pgCheck : () => store.db.exec("INSERT INTO statements_fts (statements_fts, rank) VALUES ('integrity-check', 1)");
  const find = (word: string) =>
    (pg
      ? store.db.prepare(`SELECT id FROM statements WHERE search @@ search_query(@terms, @prefixes) ORDER BY id`).pluck().all({ terms: [word], prefixes: [0] })
      : store.db.prepare('SELECT rowid FROM statements_fts WHERE statements_fts MATCH ? ORDER BY rowid').pluck().all(`"${word}"`)) as number[];
  const base = { externalId: null, source: 'Wire', url: null, publishedAt: null, receivedAt: 1, occurredAt: 1, origin: 'api' as const, isDemo: false };
  const scored = { score: 50, level: 'elevated', actor: 'Russia', targets: ['Ukraine'], mentioned: [], signals: [], scorerVersion: 't', scoredAt: 2 };

  it('indexes a statement when it is scored, unsupported or failed, never while pending', () => {
    const a = store.statements.insert({ ...base, dedupeKey: 'a', text: 'Convoy alpha moves', speaker: 'Moscow' }).id;
    const b = store.statements.insert({ ...base, dedupeKey: 'b', text: 'Convoy bravo waits', speaker: null }).id;
    const c = store.statements.insert({ ...base, dedupeKey: 'c', text: 'Convoy charlie fails', speaker: null }).id;
    assert.deepEqual(find('convoy'), [], 'pending statements are not searchable');
    store.transaction(() => store.statements.saveScored(a, scored));
    store.statements.markUnsupported(b, { lang: 'fr', decidedAt: 3 });
    store.statements.markFailed(c, 'boom');
    assert.deepEqual(find('convoy'), [a, b, c]);
    assert.deepEqual(find('ukraine'), [a], 'targets are searchable');
    assert.deepEqual(find('russia'), [a], 'the canonical speaker is searchable');
    assert.deepEqual(find('moscow'), [a], 'the speaker as given is searchable');
    assert.equal(store.statements.saveScored(a, scored), false, 'scoring twice does not index twice');
    check();
  });

  it('indexes a statement stored already scored or unsupported (backfill) once, duplicates not at all', () => {
    const s = { ...base, dedupeKey: 'd', text: 'Delta convoy holds', speaker: 'Kyiv' };
    const d = store.statements.insertScored(s, scored).id;
    assert.equal(store.statements.insertScored(s, scored).duplicate, true);
    const e = store.statements.insertUnsupported({ ...base, dedupeKey: 'e', text: 'Echo convoi', speaker: null }, { lang: 'fr', decidedAt: 3, exportHead: '' }).id;
    assert.deepEqual(find('delta'), [d]);
    assert.deepEqual(find('echo'), [e]);
    check();
  });

  it('follows a rewritten column, a return to pending and a deletion', () => {
    const [id] = find('delta');
    store.db.prepare('UPDATE statements SET text = ? WHERE id = ?').run('Foxtrot convoy holds', id);
    assert.deepEqual(find('delta'), []);
    assert.deepEqual(find('foxtrot'), [id]);
    check();
    store.db.prepare("UPDATE statements SET status = 'pending' WHERE id = ?").run(id);
    assert.deepEqual(find('foxtrot'), []);
    // (The full check counts every content row, and a pending one is not indexed by design: it
    // runs again once this row is gone.)
    store.db.prepare('DELETE FROM statements WHERE id = ?').run(id);
    check();
    const [alpha] = find('alpha');
    store.db.prepare('DELETE FROM statements WHERE id = ?').run(alpha);
    assert.deepEqual(find('alpha'), []);
    check();
    // A row written around the repository was never indexed: deleting it must not touch the index.
    store.db.prepare("INSERT INTO statements (dedupe_key, text, received_at, occurred_at, origin, status) VALUES ('raw', 'Golf convoy', 1, 1, 'api', 'scored')").run();
    store.db.prepare("DELETE FROM statements WHERE dedupe_key = 'raw'").run();
    check();
  });
});
