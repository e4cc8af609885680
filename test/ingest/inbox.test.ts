import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createFileIngest } from '../../server/ingest/file-ingest.ts';
import { createInboxService } from '../../server/ingest/inbox-service.ts';
import { createIngestService } from '../../server/ingest/ingest-service.ts';
import { createInboxJob } from '../../server/jobs/inbox-job.ts';
import { createTempStore } from '../helpers/temp-store.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ingest');

function setup() {
  const t = createTempStore('bw-inbox-');
  const inboxDir = path.join(t.dir, 'inbox');
  fs.mkdirSync(inboxDir);
  const fileIngest = createFileIngest({ store: t.store, ingest: createIngestService({ store: t.store }) });
  // File mtimes can run a millisecond ahead of Date.now(); the clock is nudged so 'old enough' holds.
  const inbox = createInboxService({ fileIngest, inboxDir, logger: createSilentLogger(), stableMs: 0, now: () => Date.now() + 50 });
  const drop = (name: string, content: string | Buffer) => {
    fs.writeFileSync(path.join(inboxDir, name), content);
  };
  const dropFixture = (fixture: string, as = fixture) => fs.copyFileSync(path.join(FIXTURES, fixture), path.join(inboxDir, as));
  /** Two looks: the first records size and mtime, the second finds the file stable. */
  const settle = async () => {
    const first = await inbox.runOnce();
    const second = await inbox.runOnce();
    return { first, second };
  };
  const count = () => t.store.db.prepare('SELECT COUNT(*) FROM statements').pluck().get() as number;
  const rejections = (source: string) =>
    t.store.db.prepare('SELECT line, code FROM ingest_rejections WHERE source = ? ORDER BY id').all(source) as Array<{ line: number | null; code: string }>;
  const readErrors = (name: string) =>
    fs
      .readFileSync(path.join(inboxDir, 'rejected', `${name}.errors.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; line: number | null; code: string; message: string });
  return { ...t, inboxDir, inbox, drop, dropFixture, settle, count, rejections, readErrors };
}

describe('inbox folder', () => {
  let env: ReturnType<typeof setup>;
  before(() => {
    env = setup();
  });
  after(() => env.cleanup());

  it('takes in a JSON Lines file: good records stored, each bad one listed with line and reason, file moved to done/', async () => {
    env.dropFixture('statements.jsonl');
    const { first, second } = await env.settle();
    assert.equal(first.files, 0, 'not read on the first look');
    assert.equal(first.waiting, 1);
    assert.equal(second.files, 1);
    assert.equal(second.stored, 3);
    assert.equal(env.count(), 3);
    const expected = [
      { line: 3, code: 'invalid-json' },
      { line: 4, code: 'missing-text' },
      { line: 5, code: 'text-too-long' },
      { line: 6, code: 'invalid-date' },
      { line: 9, code: 'invalid-json' },
    ];
    assert.deepEqual(env.rejections('statements.jsonl'), expected);
    const errors = env.readErrors('statements.jsonl');
    assert.deepEqual(errors.map((e) => ({ line: e.line, code: e.code })), expected);
    assert.ok(errors.every((e) => e.file === 'statements.jsonl' && e.message.length > 0));
    assert.ok(fs.existsSync(path.join(env.inboxDir, 'done', 'statements.jsonl')));
    assert.ok(!fs.existsSync(path.join(env.inboxDir, 'statements.jsonl')));
    const row = env.store.db.prepare("SELECT speaker, source, url, published_at, origin FROM statements WHERE external_id = 'jl-1'").get();
    assert.deepEqual(row, { speaker: 'Russia', source: 'TASS', url: 'https://example.org/1', published_at: Date.parse('2026-01-05T10:00:00Z'), origin: 'inbox' });
  });

  it('stores nothing twice when the same file is dropped again, and does not read it again', async () => {
    const before = env.count();
    env.dropFixture('statements.jsonl');
    const { second } = await env.settle();
    assert.equal(second.stored, 0);
    assert.equal(env.count(), before);
    assert.equal(env.rejections('statements.jsonl').length, 5, 'no second set of rejections');
    assert.equal(fs.readdirSync(path.join(env.inboxDir, 'done')).filter((f) => f.startsWith('statements.')).length, 2, 'second copy kept under a new name');
  });

  it('dedupes records of a different file with the same statements (externalId or speaker+text+date)', async () => {
    const before = env.count();
    env.drop(
      'again.jsonl',
      [
        JSON.stringify({ text: 'different text, same id', externalId: 'jl-1' }),
        JSON.stringify({ text: 'A statement without speaker or date.' }),
        JSON.stringify({ text: 'Really new.' }),
      ].join('\n'),
    );
    const { second } = await env.settle();
    assert.equal(second.stored, 1);
    assert.equal(second.duplicates, 2);
    assert.equal(env.count(), before + 1);
  });

  it('takes in CSV (quoted commas and newlines, any column order) and plain text paragraphs', async () => {
    const before = env.count();
    env.dropFixture('statements.csv');
    env.dropFixture('statements.txt');
    const { second } = await env.settle();
    assert.deepEqual(second, { files: 2, stored: 6, duplicates: 0, rejected: 2, waiting: 0, failed: 0 });
    assert.equal(env.count(), before + 3 + 3);
    assert.deepEqual(env.rejections('statements.csv'), [
      { line: 5, code: 'invalid-date' },
      { line: 6, code: 'missing-text' },
    ]);
    const multi = env.store.db.prepare("SELECT text, speaker FROM statements WHERE external_id = 'csv-2'").get();
    assert.deepEqual(multi, { text: 'A statement\nspanning two lines, with "quotes".', speaker: 'Israel' });
    const para = env.store.db.prepare("SELECT speaker, source FROM statements WHERE text = 'Third one.'").get();
    assert.deepEqual(para, { speaker: null, source: 'statements.txt' });
    assert.ok(!fs.existsSync(path.join(env.inboxDir, 'rejected', 'statements.txt.errors.jsonl')), 'no errors file when nothing was rejected');
  });

  it('rejects records with invalid UTF-8 but keeps the rest of the file', async () => {
    env.drop('mixed.jsonl', Buffer.concat([Buffer.from('{"text":"valid before"}\n{"text":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n{"text":"valid after"}\n')]));
    await env.settle();
    assert.deepEqual(env.rejections('mixed.jsonl'), [{ line: 2, code: 'invalid-encoding' }]);
    const texts = env.store.db.prepare("SELECT text FROM statements WHERE text LIKE 'valid %' ORDER BY id").pluck().all();
    assert.deepEqual(texts, ['valid before', 'valid after']);
  });

  it('ignores dotfiles and partial names, and moves unknown extensions to rejected/ with a reason', async () => {
    env.drop('.hidden.jsonl', '{"text":"hidden"}\n');
    env.drop('upload.jsonl.part', '{"text":"partial"}\n');
    env.drop('copy.tmp', '{"text":"temp"}\n');
    env.drop('report.xlsx', 'PK...');
    const { second } = await env.settle();
    assert.equal(second.rejected, 1);
    assert.ok(fs.existsSync(path.join(env.inboxDir, '.hidden.jsonl')));
    assert.ok(fs.existsSync(path.join(env.inboxDir, 'upload.jsonl.part')));
    assert.ok(fs.existsSync(path.join(env.inboxDir, 'copy.tmp')));
    assert.ok(fs.existsSync(path.join(env.inboxDir, 'rejected', 'report.xlsx')));
    const [err] = env.readErrors('report.xlsx');
    assert.equal(err!.code, 'unsupported-format');
    assert.match(err!.message, /\.xlsx/);
    assert.deepEqual(env.rejections('report.xlsx'), [{ line: null, code: 'unsupported-format' }]);
  });

  it('sets a file aside in rejected/ after it failed three times (e.g. a disk read error)', async () => {
    // The real file ingest, except that reading fails as a broken disk would (root can read any file mode).
    const real = createFileIngest({ store: env.store, ingest: createIngestService({ store: env.store }) });
    const failing = { ...real, ingestFile: async () => Promise.reject(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })) };
    const inbox = createInboxService({ fileIngest: failing, inboxDir: env.inboxDir, logger: createSilentLogger(), stableMs: 0, now: () => Date.now() + 50 });
    env.drop('broken-disk.jsonl', '{"text":"cannot read me"}\n');
    const runs = [];
    for (let i = 0; i < 6 && fs.existsSync(path.join(env.inboxDir, 'broken-disk.jsonl')); i++) runs.push(await inbox.runOnce());
    assert.equal(runs.reduce((n, r) => n + r.failed, 0), 3, JSON.stringify(runs));
    assert.ok(fs.existsSync(path.join(env.inboxDir, 'rejected', 'broken-disk.jsonl')));
    const [err] = env.readErrors('broken-disk.jsonl');
    assert.equal(err!.code, 'read-error');
    assert.match(err!.message, /after 3 attempts: EIO/);
  });

  it('does not read a file that is still growing until it is stable', async () => {
    const file = path.join(env.inboxDir, 'growing.jsonl');
    fs.writeFileSync(file, '{"text":"growing one"}\n');
    assert.equal((await env.inbox.runOnce()).files, 0);
    fs.appendFileSync(file, '{"text":"growing two"}\n{"text":"growing th');
    const r2 = await env.inbox.runOnce();
    assert.equal(r2.files, 0, 'size changed since the last look');
    assert.equal(r2.waiting, 1);
    fs.appendFileSync(file, 'ree"}\n');
    assert.equal((await env.inbox.runOnce()).files, 0);
    const last = await env.inbox.runOnce();
    assert.equal(last.files, 1, JSON.stringify(last));
    const texts = env.store.db.prepare("SELECT text FROM statements WHERE text LIKE 'growing %' ORDER BY id").pluck().all();
    assert.deepEqual(texts, ['growing one', 'growing two', 'growing three']);
  });
});

describe('inbox shutdown', () => {
  it('stopping the job mid-file keeps the committed batches and the file; the next run resumes it', async () => {
    const t = createTempStore('bw-inbox-stop-');
    try {
      const inboxDir = path.join(t.dir, 'inbox');
      fs.mkdirSync(inboxDir);
      const lines = Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ text: `long file ${i}`, externalId: `lf-${i}` })).join('\n');
      fs.writeFileSync(path.join(inboxDir, 'long.jsonl'), lines);
      const fileIngest = createFileIngest({ store: t.store, ingest: createIngestService({ store: t.store }) });
      const inbox = createInboxService({ fileIngest, inboxDir, logger: createSilentLogger(), stableMs: 0, now: () => Date.now() + 50 });
      const job = createInboxJob({ inbox, cron: '*/5 * * * * *', logger: createSilentLogger() });
      await job.runNow(); // first look
      const count = () => t.store.db.prepare('SELECT COUNT(*) FROM statements').pluck().get() as number;
      const running = job.runNow();
      while (count() === 0) await new Promise((r) => setImmediate(r));
      await job.stop();
      await running;
      const mid = count();
      assert.ok(mid > 0 && mid < 30_000, `stopped midway (${mid})`);
      assert.equal(mid % 1000, 0, 'on a batch boundary');
      assert.ok(fs.existsSync(path.join(inboxDir, 'long.jsonl')), 'the file stays in the inbox');

      const again = createInboxService({ fileIngest, inboxDir, logger: createSilentLogger(), stableMs: 0, now: () => Date.now() + 50 });
      await again.runOnce();
      const r = await again.runOnce();
      assert.equal(r.files, 1);
      assert.equal(r.stored, 30_000 - mid);
      assert.equal(r.duplicates, 0, 'resumed after the committed records, not from the start');
      assert.equal(count(), 30_000);
    } finally {
      t.cleanup();
    }
  });
});

describe('inbox stability window', () => {
  it('waits until a file was last modified at least stableMs ago', async () => {
    const t = createTempStore('bw-inbox-stable-');
    try {
      const inboxDir = path.join(t.dir, 'inbox');
      fs.mkdirSync(inboxDir);
      let clock = Date.now();
      const fileIngest = createFileIngest({ store: t.store, ingest: createIngestService({ store: t.store }) });
      const inbox = createInboxService({ fileIngest, inboxDir, logger: createSilentLogger(), stableMs: 2000, now: () => clock });
      fs.writeFileSync(path.join(inboxDir, 'fresh.jsonl'), '{"text":"fresh"}\n');
      await inbox.runOnce();
      assert.equal((await inbox.runOnce()).files, 0, 'unchanged but modified under 2 s ago');
      clock += 2500;
      assert.equal((await inbox.runOnce()).files, 1);
    } finally {
      t.cleanup();
    }
  });

  it('runs as a scheduled job whose runNow reports the counts', async () => {
    const t = createTempStore('bw-inbox-job-');
    try {
      const inboxDir = path.join(t.dir, 'inbox');
      fs.mkdirSync(inboxDir);
      const fileIngest = createFileIngest({ store: t.store, ingest: createIngestService({ store: t.store }) });
      // File mtimes can run a millisecond ahead of Date.now(); the clock is nudged so 'old enough' holds.
  const inbox = createInboxService({ fileIngest, inboxDir, logger: createSilentLogger(), stableMs: 0, now: () => Date.now() + 50 });
      const job = createInboxJob({ inbox, cron: '*/5 * * * * *', logger: createSilentLogger() });
      fs.writeFileSync(path.join(inboxDir, 'a.txt'), 'one\n\ntwo\n');
      await job.runNow();
      const counts = await job.runNow();
      assert.equal(counts?.stored, 2);
      await job.stop();
    } finally {
      t.cleanup();
    }
  });
});
