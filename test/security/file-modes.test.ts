import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createInboxService } from '../../server/ingest/inbox-service.ts';
import { secureDataDir } from '../../server/store/file-modes.ts';
import { createStore } from '../../server/store/store.ts';
import { startServerProcess } from '../helpers/spawn-server.ts';

const modeOf = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);

describe('file modes: data folder 0700, database and companions 0600', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-modes-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('the real server creates its data folder, database, -wal, -shm, token and inbox privately, even under umask 000', async () => {
    const dataDir = path.join(root, 'fresh', 'data');
    // The child inherits the umask: with 000 a plain open() or mkdir() would make 0666 / 0777.
    const previous = process.umask(0);
    const server = await startServerProcess({ BRINKWATCH_DATA_DIR: dataDir, BRINKWATCH_API_TOKEN: '', BRINKWATCH_DEMO: 'off' }).finally(() => process.umask(previous));
    try {
      assert.match(server.output(), /API token \(shown once/);
      const db = path.join(dataDir, 'brinkwatch.db');
      assert.equal(modeOf(dataDir), '700');
      for (const f of [db, `${db}-wal`, `${db}-shm`, path.join(dataDir, 'api-token')]) assert.equal(modeOf(f), '600', f);
      assert.equal(modeOf(path.join(dataDir, 'inbox')), '700');
    } finally {
      await server.stop();
    }
  });

  it('tightens what an older version left world-readable', () => {
    const dir = path.join(root, 'old');
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    const file = path.join(dir, 'brinkwatch.db');
    createStore(file).close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      fs.writeFileSync(f, fs.existsSync(f) ? fs.readFileSync(f) : Buffer.alloc(0));
      fs.chmodSync(f, 0o644);
    }
    fs.writeFileSync(path.join(dir, 'feeds.json'), '[]');
    // The default ./data of a checkout also holds the shipped demo statements and lexicon.
    for (const shipped of ['demo', 'lexicon']) fs.mkdirSync(path.join(dir, shipped));
    assert.deepEqual(secureDataDir(dir), { state: 'tightened' });
    assert.equal(modeOf(dir), '700');
    const store = createStore(file);
    store.close();
    assert.equal(modeOf(file), '600');
  });

  it('leaves a shared or foreign folder as it is and says why; the database inside is still 0600', () => {
    const shared = path.join(root, 'shared');
    fs.mkdirSync(shared);
    fs.chmodSync(shared, 0o755);
    fs.writeFileSync(path.join(shared, 'holiday-photos.zip'), 'x');
    const r = secureDataDir(shared);
    assert.equal(r.state, 'left-open');
    assert.ok(r.state === 'left-open' && r.mode === '0755' && /holiday-photos\.zip/.test(r.reason));
    assert.equal(modeOf(shared), '755');
    createStore(path.join(shared, 'brinkwatch.db')).close();
    assert.equal(modeOf(path.join(shared, 'brinkwatch.db')), '600');

    const sticky = path.join(root, 'sticky');
    fs.mkdirSync(sticky);
    fs.chmodSync(sticky, 0o1777);
    const s = secureDataDir(sticky);
    assert.ok(s.state === 'left-open' && /sticky/.test(s.reason));
    assert.equal(modeOf(sticky), '777');
  });

  it('inbox folders (inbox, done, rejected) are created 0700', async () => {
    const previous = process.umask(0);
    try {
      const inboxDir = path.join(root, 'inbox-test', 'inbox');
      const store = createStore(path.join(root, 'inbox-test', 'brinkwatch.db'));
      const { createFileIngest } = await import('../../server/ingest/file-ingest.ts');
      const { createIngestService } = await import('../../server/ingest/ingest-service.ts');
      const ingest = createIngestService({ store });
      const clock = { now: Date.now() };
      const inbox = createInboxService({ fileIngest: createFileIngest({ store, ingest }), inboxDir, logger: createSilentLogger(), now: () => clock.now, stableMs: 0 });
      assert.equal(modeOf(inboxDir), '700');
      fs.writeFileSync(path.join(inboxDir, 'a.jsonl'), '{"text":"A statement from the inbox."}\n{bad\n');
      fs.writeFileSync(path.join(inboxDir, 'b.exe'), 'MZ');
      await inbox.runOnce();
      clock.now += 10_000;
      const counts = await inbox.runOnce();
      assert.ok(counts.files >= 1 && counts.rejected >= 1, JSON.stringify(counts));
      assert.equal(modeOf(path.join(inboxDir, 'done')), '700');
      assert.equal(modeOf(path.join(inboxDir, 'rejected')), '700');
      store.close();
    } finally {
      process.umask(previous);
    }
  });
});
