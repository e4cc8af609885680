import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import {
  CLAIM_COLUMNS_DDL, CLAIM_PENDING_SQL, MARK_FAILED_SQL, RELEASE_CLAIMS_SQL, SAVE_SCORED_SQL,
} from '../../server/store/pg/claim-sql.ts';
import { createTestDatabase } from './pg-test-database.ts';

// The columns the claim and settle statements touch, as the PostgreSQL store's statements table
// has them; `contributions` stands for the metric rows a scored statement adds (written in the
// same transaction, only when the conditional update changed the row).
const SCHEMA = `
  CREATE TABLE statements (
    id bigserial PRIMARY KEY, text text NOT NULL, speaker text, occurred_at bigint NOT NULL,
    is_demo boolean NOT NULL DEFAULT false, status text NOT NULL DEFAULT 'pending',
    score double precision, level text, actor text, targets text, mentioned text, signals text,
    scorer_version text, scored_at bigint, error text, export_head text, lang text
  );
  CREATE INDEX statements_pending ON statements (id) WHERE status = 'pending';
  ${CLAIM_COLUMNS_DDL};
  CREATE TABLE contributions (statement_id bigint NOT NULL, node text NOT NULL);`;

interface Claimed { id: string; text: string; speaker: string | null; occurredAt: string; isDemo: boolean }

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  return c;
}

async function claim(c: pg.Client, node: string, leaseMs: number, limit: number): Promise<Claimed[]> {
  return (await c.query<Claimed>(CLAIM_PENDING_SQL, [node, leaseMs, limit])).rows;
}

/** "Scores" a batch as the score job does: one transaction, metric rows only for rows this update settled. */
async function settle(c: pg.Client, node: string, batch: Claimed[]): Promise<number> {
  let settled = 0;
  await c.query('BEGIN');
  try {
    for (const s of batch) {
      const score = s.text.length % 100;
      const r = await c.query(SAVE_SCORED_SQL, [s.id, score, 'low', s.speaker, '[]', '[]', '[]', 'test-1', Date.now(), null, 'en']);
      if (r.rowCount === 1) {
        await c.query('INSERT INTO contributions (statement_id, node) VALUES ($1, $2)', [s.id, node]);
        settled++;
      }
    }
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  }
  return settled;
}

async function insertStatements(c: pg.Client, n: number, tag: string): Promise<void> {
  await c.query(
    `INSERT INTO statements (text, speaker, occurred_at) SELECT $1 || ' statement ' || g, 'Speaker ' || (g % 7), 1700000000000 + g FROM generate_series(1, $2::int) g`,
    [tag, n],
  );
}

test('4 concurrent nodes claim and score 5,000 statements: none twice, none skipped; expired claims are retaken', async (t) => {
  const db = await createTestDatabase(t, 'bw_claims');
  if (!db) return;
  const clients: pg.Client[] = [];
  try {
    const admin = await connect(db.url);
    clients.push(admin);
    await admin.query(SCHEMA);
    await insertStatements(admin, 5000, 'bulk');

    const workers = await Promise.all([1, 2, 3, 4].map(() => connect(db.url)));
    clients.push(...workers);
    const claimedBy = new Map<string, string[]>(); // statement id -> nodes that claimed it
    const perNode: Record<string, number> = {};
    const started = performance.now();
    await Promise.all(
      workers.map(async (c, i) => {
        const node = `node-${i + 1}`;
        perNode[node] = 0;
        for (;;) {
          const batch = await claim(c, node, 60_000, 50);
          if (batch.length === 0) break;
          for (const s of batch) claimedBy.set(s.id, [...(claimedBy.get(s.id) ?? []), node]);
          assert.deepEqual(batch.map((s) => Number(s.id)), batch.map((s) => Number(s.id)).sort((a, b) => a - b), 'a batch comes in id order');
          perNode[node] += await settle(c, node, batch);
        }
      }),
    );
    const elapsedMs = Math.round(performance.now() - started);
    t.diagnostic(`5000 statements claimed and settled by 4 clients in ${elapsedMs} ms: ${JSON.stringify(perNode)}`);

    const twice = [...claimedBy].filter(([, nodes]) => nodes.length > 1);
    assert.equal(twice.length, 0, `no statement claimed twice within its lease (first: ${JSON.stringify(twice.slice(0, 3))})`);
    assert.equal(claimedBy.size, 5000, 'every statement claimed');
    for (const [node, n] of Object.entries(perNode)) assert.ok(n > 0, `${node} took part (claims ran concurrently, not one client draining all)`);
    const counts = await admin.query<{ pending: string; scored: string; contributions: string; distinct: string; claims: string }>(`
      SELECT (SELECT count(*) FROM statements WHERE status = 'pending') AS pending,
             (SELECT count(*) FROM statements WHERE status = 'scored') AS scored,
             (SELECT count(*) FROM contributions) AS contributions,
             (SELECT count(DISTINCT statement_id) FROM contributions) AS distinct,
             (SELECT count(*) FROM statements WHERE claimed_by IS NOT NULL OR claimed_at IS NOT NULL) AS claims`);
    assert.deepEqual(counts.rows[0], { pending: '0', scored: '5000', contributions: '5000', distinct: '5000', claims: '0' });

    // A node that died mid-batch: its claims are 10 minutes old, so the next claimer takes them.
    // A live node's fresh claims are left alone until their lease runs out.
    await insertStatements(admin, 300, 'second');
    const second = await admin.query<{ id: string }>(`SELECT id FROM statements WHERE status = 'pending' ORDER BY id`);
    const ids = second.rows.map((r) => r.id);
    const deadIds = ids.slice(0, 100);
    const liveIds = ids.slice(100, 200);
    await admin.query(`UPDATE statements SET claimed_by = 'dead-node', claimed_at = (extract(epoch FROM now()) * 1000)::bigint - 600000 WHERE id = ANY($1::bigint[])`, [deadIds]);
    await admin.query(`UPDATE statements SET claimed_by = 'live-node', claimed_at = (extract(epoch FROM now()) * 1000)::bigint WHERE id = ANY($1::bigint[])`, [liveIds]);
    const retaken: string[] = [];
    await Promise.all(
      workers.map(async (c, i) => {
        for (;;) {
          const batch = await claim(c, `node-${i + 1}`, 60_000, 40);
          if (batch.length === 0) break;
          retaken.push(...batch.map((s) => s.id));
          await settle(c, `node-${i + 1}`, batch);
        }
      }),
    );
    assert.equal(retaken.length, 200, 'the dead node\'s 100 and the 100 unclaimed, each once');
    assert.deepEqual(new Set(retaken), new Set([...deadIds, ...ids.slice(200)]));
    const stillLive = await admin.query<{ id: string }>(`SELECT id FROM statements WHERE status = 'pending' AND claimed_by = 'live-node' ORDER BY id`);
    assert.deepEqual(stillLive.rows.map((r) => r.id), liveIds, 'claims within their lease are not taken');

    // The live node's lease runs out (150 ms here): they are taken again, and scored once.
    const lease = 150;
    await admin.query(`UPDATE statements SET claimed_at = (extract(epoch FROM now()) * 1000)::bigint WHERE claimed_by = 'live-node'`);
    assert.equal((await claim(workers[0]!, 'node-1', lease, 500)).length, 0, 'not before the lease ends');
    await new Promise((r) => setTimeout(r, lease + 100));
    const afterLease = await claim(workers[0]!, 'node-1', lease, 500);
    assert.deepEqual(afterLease.map((s) => s.id), liveIds);
    await settle(workers[0]!, 'node-1', afterLease);
    const final = await admin.query<{ pending: string; contributions: string; distinct: string }>(`
      SELECT (SELECT count(*) FROM statements WHERE status = 'pending') AS pending,
             (SELECT count(*) FROM contributions) AS contributions,
             (SELECT count(DISTINCT statement_id) FROM contributions) AS distinct`);
    assert.deepEqual(final.rows[0], { pending: '0', contributions: '5300', distinct: '5300' });
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    await db.drop();
  }
});

test('a late duplicate (lease expired while its node was slow) never counts twice', async (t) => {
  const db = await createTestDatabase(t, 'bw_claims_late');
  if (!db) return;
  const [slow, fast] = [await connect(db.url), await connect(db.url)];
  try {
    await slow.query(SCHEMA);
    await insertStatements(slow, 20, 'late');
    const slowBatch = await claim(slow, 'slow-node', 50, 20);
    assert.equal(slowBatch.length, 20);
    await new Promise((r) => setTimeout(r, 120)); // the slow node's lease (50 ms) runs out
    const fastBatch = await claim(fast, 'fast-node', 50, 20);
    assert.deepEqual(fastBatch.map((s) => s.id), slowBatch.map((s) => s.id), 'expired claims are retaken');
    assert.equal(await settle(fast, 'fast-node', fastBatch), 20);
    assert.equal(await settle(slow, 'slow-node', slowBatch), 0, 'the late node settles nothing');
    const failed = await slow.query(MARK_FAILED_SQL, [slowBatch[0]!.id, 'late error', null]);
    assert.equal(failed.rowCount, 0, 'a late failure does not overwrite a scored statement');
    const r = await slow.query<{ n: string; nodes: string[] }>(`SELECT count(*) AS n, array_agg(DISTINCT node) AS nodes FROM contributions`);
    assert.deepEqual(r.rows[0], { n: '20', nodes: ['fast-node'] });

    // A clean shutdown hands unsettled claims back at once.
    await insertStatements(slow, 5, 'release');
    assert.equal((await claim(slow, 'slow-node', 60_000, 10)).length, 5);
    assert.equal((await claim(fast, 'fast-node', 60_000, 10)).length, 0);
    assert.equal((await slow.query(RELEASE_CLAIMS_SQL, ['slow-node'])).rowCount, 5);
    assert.equal((await claim(fast, 'fast-node', 60_000, 10)).length, 5);
  } finally {
    await Promise.all([slow.end().catch(() => {}), fast.end().catch(() => {})]);
    await db.drop();
  }
});
