// engines chosen explicitly (PostgreSQL and/or SQLite whatever BRINKWATCH_TEST_STORE): one-pass
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import type pg from 'pg';
import { projectRoot } from '../../server/config/project-root.ts';
import { addScored, createTestAlerts, MIN } from '../alerts/fixtures.ts';
import { cliBundle } from '../helpers/cli-bundle.ts';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/pg-scratch-database.ts';
import { createTestApp } from '../helpers/test-app.ts';

const NOW = Date.UTC(2026, 0, 1, 12); // the alert fixtures' clock

async function runScript(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const bundle = await cliBundle('scripts/migrate-to-postgres.ts');
  return new Promise((resolve) => {
    execFile(process.execPath, [bundle, ...args], { cwd: projectRoot(), timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * A SQLite store as an installation has it: statements scored by the real scorer (and some left
 * pending, one in French, one in a language the scorer does not read), an alert that fired with its webhook
 * delivery and an attempt, accounts with a session, a token and a setup link, audit entries,
 * annotations and feedback. Returns the file, closed.
 */
async function buildInstallation(t: TestContext): Promise<string> {
  const app = createTestApp({ now: () => NOW, engine: 'sqlite' });
  t.after(app.cleanup);
  const { store } = app;
  const threats = [
    'Ruritania warned Borduria that it would strike its airfields if the convoys continued.',
    'The minister said the army will retaliate against any incursion across the border.',
    'Négociations suspended: Ruritania will mobilise reserves and close the straits.',
  ];
  const items = Array.from({ length: 45 }, (_, i) => ({
    text: `${threats[i % threats.length]} (report ${i})`,
    speaker: i % 2 ? 'Ruritania' : 'Minister Éva Novak',
    externalId: `wire-${i}`,
    publishedAt: NOW - (i + 1) * 20_000,
  }));
  items.push({ text: 'La situation à la frontière reste très tendue selon le ministre.', speaker: 'Quai', externalId: 'wire-fr', publishedAt: NOW - 5_000 });
  // Greek: a language the scorer does not read (status 'unsupported').
  items.push({ text: 'Αν στρατεύματα του ΝΑΤΟ εμφανιστούν σε ουκρανικό έδαφος, θα θεωρηθούν μαχητές και θα γίνουν στόχος.', speaker: 'Athens', externalId: 'wire-el', publishedAt: NOW - 4_000 });
  assert.equal(app.ingest.ingest(items, { origin: 'api' }).accepted.length, 47);
  const run = await app.worker.runOnce();
  assert.ok(run.scored >= 40, `scored ${run.scored}`);
  app.ingest.ingest([{ text: 'Still waiting for the scorer.', externalId: 'late-1' }], { origin: 'api' });

  const { alerts } = createTestAlerts(store, { now: () => NOW });
  const rule = await alerts.createRule({
    name: 'Any statement', scope: 'global', window: '1h', metric: 'count', threshold: 1, recoverBelow: 0, forSeconds: 0,
    repeatSeconds: 0, minStatements: 1, severity: 'critical', channels: [{ type: 'dashboard' }, { type: 'webhook', url: 'http://receiver.example/hook' }],
  });
  assert.ok(rule.ok);
  addScored(store, { occurredAt: NOW - MIN, score: 80, speaker: 'Ruritania', targets: ['Borduria'], categories: ['threat'] });
  alerts.evaluate(NOW);
  alerts.evaluate(NOW + 1000);
  const [delivery] = alerts.deliveries({});
  assert.ok(delivery, 'the alert fired with a webhook delivery');
  store.alerts.recordAttempt({ deliveryId: delivery.id, at: NOW + 2000, ok: true, statusCode: 204, error: null, durationMs: 12 });
  store.alerts.markDelivered(delivery.id, NOW + 2000);

  const userId = store.accounts.add('Élodie', 'admin', 'scrypt$16384$8$1$c2FsdA$aGFzaA', NOW)!;
  store.accounts.add('ana', 'analyst', 'scrypt$16384$8$1$c2FsdB$aGFzaB', NOW);
  store.sessions.addSession({ secretHash: Buffer.alloc(32, 7), userId, csrfToken: 'csrf-1', now: NOW, expiresAt: NOW + 3_600_000, ip: '10.0.0.9', userAgent: 'test' });
  store.sessions.addToken({ secretHash: Buffer.alloc(32, 9), userId, name: 'ci', role: 'viewer', prefix: 'bw_abcd', now: NOW, expiresAt: NOW + 86_400_000 });
  store.accounts.addSetupLink(Buffer.alloc(32, 1), NOW, NOW + 86_400_000);
  store.audit.record({ at: NOW, actorId: userId, actorName: 'Élodie', action: 'user.add', target: 'ana', outcome: 'ok', ip: '10.0.0.9', detail: null });
  store.annotations.add({ at: NOW - 30 * MIN, note: 'ceasefire signed', scope: null, createdBy: 'Élodie', createdAt: NOW });
  const first = store.db.prepare(`SELECT id FROM statements WHERE status = 'scored' ORDER BY id LIMIT 1`).pluck().get() as number;
  assert.ok(store.feedback.add({ statementId: first, suggestedLevel: 'high', reason: 'explicit threat', author: 'ana', createdAt: NOW }));
  store.close();
  return path.join(app.dir, 'test.db');
}

const STATEMENT_COLUMNS = 'id, dedupe_key, external_id, text, speaker, source, url, published_at, received_at, occurred_at, origin, is_demo, status, score, level, actor, targets, signals, mentioned, scorer_version, scored_at, error, export_head, lang';

/** A PostgreSQL row with its BIGINT strings as numbers, to compare with better-sqlite3's. */
const numbersOf = (row: Record<string, unknown>, ints: string[]) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, ints.includes(k) && v !== null ? Number(v) : v]));

test('npm run migrate-to-postgres copies an installation with counts checked, and refuses to copy twice', async (t) => {
  const scratch = await createScratchDatabase('bw_migrate_');
  if (!scratch.ok) return t.skip(scratch.skip);
  t.after(() => scratch.db.drop());
  const file = await buildInstallation(t);

  const r = await runScript(['--from', file, '--to', scratch.db.url]);
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}`);
  assert.match(r.stderr, /every count matches/);
  const printed = new Map(r.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/)).map(([table, s, p]) => [table!, [Number(s), Number(p)]]));
  for (const table of ['statements', 'statement_actors', 'statement_categories', 'metric_buckets', 'alerts', 'alert_events', 'alert_deliveries', 'alert_delivery_attempts', 'users', 'sessions', 'api_tokens', 'setup_links', 'audit_log', 'annotations', 'statement_feedback']) {
    const [s, p] = printed.get(table) ?? [];
    assert.ok(s! > 0 && s === p, `${table}: sqlite ${s}, postgres ${p}`);
  }

  const Database = (await import('better-sqlite3')).default;
  const sqlite = new Database(file, { readonly: true });
  t.after(() => sqlite.close());
  const client = await scratch.db.connect();
  try {
    await checkCopy(sqlite, client);
  } finally {
    await client.end();
  }

  const again = await runScript(['--from', file, '--to', scratch.db.url]);
  assert.equal(again.code, 1);
  // 49 copied and one written by checkCopy().
  assert.match(again.stderr, /already holds data \(.*statements: 50 rows/);
  assert.equal(Number((await scratchCount(scratch.db, 'statements'))), 50, 'the refused run wrote nothing');
});

async function scratchCount(db: ScratchDatabase, table: string): Promise<number> {
  const c = await db.connect();
  try {
    return Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    await c.end();
  }
}

async function checkCopy(sqlite: import('better-sqlite3').Database, client: pg.Client): Promise<void> {
  const ints = ['id', 'published_at', 'received_at', 'occurred_at', 'scored_at', 'user_id', 'created_at', 'expires_at'];
  // Every statement, column for column (ids kept; scores are the same doubles).
  const sqliteRows = sqlite.prepare(`SELECT ${STATEMENT_COLUMNS} FROM statements ORDER BY id`).all();
  const pgRows = (await client.query(`SELECT ${STATEMENT_COLUMNS} FROM statements ORDER BY id`)).rows.map((row) => numbersOf(row, ints));
  assert.equal(pgRows.length, 49);
  assert.deepEqual(pgRows, sqliteRows);
  assert.deepEqual(new Set(pgRows.map((row) => row.status)), new Set(['scored', 'pending', 'unsupported']));

  // Binary digests, case-insensitive names, the delivered outbox row.
  const session = (await client.query('SELECT secret_hash, user_id FROM sessions')).rows[0];
  assert.deepEqual(session.secret_hash, Buffer.alloc(32, 7));
  assert.equal((await client.query(`SELECT name FROM users WHERE name = 'ÉLODIE'`)).rows[0]?.name, 'Élodie');
  const delivery = (await client.query(`SELECT status, payload FROM alert_deliveries`)).rows[0];
  assert.equal(delivery.status, 'delivered');
  assert.equal(delivery.payload, sqlite.prepare('SELECT payload FROM alert_deliveries').pluck().get());

  // Search vectors rebuilt for settled statements only; the counts rebuilt exact.
  const found = await client.query(`SELECT count(*) AS n FROM statements WHERE search @@ plainto_tsquery('simple', search_fold('negociations straits'))`);
  assert.equal(Number(found.rows[0].n), 15);
  assert.equal(Number((await client.query(`SELECT count(*) AS n FROM statements WHERE status = 'pending' AND search IS NOT NULL`)).rows[0].n), 0);
  const counts = (await client.query('SELECT status, lang, n FROM statement_lang_counts WHERE n > 0 ORDER BY status, lang')).rows;
  const recount = (await client.query(`SELECT status, COALESCE(lang, '') AS lang, count(*)::int AS n FROM statements GROUP BY 1, 2 ORDER BY 1, 2`)).rows;
  assert.deepEqual(counts, recount);

  // Identities continue after the copied ids, and the count triggers are back on.
  const maxId = Number((await client.query('SELECT max(id) AS m FROM annotations')).rows[0].m);
  const added = await client.query(`INSERT INTO annotations (at, note, created_by, created_at) VALUES (1, 'after', 'x', 1) RETURNING id`);
  assert.equal(Number(added.rows[0].id), maxId + 1);
  await client.query(`INSERT INTO statements (dedupe_key, text, received_at, occurred_at, origin) VALUES ('after', 'after the move', 1, 1, 'api')`);
  const pendingCount = (await client.query(`SELECT n FROM statement_lang_counts WHERE status = 'pending' AND lang = ''`)).rows[0].n;
  assert.equal(pendingCount, recount.find((row) => row.status === 'pending' && row.lang === '')!.n + 1);
}

test('migrate-to-postgres explains a missing file, a file that is not Brinkwatch, and a server it cannot reach', async (t) => {
  const app = createTestApp({ engine: 'sqlite' });
  t.after(app.cleanup);
  const missing = await runScript(['--from', path.join(app.dir, 'nope.db'), '--to', 'postgres://postgres@127.0.0.1:5432/x']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file: .*nope\.db/);

  const notes = path.join(app.dir, 'notes.txt');
  fs.writeFileSync(notes, 'shopping list\n'.repeat(200));
  const notDb = await runScript(['--from', notes, '--to', 'postgres://postgres@127.0.0.1:5432/x']);
  assert.equal(notDb.code, 2);
  assert.match(notDb.stderr, /is not a SQLite database/);

  const usage = await runScript(['--from', notes]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--from and --to are both required/);

  // A port nothing listens on: taken from the OS, then released.
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  app.store.close();
  const unreachable = await runScript(['--from', path.join(app.dir, 'test.db'), '--to', `postgres://postgres:secret-pw@127.0.0.1:${port}/brinkwatch`]);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, new RegExp(`cannot connect to PostgreSQL at postgres://postgres@127\\.0\\.0\\.1:${port}/brinkwatch`));
  assert.doesNotMatch(unreachable.stderr, /secret-pw/, 'the password is never printed');
});
