import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { statementCells, statementRecord, topSignals } from '../../server/export/statement-rows.ts';
import { csvField, csvRecord, csvText } from '../../server/shared/csv-format.ts';
import type { StatementExportTuple } from '../../server/store/export-queries.ts';
import { expectedText } from './export-fixtures.ts';

/** The quoting rule written the slow, obvious way: the reference the fast paths must match. */
function referenceText(value: string | null): string {
  if (value === null) return '';
  const text = /^[=+\-@\t\r\0]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const TRICKY = [
  '',
  '=',
  '"',
  ',',
  '\r',
  '\n',
  '\0',
  '\0=1',
  '\t',
  "'=already an apostrophe",
  '=SUM(A1:A2)',
  '+1',
  '-1',
  '@x',
  ' =space first',
  'é=not a formula: the first character is é',
  '🚀=1+1 after an astral character',
  '\u00a0=after a no-break space',
  '\uFEFF=after a BOM character',
  'ü, with a comma after a two-byte character',
  '"quoted" start',
  'end "quoted"',
  '""',
  'a\r\nb',
  'إيران: "سنرد" ، فاصلة عربية',
  'עברית, "מרכאות"',
  '\u202E=RLO then formula',
  'lone surrogate \uD800 in the middle',
  '\uDC00=lone low surrogate first',
  'zero\u200Bwidth',
  'plain text without anything special',
];

test('csvText() writes exactly what the regular-expression rule writes, multi-byte and formula edge cases included', () => {
  for (const s of TRICKY) {
    assert.equal(csvText(s), referenceText(s), JSON.stringify(s));
    assert.equal(csvField(s), referenceText(s), JSON.stringify(s));
  }
  assert.equal(csvText(null), '');
  assert.equal(csvText('🚀=1'), '🚀=1', 'a formula character after a multi-byte character is not at the start');
  assert.equal(csvText('=🚀,1'), `"'=🚀,1"`);
});

test('csvText() matches the reference on random strings over the characters that matter', () => {
  const alphabet = ['=', '+', '-', '@', '\t', '\r', '\n', '\0', '"', ',', "'", 'a', ' ', 'é', '🚀', 'ع', '\uFEFF'];
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 20_000; i++) {
    let s = '';
    const len = Math.floor(random() * 8);
    for (let k = 0; k < len; k++) s += alphabet[Math.floor(random() * alphabet.length)];
    assert.equal(csvText(s), referenceText(s), JSON.stringify(s));
  }
});

function tuple(overrides: Partial<Record<number, unknown>> = {}): StatementExportTuple {
  const t: unknown[] = [
    42,
    Date.UTC(2026, 10, 26, 9, 30, 15, 7),
    'Russia',
    '["Ukraine","NATO"]',
    'State TV',
    'https://news.example/a?b=1&c=d,e',
    91.5,
    'severe',
    JSON.stringify([
      { category: 'threat-of-force', polarity: 'escalation', weight: 2, modality: 'asserted', text: 'will respond', start: 5, end: 17 },
      { category: 'ultimatum', polarity: 'escalation', weight: 5, modality: 'asserted', text: '=within 48 hours', start: 30, end: 46 },
    ]),
    '1.0.0',
    'scored',
    'en',
    'He said "we will respond", firmly.',
  ];
  for (const [k, v] of Object.entries(overrides)) t[Number(k)] = v;
  return t as StatementExportTuple;
}

test('statementRecord() is byte for byte csvRecord(statementCells()) on hostile rows', () => {
  const signals = (list: Array<[string, number, number, string]>) =>
    JSON.stringify(list.map(([category, weight, start, text]) => ({ category, polarity: 'escalation', weight, modality: 'asserted', text, start, end: start + 1 })));
  const cases: StatementExportTuple[] = [
    tuple(),
    tuple({ 2: null, 3: null, 4: null, 5: null, 6: null, 7: null, 8: null, 9: null, 10: 'pending', 11: null }),
    tuple({ 6: null, 7: null, 8: null, 9: null, 10: 'unsupported', 11: 'ru' }),
    tuple({ 3: '[]', 8: '[]' }),
    tuple({ 6: -2, 2: '=Evil Speaker', 4: '@state_media, "official"' }),
    tuple({ 6: 0, 12: '' }),
    tuple({ 6: 100, 12: '\0=leading nul' }),
    tuple({ 6: 33.333333333333336, 3: '["-Minus, Inc.","\\"Quoted\\" Name"]' }),
    tuple({ 8: signals([['a', 1, 9, 'x'], ['b', 1, 2, 'y'], ['c', 1, 2, 'z'], ['d', 3, 50, '+w'], ['e', 1, 2, 'v']]) }),
    tuple({ 8: signals([['only', 0.5, 0, 'one, "quoted"']]) }),
    ...TRICKY.map((text, i) => tuple({ 0: i + 1, 12: text, 2: TRICKY[(i + 3) % TRICKY.length], 9: TRICKY[(i + 7) % TRICKY.length], 11: TRICKY[(i + 5) % TRICKY.length] })),
  ];
  for (const t of cases) assert.equal(statementRecord(t), csvRecord(statementCells(t)), JSON.stringify(t));
});

test('statementRecord() parses back with csv-parse to the neutralised values', () => {
  const t = tuple({ 12: 'Line one,\nline "two"\r\n=three' });
  const [cells] = parse(statementRecord(t), { record_delimiter: '\r\n' }) as string[][];
  assert.deepEqual(cells, [
    '42',
    '2026-11-26T09:30:15.007Z',
    'Russia',
    'Ukraine; NATO',
    'State TV',
    'https://news.example/a?b=1&c=d,e',
    '91.5',
    'severe',
    expectedText(topSignals(t[8])),
    '1.0.0',
    'scored',
    'en',
    'Line one,\nline "two"\r\n=three',
  ]);
  assert.equal(cells![8], 'ultimatum: =within 48 hours | threat-of-force: will respond', 'heaviest first');
});
