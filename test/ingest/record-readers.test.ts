import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readLines } from '../../server/ingest/line-reader.ts';
import { formatOf, readRecords, type FileRecord } from '../../server/ingest/record-readers.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ingest');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-readers-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function collect(file: string, format: 'jsonl' | 'csv' | 'txt', skip = 0): Promise<FileRecord[]> {
  const out: FileRecord[] = [];
  for await (const r of readRecords(file, format, { skip })) out.push(r);
  return out;
}

function write(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

describe('formatOf', () => {
  it('maps extensions case-insensitively and refuses unknown ones', () => {
    assert.equal(formatOf('a.JSONL'), 'jsonl');
    assert.equal(formatOf('a.ndjson'), 'jsonl');
    assert.equal(formatOf('a.csv'), 'csv');
    assert.equal(formatOf('notes.txt'), 'txt');
    assert.equal(formatOf('a.xlsx'), null);
    assert.equal(formatOf('README'), null);
  });
});

describe('readLines', () => {
  it('splits on \\n and \\r\\n, numbers lines and keeps a last line without terminator', async () => {
    const file = write('lines.txt', 'a\r\nbb\n\nccc');
    const lines = [];
    for await (const l of readLines(file, { highWaterMark: 2 })) lines.push([l.line, l.bytes.toString()]);
    assert.deepEqual(lines, [[1, 'a'], [2, 'bb'], [3, ''], [4, 'ccc']]);
  });

  it('reports a line over the limit without holding it and goes on', async () => {
    const file = write('long.txt', `short\n${'x'.repeat(5000)}\nafter\n`);
    const lines = [];
    for await (const l of readLines(file, { maxLineBytes: 100, highWaterMark: 64 })) lines.push([l.line, l.tooLong, l.bytes.length]);
    assert.deepEqual(lines, [[1, false, 5], [2, true, 0], [3, false, 5]]);
  });
});

describe('readRecords jsonl', () => {
  it('yields good records with both field spellings and rejects bad lines with their line numbers', async () => {
    const records = await collect(path.join(FIXTURES, 'statements.jsonl'), 'jsonl');
    const summary = records.map((r) => (r.ok ? [r.line, 'ok'] : [r.line, r.code]));
    assert.deepEqual(summary, [[1, 'ok'], [2, 'ok'], [3, 'invalid-json'], [4, 'ok'], [5, 'ok'], [6, 'ok'], [8, 'ok'], [9, 'invalid-json']]);
    const second = records[1]!;
    assert.ok(second.ok);
    assert.deepEqual(second.item, { text: 'China calls for talks.', speaker: 'China', publishedAt: '2026-01-05T11:00:00Z', externalId: 'jl-2' });
  });

  it('rejects a line that is not valid UTF-8 and keeps the lines around it', async () => {
    const file = write('bad-utf8.jsonl', Buffer.concat([Buffer.from('{"text":"ok one"}\n{"text":"bad '), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n{"text":"ok two"}\n')]));
    const records = await collect(file, 'jsonl');
    assert.deepEqual(records.map((r) => (r.ok ? r.item.text : r.code)), ['ok one', 'invalid-encoding', 'ok two']);
    assert.equal(records[1]!.line, 2);
  });

  it('skips the records an earlier run committed without parsing them', async () => {
    const records = await collect(path.join(FIXTURES, 'statements.jsonl'), 'jsonl', 3);
    assert.deepEqual(records.map((r) => r.line), [4, 5, 6, 8, 9]);
  });
});

describe('readRecords csv', () => {
  it('reads a header in any order, quoted commas, newlines and doubled quotes', async () => {
    const records = await collect(path.join(FIXTURES, 'statements.csv'), 'csv');
    assert.deepEqual(records.map((r) => r.line), [2, 3, 5, 6, 7]);
    const [first, second] = records;
    assert.ok(first?.ok && second?.ok);
    assert.equal(first.item.text, 'Kyiv says talks remain possible, but only after a ceasefire.');
    assert.equal(first.item.externalId, 'csv-1');
    assert.equal(first.item.publishedAt, '2026-01-06T09:00:00Z');
    assert.equal(second.item.text, 'A statement\nspanning two lines, with "quotes".');
    assert.equal(second.item.source, undefined, 'empty cells are absent, not empty strings');
  });

  it('rejects a row with invalid UTF-8, keeping the good rows', async () => {
    const file = write(
      'bad.csv',
      Buffer.concat([
        Buffer.from('text,speaker\nfirst good,A\n'),
        Buffer.from('bad '),
        Buffer.from([0xff]),
        Buffer.from(' bytes,B\nsecond good,C\n'),
        Buffer.from(`"${'y'.repeat(30_000)}",D\nlast good,E\n`),
      ]),
    );
    const records = await collect(file, 'csv');
    const summary = records.map((r) => (r.ok ? `${r.line}:${String(r.item.text)}` : `${r.line}:${r.code}`));
    assert.deepEqual(summary.slice(0, 3), ['2:first good', '3:invalid-encoding', '4:second good']);
    assert.equal(summary[4], '6:last good');
    const long = records[3]!;
    assert.ok(long.ok && String(long.item.text).length === 30_000, 'a long text is read; the length limit is applied by normalizeStatement');
  });

  it('reports a row over the size cap with its line (csv-parse stops there)', async () => {
    const file = write('huge.csv', `text,s\na,1\n"${'y'.repeat(2000)}",D\nlast,E\n`);
    const records: FileRecord[] = [];
    for await (const r of readRecords(file, 'csv', { maxCsvRecordBytes: 1000 })) records.push(r);
    assert.deepEqual(records.map((r) => (r.ok ? `${r.line}:ok` : `${r.line}:${r.code}`)), ['2:ok', '3:invalid-csv']);
    assert.match((records[1] as { message: string }).message, /max_record_size|record size/i);
  });

  it('refuses a file whose header has no text column, naming what it found', async () => {
    const file = write('nohdr.csv', 'speaker,body\nA,hello\n');
    const records = await collect(file, 'csv');
    assert.equal(records.length, 1);
    const r = records[0]!;
    assert.ok(!r.ok && r.code === 'missing-text-column' && /speaker, body/.test(r.message));
  });

  it('reports a quote left open at the end of the file', async () => {
    const file = write('open.csv', 'text\ngood row\n"never closed\nmore\n');
    const records = await collect(file, 'csv');
    assert.deepEqual(records.map((r) => (r.ok ? 'ok' : r.code)), ['ok', 'invalid-csv']);
  });
});

describe('readRecords txt', () => {
  it('yields one statement a paragraph, starting line numbers, blank lines of spaces too', async () => {
    const records = await collect(path.join(FIXTURES, 'statements.txt'), 'txt');
    assert.deepEqual(
      records.map((r) => (r.ok ? [r.line, r.item.text] : [r.line, r.code])),
      [
        [1, 'The first paragraph is one statement.\nIt spans two lines.'],
        [5, 'The second paragraph stands alone.'],
        [8, 'Third one.'],
      ],
    );
  });

  it('rejects a paragraph with invalid UTF-8 only', async () => {
    const file = write('bad.txt', Buffer.concat([Buffer.from('good\n\nbad '), Buffer.from([0xe2, 0x82]), Buffer.from('\n\ngood again')]));
    const records = await collect(file, 'txt');
    assert.deepEqual(records.map((r) => (r.ok ? r.item.text : r.code)), ['good', 'invalid-encoding', 'good again']);
  });
});
