/**
 * The export benchmark's database: realistic statement lengths (80-1,200 characters, mean
 * ~330), evidence JSON and hostile cells, written by raw SQL for speed but with the export head
 * (migration 007) computed exactly as the statements repo computes it, so the export reads
 * what it reads on a real database. Used by export-bench.ts.
 */
import fs from 'node:fs';
import { statementExportHead } from '../../server/store/statement-export-head.ts';
import type { StoredSignal } from '../../server/store/statements-repo.ts';
import { createStore } from '../../server/store/store.ts';

const DAY = 86_400_000;
const WORDS = (
  'the ministry said that forces would respond to any provocation near the border and warned ' +
  'against further deployment of missiles while talks in Geneva continued under a ceasefire, ' +
  'officials added, citing "unacceptable" actions; sanctions on exports were extended for months'
).split(' ');
const SPEAKERS = ['Russia', 'Ukraine', 'China', 'United States', 'Iran', 'Israel', 'North Korea', 'NATO', 'India', 'Pakistan', null];
const CATEGORIES = ['threat-of-force', 'ultimatum', 'mobilization', 'sanctions-coercion', 'accusation', 'talks-meetings', 'ceasefire'];
const SPECIALS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", '@SUM(1+1)', '-2+3', 'Line one\nline two', 'Iran: "we will respond", he said', 'إيران تحذر 🚀'];

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function textPool(random: () => number, size: number): string[] {
  const pool: string[] = [];
  for (let i = 0; i < size; i++) {
    // Log-normal-ish length: most a few hundred characters, a tail up to 1,200.
    const target = Math.min(1200, Math.max(80, Math.round(Math.exp(5.6 + random() * 0.9) - 20)));
    let s = i % 50 === 0 ? `${SPECIALS[i % SPECIALS.length]} ` : '';
    while (s.length < target) s += `${WORDS[Math.floor(random() * WORDS.length)]} `;
    pool.push(s.slice(0, target).trim());
  }
  return pool;
}

function randomSignals(random: () => number): StoredSignal[] {
  const n = Math.floor(random() * 4);
  const signals: StoredSignal[] = [];
  for (let k = 0; k < n; k++) {
    const start = Math.floor(random() * 200);
    signals.push({
      category: CATEGORIES[Math.floor(random() * CATEGORIES.length)]!,
      polarity: random() < 0.8 ? 'escalation' : 'deescalation',
      weight: Math.round(random() * 40) / 10,
      modality: 'asserted',
      text: WORDS[Math.floor(random() * WORDS.length)]!,
      start,
      end: start + 8,
    });
  }
  return signals;
}

/** Fills a fresh database with `rows` scored statements over `days` days, in one transaction. */
export function generateDatabase(file: string, rows: number, days = 300): { ms: number; bytes: number; from: number; to: number } {
  const started = performance.now();
  const store = createStore(file);
  const random = mulberry32(42);
  const texts = textPool(random, 5000);
  const signals = Array.from({ length: 2000 }, () => randomSignals(random));
  const signalsJson = signals.map((s) => JSON.stringify(s));
  const to = Date.UTC(2026, 10, 1);
  const from = to - days * DAY;
  const insert = store.db.prepare(`
    INSERT INTO statements (dedupe_key, text, speaker, source, url, published_at, received_at, occurred_at, origin,
      status, score, level, actor, targets, signals, mentioned, scorer_version, scored_at, export_head)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'cli', 'scored', ?, ?, ?, ?, ?, '[]', '1.0.0+bench', ?, ?)`);
  store.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const at = from + Math.floor((i / rows) * (to - from));
      const score = Math.round(random() * 1000) / 10;
      const speaker = SPEAKERS[i % SPECIALS.length === 3 ? 10 : Math.floor(random() * SPEAKERS.length)] ?? null;
      const level = score < 20 ? 'calm' : score < 40 ? 'low' : score < 60 ? 'elevated' : score < 80 ? 'high' : 'severe';
      const source = i % 3 === 0 ? 'State TV' : 'Foreign ministry briefing';
      const url = i % 4 === 0 ? `https://news.example/${i}?ref=rss` : null;
      const targets = speaker === 'Russia' ? ['Ukraine', 'NATO'] : [];
      const k = i % signals.length;
      // As statementsRepo.insertScored writes it.
      const head = statementExportHead(
        { occurredAt: at, speaker, source, url },
        { score, level, actor: speaker, targets, signals: signals[k]!, scorerVersion: '1.0.0+bench' },
      );
      insert.run(`bench:${i}`, texts[i % texts.length], speaker, source, url, at, at, at, score, level, speaker,
        JSON.stringify(targets), signalsJson[k], at + 1000, head);
    }
    // Minute buckets for global and per-actor scopes, so the history export has data too.
    store.db.exec(`
      INSERT INTO metric_buckets (scope, bucket_start, n, sum_score, sum_w, sum_wscore, max_score)
      SELECT 'global', occurred_at - occurred_at % 60000, COUNT(*), SUM(score), SUM(1 + 3 * (score / 100) * (score / 100)),
             SUM((1 + 3 * (score / 100) * (score / 100)) * score), MAX(score)
      FROM statements GROUP BY 2;
      INSERT INTO metric_buckets (scope, bucket_start, n, sum_score, sum_w, sum_wscore, max_score)
      SELECT 'actor:' || actor, occurred_at - occurred_at % 60000, COUNT(*), SUM(score), SUM(1 + 3 * (score / 100) * (score / 100)),
             SUM((1 + 3 * (score / 100) * (score / 100)) * score), MAX(score)
      FROM statements WHERE actor IS NOT NULL GROUP BY 1, 2;`);
    // The hour and day rollups, which metrics-repo.add() writes alongside (migration 005): history
    // exports of scope=all find their scopes in the hour rollup (migration 006), and hour or day
    // buckets are read from them.
    for (const [table, size] of [['metric_buckets_hour', 3_600_000], ['metric_buckets_day', DAY]] as const) {
      store.db.exec(`
        INSERT INTO ${table} (scope, bucket_start, n, sum_score, sum_w, sum_wscore, max_score)
        SELECT scope, bucket_start - bucket_start % ${size}, SUM(n), SUM(sum_score), SUM(sum_w), SUM(sum_wscore), MAX(max_score)
        FROM metric_buckets GROUP BY 1, 2;`);
    }
  });
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  return { ms: performance.now() - started, bytes: fs.statSync(file).size, from, to: to + DAY };
}
