import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { buildStatementQuery } from '../../server/store/statement-query.ts';
import { chooseScopePlan } from '../../server/store/scope-filter.ts';
import { TEST_STORE } from '../helpers/temp-store.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { createExportApp, DAY, HOUR, MINUTE } from './export-fixtures.ts';

/**
 * The statements of a scope (GET /api/statements and GET /api/export/statements.csv with
 * `scope=`) are exactly the statements that scope's metrics count: checked against a
 * brute-force recomputation from the raw statement rows (the metrics README's definition,
 * written here independently of scopesFor and of the SQL) and against the stored metric
 * buckets, over random histories scored by the real scorer.
 */

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

// Deterministic PRNG (mulberry32): a failure reproduces.
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACTORS = ['Russia', 'Ukraine', 'China', 'Iran', 'Israel', 'Poland', 'NATO', 'United States'];
const TEMPLATES = [
  (a: string, b: string) => `${a} warned ${b} that it would strike its airfields if the deliveries continued.`,
  (a: string, b: string) => `${a} accused ${b} of an attack on its embassy and vowed to respond.`,
  (a: string, b: string) => `${a} and ${b} agreed to resume talks in Geneva next week.`,
  (a: string) => `${a} will deploy additional troops to the border, officials said.`,
  (a: string, b: string) => `${a} announced a ceasefire with ${b} and the release of prisoners.`,
  () => 'The weather in Lisbon will be sunny all week.',
  (a: string, b: string) => `${a} threatened ${b} with nuclear weapons if the blockade is not lifted immediately.`,
];

interface RawRow {
  id: number;
  status: string;
  occurred_at: number;
  actor: string | null;
  targets: string | null;
  signals: string | null;
}

/** The metrics README's scopes of one stored statement, from its raw columns. */
function scopesOfRaw(r: RawRow): Set<string> {
  const scopes = new Set<string>();
  if (r.status !== 'scored') return scopes; // only scored statements count in any metric
  scopes.add('global');
  if (r.actor) scopes.add(`actor:${r.actor}`);
  for (const t of JSON.parse(r.targets ?? '[]') as string[]) if (r.actor && t !== r.actor) scopes.add(`dyad:${r.actor}>${t}`);
  for (const s of JSON.parse(r.signals ?? '[]') as Array<{ category: string }>) scopes.add(`category:${s.category}`);
  return scopes;
}

describe('statements of a scope = the statements its metrics count (brute force)', () => {
  const t = createTestApp({ now: () => NOW });
  const { app: exportApp } = createExportApp(t.store, { now: () => NOW });
  let raw: RawRow[] = [];

  before(async () => {
    const random = rng(11);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    const make = (n: number) =>
      Array.from({ length: n }, (_, i) => {
        const a = pick(ACTORS);
        let b = pick(ACTORS);
        if (b === a) b = ACTORS[(ACTORS.indexOf(a) + 1) % ACTORS.length]!;
        // Bursts and gaps: a third of the statements fall in two busy hours.
        const at = random() < 0.33 ? NOW - (random() < 0.5 ? 2 : 30) * HOUR + Math.floor(random() * HOUR) : NOW - Math.floor(random() * 10 * DAY);
        // Sometimes the given speaker is not the one the text names first: the speaker wins.
        const speaker = random() < 0.7 ? a : random() < 0.5 ? b : undefined;
        return { text: `${pick(TEMPLATES)(a, b)} (#${i}-${Math.floor(random() * 1e9)})`, speaker, publishedAt: new Date(at).toISOString() };
      });
    for (let i = 0; i < 4; i++) {
      t.ingest.ingest(make(100), { origin: 'api' });
      await t.worker.runOnce();
    }
    // Some stay pending: they count in no metric, so in no scope.
    t.ingest.ingest(make(20), { origin: 'api' });
    raw = t.store.db.prepare('SELECT id, status, occurred_at, actor, targets, signals FROM statements').all() as RawRow[];
    assert.equal(raw.length, 420);
    assert.equal(raw.filter((r) => r.status === 'pending').length, 20);
  });
  after(() => t.cleanup());

  function expectedIds(scope: string, from: number, to: number): number[] {
    return raw
      .filter((r) => r.occurred_at >= from && r.occurred_at < to && scopesOfRaw(r).has(scope))
      .sort((x, y) => y.occurred_at - x.occurred_at || y.id - x.id)
      .map((r) => r.id);
  }

  function bucketCount(scope: string, from: number, to: number): number {
    const row = t.store.db
      .prepare('SELECT COALESCE(SUM(n), 0) AS n FROM metric_buckets WHERE scope = ? AND bucket_start >= ? AND bucket_start < ?')
      .get(scope, from, to) as { n: number };
    return row.n;
  }

  async function exportedIds(scope: string, from: number, to: number): Promise<number[]> {
    const res = await request(exportApp).get('/api/export/statements.csv').query({ scope, from, to });
    assert.equal(res.status, 200, res.text);
    const rows = parse(res.text, { record_delimiter: '\r\n' }) as string[][];
    assert.equal(rows[0]![0], 'id');
    return rows.slice(1).map((r) => Number(r[0]));
  }

  async function listedIds(scope: string, from: number, to: number): Promise<number[]> {
    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await request(t.app)
        .get('/api/statements')
        .query({ scope, from, to, limit: 37, ...(cursor ? { cursor } : {}) });
      assert.equal(res.status, 200, res.text);
      ids.push(...res.body.statements.map((s: { id: number }) => s.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    return ids;
  }

  /** Every scope that has data, plus some that have none. */
  function scopesToCheck(): string[] {
    const all = new Set<string>();
    for (const r of raw) for (const s of scopesOfRaw(r)) all.add(s);
    const byKind = (k: string) => [...all].filter((s) => s.startsWith(k)).sort();
    assert.ok(byKind('actor:').length >= 6 && byKind('dyad:').length >= 20 && byKind('category:').length >= 6, [...all].join(' '));
    return [...all, 'actor:Atlantis', 'dyad:Russia>Russia', 'category:no-such-category', 'actor:russia'];
  }

  const RANGES: Array<[string, number, number]> = [
    ['the last 24 h (minute-aligned, as the dashboard sends it)', NOW - DAY, NOW],
    ['the last 7 days', NOW - 7 * DAY, NOW],
    ['30 days', NOW - 30 * DAY, NOW + MINUTE],
    ['an odd window', NOW - 3 * DAY + 17 * MINUTE, NOW - 29 * HOUR - 3 * MINUTE],
  ];

  for (const [label, from, to] of RANGES) {
    it(`exports and lists exactly the counted statements of every scope over ${label}`, async () => {
      let nonEmpty = 0;
      for (const scope of scopesToCheck()) {
        const expected = expectedIds(scope, from, to);
        if (expected.length > 0) nonEmpty++;
        const exported = await exportedIds(scope, from, to);
        assert.deepEqual(exported, expected, `export of ${scope}`);
        assert.equal(new Set(exported).size, exported.length, `no row twice in ${scope}`);
        // The metrics themselves count the same statements in the same minutes.
        assert.equal(exported.length, bucketCount(scope, from, to), `metric buckets of ${scope}`);
        assert.deepEqual(await listedIds(scope, from, to), expected, `GET /api/statements of ${scope}`);
      }
      assert.ok(nonEmpty >= 20, `enough scopes with data to mean something (${nonEmpty})`);
    });
  }

  it('finds the same statements whichever plan reads them (time index or scope lookup), paged or not', () => {
    const chosen = new Set<string>();
    for (const [, from, to] of RANGES) {
      for (const scope of scopesToCheck()) {
        const expected = expectedIds(scope, from, to);
        for (const limit of [undefined, 5]) {
          const filter = { scope, from, to, limit };
          chosen.add(chooseScopePlan(t.store.db, filter));
          for (const plan of ['time', 'lookup'] as const) {
            const { sql, params } = buildStatementQuery(filter, 's.id', plan);
            const ids = t.store.db.prepare(sql).pluck().all(params) as number[];
            assert.deepEqual(ids, limit === undefined ? expected : expected.slice(0, limit), `${scope} by ${plan}, limit ${limit}`);
          }
        }
      }
    }
    // PostgreSQL's planner chooses for itself (scope-filter.ts): one plan, whatever the data.
    assert.deepEqual([...chosen].sort(), TEST_STORE === 'postgres' ? ['postgres'] : ['lookup', 'time'], 'both plans are chosen on this data');
  });

  it('combines a scope with the other filters (AND)', async () => {
    const res = await request(exportApp).get('/api/export/statements.csv').query({ scope: 'category:accusation', minScore: 50, from: NOW - 10 * DAY, to: NOW + MINUTE });
    const rows = (parse(res.text, { record_delimiter: '\r\n' }) as string[][]).slice(1);
    const expected = raw.filter((r) => scopesOfRaw(r).has('category:accusation')).map((r) => r.id);
    const scores = new Map(
      (t.store.db.prepare("SELECT id, score FROM statements WHERE status = 'scored'").all() as Array<{ id: number; score: number }>).map((r) => [r.id, r.score]),
    );
    const want = expected.filter((id) => scores.get(id)! >= 50).sort((a, b) => a - b);
    assert.ok(want.length > 0);
    assert.deepEqual(rows.map((r) => Number(r[0])).sort((a, b) => a - b), want);
  });

  it('refuses a malformed scope, or a scope with a status it cannot count, naming the parameter', async () => {
    for (const [path, query, message] of [
      ['/api/export/statements.csv', { scope: 'russia' }, /scope: must be global, actor:NAME/],
      ['/api/export/statements.csv', { scope: 'actor:' }, /scope: must be global/],
      ['/api/export/statements.csv', { scope: 'dyad:Russia' }, /scope: must be global/],
      ['/api/export/statements.csv', { scope: ['global', 'actor:Russia'] }, /scope: must be given once/],
      ['/api/export/statements.csv', { scope: 'global', status: 'pending' }, /status: a scope selects the statements its metrics count/],
      ['/api/statements', { scope: 'all' }, /scope: must be global/],
      ['/api/statements', { scope: 'actor:Russia', status: 'failed' }, /status: .*cannot be combined with scope/],
    ] as const) {
      const app = path === '/api/statements' ? t.app : exportApp;
      const res = await request(app).get(path).query(query);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(query)}`);
      assert.equal(res.body.error.code, 'invalid-query');
      assert.match(res.body.error.message, message);
    }
    const ok = await request(exportApp).get('/api/export/statements.csv').query({ scope: 'global', status: 'scored' });
    assert.equal(ok.status, 200);
  });
});
