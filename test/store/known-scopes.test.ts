import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createKnownScopes } from '../../server/store/known-scopes.ts';
import { createTempStore } from '../helpers/temp-store.ts';

// Names around the prefix's edges: punctuation a linguistic collation would ignore, case, non-ASCII.
const SCOPES = [
  'global', 'actor', 'actor:', 'actor:A', 'actor:a', 'actor:Zed', 'actor:Émile', 'actor:Россия', 'actor:中国', 'actor:🇺🇦',
  'actor;x', 'actor9', 'actorx', 'actors:B', 'Actor:C', 'category:threat', 'category:', 'dyad:A>B', 'dyad:A>Б',
];

/** Byte order of the UTF-8 strings, as SQLite's BINARY and PostgreSQL's "C" compare them. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

test('knownScopes.withPrefix() lists the stored scopes of a kind in byte order, up to a limit', () => {
  const t = createTempStore();
  try {
    const insert = t.store.db.prepare(
      'INSERT INTO metric_buckets_day (scope, bucket_start, n, sum_score, sum_w, sum_wscore, max_score) VALUES (?, ?, 1, 1, 1, 1, 1)',
    );
    t.store.transaction(() => {
      // Several days per scope: each scope is still listed once.
      for (const scope of SCOPES) for (const day of [0, 1, 2]) insert.run(scope, day * 86_400_000);
    });
    const known = createKnownScopes(t.store.db);
    for (const prefix of ['actor:', 'category:', 'dyad:', 'dyad:A>', 'act', 'nothing:']) {
      const expected = SCOPES.filter((s) => s.startsWith(prefix) && s !== prefix).sort(byBytes);
      assert.deepEqual(known.withPrefix(prefix), expected, prefix);
      assert.deepEqual(known.withPrefix(prefix, 2), expected.slice(0, 2), `${prefix}, limit 2`);
      assert.deepEqual(known.withPrefix(prefix, 0), [], `${prefix}, limit 0`);
    }
  } finally {
    t.cleanup();
  }
});
