import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createSilentLogger } from '../../server/config/logger.ts';
import { ANNOUNCE_STALE_MS, createAnnounceSweep } from '../../server/jobs/announce-sweep.ts';
import { createScoreWorker, type ScoredBatch } from '../../server/jobs/score-job.ts';
import type { ScoredPush } from '../../server/realtime/statement-push.ts';
import { createTestApp, testLanguageGate } from '../helpers/test-app.ts';

// A node that dies between the commit of a scored batch and its push: the batch stays recorded
// in score_announcements, and the leader's sweep announces it once it is stale, exactly once.
describe('announcing the batches of a node that died before its push', () => {
  let clock = Date.UTC(2026, 11, 2, 9, 0, 0);
  const now = () => clock;
  const t = createTestApp({ now });
  after(() => t.cleanup());
  const batches: ScoredBatch[] = [];
  // "Dies": records the batch like every node, never pushes nor marks it done.
  const dying = createScoreWorker({ store: t.store, scorer: t.scorer, language: testLanguageGate(), logger: createSilentLogger(), now, announceAs: 'node-a', onScored: (b) => void batches.push(b) });
  const pushed: ScoredPush[] = [];
  const sweep = createAnnounceSweep({ store: t.store, publish: (p) => pushed.push(p), metrics: () => t.metrics.current(), logger: createSilentLogger(), now, pushLimit: 3 });
  const ingest = (texts: string[]) =>
    t.ingest.ingest(texts.map((text, i) => ({ text, speaker: 'Russia', publishedAt: clock - 1000 + i })), { origin: 'api' }).accepted.map((a) => a.id);

  it('records each batch in its scoring transaction, with its ids and scopes', async () => {
    const ids = ingest(['Russia threatened to strike the airfields in Poland.', 'The talks in Geneva went well.']);
    await dying.runOnce();
    assert.equal(batches.length, 1);
    assert.ok(batches[0]!.announcement !== null, 'the batch has its announcement row');
    assert.deepEqual(batches[0]!.ids, ids);
    assert.equal(t.store.announcements.pending(), 1);
  });

  it('leaves a batch alone while its node may still push it', () => {
    clock += ANNOUNCE_STALE_MS - 1;
    assert.deepEqual(sweep.runOnce(), { announced: 0, statements: 0 });
    assert.equal(pushed.length, 0);
  });

  it('announces a stale batch with its statements and the metrics it moved, once', () => {
    clock += 2;
    assert.deepEqual(sweep.runOnce(), { announced: 1, statements: 2 });
    assert.equal(pushed.length, 1);
    const p = pushed[0]!;
    assert.deepEqual(p.ids, batches[0]!.ids);
    assert.deepEqual(p.statements.map((s) => [s.id, s.status]), batches[0]!.ids.map((id) => [id, 'scored']));
    assert.deepEqual([...p.metrics.scopes].sort(), [...batches[0]!.scopes].sort());
    assert.ok(p.metrics.scopes.includes('global'));
    assert.ok(Object.keys(p.metrics.current.windows).length > 0, 'the current metrics ride along');
    assert.equal(t.store.announcements.pending(), 0);
    assert.deepEqual(sweep.runOnce(), { announced: 0, statements: 0 }, 'a second sweep finds nothing');
  });

  it('announces a batch larger than the push limit by its ids alone, oldest batch first', async () => {
    const big = ingest(['Troops massed at the border.', 'Warships entered the strait.', 'The army mobilised two divisions.', 'Missiles were fired at the port.']);
    await dying.runOnce();
    const small = ingest(['The minister declined to comment.']);
    clock += 1;
    await dying.runOnce();
    clock += ANNOUNCE_STALE_MS + 1;
    pushed.length = 0;
    assert.deepEqual(sweep.runOnce(), { announced: 2, statements: 5 });
    assert.deepEqual(pushed.map((p) => [p.ids, p.statements.length]), [[big, 0], [small, 1]]);
  });

  it('a node whose push left marks its batch done, and nothing is announced again', async () => {
    const live = createScoreWorker({
      store: t.store, scorer: t.scorer, language: testLanguageGate(), logger: createSilentLogger(), now, announceAs: 'node-b',
      onScored: (b) => { if (b.announcement !== null) t.store.announcements.done(b.announcement); },
    });
    ingest(['Russia warned of consequences.']);
    await live.runOnce();
    assert.equal(t.store.announcements.pending(), 0);
    clock += ANNOUNCE_STALE_MS * 2;
    assert.deepEqual(sweep.runOnce(), { announced: 0, statements: 0 });
  });

  it('records nothing for workers without a node id (the CLIs)', async () => {
    ingest(['Russia warned of consequences again.']);
    const r = await t.worker.runOnce();
    assert.equal(r.scored, 1);
    assert.equal(t.store.announcements.pending(), 0);
  });
});
