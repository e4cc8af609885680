/**
 * Drill-down reads (GET /api/drill's lists, GET /api/scopes) on 200,000 scored statements over
 * 90 days in a temp SQLite file (8 speakers, targets, 3 categories). The lists are counted in
 * one pass over the selected statements' own columns (actor, targets, signal categories); the
 * baseline, measured in the same run, is the first version, which joined the selection to
 * statement_actors / statement_categories (SQLite scans those whole tables for such a join:
 * there is no index by statement id). "same counts" checks both give the same lists.
 *
 *   node --import tsx scripts/bench/drill-bench.ts          (npm run bench -- drill)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contributionsFor } from '../../server/metrics/risk-index.ts';
import { createDrillQueries } from '../../server/store/drill-queries.ts';
import { chooseScopePlan } from '../../server/store/scope-filter.ts';
import { buildStatementQuery } from '../../server/store/statement-query.ts';
import { createStore, type Store } from '../../server/store/store.ts';

const N = 200_000;
const NOW = Date.UTC(2026, 10, 26);
const SPAN = 90 * 86_400_000;
const ACTORS = ['Russia', 'Ukraine', 'China', 'Iran', 'Israel', 'Poland', 'NATO', 'Norway'];
const CATEGORIES = ['threat-of-force', 'accusation', 'talks-meetings'];

function seed(store: Store): void {
  for (let start = 0; start < N; start += 10_000) {
    store.transaction(() => {
      const contributions = [];
      for (let i = start; i < start + 10_000; i++) {
        const occurredAt = NOW - Math.floor((i / N) * SPAN);
        const actor = ACTORS[i % ACTORS.length]!;
        const targets = [ACTORS[(i * 7 + 1) % ACTORS.length]!].filter((t) => t !== actor);
        const categories = CATEGORIES.filter((_, k) => (i + k) % (k + 2) === 0);
        const { id } = store.statements.insert({
          dedupeKey: `bench:${i}`, externalId: null, text: `Statement ${i}`, speaker: actor, source: 'bench', url: null,
          publishedAt: occurredAt, receivedAt: occurredAt, occurredAt, origin: 'api', isDemo: false,
        });
        const score = (i * 37) % 100;
        store.statements.saveScored(id, {
          score, level: 'x', actor, targets, mentioned: [], scorerVersion: 'bench', scoredAt: occurredAt,
          signals: categories.map((c) => ({ category: c, polarity: 'escalation', weight: 1, modality: 'asserted', text: c, start: 0, end: 1 })),
        });
        contributions.push(...contributionsFor({ occurredAt, score, actor, targets, categories }));
      }
      store.metrics.add(contributions);
    });
  }
}

function time(fn: () => unknown, runs = 7): { median: number; result: unknown } {
  let result: unknown;
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)]!, result };
}

/** The first version: the selection joined to the filter tables. */
function joinedLists(store: Store, scope: string, from: number, to: number) {
  const filter = { scope, from, to, limit: 20_000 };
  const { sql, params } = buildStatementQuery(filter, 's.id, s.score', chooseScopePlan(store.db, filter));
  const targets = store.db.prepare(`WITH sel AS (${sql}) SELECT a.actor AS name, COUNT(*) AS count FROM sel JOIN statement_actors a ON a.statement_id = sel.id AND a.role = 'target' GROUP BY a.actor ORDER BY count DESC LIMIT 10`).all(params);
  const categories = store.db.prepare(`WITH sel AS (${sql}) SELECT c.category AS name, COUNT(*) AS count FROM sel JOIN statement_categories c ON c.statement_id = sel.id GROUP BY c.category ORDER BY count DESC LIMIT 10`).all(params);
  return { targets, categories };
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-drill-bench-'));
  try {
    const store = createStore(path.join(dir, 'bench.db'));
    const t0 = performance.now();
    seed(store);
    process.stdout.write(`seeded ${N.toLocaleString()} statements over 90 days in ${Math.round(performance.now() - t0)} ms\n`);
    const q = createDrillQueries(store.db);
    process.stdout.write('range   | lists, one pass over the selection (ms, median of 7) | baseline: joined to filter tables (ms) | same counts\n');
    for (const [label, days] of [['24 h', 1], ['7 d', 7], ['30 d', 30], ['90 d', 90]] as const) {
      const from = NOW - days * 86_400_000;
      const now = time(() => q.involved('actor:Russia', from, NOW, ['Russia']));
      const base = time(() => joinedLists(store, 'actor:Russia', from, NOW));
      const a = now.result as { targets: Array<{ name: string; count: number }>; categories: Array<{ name: string; count: number }> };
      const b = base.result as typeof a;
      const same = JSON.stringify(a.targets.map((x) => [x.name, x.count])) === JSON.stringify(b.targets.map((x) => [x.name, x.count])) &&
        JSON.stringify(a.categories.map((x) => [x.name, x.count]).sort()) === JSON.stringify(b.categories.map((x) => [x.name, x.count]).sort());
      process.stdout.write(`${label.padEnd(7)} | ${now.median.toFixed(1).padStart(8)} | ${base.median.toFixed(1).padStart(8)} | ${same ? 'yes' : 'NO'}\n`);
    }
    const search = time(() => q.search('rus', '', 20));
    process.stdout.write(`scope search "rus" over every known scope: ${search.median.toFixed(2)} ms (median of 7)\n`);
    store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await run();
