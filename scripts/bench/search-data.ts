/**
 * The search benchmark's database: `rows` scored statements over 90 days. Texts are the demo
 * statements (data/demo/statements.jsonl: real vocabulary, 242 of them) each followed by a few
 * words drawn from a Zipf-distributed synthetic vocabulary of 50,000 words, so every row is
 * unique and the index holds common, middling and rare terms as a news archive does. Rows are
 * written by raw SQL and indexed as the statements repository indexes them (one FTS5 insert
 * per row in the same transaction), with their actor and category rows for the filters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStore } from '../../server/store/store.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ACTORS = ['Russia', 'Ukraine', 'China', 'United States', 'Iran', 'Israel', 'NATO', 'France'];
export const CATEGORIES = ['threat-of-force', 'sanctions-coercion', 'talks-meetings', 'accusation'];
export const VOCABULARY = 50_000;
export const SPAN_MS = 90 * 86_400_000;

export function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Word k of the synthetic vocabulary (k = 0 is the most frequent): pronounceable, unique. */
export function wordOf(k: number): string {
  const syl = ['ka', 'lo', 'mi', 'tu', 're', 'sa', 'no', 'vi', 'de', 'po', 'ra', 'zu', 'fe', 'gi', 'ho', 'ju'];
  let w = '';
  let n = k + 16;
  while (n > 0) {
    w += syl[n % 16];
    n = Math.floor(n / 16);
  }
  return w;
}

export function demoTexts(): Array<{ text: string; speaker: string | null; source: string | null }> {
  return fs
    .readFileSync(path.join(ROOT, 'data', 'demo', 'statements.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { text: string; speaker?: string; source?: string })
    .map((d) => ({ text: d.text, speaker: d.speaker ?? null, source: d.source ?? null }));
}

export function generateSearchDatabase(file: string, rows: number, end: number): { ms: number } {
  const started = performance.now();
  const store = createStore(file);
  const random = mulberry32(11);
  const texts = demoTexts();
  // Zipf(1) over the vocabulary by inverse CDF on harmonic numbers.
  const cdf = new Float64Array(VOCABULARY);
  let h = 0;
  for (let k = 0; k < VOCABULARY; k++) cdf[k] = h += 1 / (k + 1);
  const zipf = () => {
    const x = random() * h;
    let lo = 0;
    let hi = VOCABULARY - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const insert = store.db.prepare(`
    INSERT INTO statements (dedupe_key, text, speaker, source, published_at, received_at, occurred_at, origin,
      status, score, level, actor, targets, signals, mentioned, scorer_version, scored_at, export_head, lang)
    VALUES (?, ?, ?, ?, ?, ?, ?, 'cli', 'scored', ?, ?, ?, ?, '[]', '[]', 'bench', ?, '', 'en')`);
  const addActor = store.db.prepare('INSERT OR IGNORE INTO statement_actors (statement_id, actor, role) VALUES (?, ?, ?)');
  const addCategory = store.db.prepare('INSERT OR IGNORE INTO statement_categories (statement_id, category) VALUES (?, ?)');
  // As the repository indexes a statement stored scored (statements-repo.ts insertSerialized).
  const index = store.db.prepare('INSERT INTO statements_fts (rowid, text, speaker, actor, targets, source) VALUES (?, ?, ?, ?, ?, ?)');
  const from = end - SPAN_MS;
  const chunk = 50_000;
  for (let first = 0; first < rows; first += chunk) {
    store.transaction(() => {
      for (let i = first; i < Math.min(rows, first + chunk); i++) {
        const at = Math.min(end - 1, from + Math.floor(((i + random()) / rows) * SPAN_MS));
        const d = texts[Math.floor(random() * texts.length)]!;
        const extra = Array.from({ length: 6 }, () => wordOf(zipf())).join(' ');
        const score = Math.round(random() * 1000) / 10;
        const actor = ACTORS[Math.floor(random() * ACTORS.length)]!;
        const target = random() < 0.4 ? ACTORS[Math.floor(random() * ACTORS.length)]! : null;
        const targets = target && target !== actor ? [target] : [];
        const level = score < 20 ? 'calm' : score < 40 ? 'low' : score < 60 ? 'elevated' : score < 80 ? 'high' : 'severe';
        const text = `${d.text} ${extra}`;
        const targetsJson = JSON.stringify(targets);
        const r = insert.run(`bench:${i}`, text, d.speaker, d.source, at, at, at, score, level, actor, targetsJson, at);
        const id = Number(r.lastInsertRowid);
        index.run(id, text, d.speaker, actor, targetsJson, d.source);
        addActor.run(id, actor, 'speaker');
        for (const t of targets) addActor.run(id, t, 'target');
        for (const c of CATEGORIES) if (random() < 0.2) addCategory.run(id, c);
      }
    });
  }
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  return { ms: performance.now() - started };
}
