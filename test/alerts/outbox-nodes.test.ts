// engines chosen explicitly (PostgreSQL and/or SQLite whatever BRINKWATCH_TEST_STORE): one-pass
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { createStore, type Store } from '../../server/store/store.ts';
import { POSTGRES_URL, serviceMissing } from '../helpers/services.ts';
import { createTempSchema } from '../helpers/temp-store.ts';

/**
 * Several nodes drain one PostgreSQL outbox (issue 16): each delivery is leased by exactly one
 * node, and a node that dies mid-send leaves its lease to expire, after which another node
 * sends it (same delivery id: receivers de-duplicate on X-Brinkwatch-Delivery). Real separate
 * processes, because one process's synchronous connections take turns and never race.
 * SQLite is one node by design, so this file is PostgreSQL only, whatever BRINKWATCH_TEST_STORE.
 */

const NOW = 1_767_225_600_000; // the fixed clock every node claims at (2026-01-01)
const LEASE_MS = 60_000; // outbox-claimer.ts leases for this long
const CLAIMER = path.join(import.meta.dirname, 'outbox-claimer.ts');

interface Node {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  claimed: Promise<number[]>;
}

function startNode(schema: string, mode: 'drain' | 'hold', batch: number): Node {
  const child = spawn(process.execPath, ['--import', 'tsx', CLAIMER], {
    env: { ...process.env, OUTBOX_DATABASE_URL: POSTGRES_URL, OUTBOX_SCHEMA: schema, OUTBOX_MODE: mode, OUTBOX_NOW: String(NOW), OUTBOX_BATCH: String(batch) },
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const lines = readline.createInterface({ input: child.stdout });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`claimer exited (${code ?? signal}) before answering: ${stderr.slice(-800)}`))),
  );
  const line = (prefix: string) =>
    Promise.race([new Promise<string>((resolve) => lines.on('line', (l) => l.startsWith(prefix) && resolve(l))), exited]);
  return {
    child,
    ready: line('ready').then(() => undefined),
    claimed: line('claimed ').then((l) => JSON.parse(l.slice('claimed '.length)) as number[]),
  };
}

/** Fills the outbox of a fresh schema with `n` due deliveries of one alert event; returns their ids. */
function fillOutbox(store: Store, n: number): number[] {
  return store.transaction(() => {
    const ruleId = store.alerts.insertRule(
      {
        name: 'nodes', scope: 'global', window: '1h', metric: 'index', threshold: 60, recoverBelow: 50, forSeconds: 0,
        repeatSeconds: 0, minStatements: 1, severity: 'warning', channels: [{ type: 'webhook', url: 'http://receiver.example/hook' }], enabled: true,
      },
      NOW,
    );
    const alertId = store.alerts.insertAlert({
      ruleId, state: 'firing', scope: 'global', window: '1h', metric: 'index', severity: 'warning', threshold: 60, value: 70, startedAt: NOW, firedAt: NOW,
    });
    const eventId = store.alerts.insertEvent({
      alertId, at: NOW, kind: 'firing', fromState: null, toState: 'firing', value: 70, window: '1h', count: 1, threshold: 60, topStatements: [], note: null,
    });
    return Array.from({ length: n }, (_, i) =>
      store.alerts.insertDelivery({ alertId, eventId, channel: 'webhook', target: 'http://receiver.example/hook', format: 'json', payload: `{"n":${i}}`, now: NOW }),
    );
  });
}

describe('outbox on PostgreSQL shared by several nodes', () => {
  let skip: string | null = null;
  let temp: ReturnType<typeof createTempSchema> | null = null;
  let store: Store | null = null;
  const children: ChildProcessWithoutNullStreams[] = [];
  before(async () => {
    skip = await serviceMissing('postgres');
  });
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    store?.close();
    temp?.drop();
  });
  const open = (): Store => {
    temp = createTempSchema();
    store = createStore(POSTGRES_URL, { pg: { schema: temp.schema } });
    return store;
  };

  it('three nodes claiming at once lease every delivery exactly once', async (t) => {
    if (skip) return t.skip(skip);
    const s = open();
    const ids = fillOutbox(s, 240);
    // Small batches: many claims per node, so the nodes' claims overlap in time.
    const nodes = [0, 1, 2].map(() => startNode(temp!.schema, 'drain', 3));
    children.push(...nodes.map((n) => n.child));
    await Promise.all(nodes.map((n) => n.ready));
    for (const n of nodes) n.child.stdin.write('go\n');
    const claimed = await Promise.all(nodes.map((n) => n.claimed));
    const all = claimed.flat();
    assert.equal(all.length, new Set(all).size, `a delivery was leased twice (per node: ${claimed.map((c) => c.length).join(', ')})`);
    assert.deepEqual([...all].sort((a, b) => a - b), ids, 'every delivery was leased by some node');
    const rows = s.alerts.listDeliveries({ limit: 1000 });
    assert.equal(rows.filter((d) => d.status === 'delivered' && d.attempts === 1).length, ids.length, 'each sent once: one attempt each');
  });

  it("a node killed mid-send leaves its lease to expire; then another node sends those deliveries", async (t) => {
    if (skip) return t.skip(skip);
    const s = temp ? store! : open();
    const ids = fillOutbox(s, 8);
    const dying = startNode(temp!.schema, 'hold', 3);
    children.push(dying.child);
    await dying.ready;
    dying.child.stdin.write('go\n');
    const held = await dying.claimed;
    assert.equal(held.length, 3);
    dying.child.kill('SIGKILL');
    await new Promise((r) => dying.child.once('exit', r));

    const survivor = s.alerts.claimDueDeliveries(NOW, 100, LEASE_MS).map((d) => d.id);
    assert.deepEqual(survivor, ids.filter((id) => !held.includes(id)), 'the dead node\'s deliveries wait for their lease');
    for (const id of survivor) s.alerts.markDelivered(id, NOW);
    assert.deepEqual(s.alerts.claimDueDeliveries(NOW + LEASE_MS - 1, 100, LEASE_MS), [], 'nothing due before the lease ends');
    const retried = s.alerts.claimDueDeliveries(NOW + LEASE_MS, 100, LEASE_MS);
    assert.deepEqual(retried.map((d) => d.id), held, 'after the lease, in due order');
    assert.ok(retried.every((d) => d.attempts === 2), 'the lost attempt is counted');
  });
});
