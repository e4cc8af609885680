/**
 * Statements of a scope (GET /api/statements?scope=, the statements export): 200,000 scored
 * statements over 180 days in a temp SQLite file, 7 speakers (one rare), a common and a rare
 * category. For pages of 51 rows (what the API reads for a page of 50) and several ranges it
 * times the plan chooseScopePlan() picks beside each fixed plan in the same run: 'lookup'
 * (start from the scope's rows of statement_actors / statement_categories; what SQLite picks on
 * its own for these queries) and 'time' (walk the time index and test each row).
 *
 *   node --import tsx scripts/bench/scope-bench.ts          (npm run bench -- scope)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contributionsFor } from '../../server/metrics/risk-index.ts';
import { levelForScore } from '../../server/scoring/index.ts';
import { chooseScopePlan, type ScopePlan } from '../../server/store/scope-filter.ts';
import { buildStatementQuery } from '../../server/store/statement-query.ts';
import type { StatementFilter } from '../../server/store/statement-types.ts';
import { createStore, type Store } from '../../server/store/store.ts';

const N = 200_000;
const NOW = Date.UTC(2026, 10, 26);
const SPAN = 180 * 86_400_000;
const ACTORS = ['Russia', 'Ukraine', 'China', 'Iran', 'Israel', 'Poland', 'NATO'];

function seed(store: Store): void {
  for (let start = 0; start < N; start += 10_000) {
    store.transaction(() => {
      const contributions = [];
      for (let i = start; i < start + 10_000; i++) {
        const occurredAt = NOW - Math.floor((i / N) * SPAN);
        const actor = i % 1000 === 0 ? 'Atlantis' : ACTORS[i % 7]!;
        const targets = [ACTORS[(i + 1) % 7]!];
        const category = i % 1000 === 1 ? 'rare-category' : i % 3 ? 'accusation' : 'threat-of-force';
        const { id } = store.statements.insert({
          dedupeKey: `bench:${i}`,
          externalId: null,
          text: `Statement ${i}`,
          speaker: actor,
          source: null,
          url: null,
          publishedAt: occurredAt,
          receivedAt: occurredAt,
          occurredAt,
          origin: 'cli',
          isDemo: false,
        });
        const score = i % 100;
        const signals = [{ category, polarity: 'escalation', weight: 1, modality: 'asserted', text: 'x', start: 0, end: 1 }];
        store.statements.saveScored(id, { score, level: levelForScore(score), actor, targets, mentioned: [], signals, scorerVersion: 'bench', scoredAt: occurredAt });
        contributions.push(...contributionsFor({ occurredAt, score, actor, targets, categories: [category] }));
      }
      store.metrics.add(contributions); // merged per (scope, bucket), as the score job writes them
    });
  }
}

function timeQuery(store: Store, filter: StatementFilter, plan: ScopePlan, runs = 15): { p50: number; max: number } {
  const { sql, params } = buildStatementQuery(filter, 's.id, s.text', plan);
  const stmt = store.db.prepare(sql);
  stmt.all(params);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    stmt.all(params);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(runs / 2)]!, max: ms[runs - 1]! };
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-scope-bench-'));
  const store = createStore(path.join(dir, 'bench.db'));
  const out = process.stdout;
  try {
    const t0 = performance.now();
    seed(store);
    out.write(`  ${N.toLocaleString('en')} scored statements over 180 days seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    out.write(`  page of 51 rows, ms p50 / max of 15: chosen plan | lookup only (SQLite's own pick) | time index only\n`);
    const scopes = ['global', 'actor:Russia', 'actor:Atlantis', 'dyad:Russia>Ukraine', 'category:accusation', 'category:rare-category'];
    let worstChosen = 0;
    let worstLookup = 0;
    for (const [label, days] of [['24h', 1], ['30d', 30], ['180d', 180]] as const) {
      for (const scope of scopes) {
        const filter: StatementFilter = { from: NOW - days * 86_400_000, to: NOW + 1, scope, limit: 51 };
        const plan = chooseScopePlan(store.db, filter);
        const chosen = timeQuery(store, filter, plan);
        const lookup = scope === 'global' ? chosen : timeQuery(store, filter, 'lookup');
        const time = timeQuery(store, filter, 'time');
        worstChosen = Math.max(worstChosen, chosen.max);
        worstLookup = Math.max(worstLookup, lookup.max);
        const f = (r: { p50: number; max: number }) => `${r.p50.toFixed(1).padStart(6)} / ${r.max.toFixed(1).padStart(6)}`;
        out.write(`  ${label.padEnd(5)} ${scope.padEnd(24)} ${plan.padEnd(6)} ${f(chosen)} | ${f(lookup)} | ${f(time)}\n`);
      }
    }
    out.write(`  worst page: ${worstChosen.toFixed(1)} ms with the chosen plan, ${worstLookup.toFixed(1)} ms with SQLite's own (lookup) plan\n`);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
