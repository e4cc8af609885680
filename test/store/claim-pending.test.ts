import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createStore, type Store } from '../../server/store/store.ts';
import { createTempSchema, createTempStore, TEST_DATABASE_URL, TEST_STORE } from '../helpers/temp-store.ts';

const base = { externalId: null, speaker: null, source: null, url: null, publishedAt: null, receivedAt: 1, occurredAt: 1, origin: 'api' as const, isDemo: false };
const scored = { score: 10, level: 'low', actor: null, targets: [], mentioned: [], signals: [], scorerVersion: 't', scoredAt: 2 };

function addPending(store: Store, n: number, prefix: string): number[] {
  return Array.from({ length: n }, (_, i) => store.statements.insert({ ...base, dedupeKey: `${prefix}${i}`, text: `text ${prefix}${i}` }).id);
}

describe('withClaimedPending: the score job claim', () => {
  const t = createTempStore();
  after(() => t.cleanup());

  it('runs the work on the oldest pending statements in one transaction, and null without any', () => {
    const ids = addPending(t.store, 3, 'a');
    const got = t.store.statements.withClaimedPending(2, (pending) => {
      for (const p of pending) t.store.statements.saveScored(p.id, scored);
      return pending.map((p) => p.id);
    });
    assert.deepEqual(got, ids.slice(0, 2));
    assert.deepEqual(t.store.statements.claimPending(10).map((p) => p.id), [ids[2]]);
    t.store.statements.withClaimedPending(10, (pending) => pending.forEach((p) => t.store.statements.markFailed(p.id, 'x')));
    let called = false;
    assert.equal(t.store.statements.withClaimedPending(10, () => (called = true)), null);
    assert.equal(called, false, 'no work without pending statements');
  });

  it('rolls the batch back when the work throws', () => {
    const [id] = addPending(t.store, 1, 'b');
    assert.throws(() =>
      t.store.statements.withClaimedPending(10, (pending) => {
        t.store.statements.saveScored(pending[0]!.id, scored);
        throw new Error('scorer crashed mid-batch');
      }),
    );
    assert.equal(t.store.statements.get(id!)?.status, 'pending');
    t.store.statements.withClaimedPending(10, (pending) => pending.forEach((p) => t.store.statements.markFailed(p.id, 'x')));
  });
});

describe('saveScoredMany: a batch of scores', () => {
  const t = createTempStore();
  after(() => t.cleanup());

  it('saves each still-pending statement as saveScored does, with its actor and category rows', () => {
    const ids = addPending(t.store, 3, 's');
    t.store.statements.saveScored(ids[1]!, scored); // settled by "another node" first
    const signal = { category: 'threat_of_force', polarity: 'escalation', weight: 30, modality: 'asserted', text: 'x', start: 0, end: 1 };
    const f = (actor: string, targets: string[]) => ({ ...scored, score: 60, level: 'high', actor, targets, mentioned: targets, signals: [signal], lang: 'en' });
    const saved = t.store.transaction(() =>
      t.store.statements.saveScoredMany([{ id: ids[0]!, fields: f('Alpha', ['Beta', 'Gamma']) }, { id: ids[1]!, fields: f('Zeta', []) }, { id: ids[2]!, fields: f('Delta', []) }]),
    );
    assert.deepEqual(saved, [true, false, true]);
    const a = t.store.statements.get(ids[0]!)!;
    assert.equal(a.status, 'scored');
    assert.equal(a.speaker, 'Alpha');
    assert.deepEqual(a.targets, ['Beta', 'Gamma']);
    assert.equal(a.lang, 'en');
    assert.equal(t.store.statements.get(ids[1]!)!.score, 10, 'the row settled first is left as it was');
    assert.deepEqual(t.store.statements.list({ actor: 'gamma' }).map((s) => s.id), [ids[0]]);
    assert.deepEqual(t.store.statements.list({ category: 'threat_of_force' }).map((s) => s.id).sort(), [ids[0], ids[2]].sort());
    assert.deepEqual(t.store.statements.list({ actor: 'Zeta' }), []);
    assert.equal(t.store.db.prepare('SELECT COUNT(*) FROM statements WHERE id = ? AND export_head IS NOT NULL').pluck().get(ids[2]!), 1);
  });
});

describe('withClaimedPending on PostgreSQL: two nodes never claim the same statement', { skip: TEST_STORE !== 'postgres' && 'PostgreSQL store only (BRINKWATCH_TEST_STORE=postgres)' }, () => {
  it('a second connection skips the rows a first one holds, and takes them once it committed', () => {
    const temp = createTempSchema();
    const a = createStore(TEST_DATABASE_URL, { pg: { schema: temp.schema } });
    const b = createStore(TEST_DATABASE_URL, { pg: { schema: temp.schema } });
    try {
      const ids = addPending(a, 5, 'n');
      let seenByB: number[] | null = null;
      const seenByA = a.statements.withClaimedPending(2, (pending) => {
        // Node B claims while node A's transaction still holds its two rows.
        seenByB = b.statements.withClaimedPending(10, (other) => {
          for (const p of other) b.statements.saveScored(p.id, scored);
          return other.map((p) => p.id);
        });
        for (const p of pending) a.statements.saveScored(p.id, scored);
        return pending.map((p) => p.id);
      });
      assert.deepEqual(seenByA, ids.slice(0, 2));
      assert.deepEqual(seenByB, ids.slice(2), 'B skipped the locked rows instead of waiting or scoring them too');
      assert.equal(b.statements.withClaimedPending(10, () => true), null, 'nothing pending left: none skipped for good');
      assert.deepEqual(a.statements.countByStatus(), { pending: 0, scored: 5, failed: 0, unsupported: 0 });
    } finally {
      a.close();
      b.close();
      temp.drop();
    }
  });
});
