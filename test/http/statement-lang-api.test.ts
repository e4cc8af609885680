import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createExportService } from '../../server/export/export-service.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { createExportRoutes } from '../../server/http/export-routes.ts';
import { createTestApp, TEST_TOKEN } from '../helpers/test-app.ts';

const auth = { authorization: `Bearer ${TEST_TOKEN}` };
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const NATO_EN = 'If NATO troops appear on Ukrainian soil, they will be considered combatants and targeted accordingly.';
// Greek: a language without data in data/lexicon (Russian and Ukrainian are read since the languages issue)
const NATO_RU = 'Αν στρατεύματα του ΝΑΤΟ εμφανιστούν σε ουκρανικό έδαφος, θα θεωρηθούν μαχητές και θα γίνουν στόχος.';

describe('statements in a language the scorer does not read (HTTP)', () => {
  const t = createTestApp({ now: () => NOW });
  const exportsApp = createHttpApp({
    logger: createSilentLogger(),
    clientDir: '/nonexistent',
    routers: [createExportRoutes({ exports: createExportService({ openReader: () => t.store.openReader() }), limits: { maxRangeMs: 366 * 86_400_000, now: () => NOW } })],
    health: () => ({}),
  });
  after(() => t.cleanup());

  before(async () => {
    for (const [text, i] of [[NATO_EN, 1], [NATO_RU, 2], ['Both sides agreed to a ceasefire and to exchange prisoners.', 3]] as const) {
      const res = await request(t.app).post('/api/statements').set(auth).send({ text, speaker: 'Russia', publishedAt: new Date(NOW - i * 60_000).toISOString() });
      assert.equal(res.status, 202);
    }
    await t.worker.runOnce();
  });

  it('GET /api/statements shows lang and the unsupported status, without a score', async () => {
    const res = await request(t.app).get('/api/statements');
    assert.equal(res.status, 200);
    const byText = new Map(res.body.statements.map((s: { text: string }) => [s.text, s]));
    const ru = byText.get(NATO_RU) as Record<string, unknown>;
    assert.deepEqual({ status: ru.status, lang: ru.lang, score: ru.score, level: ru.level, signals: ru.signals }, { status: 'unsupported', lang: 'el', score: null, level: null, signals: [] });
    const en = byText.get(NATO_EN) as Record<string, unknown>;
    assert.equal(en.status, 'scored');
    assert.equal(en.lang, 'en');
  });

  it('filters by lang and by status=unsupported; a bad lang or status is a 400 naming it', async () => {
    const ru = await request(t.app).get('/api/statements?lang=el');
    assert.deepEqual(ru.body.statements.map((s: { text: string }) => s.text), [NATO_RU]);
    const unsupported = await request(t.app).get('/api/statements?status=unsupported');
    assert.deepEqual(unsupported.body.statements.map((s: { lang: string }) => s.lang), ['el']);
    const en = await request(t.app).get('/api/statements?lang=en');
    assert.equal(en.body.statements.length, 2);
    const bad = await request(t.app).get('/api/statements?lang=russian');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /lang/);
    const badStatus = await request(t.app).get('/api/statements?status=ignored');
    assert.equal(badStatus.status, 400);
    assert.match(badStatus.body.error.message, /unsupported/);
  });

  it('counts the unsupported status in health and adds nothing to the metrics', async () => {
    const health = await request(t.app).get('/api/health');
    assert.equal(health.body.statements.unsupported, 1);
    assert.equal(health.body.statements.scored, 2);
    const current = await request(t.app).get('/api/metrics/current');
    assert.equal(current.body.windows['1h'].count, 2, 'the 1 h window counts the two English statements only');
    const n = t.store.db.prepare("SELECT SUM(n) FROM metric_buckets WHERE scope = 'global'").pluck().get();
    assert.equal(n, 2);
  });

  it('statements.csv has status and lang columns, filters by them, and matches the API', async () => {
    const res = await request(exportsApp).get('/api/export/statements.csv?from=2026-11-26T00:00:00Z&to=2026-11-27T00:00:00Z').buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    assert.equal(res.status, 200);
    const rows = parse(res.body as Buffer, { record_delimiter: '\r\n' }) as string[][];
    const header = rows[0]!;
    assert.deepEqual(header.slice(-3), ['status', 'lang', 'text']);
    const ru = rows.find((r) => r[header.indexOf('text')] === NATO_RU)!;
    assert.deepEqual([ru[header.indexOf('status')], ru[header.indexOf('lang')], ru[header.indexOf('score')]], ['unsupported', 'el', '']);
    const only = await request(exportsApp).get('/api/export/statements.csv?from=2026-11-26T00:00:00Z&to=2026-11-27T00:00:00Z&lang=el&status=unsupported');
    const onlyRows = parse(only.text, { record_delimiter: '\r\n' }) as string[][];
    assert.equal(onlyRows.length, 2);
    assert.equal(onlyRows[1]![header.indexOf('text')], NATO_RU);
  });
});

describe('a mixed-language statement (HTTP)', () => {
  const t = createTestApp({ now: () => NOW });
  after(() => t.cleanup());
  // Russian, with a long English quote: read as Russian, and the API says it is mixed
  const MIXED =
    'Лавров ответил журналистам на вопрос о заявлении, которое он назвал провокацией: "We will respond with force if the convoy crosses the border", после чего напомнил о переговорах.';
  const PLAIN_RU = 'Если войска НАТО появятся на украинской земле, они будут считаться комбатантами и станут законной целью.';

  before(async () => {
    for (const [text, i] of [[MIXED, 1], [PLAIN_RU, 2], [NATO_EN, 3]] as const) {
      const res = await request(t.app).post('/api/statements').set(auth).send({ text, publishedAt: new Date(NOW - i * 60_000).toISOString() });
      assert.equal(res.status, 202);
    }
    await t.worker.runOnce();
  });

  it('GET /api/statements and GET /api/statements/:id give langMixed: the other scripts of a mixed text, null otherwise', async () => {
    const res = await request(t.app).get('/api/statements');
    type Row = { id: number; text: string; status: string; lang: string; langMixed: unknown };
    const byText = new Map((res.body.statements as Row[]).map((s) => [s.text, s]));
    const mixed = byText.get(MIXED)!;
    assert.deepEqual([mixed.status, mixed.lang, mixed.langMixed], ['scored', 'ru', ['Latin']]);
    assert.equal(byText.get(PLAIN_RU)!.langMixed, null, 'one Latin acronym does not make a text mixed');
    assert.equal(byText.get(NATO_EN)!.langMixed, null);
    const one = await request(t.app).get(`/api/statements/${mixed.id}`);
    assert.deepEqual(one.body.langMixed ?? one.body.statement?.langMixed, ['Latin']);
  });
});
