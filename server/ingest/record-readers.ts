import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse';
import { decodeUtf8, MAX_LINE_BYTES, READ_CHUNK_BYTES, readLines } from './line-reader.ts';

/**
 * Streams the records of a statement file (JSON Lines, CSV with a header, plain text with one
 * statement a paragraph) as plain objects in the shape normalizeStatement expects, each with
 * the line it starts on. A bad record is yielded as a rejection and reading goes on: one bad
 * line never costs the rest of the file.
 */

export type FileFormat = 'jsonl' | 'csv' | 'txt';

export type RecordErrorCode = 'invalid-json' | 'invalid-encoding' | 'line-too-long' | 'invalid-csv' | 'missing-text-column';

export type FileRecord =
  | { line: number; ok: true; item: Record<string, unknown> }
  | { line: number; ok: false; code: RecordErrorCode; message: string };

const EXTENSIONS: Record<string, FileFormat> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.csv': 'csv',
  '.txt': 'txt',
};

export const SUPPORTED_EXTENSIONS = Object.keys(EXTENSIONS);

export function formatOf(fileName: string): FileFormat | null {
  return EXTENSIONS[path.extname(fileName).toLowerCase()] ?? null;
}

/** Field names accepted in JSON Lines and CSV headers, mapped to the statement fields. */
const FIELD_ALIASES: Record<string, string> = {
  text: 'text',
  speaker: 'speaker',
  source: 'source',
  url: 'url',
  publishedat: 'publishedAt',
  published_at: 'publishedAt',
  externalid: 'externalId',
  external_id: 'externalId',
};

function canonicalField(name: string): string | null {
  return FIELD_ALIASES[name.trim().toLowerCase()] ?? null;
}

/**
 * Reads records; `skip` records (good or bad, as counted by earlier runs) are passed over
 * without being parsed, which is how an interrupted file resumes.
 */
export function readRecords(
  file: string,
  format: FileFormat,
  opts: { skip?: number; maxCsvRecordBytes?: number; onRead?: (bytes: number) => void } = {},
): AsyncGenerator<FileRecord> {
  const skip = opts.skip ?? 0;
  if (format === 'jsonl') return readJsonLines(file, skip, opts.onRead);
  if (format === 'csv') return readCsv(file, skip, opts.maxCsvRecordBytes ?? MAX_CSV_RECORD_BYTES, opts.onRead);
  return readParagraphs(file, skip, opts.onRead);
}

async function* readJsonLines(file: string, skip: number, onRead?: (bytes: number) => void): AsyncGenerator<FileRecord> {
  let n = 0;
  for await (const { line, bytes, tooLong } of readLines(file, { onRead })) {
    if (!tooLong && isBlank(bytes)) continue;
    if (n++ < skip) continue;
    if (tooLong) {
      yield { line, ok: false, code: 'line-too-long', message: `line is longer than ${MAX_LINE_BYTES} bytes` };
      continue;
    }
    const text = decodeUtf8(bytes);
    if (text === null) {
      yield { line, ok: false, code: 'invalid-encoding', message: 'line is not valid UTF-8' };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      yield { line, ok: false, code: 'invalid-json', message: `not valid JSON: ${(err as Error).message.slice(0, 200)}` };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { line, ok: false, code: 'invalid-json', message: 'each line must hold one JSON object' };
      continue;
    }
    yield { line, ok: true, item: renameFields(value as Record<string, unknown>) };
  }
}

function renameFields(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) {
    const field = canonicalField(key);
    // The camelCase name wins when a record carries both spellings.
    if (field !== null && (out[field] === undefined || key === field)) out[field] = value;
  }
  return out;
}

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}

/** Paragraphs bigger than this are rejected without being held whole. */
const MAX_PARAGRAPH_BYTES = 256 * 1024;

async function* readParagraphs(file: string, skip: number, onRead?: (bytes: number) => void): AsyncGenerator<FileRecord> {
  let n = 0;
  let startLine = 0;
  let parts: string[] = [];
  let bytesHeld = 0;
  let problem: { code: RecordErrorCode; message: string } | null = null;

  function* flush(): Generator<FileRecord> {
    if (startLine === 0) return;
    const line = startLine;
    startLine = 0;
    const text = parts.join('\n');
    parts = [];
    bytesHeld = 0;
    const p = problem;
    problem = null;
    if (n++ < skip) return;
    if (p) yield { line, ok: false, ...p };
    else yield { line, ok: true, item: { text } };
  }

  for await (const { line, bytes, tooLong } of readLines(file, { onRead })) {
    if (!tooLong && isBlank(bytes)) {
      yield* flush();
      continue;
    }
    if (startLine === 0) startLine = line;
    if (problem || n < skip) continue;
    bytesHeld += bytes.length;
    if (tooLong || bytesHeld > MAX_PARAGRAPH_BYTES) {
      problem = { code: 'line-too-long', message: `paragraph is longer than ${MAX_PARAGRAPH_BYTES} bytes` };
      parts = [];
      continue;
    }
    const text = decodeUtf8(bytes);
    if (text === null) {
      problem = { code: 'invalid-encoding', message: `line ${line} is not valid UTF-8` };
      parts = [];
      continue;
    }
    parts.push(text);
  }
  yield* flush();
}

/**
 * Largest CSV row held in memory. csv-parse cannot resynchronise after a row this big (it may
 * be an unbalanced quote swallowing the file), so such a row is reported and ends the file.
 */
export const MAX_CSV_RECORD_BYTES = 4 * 1024 * 1024;

async function* readCsv(file: string, skip: number, maxRecordBytes: number, onRead?: (bytes: number) => void): AsyncGenerator<FileRecord> {
  // csv-parse reports skipped rows synchronously while earlier good rows may still sit in its
  // output buffer; each skip remembers how many rows preceded it so the order stays the file's.
  const skipped: Array<{ after: number; record: FileRecord }> = [];
  let rowsParsed = 0;
  let lastSkipLine = 0;
  const input = fs.createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
  if (onRead) input.on('data', (chunk) => onRead(chunk.length));
  const parser = input.pipe(
    parseCsv({
      encoding: null, // fields as bytes: we check UTF-8 per field and report the row, not the file
      bom: true,
      info: true,
      relax_column_count: true,
      relax_quotes: true, // a quote inside an unquoted field is taken literally
      skip_empty_lines: true,
      max_record_size: maxRecordBytes,
      skip_records_with_error: true,
      on_record: (record) => {
        rowsParsed++;
        return record;
      },
      on_skip: (err) => {
        const lines = (err as { lines?: unknown } | undefined)?.lines;
        const line = typeof lines === 'number' ? lines : lastSkipLine + 1;
        if (line === lastSkipLine) return undefined; // one report per broken row
        lastSkipLine = line;
        skipped.push({ after: rowsParsed, record: { line, ok: false, code: 'invalid-csv', message: (err?.message ?? 'malformed CSV row').slice(0, 300) } });
        return undefined;
      },
    }),
  );
  let columns: Array<string | null> | null = null;
  let n = 0;
  let rowsSeen = 0;
  let lastEndLine = 0;
  const emit = function* (record: FileRecord): Generator<FileRecord> {
    if (n++ < skip) return;
    yield record;
  };
  const skipsBefore = function* (row: number): Generator<FileRecord> {
    while (skipped.length > 0 && skipped[0]!.after < row) {
      const s = skipped.shift()!;
      lastEndLine = Math.max(lastEndLine, s.record.line);
      yield* emit(s.record);
    }
  };
  try {
    for await (const row of parser as AsyncIterable<{ record: Buffer[]; info: { lines: number } }>) {
      rowsSeen++;
      yield* skipsBefore(rowsSeen);
      const line = lastEndLine + 1;
      lastEndLine = row.info.lines;
      if (columns === null) {
        const header = row.record.map((b) => decodeUtf8(b) ?? '');
        columns = header.map(canonicalField);
        if (!columns.includes('text')) {
          yield* emit({ line, ok: false, code: 'missing-text-column', message: `the header row has no "text" column (found: ${header.join(', ').slice(0, 200)})` });
          parser.destroy();
          return;
        }
        continue;
      }
      const item: Record<string, unknown> = {};
      let bad: number | null = null;
      row.record.forEach((bytes, i) => {
        const field = columns![i];
        if (!field || bad !== null) return;
        const value = decodeUtf8(bytes);
        if (value === null) bad = i;
        else if (value !== '') item[field] = value;
      });
      if (bad !== null) {
        yield* emit({ line, ok: false, code: 'invalid-encoding', message: `column ${columns[bad]} is not valid UTF-8` });
        continue;
      }
      yield* emit({ line, ok: true, item });
    }
  } catch (err) {
    // A CSV error that ends parsing (e.g. a quote never closed): report it where it happened.
    const e = err as { message?: string; lines?: number };
    yield* skipsBefore(Infinity);
    yield* emit({ line: typeof e.lines === 'number' ? e.lines : lastEndLine + 1, ok: false, code: 'invalid-csv', message: String(e.message ?? err).slice(0, 300) });
    return;
  } finally {
    input.destroy();
  }
  yield* skipsBefore(Infinity);
}
