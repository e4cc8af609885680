/**
 * The reads benchmark's database: `rows` scored statements spread evenly (with jitter) over
 * `days` days ending at `end`, so every minute of the chart's ranges holds statements. Rows are
 * written by raw SQL for speed; their metric buckets go through the real writer
 * (createBucketMerger + metrics.addMerged, what a backfill does), one transaction per 50,000.
 */
import { createBucketMerger } from '../../server/store/metrics-repo.ts';
import { createStore } from '../../server/store/store.ts';

const ACTORS = ['Russia', 'Ukraine', 'China', 'United States', 'Iran', 'Israel', 'NATO', null];
const CATEGORIES = ['threat-of-force', 'sanctions-coercion', 'talks-meetings'];

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateReadsDatabase(file: string, rows: number, days: number, end: number): { ms: number; minuteRows: number } {
  const started = performance.now();
  const store = createStore(file);
  const random = mulberry32(7);
  const insert = store.db.prepare(`
    INSERT INTO statements (dedupe_key, text, speaker, source, published_at, received_at, occurred_at, origin,
      status, score, level, actor, targets, signals, mentioned, scorer_version, scored_at, export_head)
    VALUES (?, ?, ?, 'bench', ?, ?, ?, 'cli', 'scored', ?, ?, ?, ?, '[]', '[]', 'bench', ?, '')`);
  const from = end - days * 86_400_000;
  const span = end - from;
  const chunk = 50_000;
  for (let first = 0; first < rows; first += chunk) {
    const merger = createBucketMerger();
    store.transaction(() => {
      for (let i = first; i < Math.min(rows, first + chunk); i++) {
        const at = Math.min(end - 1, from + Math.floor(((i + random()) / rows) * span));
        const score = Math.round(random() * 1000) / 10;
        const actor = ACTORS[Math.floor(random() * ACTORS.length)]!;
        const targets = actor && random() < 0.3 ? [ACTORS[Math.floor(random() * 3)]!] : [];
        const categories = CATEGORIES.filter(() => random() < 0.2);
        const level = score < 20 ? 'calm' : score < 40 ? 'low' : score < 60 ? 'elevated' : score < 80 ? 'high' : 'severe';
        insert.run(`bench:${i}`, `statement ${i}`, actor, at, at, at, score, level, actor, JSON.stringify(targets), at);
        merger.addStatement({ occurredAt: at, score, actor, targets, categories });
      }
      store.metrics.addMerged(merger.rows());
    });
  }
  const minuteRows = store.db.prepare('SELECT COUNT(*) FROM metric_buckets').pluck().get() as number;
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  return { ms: performance.now() - started, minuteRows };
}
