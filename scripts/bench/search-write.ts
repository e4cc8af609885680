/**
 * What the search index costs writes (migration 011): the same statements stored with the
 * search triggers and, in a second database, with them dropped, alternating rounds in one
 * process, timed by this process's CPU time (user + system) as well as the wall clock, since
 * the wall clock on a shared machine mostly measures the other load. Two write paths:
 * a backfill (insertSerialized: stored already scored, one row write) and the live path
 * (insert as pending, then saveScored: the status change indexes the row).
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import { serializeScore, type NewStatement, type ScoredFields } from '../../server/store/statement-types.ts';
import { createStore, type Store } from '../../server/store/store.ts';
import { demoTexts, mulberry32, wordOf } from './search-data.ts';

/**
 * The database without the index: the FTS5 table and its triggers replaced by a plain table that
 * drops every row in a BEFORE INSERT trigger (RAISE(IGNORE)), so the repository's index insert
 * runs and costs only a statement call (which slightly flatters the index).
 */
const WITHOUT_INDEX = `
  DROP TRIGGER statements_fts_unsettled; DROP TRIGGER statements_fts_changed; DROP TRIGGER statements_fts_delete;
  DROP TABLE statements_fts;
  CREATE TABLE statements_fts (text, speaker, actor, targets, source);
  CREATE TRIGGER statements_fts_discard BEFORE INSERT ON statements_fts BEGIN SELECT RAISE(IGNORE); END;`;

interface Timing {
  cpuMs: number;
  wallMs: number;
}

function timed(fn: () => void): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { cpuMs: (c.user + c.system) / 1000, wallMs: performance.now() - t0 };
}

function statements(n: number, offset: number): Array<{ s: NewStatement; f: ScoredFields }> {
  const texts = demoTexts();
  const random = mulberry32(offset + 1);
  return Array.from({ length: n }, (_, i) => {
    const d = texts[i % texts.length]!;
    const at = Date.UTC(2026, 10, 1) + (offset + i) * 1000;
    const s: NewStatement = {
      dedupeKey: `w:${offset + i}`, externalId: null, text: `${d.text} ${wordOf(Math.floor(random() * 5000))}`, speaker: d.speaker, source: d.source,
      url: null, publishedAt: at, receivedAt: at, occurredAt: at, origin: 'cli', isDemo: false,
    };
    const f: ScoredFields = {
      score: 42, level: 'elevated', actor: d.speaker, targets: ['Ukraine'], mentioned: [], categories: ['accusation'],
      signals: [{ category: 'accusation', polarity: 'escalation', weight: 1, modality: 'asserted', text: 'x', start: 0, end: 1 }],
      scorerVersion: 'bench', scoredAt: at, lang: 'en',
    };
    return { s, f };
  });
}

function backfill(store: Store, rows: Array<{ s: NewStatement; f: ScoredFields }>): void {
  for (let i = 0; i < rows.length; i += 1000) {
    store.transaction(() => {
      for (const r of rows.slice(i, i + 1000)) store.statements.insertSerialized(r.s, serializeScore(r.s, r.f));
    });
  }
}

function live(store: Store, rows: Array<{ s: NewStatement; f: ScoredFields }>): void {
  for (let i = 0; i < rows.length; i += 200) {
    const batch = rows.slice(i, i + 200);
    const ids = store.transaction(() => batch.map((r) => store.statements.insert(r.s).id));
    store.transaction(() => batch.forEach((r, j) => store.statements.saveScored(ids[j]!, r.f)));
  }
}

export function measureWriteCost(rowsPerRound = 20_000, rounds = 3): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-search-write-'));
  const withIndex = createStore(path.join(dir, 'fts.db'));
  const plainFile = path.join(dir, 'plain.db');
  createStore(plainFile).close();
  const plainDb = new Database(plainFile);
  plainDb.exec(WITHOUT_INDEX);
  plainDb.close();
  const without = createStore(plainFile);
  const sums = { backfill: { fts: [] as Timing[], plain: [] as Timing[] }, live: { fts: [] as Timing[], plain: [] as Timing[] } };
  try {
    for (let r = 0; r < rounds; r++) {
      for (const path_ of ['backfill', 'live'] as const) {
        const rows = statements(rowsPerRound, (r * 2 + (path_ === 'live' ? 1 : 0)) * rowsPerRound);
        const run = path_ === 'backfill' ? backfill : live;
        // Alternate which goes first, so neither always meets a warmer or a busier machine.
        const order: Array<['fts' | 'plain', Store]> = r % 2 === 0 ? [['plain', without], ['fts', withIndex]] : [['fts', withIndex], ['plain', without]];
        for (const [name, store] of order) sums[path_][name].push(timed(() => run(store, rows)));
      }
    }
  } finally {
    withIndex.close();
    without.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const lines = (['backfill', 'live'] as const).map((p) => {
    const f = sums[p].fts;
    const n = sums[p].plain;
    const cpuF = median(f.map((t) => t.cpuMs));
    const cpuN = median(n.map((t) => t.cpuMs));
    const rate = (ms: number) => Math.round(rowsPerRound / (ms / 1000)).toLocaleString('en-US');
    return (
      `  ${p === 'backfill' ? 'backfill (stored scored)' : 'live (pending, then scored)'}: ` +
      `CPU ${rate(cpuN)} rows/s without the index, ${rate(cpuF)} rows/s with it (+${(((cpuF - cpuN) / cpuN) * 100).toFixed(0)}% CPU per row); ` +
      `wall ${rate(median(n.map((t) => t.wallMs)))} vs ${rate(median(f.map((t) => t.wallMs)))} rows/s`
    );
  });
  return `  write cost of the search index, ${rowsPerRound.toLocaleString('en-US')} rows x ${rounds} alternating rounds, medians:\n${lines.join('\n')}\n`;
}
