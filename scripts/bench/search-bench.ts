/**
 * Search benchmark (issue 14): a page of GET /api/statements?q= (51 rows, what the API reads for
 * a page of 50, with highlights) over 1,000,000 statements, through the same repository call
 * the API makes, for a mix of queries: common, middling and rare words, two words, a phrase, a
 * prefix, relevance and newest order (a search of more than MAX_RANKED_MATCHES matches answers
 * newest first, as the API does: plan '>cap ...'), and q combined with filters. Target: p99 < 100 ms over
 * all samples. Beside it, in the same run, a LIKE scan of the same rows (what search would cost
 * without the index), on fewer samples since each takes seconds.
 *
 *   node --import tsx scripts/bench/search-bench.ts [--rows N] [--runs N] [--keep] [--write-rows N]   (npm run bench -- search)
 * It first measures what the index costs writes (search-write.ts).
 * --keep reuses (or leaves) the generated database in the temp dir for the next run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildFtsQuery } from '../../server/store/fts-query.ts';
import { SEARCH_LOOKUP_MAX } from '../../server/store/scope-filter.ts';
import { ROW_COLUMNS } from '../../server/store/statement-query.ts';
import type { StatementFilter } from '../../server/store/statement-types.ts';
import { createStore } from '../../server/store/store.ts';
import { MAX_RANKED_MATCHES } from '../../server/http/statements-routes.ts';
import { generateSearchDatabase, wordOf } from './search-data.ts';
import { measureWriteCost } from './search-write.ts';

const TARGET_P99_MS = 100;
const END = Date.UTC(2026, 10, 26);

interface Case {
  name: string;
  q: string;
  filter?: Partial<StatementFilter>;
  sort?: 'newest' | 'relevance';
}

function cases(): Case[] {
  return [
    { name: 'common demo word, relevance', q: 'ministry' },
    { name: 'common demo word, newest', q: 'ministry', sort: 'newest' },
    { name: 'top synthetic word (~50% of rows), relevance', q: wordOf(0) },
    { name: 'top synthetic word, newest', q: wordOf(0), sort: 'newest' },
    { name: 'middling word (~1.5%), relevance', q: wordOf(30) },
    { name: 'middling word (~1.5%), newest', q: wordOf(30), sort: 'newest' },
    { name: 'less common word (~0.2%)', q: wordOf(300), sort: 'newest' },
    { name: 'rare word (~50 rows)', q: wordOf(9000) },
    { name: 'no match', q: 'zzyzxqq' },
    { name: 'two words', q: `ministry ${wordOf(5)}` },
    { name: 'phrase', q: '"foreign ministry"' },
    { name: 'prefix', q: 'minis*', sort: 'newest' },
    { name: 'word + actor', q: 'ministry', filter: { actor: 'Russia' }, sort: 'newest' },
    { name: 'word + dyad', q: wordOf(10), filter: { dyad: 'Russia>Ukraine' } },
    { name: 'word + last 7 days', q: 'ministry', filter: { from: END - 7 * 86_400_000, to: END } },
    { name: 'word + level + score range', q: wordOf(3), filter: { level: 'severe', minScore: 85, maxScore: 95 }, sort: 'newest' },
  ];
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const fmt = (ms: number) => ms.toFixed(ms < 10 ? 2 : 1).padStart(8);

export async function run(argv: string[] = []): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { rows: { type: 'string' }, runs: { type: 'string' }, keep: { type: 'boolean' }, 'write-rows': { type: 'string' } },
  });
  process.stdout.write(measureWriteCost(Number(values['write-rows'] ?? 20_000)));
  const rows = Number(values.rows ?? 1_000_000);
  const runs = Number(values.runs ?? 20);
  const file = path.join(os.tmpdir(), `brinkwatch-search-bench-${rows}.db`);
  const reuse = values.keep === true && fs.existsSync(file);
  if (!reuse) {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    process.stdout.write(`search: generating ${rows.toLocaleString('en-US')} statements with the search index (${os.cpus().length} cores, Node ${process.version})...\n`);
    const g = generateSearchDatabase(file, rows, END);
    process.stdout.write(`  generated in ${(g.ms / 1000).toFixed(1)} s (${Math.round(rows / (g.ms / 1000)).toLocaleString('en-US')} rows/s, indexed as the repository indexes); ${(fs.statSync(file).size / 1e6).toFixed(0)} MB\n`);
  } else {
    process.stdout.write(`search: reusing ${file}\n`);
  }
  const store = createStore(file);
  try {
    const all: number[] = [];
    const likeAll: number[] = [];
    const allCpu: number[] = [];
    const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
    process.stdout.write(`\n  load average ${load()}; wall and CPU ms of ${runs} pages each\n`);
    process.stdout.write(
      `  ${'query'.padEnd(46)} ${'matches'.padStart(8)} ${'plan'.padStart(12)} ${['p50', 'p95', 'p99', 'cpu p50', 'cpu p95', 'cpu p99', 'LIKE'].map((h) => h.padStart(8)).join(' ')}\n`,
    );
    for (const c of cases()) {
      const built = buildFtsQuery(c.q);
      if (!built.ok) throw new Error(`${c.name}: ${built.message}`);
      const filter: StatementFilter = { ...c.filter, match: built.match, sort: c.sort ?? 'relevance', limit: 51 };
      const matches = store.db.prepare('SELECT COUNT(*) FROM statements_fts WHERE statements_fts MATCH ?').pluck().get(built.match) as number;
      // What GET /api/statements does (statements-routes.ts): too many matches to rank -> newest first.
      const page = () => {
        const f = { ...filter };
        if (f.sort === 'relevance' && store.statements.matchesMoreThan(built.match, MAX_RANKED_MATCHES)) f.sort = 'newest';
        return { f, rows: store.statements.list(f) };
      };
      const first = page().f;
      // A newest-first page: every match sorted when they are few ('lookup'), else the rowid walk
      // (server/store/search-newest.ts), which hands over to the time plans when it gives up.
      const newestPlan = store.statements.matchesMoreThan(built.match, SEARCH_LOOKUP_MAX) ? 'rowid' : 'lookup';
      const plan = first.sort === 'relevance' ? 'bm25' : `${c.sort === 'newest' ? '' : '>cap '}${newestPlan}`;
      const times: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < runs; i++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        page();
        times.push(performance.now() - t0);
        const c1 = process.cpuUsage(c0);
        cpu.push((c1.user + c1.system) / 1000);
      }
      times.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      allCpu.push(...cpu);
      all.push(...times);
      // The same rows found by LIKE (words only: a LIKE has no phrases, prefixes or ranking).
      const like = likeScan(store.db, c, filter);
      likeAll.push(like);
      process.stdout.write(
        `  ${c.name.padEnd(46)} ${String(matches).padStart(8)} ${plan.padStart(12)} ${[times, cpu].flatMap((xs) => [50, 95, 99].map((p) => fmt(pct(xs, p)))).join(' ')} ${fmt(like)}\n`,
      );
    }
    all.sort((a, b) => a - b);
    allCpu.sort((a, b) => a - b);
    likeAll.sort((a, b) => a - b);
    const p99 = pct(all, 99);
    process.stdout.write(
      `\n  load average ${load()}\n` +
        `  all ${all.length} searches over ${rows.toLocaleString('en-US')} statements: p50 ${pct(all, 50).toFixed(2)} ms, p95 ${pct(all, 95).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${all.at(-1)!.toFixed(1)} ms ` +
        `(target p99 < ${TARGET_P99_MS} ms: ${p99 < TARGET_P99_MS ? 'met' : 'NOT met'})\n` +
        `  CPU time of this process per search (less sensitive to other load on the machine): p50 ${pct(allCpu, 50).toFixed(2)} ms, p95 ${pct(allCpu, 95).toFixed(1)} ms, p99 ${pct(allCpu, 99).toFixed(1)} ms\n` +
        `  LIKE scan of the same rows (one run per query): median ${pct(likeAll, 50).toFixed(0)} ms, max ${likeAll.at(-1)!.toFixed(0)} ms\n`,
    );
  } finally {
    store.close();
    if (!values.keep) for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
}

/** A LIKE over the same five fields with the same filters, newest first, one page (51 rows). */
function likeScan(db: ReturnType<typeof createStore>['db'], c: Case, filter: StatementFilter): number {
  const words = c.q.replace(/["*]/g, ' ').split(/\s+/).filter((w) => w !== '');
  const params: Record<string, unknown> = {};
  const where = words.map((w, i) => {
    params[`w${i}`] = `%${w}%`;
    return `(s.text LIKE @w${i} OR s.speaker LIKE @w${i} OR s.actor LIKE @w${i} OR s.targets LIKE @w${i} OR s.source LIKE @w${i})`;
  });
  if (filter.from !== undefined) (where.push('s.occurred_at >= @from'), (params.from = filter.from));
  if (filter.to !== undefined) (where.push('s.occurred_at < @to'), (params.to = filter.to));
  if (filter.level !== undefined) (where.push('s.level = @level'), (params.level = filter.level));
  if (filter.minScore !== undefined) (where.push('s.score >= @minScore'), (params.minScore = filter.minScore));
  if (filter.maxScore !== undefined) (where.push('s.score <= @maxScore'), (params.maxScore = filter.maxScore));
  if (filter.actor !== undefined) (where.push('s.actor = @actor'), (params.actor = filter.actor));
  const sql = `SELECT ${ROW_COLUMNS} FROM statements s WHERE ${where.join(' AND ')} ORDER BY s.occurred_at DESC, s.id DESC LIMIT 51`;
  const t0 = performance.now();
  db.prepare(sql).all(params);
  return performance.now() - t0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await run(process.argv.slice(2));
