import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contributionsFor, MINUTE_MS } from '../../server/metrics/risk-index.ts';
import { createMetricsRepo } from '../../server/store/metrics-repo.ts';
import type { MinuteColumns } from '../../server/store/minute-cache.ts';
import { createTempStore } from '../helpers/temp-store.ts';

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
});
