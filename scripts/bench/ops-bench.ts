/**
 * `npm run bench -- ops`: the operator's tools on a database of ROWS statements (default
 * 200,000, env OPS_BENCH_ROWS) with their actor and category rows, each figure beside its
 * baseline in the same run:
 *  - a /metrics scrape (prom-client registry, database gauges) vs the GROUP BY it replaces;
 *  - the insert cost of the statement_lang_counts triggers (rows/s with and without them);
 *  - retention: the longest and median batch of 500 statements deleted, vs one naive
 *    `DELETE ... WHERE id IN (...)` of 50 with foreign keys on (cascade scans);
 *  - npm run backup's copy (online backup API + integrity_check) of the file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPrometheus } from '../../server/ops/prometheus.ts';
import { createRetention } from '../../server/ops/retention.ts';
import { backupDatabase } from '../../server/store/backup.ts';
import { createOpsQueries } from '../../server/store/ops-queries.ts';
import { createRetentionRepo } from '../../server/store/retention-repo.ts';
import { createStore, type Store } from '../../server/store/store.ts';

const ROWS = Number(process.env.OPS_BENCH_ROWS ?? 200_000);
const DAY = 86_400_000;
const ACTORS = ['Russia', 'Ukraine', 'China', 'United States', 'Iran', 'Israel', 'NATO'];
const CATS = ['threat-of-force', 'sanctions-coercion', 'talks-meetings', 'mobilization'];
const LANGS = ['en', 'en', 'en', 'ru', 'fr', 'und'];

function fill(store: Store, rows: number, end: number, offset = 0): number {
  const db = store.db;
  const insert = db.prepare(`INSERT INTO statements (dedupe_key, text, speaker, source, published_at, received_at, occurred_at, origin,
      status, score, level, actor, targets, signals, mentioned, scorer_version, scored_at, export_head, lang)
    VALUES (?, ?, ?, 'bench', ?, ?, ?, 'cli', 'scored', ?, 'x', ?, ?, ?, '[]', 'bench', ?, '', ?)`);
  const actor = db.prepare(`INSERT OR IGNORE INTO statement_actors (statement_id, actor, role) VALUES (?, ?, ?)`);
  const cat = db.prepare(`INSERT OR IGNORE INTO statement_categories (statement_id, category) VALUES (?, ?)`);
  const started = performance.now();
  for (let first = 0; first < rows; first += 50_000) {
    store.transaction(() => {
      for (let i = first; i < Math.min(rows, first + 50_000); i++) {
        const n = i + offset;
        const at = end - 60 * DAY + Math.floor((i / rows) * 60 * DAY);
        const speaker = ACTORS[n % ACTORS.length]!;
        const targets = n % 3 === 0 ? [ACTORS[(n + 1) % ACTORS.length]!] : [];
        const cats = CATS.filter((_, k) => (n + k) % 3 === 0);
        const signals = cats.map((c) => ({ category: c, polarity: 'escalation', weight: 1, modality: 'asserted', text: 'x', start: 0, end: 1 }));
        const id = Number(insert.run(`b:${n}`, `statement ${n}`, speaker, at, at, at, n % 100, speaker, JSON.stringify(targets), JSON.stringify(signals), at, LANGS[n % LANGS.length]).lastInsertRowid);
        actor.run(id, speaker, 'speaker');
        for (const t of targets) actor.run(id, t, 'target');
        for (const c of cats) cat.run(id, c);
      }
    });
  }
  return performance.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-ops-bench-'));
  const end = Date.UTC(2026, 11, 1);
  try {
    const store = createStore(path.join(dir, 'ops.db'));
    const fillMs = fill(store, ROWS, end);
    process.stdout.write(`database: ${ROWS} statements with actor/category rows, filled in ${(fillMs / 1000).toFixed(1)} s (triggers on: ${Math.round(ROWS / (fillMs / 1000))} rows/s)\n`);

    // Insert cost of the lang-count triggers: 50,000 more rows without them, then with them.
    const triggers = store.db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'statements_lang_count_%'`).all() as Array<{ name: string; sql: string }>;
    for (const t of triggers) store.db.exec(`DROP TRIGGER ${t.name}`);
    const without = fill(store, 50_000, end, 10_000_000);
    for (const t of triggers) store.db.exec(t.sql);
    const withT = fill(store, 50_000, end, 20_000_000);
    process.stdout.write(`insert 50,000: without lang-count triggers ${Math.round(50_000 / (without / 1000))} rows/s, with ${Math.round(50_000 / (withT / 1000))} rows/s (${(((withT - without) / 50_000) * 1000).toFixed(1)} µs/row)\n`);
    store.db.exec(`DELETE FROM statement_lang_counts; INSERT INTO statement_lang_counts SELECT status, COALESCE(lang, ''), COUNT(*) FROM statements GROUP BY 1, 2`);

    const prometheus = createPrometheus({ queries: createOpsQueries(store.db), clientCount: () => 0, processMetrics: false });
    const scrape: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      await prometheus.render();
      scrape.push(performance.now() - t);
    }
    const group = store.db.prepare(`SELECT status, COALESCE(lang, ''), COUNT(*) FROM statements GROUP BY 1, 2`);
    const grouped: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      group.all();
      grouped.push(performance.now() - t);
    }
    process.stdout.write(`/metrics scrape: median ${median(scrape).toFixed(2)} ms (30 scrapes); baseline GROUP BY status, lang over the table: median ${median(grouped).toFixed(1)} ms\n`);

    const backupStarted = performance.now();
    const b = await backupDatabase(store.file, path.join(dir, 'copy.db'));
    process.stdout.write(`backup: ${(b.bytes / 1_048_576).toFixed(0)} MB copied and integrity-checked in ${((performance.now() - backupStarted) / 1000).toFixed(1)} s\n`);

    // Baseline: a naive delete of 50 old statements with foreign keys on (cascade scans).
    const naiveIds = store.db.prepare('SELECT id FROM statements ORDER BY occurred_at LIMIT 50').pluck().all() as number[];
    let t = performance.now();
    store.transaction(() => store.db.prepare(`DELETE FROM statements WHERE id IN (${naiveIds.join(',')})`).run());
    const naiveMs = performance.now() - t;

    const batches: number[] = [];
    const repo = createRetentionRepo(store.db);
    const timed = { ...repo, deleteStatements: (c: number, l: number) => { const s = performance.now(); const r = repo.deleteStatements(c, l); batches.push(performance.now() - s); return r; } };
    t = performance.now();
    const counts = await createRetention({ repo: timed, policy: { statementsDays: 30, eventsDays: null, deliveriesDays: null }, now: () => end }).runOnce();
    process.stdout.write(
      `retention: ${counts.statements} statements (+${counts.children} actor/category rows) in ${counts.batches} batches of 500, ${((performance.now() - t) / 1000).toFixed(1)} s; ` +
        `batch median ${median(batches).toFixed(1)} ms, longest ${Math.max(...batches).toFixed(1)} ms; baseline naive DELETE of 50 with foreign keys on: ${naiveMs.toFixed(0)} ms\n`,
    );
    store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
