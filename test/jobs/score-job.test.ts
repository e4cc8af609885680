import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ScoredBatch } from '../../server/jobs/score-job.ts';
import { createTestApp, testLanguageGate } from '../helpers/test-app.ts';

describe('score worker', () => {
  const now = Date.UTC(2026, 10, 26, 12, 0, 30);
  const seenAtCallback: Array<{ ids: number[]; statusInDb: string[] }> = [];
  const t = createTestApp({
    now: () => now,
    onScored: (batch: ScoredBatch) => {
      // Persist, then publish: by the time we are told, the rows are committed.
      seenAtCallback.push({ ids: batch.statements.map((s) => s.id), statusInDb: batch.statements.map((s) => t.store.statements.get(s.id)!.status) });
    },
  });
  after(() => t.cleanup());

  it('scores pending statements, stores evidence and fills global, actor, dyad and category buckets', async () => {
    const r = t.ingest.ingest(
      [
        { text: 'Russia warned Poland that it would strike its airfields if the deliveries continued.', speaker: 'Russia', publishedAt: now - 10_000 },
        { text: 'The weather in Lisbon will be sunny all week.', speaker: 'Portugal', publishedAt: now - 5_000 },
      ],
      { origin: 'api' },
    );
    assert.equal(r.accepted.length, 2);
    const run = await t.worker.runOnce();
    assert.deepEqual({ scored: run.scored, failed: run.failed }, { scored: 2, failed: 0 });
    assert.equal(seenAtCallback.length, 1);
    assert.deepEqual(seenAtCallback[0]!.statusInDb, ['scored', 'scored']);

    const [threat, weather] = r.accepted.map((a) => t.store.statements.get(a.id)!);
    assert.ok(threat!.score! > weather!.score!);
    assert.ok(threat!.signals.length > 0);
    assert.equal(threat!.speaker, 'Russia');
    assert.ok(weather!.score! < 20, `weather scores low, got ${weather!.score}`);

    const minute = Math.floor(now / 60_000) * 60_000;
    const global = t.store.metrics.range('global', minute - 60_000, minute + 60_000);
    assert.equal(global.reduce((n, b) => n + b.n, 0), 2);
    assert.equal(t.store.metrics.range('actor:Russia', 0, now + 60_000).length, 1);
    if (threat!.targets.includes('Poland')) {
      assert.equal(t.store.metrics.range('dyad:Russia>Poland', 0, now + 60_000).length, 1);
    }
    const category = threat!.signals[0]!.category;
    assert.equal(t.store.metrics.range(`category:${category}`, 0, now + 60_000)[0]!.n, 1);
  });

  it('does nothing when nothing is pending, and never scores a statement twice', async () => {
    const run = await t.worker.runOnce();
    assert.equal(run.batches, 0);
    const global = t.store.metrics.range('global', 0, now + 60_000);
    assert.equal(global.reduce((n, b) => n + b.n, 0), 2);
  });

  it('never counts a statement twice when another process scored it between claim and commit', async () => {
    t.ingest.ingest([{ text: 'The navy will blockade the strait.', speaker: 'Ruritania', publishedAt: now - 1000 }], { origin: 'api' });
    const stale = t.store.statements.claimPending(100);
    assert.equal(stale.length, 1);
    const first = await t.worker.runOnce();
    assert.equal(first.scored, 1);
    // A second worker that claimed the same row before the first one committed.
    const racingStore = {
      ...t.store,
      statements: {
        ...t.store.statements,
        withClaimedPending: <T,>(_limit: number, work: (p: typeof stale) => T): T | null => {
          const claimed = stale.splice(0);
          return claimed.length === 0 ? null : t.store.transaction(() => work(claimed));
        },
      },
    };
    const { createScoreWorker } = await import('../../server/jobs/score-job.ts');
    const second = createScoreWorker({ store: racingStore, scorer: t.scorer, language: testLanguageGate(), logger: t.logger, now: () => now });
    const r = await second.runOnce();
    assert.equal(r.scored, 0, 'the second worker skips a row that is no longer pending');
    const global = t.store.metrics.range('global', 0, now + 60_000);
    assert.equal(global.reduce((n, b) => n + b.n, 0), 3, 'global buckets count each statement once');
  });

  it('writes the hour and day rollups with the same totals as the minute buckets', () => {
    const hour = t.store.metrics.grouped('global', 0, now + 86_400_000, 3_600_000);
    const day = t.store.metrics.grouped('global', 0, now + 86_400_000, 86_400_000);
    const minuteTotal = t.store.metrics.range('global', 0, now + 60_000).reduce((n, b) => n + b.n, 0);
    assert.equal(hour.reduce((n, b) => n + b.n, 0), minuteTotal);
    assert.equal(day.reduce((n, b) => n + b.n, 0), minuteTotal);
  });

  it('marks a statement in a language the scorer does not read unsupported: pushed, no score, no buckets', async () => {
    const before = t.store.metrics.range('global', 0, now + 60_000).reduce((n, b) => n + b.n, 0);
    const pushesBefore = seenAtCallback.length;
    const r = t.ingest.ingest(
      // Greek: no data/lexicon/el, so the scorer does not read it (Russian and Ukrainian it reads)
      [{ text: 'Αν στρατεύματα του ΝΑΤΟ εμφανιστούν σε ουκρανικό έδαφος, θα θεωρηθούν μαχητές και θα γίνουν στόχος.', speaker: 'Russia', publishedAt: now - 2000 }],
      { origin: 'api' },
    );
    const run = await t.worker.runOnce();
    assert.deepEqual({ scored: run.scored, unsupported: run.unsupported, failed: run.failed }, { scored: 0, unsupported: 1, failed: 0 });
    const s = t.store.statements.get(r.accepted[0]!.id)!;
    assert.deepEqual({ status: s.status, lang: s.lang, score: s.score, level: s.level }, { status: 'unsupported', lang: 'el', score: null, level: null });
    assert.deepEqual(seenAtCallback.slice(pushesBefore).flatMap((b) => b.ids), [s.id], 'pushed to the feed after commit');
    assert.equal(t.store.metrics.range('global', 0, now + 60_000).reduce((n, b) => n + b.n, 0), before, 'no metric contribution');
    assert.equal(t.store.db.prepare('SELECT COUNT(*) FROM statement_actors WHERE statement_id = ?').pluck().get(s.id), 0);
  });
});
