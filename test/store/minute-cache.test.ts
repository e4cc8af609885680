import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contributionsFor, MINUTE_MS } from '../../server/metrics/risk-index.ts';
import { createMetricsRepo } from '../../server/store/metrics-repo.ts';
import type { MinuteColumns } from '../../server/store/minute-cache.ts';
import type { PgDatabase } from '../../server/store/pg/pg-database.ts';
import { createStore, type Store } from '../../server/store/store.ts';
import { createTempStore, TEST_DATABASE_URL, TEST_STORE } from '../helpers/temp-store.ts';

const T0 = Date.UTC(2026, 6, 1, 10);
const rowsOf = (c: MinuteColumns) => Array.from(c.start.subarray(0, c.length), (start, i) => ({ start, n: c.n[i], max: c.max[i] }));
const stored = (db: ReturnType<typeof createTempStore>['store']['db'], scope: string, from: number, to: number) =>
  (db.prepare('SELECT bucket_start AS start, n, max_score AS max FROM metric_buckets WHERE scope = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start').all(scope, from, to) as Array<{ start: number; n: number; max: number }>);

describe('minute cache', () => {
  it('forgets what a rolled-back transaction wrote, even when it was read inside it', () => {
    const t = createTempStore();
    try {
      const add = (minute: number, score: number) => t.store.metrics.add(contributionsFor({ occurredAt: T0 + minute * MINUTE_MS, score, actor: 'A', targets: [], categories: [] }));
      t.store.transaction(() => add(1, 10));
      assert.equal(t.store.metrics.minutes('global', T0, T0 + 60 * MINUTE_MS).length, 1);
      assert.throws(() =>
        t.store.transaction(() => {
          add(2, 90);
          add(1, 95);
          // Read inside the transaction (an alert evaluation does): sees its own writes...
          const inside = t.store.metrics.minutes('global', T0, T0 + 60 * MINUTE_MS);
          assert.deepEqual(rowsOf(inside).map((r) => r.max), [95, 90]);
          // ...and a scope first read inside it.
          assert.equal(t.store.metrics.minutes('actor:A', T0, T0 + 60 * MINUTE_MS).length, 2);
          throw new Error('rolled back');
        }),
      );
      for (const scope of ['global', 'actor:A']) {
        assert.deepEqual(rowsOf(t.store.metrics.minutes(scope, T0, T0 + 60 * MINUTE_MS)), stored(t.store.db, scope, T0, T0 + 60 * MINUTE_MS), scope);
      }
    } finally {
      t.cleanup();
    }
  });

  it('stays equal to the table under writes anywhere, with eviction, spans it cannot keep and two caches on one connection', () => {
    const t = createTempStore();
    try {
      // A tiny budget: scopes are evicted and re-read all the time.
      const repo = createMetricsRepo(t.store.db, { maxRows: 50, maxSpanMs: 300 * MINUTE_MS });
      let x = 5;
      const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const scopes = ['global', 'actor:A', 'actor:B'];
      for (let round = 0; round < 200; round++) {
        t.store.transaction(() => {
          for (let k = 0; k < 3; k++) {
            repo.add(contributionsFor({ occurredAt: T0 + Math.floor(rnd() * 400) * MINUTE_MS, score: Math.round(rnd() * 100), actor: rnd() < 0.5 ? 'A' : 'B', targets: [], categories: [] }));
          }
        });
        const scope = scopes[round % 3]!;
        const from = T0 + Math.floor(rnd() * 200) * MINUTE_MS;
        const to = from + Math.floor(1 + rnd() * 350) * MINUTE_MS;
        const cols = repo.minutes(scope, from, to);
        const inRange = rowsOf(cols).filter((r) => r.start >= from && r.start < to);
        assert.deepEqual(inRange, stored(t.store.db, scope, from, to), `round ${round} ${scope}`);
        // A second cache on the same connection (the store's own) is told about the same writes.
        const other = rowsOf(t.store.metrics.minutes(scope, from, to)).filter((r) => r.start >= from && r.start < to);
        assert.deepEqual(other, inRange, `round ${round} ${scope}: second cache`);
        assert.ok(repo.minuteCache.size().rows <= 50 + 400, 'the budget holds, but for the scope just read');
      }
    } finally {
      t.cleanup();
    }
  });

  it('stays equal to the table under another connection\'s writes (another node, or a CLI), committed, rolled back or still open', () => {
    const t = createTempStore();
    // PostgreSQL: a second node on the same schema; SQLite: a second connection to the same file.
    const second: Store =
      TEST_STORE === 'postgres'
        ? createStore(TEST_DATABASE_URL, { pg: { schema: (t.store.db as unknown as PgDatabase).options.schema } })
        : createStore(t.store.file);
    try {
      const nodes = [t.store, second];
      let x = 11;
      const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const scopes = ['global', 'actor:A', 'actor:B'];
      const minute = () => T0 + Math.floor(rnd() * 300) * MINUTE_MS;
      const add = (node: Store) =>
        node.metrics.add(contributionsFor({ occurredAt: minute(), score: Math.round(rnd() * 100), actor: rnd() < 0.5 ? 'A' : 'B', targets: [], categories: [] }));
      const check = (node: Store, label: string) => {
        for (const scope of scopes) {
          const from = T0 + Math.floor(rnd() * 100) * MINUTE_MS;
          const to = from + Math.floor(1 + rnd() * 250) * MINUTE_MS;
          const cached = rowsOf(node.metrics.minutes(scope, from, to)).filter((r) => r.start >= from && r.start < to);
          assert.deepEqual(cached, stored(node.db, scope, from, to), `${label}: ${scope} [${(from - T0) / MINUTE_MS}, ${(to - T0) / MINUTE_MS})`);
        }
      };
      // Versions taken inside a transaction that rolls back are given out again to the next writers:
      // the reader must not take them as known.
      const at = (node: Store, m: number) => node.metrics.add(contributionsFor({ occurredAt: T0 + m * MINUTE_MS, score: 50, actor: 'A', targets: [], categories: [] }));
      const hour = (node: Store) => rowsOf(node.metrics.minutes('global', T0, T0 + 60 * MINUTE_MS)).map((r) => (r.start - T0) / MINUTE_MS);
      t.store.transaction(() => at(t.store, 1));
      assert.deepEqual(hour(t.store), [1]);
      assert.throws(() =>
        t.store.transaction(() => {
          for (const m of [2, 3, 4]) at(t.store, m);
          assert.deepEqual(hour(t.store), [1, 2, 3, 4]);
          throw new Error('rolled back');
        }),
      );
      second.transaction(() => at(second, 10));
      assert.deepEqual(hour(t.store), [1, 10]);
      assert.deepEqual(hour(second), [1, 10]);
      for (let round = 0; round < 120; round++) {
        const w = rnd() < 0.5 ? 0 : 1;
        const writer = nodes[w]!;
        const reader = nodes[1 - w]!;
        const what = rnd();
        if (what < 0.5) {
          writer.transaction(() => {
            for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) add(writer);
          });
        } else if (what < 0.75) {
          // Open on the writer while the other reads: it must not see these minutes until the commit
          // (nor ever, when the transaction rolls back).
          const rollBack = rnd() < 0.5;
          try {
            writer.transaction(() => {
              add(writer);
              add(writer);
              check(writer, `round ${round}: writer inside its transaction`);
              check(reader, `round ${round}: reader while the writer's transaction is open`);
              if (rollBack) throw new Error('rolled back');
            });
          } catch (err) {
            if (!rollBack || (err as Error).message !== 'rolled back') throw err;
          }
        } else if (what < 0.9) {
          // Code that knows nothing of the cache: an UPDATE and a DELETE in SQL.
          writer.db.prepare('UPDATE metric_buckets SET n = n + 1, max_score = 100 WHERE scope = ? AND bucket_start = ?').run(scopes[Math.floor(rnd() * 3)]!, minute());
          writer.db.prepare('DELETE FROM metric_buckets WHERE bucket_start >= ? AND bucket_start < ?').run(minute(), minute());
        } else {
          writer.db.prepare('DELETE FROM metric_buckets WHERE scope = ? AND bucket_start > ?').run(scopes[Math.floor(rnd() * 3)]!, minute());
        }
        check(reader, `round ${round}: reader`);
        check(writer, `round ${round}: writer`);
      }
    } finally {
      second.close();
      t.cleanup();
    }
  });
});
