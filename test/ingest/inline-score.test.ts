import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createFileIngest } from '../../server/ingest/file-ingest.ts';
import { createIngestService } from '../../server/ingest/ingest-service.ts';
import { createScoreWorker } from '../../server/jobs/score-job.ts';
import type { Scorer } from '../../server/scoring/index.ts';
import type { Store } from '../../server/store/store.ts';
import { testLanguageGate, testScorer } from '../helpers/test-app.ts';
import { createTempStore, TEST_STORE } from '../helpers/temp-store.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const cleanups: Array<() => void> = [];
after(() => cleanups.forEach((c) => c()));

function tempStore(): { store: Store; dir: string } {
  const t = createTempStore('bw-inline-score-');
  cleanups.push(t.cleanup);
  return t;
}

/** Demo statements (speakers, targets, every category), several per minute, some in one minute. */
function writeFile(dir: string, opts: { messy: boolean }): string {
  const pool = fs
    .readFileSync(path.join(ROOT, 'data', 'demo', 'statements.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { text: string; speaker: string; source: string });
  const lines: string[] = [];
  for (let i = 0; i < 600; i++) {
    const s = pool[i % pool.length]!;
    const rec: Record<string, unknown> = { text: `${s.text} (${i})`, source: s.source, publishedAt: NOW - 86_400_000 * 2 + i * 17_000 };
    if (i % 9 !== 0) rec.speaker = s.speaker; // some without a given speaker: detected or none
    if (i % 3 === 0) rec.externalId = `x-${i}`;
    lines.push(JSON.stringify(rec));
    if (opts.messy && i % 50 === 7) lines.push('{"text": "broken');
    if (opts.messy && i % 40 === 5) lines.push(JSON.stringify({ ...rec, text: 'same external id, other text' }));
    if (opts.messy && i % 45 === 4) lines.push(JSON.stringify(rec));
  }
  const file = path.join(dir, opts.messy ? 'messy.jsonl' : 'clean.jsonl');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const dump = (store: Store) => ({
  statements: store.db
    .prepare(
      `SELECT id, dedupe_key, external_id, text, speaker, source, url, published_at, received_at, occurred_at, origin, is_demo,
              status, score, level, actor, targets, signals, mentioned, scorer_version, scored_at, error
       FROM statements ORDER BY id`,
    )
    .all(),
  actors: store.db.prepare('SELECT statement_id, actor, role FROM statement_actors ORDER BY statement_id, actor, role').all(),
  categories: store.db.prepare('SELECT statement_id, category FROM statement_categories ORDER BY statement_id, category').all(),
  minute: store.db.prepare('SELECT * FROM metric_buckets ORDER BY scope, bucket_start').all() as Bucket[],
  hour: store.db.prepare('SELECT * FROM metric_buckets_hour ORDER BY scope, bucket_start').all() as Bucket[],
  day: store.db.prepare('SELECT * FROM metric_buckets_day ORDER BY scope, bucket_start').all() as Bucket[],
});

interface Bucket {
  scope: string;
  bucket_start: number;
  n: number;
  sum_score: number;
  sum_w: number;
  sum_wscore: number;
  max_score: number;
}

/** The worker path: ingest pending, then the score worker, batch by batch. */
async function viaWorker(file: string, batchSize: number): Promise<Store> {
  const { store } = tempStore();
  const now = () => NOW;
  const fileIngest = createFileIngest({ store, ingest: createIngestService({ store, now }), now });
  await fileIngest.ingestFile({ file, origin: 'cli', batchSize });
  const worker = createScoreWorker({ store, scorer: testScorer(), language: testLanguageGate(), logger: createSilentLogger(), now, batchSize });
  while ((await worker.runOnce()).batches > 0);
  return store;
}

async function inline(file: string, batchSize: number, scorer: Scorer = testScorer()) {
  const { store } = tempStore();
  const now = () => NOW;
  const fileIngest = createFileIngest({ store, ingest: createIngestService({ store, now }), now });
  const outcome = await fileIngest.ingestFile({ file, origin: 'cli', batchSize, scorer, language: testLanguageGate() });
  return { store, outcome };
}

/** Bucket sums are floating point: batches that group additions differently may differ in the last bits. */
function assertSameBuckets(actual: Bucket[], expected: Bucket[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    assert.deepEqual([a.scope, a.bucket_start, a.n, a.max_score], [e.scope, e.bucket_start, e.n, e.max_score]);
    for (const k of ['sum_score', 'sum_w', 'sum_wscore'] as const) assert.ok(Math.abs(a[k] - e[k]) < 1e-9, `${a.scope} ${k}`);
  });
}

describe('file ingest that scores inline (npm run ingest -- --score)', () => {
  const { dir } = tempStore();

  it('stores exactly the rows, evidence, actor and category rows and buckets the score worker would', async () => {
    const file = writeFile(dir, { messy: false });
    const expected = dump(await viaWorker(file, 64));
    const { store, outcome } = await inline(file, 64);
    assert.equal(outcome.status, 'done');
    assert.ok(outcome.status === 'done' && outcome.run.scored === 600);
    const actual = dump(store);
    assert.equal(actual.statements.length, 600);
    assert.ok(actual.actors.length > 600 && actual.categories.length > 100, 'the fixture exercises actors, targets and categories');
    assert.ok(actual.hour.length > 10 && actual.day.length > 3);
    // Same batches, same order of additions: identical to the last bit.
    assert.deepEqual(actual, expected);
    assert.equal(store.statements.countByStatus().pending, 0);
  });

  it('counts each statement once when the file repeats records and has bad lines, whatever the batch size', async () => {
    const file = writeFile(dir, { messy: true });
    const expected = dump(await viaWorker(file, 1000));
    // One record per batch tests the batching of this layer, the same on both engines: on
    // PostgreSQL (650 transactions, ~40 s in the second pass of `npm test`) the batches of 37
    // (duplicates across batches) and 5000 (within one) cover its deduplication.
    for (const batchSize of TEST_STORE === 'postgres' ? [37, 5000] : [1, 37, 5000]) {
      const { store, outcome } = await inline(file, batchSize);
      assert.ok(outcome.status === 'done');
      assert.equal(outcome.run.scored, outcome.run.stored);
      assert.ok(outcome.run.duplicates > 10 && outcome.run.rejected > 5, `${outcome.run.duplicates} duplicates, ${outcome.run.rejected} rejected`);
      const actual = dump(store);
      assert.deepEqual(
        { statements: actual.statements, actors: actual.actors, categories: actual.categories },
        { statements: expected.statements, actors: expected.actors, categories: expected.categories },
      );
      assertSameBuckets(actual.minute, expected.minute);
      assertSameBuckets(actual.hour, expected.hour);
      assertSameBuckets(actual.day, expected.day);
      const global = actual.day.filter((b) => b.scope === 'global').reduce((n, b) => n + b.n, 0);
      assert.equal(global, actual.statements.length);
    }
  });

  it('leaves a duplicate of a pending statement pending and uncounted; the worker then counts it once', async () => {
    const { store } = tempStore();
    const now = () => NOW;
    const ingest = createIngestService({ store, now });
    const pending = ingest.ingest([{ text: 'The navy will blockade the strait.', speaker: 'Russia', externalId: 'e-1', publishedAt: NOW - 1000 }], { origin: 'api' });
    assert.equal(pending.accepted[0]!.status, 'pending');
    const again = ingest.ingest(
      [
        { text: 'The navy will blockade the strait.', speaker: 'Russia', externalId: 'e-1', publishedAt: NOW - 1000 },
        { text: 'Troops will withdraw from the border.', speaker: 'Russia', externalId: 'e-2', publishedAt: NOW - 1000 },
      ],
      { origin: 'cli', scorer: testScorer(), language: testLanguageGate() },
    );
    assert.deepEqual(
      again.accepted.map((a) => [a.duplicate, a.status]),
      [
        [true, undefined],
        [false, 'scored'],
      ],
    );
    assert.deepEqual(store.statements.countByStatus(), { pending: 1, scored: 1, failed: 0, unsupported: 0 });
    const globalN = () => store.metrics.range('global', 0, NOW + 60_000).reduce((n, b) => n + b.n, 0);
    assert.equal(globalN(), 1);
    const worker = createScoreWorker({ store, scorer: testScorer(), language: testLanguageGate(), logger: createSilentLogger(), now });
    assert.equal((await worker.runOnce()).scored, 1);
    assert.equal((await worker.runOnce()).scored, 0);
    assert.equal(globalN(), 2);
  });

  it('parks a statement the scorer throws on as failed, with no buckets, as the worker does', async () => {
    const real = testScorer();
    const flaky: Scorer = {
      version: real.version,
      resolveActor: (n) => real.resolveActor(n),
      score: (text, o) => {
        if (text.includes('(13)')) throw new Error('boom');
        return real.score(text, o);
      },
    };
    const file = writeFile(dir, { messy: false });
    const { store, outcome } = await inline(file, 100, flaky);
    assert.ok(outcome.status === 'done');
    assert.equal(outcome.run.scored, 599);
    assert.deepEqual(store.statements.countByStatus(), { pending: 0, scored: 599, failed: 1, unsupported: 0 });
    const failed = store.db.prepare(`SELECT error, score FROM statements WHERE status = 'failed'`).get();
    assert.deepEqual(failed, { error: 'boom', score: null });
    assert.equal(store.metrics.range('global', 0, NOW + 60_000).reduce((n, b) => n + b.n, 0), 599);
  });
});

// The thread reads and scores; its batches are stored by the code the tests above run on both
// engines (storeChunk in server/ingest/file-ingest.ts). So the thread runs on one engine.
const oneEngine = TEST_STORE === 'postgres' && 'the worker thread is engine-independent: its batches are stored as the inline tests above store theirs (run on SQLite)';
describe('file ingest that reads and scores on a worker thread (npm run ingest -- --score)', { skip: oneEngine }, () => {
  const { dir } = tempStore();
  // The worker stamps received_at and scored_at with its own clock; everything else must match.
  const withoutClock = (d: ReturnType<typeof dump>) => ({
    ...d,
    statements: d.statements.map((row) => {
      const { received_at: _r, scored_at: _s, ...rest } = row as Record<string, unknown>;
      return rest;
    }),
  });

  async function onWorker(file: string, batchSize: number, opts: { lexiconDir?: string; signal?: AbortSignal; store?: Store } = {}) {
    const store = opts.store ?? tempStore().store;
    const now = () => NOW;
    const fileIngest = createFileIngest({ store, ingest: createIngestService({ store, now }), now });
    const outcome = await fileIngest.ingestFile({
      file,
      origin: 'cli',
      batchSize,
      scoreOnWorker: { lexiconDir: opts.lexiconDir },
      signal: opts.signal,
    });
    return { store, outcome };
  }

  it('stores exactly what scoring on this thread stores, bad lines and duplicates included', async () => {
    const file = writeFile(dir, { messy: true });
    const expected = await inline(file, 37);
    const actual = await onWorker(file, 37);
    assert.ok(actual.outcome.status === 'done' && expected.outcome.status === 'done');
    assert.deepEqual(actual.outcome.run, expected.outcome.run);
    assert.ok(actual.outcome.run.rejected > 5 && actual.outcome.run.duplicates > 10);
    assert.deepEqual(withoutClock(dump(actual.store)), withoutClock(dump(expected.store)));
    const rejections = (s: Store) => s.db.prepare('SELECT line, code, message FROM ingest_rejections ORDER BY line').all();
    assert.deepEqual(rejections(actual.store), rejections(expected.store));
  });

  it('stops after the batch in hand when interrupted, and a re-run finishes with every statement once', async () => {
    const file = writeFile(dir, { messy: false });
    const { store } = tempStore();
    const controller = new AbortController();
    const now = () => NOW;
    const fileIngest = createFileIngest({ store, ingest: createIngestService({ store, now }), now });
    const first = await fileIngest.ingestFile({
      file,
      origin: 'cli',
      batchSize: 50,
      scoreOnWorker: {},
      signal: controller.signal,
      onBatch: (p) => {
        if (p.recordsDone >= 100) controller.abort();
      },
    });
    assert.equal(first.status, 'interrupted');
    assert.equal(store.statements.countByStatus().scored, 100);
    const second = await onWorker(file, 50, { store });
    assert.ok(second.outcome.status === 'done');
    assert.equal(second.outcome.run.resumedAt, 100);
    assert.deepEqual(store.statements.countByStatus(), { pending: 0, scored: 600, failed: 0, unsupported: 0 });
    assert.equal(store.metrics.range('global', 0, NOW + 60_000).reduce((n, b) => n + b.n, 0), 600);
  });

  it('fails with the worker error when the worker cannot start scoring, storing nothing', async () => {
    const file = writeFile(dir, { messy: false });
    const { store } = tempStore();
    await assert.rejects(onWorker(file, 50, { lexiconDir: path.join(dir, 'no-such-lexicon'), store }), /prepare worker: Cannot read lexicon file .*no-such-lexicon/);
    assert.equal(store.statements.countByStatus().scored + store.statements.countByStatus().pending, 0);
  });
});

describe('file ingest with one transaction spanning several prepared chunks (the CLI)', () => {
  const { dir } = tempStore();

  it('stores what per-batch commits store, and reports progress only at commits', async () => {
    const file = writeFile(dir, { messy: true });
    const expected = await inline(file, 1000);
    const { store } = tempStore();
    const now = () => NOW;
    const fileIngest = createFileIngest({ store, ingest: createIngestService({ store, now }), now });
    const seen: number[] = [];
    const outcome = await fileIngest.ingestFile({
      file,
      origin: 'cli',
      batchSize: 600, // chunks of PREPARE_CHUNK (500): the first transaction spans two
      scorer: testScorer(),
      language: testLanguageGate(),
      spanTransactions: true,
      onBatch: (p) => {
        assert.equal(store.db.inTransaction, false, 'progress is reported after a commit');
        seen.push(p.recordsDone);
      },
    });
    assert.ok(outcome.status === 'done' && expected.outcome.status === 'done');
    assert.deepEqual(outcome.run, expected.outcome.run);
    assert.deepEqual(dump(store).statements, dump(expected.store).statements);
    // 641 records: a chunk of 500 leaves the transaction open (500 < 600), the second closes it.
    const records = outcome.file.recordsDone;
    assert.ok(records > 600 && records < 1000);
    assert.deepEqual(seen, [records, records], 'one commit for both chunks, then the finish');
  });

  it('rolls back every chunk of the open transaction when storing fails, and a re-run stores each statement once', async () => {
    const file = writeFile(dir, { messy: false });
    const { store } = tempStore();
    const now = () => NOW;
    const ingest = createIngestService({ store, now });
    let calls = 0;
    const failing = {
      ...ingest,
      store: (p: Parameters<typeof ingest.store>[0]) => {
        if (++calls === 2) throw new Error('disk full');
        return ingest.store(p);
      },
    };
    const broken = createFileIngest({ store, ingest: failing, now });
    await assert.rejects(broken.ingestFile({ file, origin: 'cli', batchSize: 5000, scorer: testScorer(), language: testLanguageGate(), spanTransactions: true }), /disk full/);
    assert.equal(store.db.inTransaction, false);
    assert.equal(store.statements.count(), 0, 'the first chunk went back with the second');
    assert.equal(store.metrics.range('global', 0, NOW + 60_000).length, 0);
    const again = await createFileIngest({ store, ingest, now }).ingestFile({ file, origin: 'cli', batchSize: 5000, scorer: testScorer(), language: testLanguageGate(), spanTransactions: true });
    assert.ok(again.status === 'done');
    assert.equal(again.run.resumedAt, 0);
    assert.equal(store.statements.count(), 600);
    assert.equal(store.metrics.range('global', 0, NOW + 60_000).reduce((n, b) => n + b.n, 0), 600);
  });
});
