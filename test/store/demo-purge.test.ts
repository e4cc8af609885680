import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { scoreStatement } from '../../server/jobs/score-statement.ts';
import { contributionsFor } from '../../server/metrics/risk-index.ts';
import { listMigrations, migrate } from '../../server/store/database.ts';
import { statementExportHead } from '../../server/store/statement-export-head.ts';
import type { Store } from '../../server/store/store.ts';
import { createTestApp } from '../helpers/test-app.ts';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const H = 3_600_000;

const DEMO = [
  'Moscow warned that any deployment of NATO troops would be met with force.',
  'Beijing and Manila agreed to resume talks on fishing rights.',
  'Tehran threatened to close the strait if sanctions are extended.',
  'Kyiv said a missile strike killed four people in Kharkiv.',
];
const REAL = [
  'Warsaw expelled two diplomats over alleged espionage.',
  'Pyongyang fired a ballistic missile into the sea, the ministry said.',
  'Ankara welcomed the ceasefire and offered to host talks.',
];

/** Each scored statement's rows in metric_buckets, grouped by hand from the statements table alone. */
function bruteForceGlobal(store: Store, widthMs: number): Array<{ start: number; n: number; sum: number; max: number }> {
  const rows = store.db
    .prepare(`SELECT occurred_at AS t, score FROM statements WHERE status = 'scored' ORDER BY occurred_at`)
    .all() as Array<{ t: number; score: number }>;
  const by = new Map<number, { start: number; n: number; sum: number; max: number }>();
  for (const r of rows) {
    const start = r.t - (r.t % widthMs);
    const b = by.get(start) ?? { start, n: 0, sum: 0, max: -1 };
    b.n++;
    b.sum += r.score;
    b.max = Math.max(b.max, r.score);
    by.set(start, b);
  }
  return [...by.values()].sort((a, b) => a.start - b.start);
}

function storedGlobal(store: Store, table: string): Array<{ start: number; n: number; sum: number; max: number }> {
  return (
    store.db
      .prepare(`SELECT bucket_start AS start, n, sum_score AS sum, max_score AS max FROM ${table} WHERE scope = 'global' ORDER BY bucket_start`)
      .all() as Array<{ start: number; n: number; sum: number; max: number }>
  ).map((b) => ({ ...b, sum: Math.round(b.sum * 1e9) / 1e9 }));
}

function assertBucketsMatchRawRows(store: Store): void {
  const tables: Array<[string, number]> = [
    ['metric_buckets', 60_000],
    ['metric_buckets_hour', H],
    ['metric_buckets_day', 24 * H],
  ];
  for (const [table, width] of tables) {
    const expected = bruteForceGlobal(store, width).map((b) => ({ ...b, sum: Math.round(b.sum * 1e9) / 1e9 }));
    assert.deepEqual(storedGlobal(store, table), expected, `${table} is exactly what the stored statements give`);
  }
  // Every scope: the statements counted equal the scored statements naming it.
  const actorN = store.db.prepare(`SELECT SUM(n) FROM metric_buckets WHERE scope LIKE 'actor:%'`).pluck().get() as number | null;
  const actorRows = store.db.prepare(`SELECT COUNT(*) FROM statements WHERE status = 'scored' AND actor IS NOT NULL`).pluck().get() as number;
  assert.equal(actorN ?? 0, actorRows);
}

function addAlert(store: Store, startedAt: number): number {
  const db = store.db;
  const rule = db
    .prepare(`INSERT INTO alert_rules (name, scope, time_window, metric, threshold, recover_below, for_seconds, repeat_seconds,
      min_statements, severity, channels, created_at, updated_at) VALUES ('r', 'global', '1h', 'max', 50, 40, 0, 0, 1, 'warning', '[]', 1, 1)`)
    .run().lastInsertRowid;
  const alert = Number(
    db.prepare(`INSERT INTO alerts (rule_id, state, scope, time_window, metric, severity, threshold, started_at, updated_at)
      VALUES (?, 'firing', 'global', '1h', 'max', 'warning', 50, ?, ?)`).run(rule, startedAt, startedAt).lastInsertRowid,
  );
  const event = db
    .prepare(`INSERT INTO alert_events (alert_id, at, kind, to_state, time_window, count, threshold) VALUES (?, ?, 'firing', 'firing', '1h', 3, 50)`)
    .run(alert, startedAt).lastInsertRowid;
  db.prepare(`INSERT INTO alert_deliveries (alert_id, event_id, channel, target, format, payload, next_attempt_at, created_at, updated_at)
    VALUES (?, ?, 'webhook', 'http://127.0.0.1:9/x', 'json', '{}', ?, ?, ?)`).run(alert, event, startedAt, startedAt, startedAt);
  return alert;
}

const count = (store: Store, sql: string) => store.db.prepare(sql).pluck().get() as number;

describe('demo data never mixes with real data', () => {
  it('the first real statement purges demo rows, their buckets and alerts in its own transaction', async () => {
    const t = createTestApp({ now: () => NOW });
    try {
      const seeded = t.ingest.ingest(
        DEMO.flatMap((text, i) => [0, 1, 2].map((k) => ({ text, speaker: 'Demo', publishedAt: NOW - (i * 3 + k) * 7 * H, externalId: `d-${i}-${k}` }))),
        { origin: 'demo', isDemo: true },
      );
      assert.equal(seeded.accepted.length, 12);
      await t.worker.runOnce();
      addAlert(t.store, NOW - H);
      assert.equal(t.store.demo.present(), true);
      assert.ok(count(t.store, 'SELECT COUNT(*) FROM metric_buckets') > 0);
      assert.ok(count(t.store, 'SELECT COUNT(*) FROM statement_actors') > 0);

      const real = t.ingest.ingest([{ text: REAL[0], speaker: 'Poland', publishedAt: NOW - 5 * 60_000 }], { origin: 'api' });
      assert.equal(real.accepted.length, 1);
      assert.deepEqual(real.demoPurged, { statements: 12, alerts: 1, days: real.demoPurged!.days, rebuiltFrom: 0 });
      assert.equal(t.store.demo.present(), false);
      for (const table of ['metric_buckets', 'metric_buckets_hour', 'metric_buckets_day', 'alerts', 'alert_events', 'alert_deliveries']) {
        assert.equal(count(t.store, `SELECT COUNT(*) FROM ${table}`), 0, `${table} holds nothing from demo data`);
      }
      assert.equal(count(t.store, 'SELECT COUNT(*) FROM statement_actors'), 0);
      assert.equal(count(t.store, 'SELECT COUNT(*) FROM statements'), 1);
      const indexes =
        t.store.kind === 'postgres'
          ? "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE '%_purge'"
          : "SELECT name FROM sqlite_master WHERE name LIKE '%_purge'";
      assert.deepEqual(t.store.db.prepare(indexes).all(), [], 'the temporary purge indexes are gone');

      await t.worker.runOnce();
      assertBucketsMatchRawRows(t.store);
      assert.equal(t.metrics.current().windows['1h']!.count, 1, 'the 1 h card counts the real statement only');

      // Demo statements are refused from now on (the trickle stops; nothing slips in between).
      const late = t.ingest.ingest([{ text: DEMO[0], speaker: 'Demo', externalId: 'late' }], { origin: 'demo', isDemo: true });
      assert.deepEqual(late.accepted, []);
      assert.equal(t.store.demo.present(), false);
    } finally {
      t.cleanup();
    }
  });

  it('a purge of a database where demo and real rows were already mixed rebuilds the touched days from the real rows', async () => {
    const t = createTestApp({ now: () => NOW });
    try {
      t.ingest.ingest(
        DEMO.flatMap((text, i) => [0, 1].map((k) => ({ text, speaker: 'Demo', publishedAt: NOW - (i * 2 + k) * 5 * H, externalId: `d-${i}-${k}` }))),
        { origin: 'demo', isDemo: true },
      );
      await t.worker.runOnce();
      const demoAlert = addAlert(t.store, NOW - 30 * H);
      // Real statements stored as the code before this rule did: beside the demo rows, in the same buckets.
      t.store.transaction(() => {
        REAL.forEach((text, i) => {
          const { id } = t.store.statements.insert({
            dedupeKey: `r-${i}`, externalId: `r-${i}`, text, speaker: null, source: null, url: null, publishedAt: null,
            receivedAt: NOW - 2 * H, occurredAt: NOW - (i * 5 + 1) * H, origin: 'api', isDemo: false,
          });
          const s = scoreStatement(t.scorer, { text, speaker: null, occurredAt: NOW - (i * 5 + 1) * H }, NOW);
          assert.ok(s.ok);
          assert.ok(t.store.statements.saveScored(id, s.fields));
          t.store.metrics.add(contributionsFor(s.forMetrics));
        });
      });
      const realAlert = addAlert(t.store, NOW - H);
      assert.equal(count(t.store, "SELECT SUM(n) FROM metric_buckets_day WHERE scope = 'global'"), 11, 'demo and real rows mixed in the buckets');

      const purged = t.store.transaction(() => t.store.demo.purge());
      assert.equal(purged.statements, 8);
      assert.equal(purged.alerts, 1, 'only the alert raised before the first real statement arrived');
      assert.equal(purged.rebuiltFrom, 3);
      const alerts = t.store.db.prepare('SELECT id FROM alerts').pluck().all();
      assert.deepEqual(alerts, [realAlert]);
      assert.notEqual(demoAlert, realAlert);
      assertBucketsMatchRawRows(t.store);
      assert.equal(count(t.store, 'SELECT COUNT(*) FROM statements WHERE is_demo = 1'), 0);
      assert.deepEqual(t.store.transaction(() => t.store.demo.purge()), { statements: 0, alerts: 0, days: 0, rebuiltFrom: 0 }, 'a second purge is a no-op');
    } finally {
      t.cleanup();
    }
  });
});

describe('migration 009 (statement language, unsupported status)', () => {
  it('rebuilds statements keeping every row, child row and index, and extends the export heads byte for byte', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-mig-'));
    try {
      const old = path.join(dir, 'migrations-008');
      fs.mkdirSync(old);
      for (const m of listMigrations().filter((x) => x.version <= 8)) fs.writeFileSync(path.join(old, m.name), m.sql);
      const db = new Database(path.join(dir, 'db.sqlite'));
      db.pragma('foreign_keys = ON');
      migrate(db, old);
      const occurredAt = Date.UTC(2026, 10, 1, 9, 0, 0);
      const s = { occurredAt, speaker: 'Kremlin', source: '=wire', url: 'https://x.example/a,b' };
      const scored = { score: 71.5, level: 'high', actor: 'Russia', targets: ['NATO'], signals: [], scorerVersion: 'v1' };
      // The heads as migration 007's code wrote them (without status and lang).
      const oldScoredHead = statementExportHead(s, scored).replace(/scored,,$/, '');
      const oldPendingHead = statementExportHead(s).replace(/pending,,$/, '');
      const insert = db.prepare(`INSERT INTO statements (dedupe_key, text, speaker, source, url, received_at, occurred_at, origin, status, score,
        level, actor, targets, signals, scorer_version, export_head) VALUES (?, 'text', 'Kremlin', '=wire', 'https://x.example/a,b', 1, ?, 'api', ?, ?, ?, ?, ?, '[]', ?, ?)`);
      insert.run('a', occurredAt, 'scored', 71.5, 'high', 'Russia', '["NATO"]', 'v1', oldScoredHead);
      insert.run('b', occurredAt, 'pending', null, null, null, null, null, oldPendingHead);
      insert.run('c', occurredAt, 'failed', null, null, null, null, null, null);
      db.prepare(`INSERT INTO statement_actors (statement_id, actor, role) VALUES (1, 'Russia', 'speaker'), (1, 'NATO', 'target')`).run();
      assert.equal(migrate(db), listMigrations().length - 8);
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys are back on');
      assert.equal(db.prepare('SELECT COUNT(*) FROM statement_actors').pluck().get(), 2, 'child rows survive the rebuild');
      const rows = db.prepare('SELECT dedupe_key AS k, status, lang, export_head AS head FROM statements ORDER BY id').all();
      assert.deepEqual(rows, [
        { k: 'a', status: 'scored', lang: null, head: statementExportHead(s, scored) },
        { k: 'b', status: 'pending', lang: null, head: statementExportHead(s) },
        { k: 'c', status: 'failed', lang: null, head: null },
      ]);
      const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'statements' ORDER BY name`).pluck().all();
      for (const name of ['statements_demo', 'statements_export_head_missing', 'statements_occurred', 'statements_pending']) assert.ok(indexes.includes(name), name);
      assert.ok(indexes.some((n) => String(n).startsWith('sqlite_autoindex_statements')), 'dedupe_key stays UNIQUE');
      db.prepare("UPDATE statements SET status = 'unsupported', lang = 'ru' WHERE dedupe_key = 'b'").run();
      assert.throws(() => db.prepare("UPDATE statements SET status = 'bogus' WHERE dedupe_key = 'b'").run(), /CHECK constraint failed/);
      assert.throws(() => insert.run('a', occurredAt, 'scored', 1, 'calm', null, null, null, null), /UNIQUE constraint failed/);
      db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
