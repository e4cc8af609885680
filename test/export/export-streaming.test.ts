import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse/sync';
import { streamCsv } from '../../server/export/csv-stream.ts';
import { csvRecord } from '../../server/shared/csv-format.ts';
import { createTempStore } from '../helpers/temp-store.ts';
import { createExportApp, seedStatements, type SeedStatement } from './export-fixtures.ts';

/** A sink that accepts a write only when the test says so. */
function stalledSink() {
  const pending: Array<() => void> = [];
  const chunks: Buffer[] = [];
  const sink = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      pending.push(cb);
    },
  });
  return {
    sink,
    chunks,
    release() {
      for (const cb of pending.splice(0)) cb();
    },
  };
}

function countingRows(total: number) {
  const state = { pulled: 0, closed: false };
  function* rows(): Generator<string> {
    try {
      for (let i = 0; i < total; i++) {
        state.pulled++;
        yield csvRecord([i, `row ${i}, with "quotes" and =formula`, 'x'.repeat(80)]);
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, rows: rows() };
}

test('streamCsv() stops pulling rows while the sink is full and resumes on drain', async () => {
  const { sink, chunks, release } = stalledSink();
  const { state, rows } = countingRows(20_000);
  const done = streamCsv(sink, { header: ['id', 'text', 'pad'], records: rows });
  await sleep(50);
  const pulledWhileStalled = state.pulled;
  assert.ok(pulledWhileStalled > 0 && pulledWhileStalled < 1_000, `pulled ${pulledWhileStalled} rows while the sink was full`);
  await sleep(50);
  assert.equal(state.pulled, pulledWhileStalled, 'no more rows pulled while waiting for drain');
  const releaser = setInterval(release, 1);
  const result = await done;
  clearInterval(releaser);
  assert.deepEqual(result, { rows: 20_000, completed: true });
  assert.ok(state.closed);
  const parsed = parse(Buffer.concat(chunks), { record_delimiter: '\r\n' }) as string[][];
  assert.equal(parsed.length, 20_001);
  assert.deepEqual(parsed[20_000], ['19999', `row 19999, with "quotes" and =formula`, 'x'.repeat(80)]);
});

test('streamCsv() stops on abort, closes the row iterator and does not end the sink', async () => {
  const { sink } = stalledSink();
  const { state, rows } = countingRows(20_000);
  const abort = new AbortController();
  const done = streamCsv(sink, { header: ['id', 'text', 'pad'], records: rows }, { signal: abort.signal });
  await sleep(20);
  abort.abort();
  const result = await done;
  assert.equal(result.completed, false);
  assert.ok(result.rows < 1_000);
  assert.equal(state.closed, true, 'the generator (and the database statement behind it) was closed');
  assert.equal(sink.writableEnded, false);
});

test('streamCsv() writes exactly the header and records, whatever their size against the chunk (multi-byte, larger than a chunk)', async () => {
  const records = ['a,b\r\n', `"${'x'.repeat(300)}"\r\n`, 'é🚀ع,"q""q"\r\n', `${'🚀'.repeat(100)}\r\n`, '', 'last\r\n'];
  for (let i = 0; i < 50; i++) records.push(`${i},${'ü'.repeat(i * 7)}\r\n`);
  const chunks: Buffer[] = [];
  const sink = new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) });
  const result = await streamCsv(sink, { header: ['id', 'text'], records }, { bom: true, chunkBytes: 256 });
  assert.deepEqual(result, { rows: records.length, completed: true });
  assert.equal(Buffer.concat(chunks).toString('utf8'), `\uFEFFid,text\r\n${records.join('')}`);
  const written = new Set(records.map((r) => Buffer.byteLength(r)));
  assert.ok(chunks.every((c) => c.length <= 256 || written.has(c.length)), 'a chunk, or one record larger than a chunk');
});

// Over real HTTP: ~25 MB of CSV, far more than socket buffers hold. It is the bytes that count,
// not the rows: 8,000 statements of ~3,100 characters (each row is one insert, and 40,000 short
// ones took two minutes to seed on PostgreSQL).
const t = createTempStore();
const { app, exports } = createExportApp(t.store, { now: () => Date.UTC(2026, 10, 26) });
const server = http.createServer(app);
let base = '';
const N = 8_000;

before(async () => {
  const filler = 'The ministry said that the deployment would continue, "as planned", near the border. '.repeat(36);
  const items: SeedStatement[] = [];
  // Left pending (score null): storing scored rows is much slower and adds nothing here.
  for (let i = 0; i < N; i++) items.push({ text: `${i} ${filler}`, occurredAt: Date.UTC(2026, 10, 1) + i * 1000, score: null, speaker: 'Russia' });
  seedStatements(t.store, items);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  t.cleanup();
});

const URL_PATH = '/api/export/statements.csv?from=2026-11-01&to=2026-11-26';

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await sleep(10);
  }
}

test('a slow HTTP reader holds the export open without the server buffering the rest; resuming delivers every row', async () => {
  const res = await new Promise<http.IncomingMessage>((resolve) => http.get(base + URL_PATH, resolve));
  assert.equal(res.statusCode, 200);
  res.pause();
  await sleep(400);
  assert.equal(exports.activeExports(), 1, 'the export is still running, waiting for the reader');
  // Meanwhile the writer (score job, ingest) is not blocked by the open read.
  const started = performance.now();
  const [extra] = seedStatements(t.store, [{ text: 'written during the export', occurredAt: Date.UTC(2026, 10, 2), score: null }]);
  assert.ok(performance.now() - started < 1000, 'the write did not wait for the export');
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.resume();
  await new Promise((resolve) => res.on('end', resolve));
  const body = Buffer.concat(chunks);
  assert.ok(body.length > 20_000_000, `${body.length} bytes`);
  const rows = parse(body, { record_delimiter: '\r\n' }) as string[][];
  assert.equal(rows.length, N + 1, 'the export is one consistent snapshot: the row written meanwhile is not in it');
  assert.equal(rows[1]![0], String(N), 'newest first');
  assert.ok(!rows.some((r) => r[0] === String(extra)));
  await until(() => exports.activeExports() === 0);
});

test('a client that disconnects mid-export releases the read connection', async () => {
  const req = http.get(base + URL_PATH);
  const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
  await new Promise((resolve) => res.once('data', resolve));
  assert.equal(exports.activeExports(), 1);
  req.destroy();
  await until(() => exports.activeExports() === 0);
});

test('a fifth concurrent export is refused with 429 while four stream', async () => {
  const held: http.ClientRequest[] = [];
  for (let i = 0; i < 4; i++) {
    const req = http.get(base + URL_PATH);
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
    assert.equal(res.statusCode, 200);
    res.pause();
    held.push(req);
  }
  assert.equal(exports.activeExports(), 4);
  const refused = await fetch(base + URL_PATH);
  assert.equal(refused.status, 429);
  assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'too-many-exports');
  assert.equal(refused.headers.get('retry-after'), '10');
  for (const req of held) req.destroy();
  await until(() => exports.activeExports() === 0);
  const again = await fetch(base + '/api/export/statements.csv?from=2020-01-01&to=2020-01-02');
  assert.equal(again.status, 200);
  await again.text();
});
