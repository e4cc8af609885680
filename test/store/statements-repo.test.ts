import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { normalizeStatement } from '../../server/ingest/statement-input.ts';
import { createTempStore, TEST_STORE } from '../helpers/temp-store.ts';

describe('statements repository on a real SQLite file', () => {
  const t = createTempStore();
  const { store } = t;
  after(() => t.cleanup());

  const add = (text: string, extra: Record<string, unknown> = {}, receivedAt = Date.UTC(2026, 0, 1)) => {
    const n = normalizeStatement({ text, ...extra }, { origin: 'api', receivedAt });
    assert.ok(n.ok);
    return store.statements.insert(n.value);
  };

  before(() => {
    // PostgreSQL (BRINKWATCH_TEST_STORE=postgres) has no such settings: the rest runs on both.
    if (TEST_STORE === 'postgres') return;
    const db = store.db;
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  });

  it('stores a statement as pending and the same statement twice only once', () => {
    const a = add('Alpha threatens Beta', { speaker: 'Alpha', publishedAt: '2025-12-31T00:00:00Z' });
    const b = add('Alpha threatens Beta', { speaker: 'Alpha', publishedAt: '2025-12-31T00:00:00Z' });
    assert.equal(a.duplicate, false);
    assert.equal(b.duplicate, true);
    assert.equal(b.id, a.id);
    assert.equal(store.statements.get(a.id)?.status, 'pending');
    const byExt1 = add('one text', { externalId: 'x-1' });
    const byExt2 = add('another text, same external id', { externalId: 'x-1' });
    assert.equal(byExt2.id, byExt1.id);
  });

  it('claims pending statements, saves scores and filters by actor, category and score', () => {
    const pending = store.statements.claimPending(100);
    assert.ok(pending.length >= 2);
    store.transaction(() => {
      store.statements.saveScored(pending[0]!.id, {
        score: 72, level: 'high', actor: 'Alpha', targets: ['Beta'], mentioned: ['Alpha', 'Beta'], scorerVersion: 't1', scoredAt: 1,
        signals: [{ category: 'threat_of_force', polarity: 'escalation', weight: 30, modality: 'asserted', text: 'threatens', start: 6, end: 15 }],
      });
    });
    assert.equal(store.statements.claimPending(100).length, pending.length - 1);
    assert.equal(store.statements.list({ actor: 'beta' }).length, 1, 'actor filter matches targets, case-insensitively');
    assert.equal(store.statements.list({ actor: 'Alpha' }).length, 1);
    assert.equal(store.statements.list({ category: 'threat_of_force' }).length, 1);
    assert.equal(store.statements.list({ minScore: 80 }).length, 0);
    const v = store.statements.get(pending[0]!.id)!;
    assert.equal(v.speaker, 'Alpha');
    assert.deepEqual(v.targets, ['Beta']);
    assert.equal(v.signals[0]!.category, 'threat_of_force');
    assert.deepEqual(store.statements.countByStatus(), { pending: pending.length - 1, scored: 1, failed: 0, unsupported: 0 });
    assert.equal(store.statements.hasPending(), true);
    store.transaction(() => {
      for (const p of store.statements.claimPending(100)) store.statements.markFailed(p.id, 'test');
    });
    assert.equal(store.statements.hasPending(), false, 'none pending once every one is scored or failed');
  });

  it('insertScored stores a statement already scored, with actor and category rows; a duplicate is left as it was', () => {
    const n = normalizeStatement({ text: 'Gamma warns Delta', speaker: 'Gamma', externalId: 'scored-1' }, { origin: 'cli', receivedAt: Date.UTC(2026, 0, 2) });
    assert.ok(n.ok);
    const fields = {
      score: 55, level: 'elevated', actor: 'Gamma', targets: ['Delta'], mentioned: ['Gamma', 'Delta'], scorerVersion: 't1', scoredAt: 2,
      signals: [{ category: 'threat_of_force', polarity: 'escalation', weight: 20, modality: 'asserted', text: 'warns', start: 6, end: 11 }],
    };
    const first = store.transaction(() => store.statements.insertScored(n.value, fields));
    assert.equal(first.duplicate, false);
    const v = store.statements.get(first.id)!;
    assert.deepEqual([v.status, v.score, v.level, v.speaker, v.targets, v.scorerVersion], ['scored', 55, 'elevated', 'Gamma', ['Delta'], 't1']);
    assert.deepEqual(v.signals, fields.signals);
    assert.ok(store.statements.list({ actor: 'Delta' }).some((s) => s.id === first.id));
    assert.ok(store.statements.list({ category: 'threat_of_force' }).some((s) => s.id === first.id));

    const again = store.transaction(() => store.statements.insertScored(n.value, { ...fields, score: 99, level: 'severe' }));
    assert.deepEqual(again, { id: first.id, duplicate: true });
    assert.equal(store.statements.get(first.id)!.score, 55, 'the stored statement is not overwritten');
    assert.equal(store.statements.saveScored(first.id, fields), false, 'and, already scored, it is not scored again');
  });

  it('pages newest first with a keyset cursor, without gaps or repeats', () => {
    for (let i = 0; i < 25; i++) add(`paged statement ${i}`, { publishedAt: new Date(Date.UTC(2025, 11, 1) + (i % 5) * 1000).toISOString() });
    const seen: number[] = [];
    let before: { occurredAt: number; id: number } | undefined;
    for (;;) {
      const page = store.statements.list({ limit: 7, before });
      if (page.length === 0) break;
      seen.push(...page.map((s) => s.id));
      const last = page[page.length - 1]!;
      before = { occurredAt: Date.parse(last.occurredAt), id: last.id };
    }
    assert.equal(seen.length, store.statements.count());
    assert.equal(new Set(seen).size, seen.length);
  });

  it('insertMany stores a batch in order with the outcomes insert() gives, a key repeated in the batch once', () => {
    const mk = (text: string, externalId: string) => {
      const n = normalizeStatement({ text, externalId, speaker: 'Gamma' }, { origin: 'api', receivedAt: Date.UTC(2026, 0, 2) });
      assert.ok(n.ok);
      return n.value;
    };
    const known = store.statements.insert(mk('already stored', 'm-0'));
    const batch = [mk('first new', 'm-1'), mk('already stored again', 'm-0'), mk("second new, it's \\ \"quoted\"", 'm-2'), mk('first new repeated', 'm-1'), mk('third new', 'm-3')];
    const out = store.statements.insertMany(batch);
    assert.deepEqual(out.map((o) => o.duplicate), [false, true, false, true, false]);
    assert.equal(out[1]!.id, known.id);
    assert.equal(out[3]!.id, out[0]!.id);
    assert.ok(out[0]!.id < out[2]!.id && out[2]!.id < out[4]!.id, 'ids follow the batch order');
    const stored = store.statements.get(out[2]!.id)!;
    assert.equal(stored.text, "second new, it's \\ \"quoted\"");
    assert.equal(stored.status, 'pending');
    assert.equal(stored.externalId, 'm-2');
    assert.equal(store.db.prepare('SELECT export_head IS NOT NULL FROM statements WHERE id = ?').pluck().get(out[4]!.id), 1);
    assert.deepEqual(store.statements.insertMany([]), []);
    // What insert() would have said for each, after the fact.
    for (const [i, s] of batch.entries()) assert.deepEqual(store.statements.insert(s), { id: out[i]!.id, duplicate: true });
  });
});
